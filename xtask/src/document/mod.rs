//! The Markdown API document → a typed [`Document`].
//!
//! The document format is Roblox's feature reference page (one per feature:
//! inventories, badges, game passes, …, all written by one generator from
//! Roblox's OpenAPI file). Everything here is read from the text; nothing about
//! the API is hard-coded. What the format cannot say is asked of the overlay.
//!
//! # The grammar, a rule and an example line each
//!
//! - **Front matter** (YAML): `name`, `api_base_url`, `endpoints` (the count),
//!   `auth` (scheme ids), optional `last_updated`, `type`, `description`:
//!   ``endpoints: 9``.
//! - **Title and intro**: a `#` heading, then prose. Links to `#anchors` that
//!   name no operation or model of this page (Roblox's own anchors, other
//!   pages) are warnings, left as written:
//!   ``You can [check](#Cloud_ListInventoryItems) if a user owns items.``
//! - **Base URL**: ``**Base URL:** `https://apis.roblox.com` ``.
//! - **Authentication**: a list under `## Authentication`, one scheme per item,
//!   the method in bold (API Key with its header, OAuth 2.0 with its URLs,
//!   Cookie with its name):
//!   ``- **API Key**: Pass your key in the `x-api-key` HTTP header.``
//! - **Endpoint heading**: the method and path, optionally a stability marker
//!   in brackets (any word: `[BETA]`, `[EXPERIMENTAL]`) and `(deprecated)`:
//!   ``### GET `/v1/users/{userId}/categories` [BETA]``.
//! - **Summary and description**: the first paragraph is the summary (and, on
//!   hosts that name operations by it, the operationId: never empty), the rest
//!   description.
//! - **Server**: ``**Server:** `https://inventory.roblox.com` `` (default: the
//!   base URL).
//! - **Auth**: the schemes, joined by "or", or nothing for an operation that
//!   takes no credential:
//!   ``**Auth:** API Key (`x-api-key` header) or OAuth 2.0 Bearer token``,
//!   ``**Auth:** ``. Whether a cookie is optional, and whether the X-CSRF-TOKEN
//!   exchange applies, is the overlay's `cookie_operations` (asked for otherwise).
//! - **Scopes**: ``**Scopes:** `user.inventory-item:read` ``.
//! - **Parameters**: a table `| Name | In | Type | Required | Description |`:
//!   ``| `maxPageSize` | query | `integer` | No | The maximum … |``. A
//!   description with ``Valid values: `1`, `2` `` gives an
//!   `integer enum (N values)` its values. A query array needs its wire style
//!   in the overlay (`parameter_patches`, `explode`).
//! - **Type cells**: `string`, `integer`, `number`, `boolean`; `T[]`; a model
//!   name; a format, `string (date-time)`, `integer (int64)`; `T | null`;
//!   enums: `0 | 1 | 2` (integers), `Asc | Desc` or `150x150 | 420x420` (text),
//!   `true | false` (a boolean), `integer enum (85 values)` with the values in
//!   the description. Every enum becomes a named, tolerant type.
//! - **Request body**:
//!   ``**Request Body:** `application/json` — Type: `Model` `` (or
//!   ``Type: `object` ``), then ``See [Model](#model) in Models.`` and
//!   `**Request example:**` with a JSON block, checked against the model.
//!   A form, ``**Request Body:** `multipart/form-data` — Type: `object` ``,
//!   shows its parts only by example (`{"request": {…}, "fileContent": "…"}`):
//!   what each carries (`text`, `file`, or `json` with its model) and whether
//!   it is required is the overlay's `form_bodies` (asked for otherwise), and
//!   the example must show exactly the parts stated.
//! - **Responses**: a list of status, description and type; error lines may
//!   number their codes: ``- `200`: OK → `ListInventoryItemsResponse` ``,
//!   ``- `403`: 0: Token Validation Failed 4: You don't own the specified item.``
//!   A 2xx without a type keeps its body as raw bytes.
//! - **Response fields and example**: ``**Response fields** (`Model`)``, and
//!   `**Response example:**` with a JSON block, checked against the model.
//! - **Rate limits**:
//!   ``**Rate Limits:** perApiKeyOwner: 100/minute, perOauth2Authorization: 20/minute``
//!   (operations without any take theirs from the overlay's `rate_limits`).
//! - **Error handling**: ``**Error handling:** `401`: advice. `429`: advice.``
//! - **Example**: `**Example:**` and a code block (kept as `x-codeSamples`).
//! - **Models**: `## Models`, then `### Name`, a description and a table
//!   `| Property | Type | Required | Description |`.
//!
//! This file holds the model ([`Document`], [`Endpoint`], …) and the block
//! walker; each kind of section has a module: `endpoint` (an endpoint's
//! heading, prose, labelled fields and responses), `auth` (the
//! `## Authentication` list and `**Auth:**` lines), `tables` (parameter and
//! model tables) and `types` (type cells).

use serde::Deserialize;

use crate::diag::Diagnostics;
use crate::markdown::{
    self, code_spans, links, to_markdown, to_plain, Block, BlockKind, Inline, Table,
};

mod auth;
mod endpoint;
mod tables;
#[cfg(test)]
mod tests;
mod types;

use self::{endpoint::*, types::*};
pub(crate) use endpoint::parse_rate_limits;
pub use endpoint::{parse_error_codes, path_variables};

/// The YAML front matter.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct FrontMatter {
    /// The feature's name (`Inventories`).
    pub name: String,
    /// When Roblox last changed the document.
    #[serde(default)]
    pub last_updated: Option<String>,
    /// The page type (`feature`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The default server.
    pub api_base_url: String,
    /// How many endpoints the document says it has.
    #[serde(default)]
    pub endpoints: Option<usize>,
    /// Authentication scheme ids (`api-key`, `oauth2`, `cookie`).
    #[serde(default)]
    pub auth: Vec<String>,
    /// One-line description.
    #[serde(default)]
    pub description: Option<String>,
}

/// How a scheme authenticates.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthKind {
    /// A key in a request header.
    ApiKey {
        /// The header name.
        header: String,
    },
    /// OAuth 2.0 authorization code flow.
    OAuth2 {
        /// Where users authorize.
        authorization_url: String,
        /// Where codes are exchanged for tokens.
        token_url: String,
    },
    /// A cookie.
    Cookie {
        /// The cookie name.
        name: String,
    },
}

/// One scheme from the `## Authentication` section.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthScheme {
    /// The front-matter id (`api-key`, `oauth2`, `cookie`).
    pub id: String,
    /// How it works.
    pub kind: AuthKind,
    /// The document's description, as Markdown.
    pub description: String,
    /// Where it is described.
    pub line: usize,
}

/// A scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
}

/// A type as written in a table or a response line.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// A scalar.
    Primitive(Primitive),
    /// `T[]`
    Array(Box<TypeExpr>),
    /// A model name, resolved later against the document's and overlay's models.
    Named(String),
    /// An integer enum with its values.
    IntEnum(Vec<i64>),
    /// A string enum with its values.
    StrEnum(Vec<String>),
    /// A scalar with a format: `string (date-time)`, `integer (int64)`.
    Formatted(Primitive, String),
    /// `T \| null`: the value may be `null`.
    Nullable(Box<TypeExpr>),
}

/// One row of a parameter table.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Where the row is.
    pub line: usize,
    /// The name as written.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Its type.
    pub ty: TypeExpr,
    /// Whether it is required.
    pub required: bool,
    /// The description, without the `Valid values:` list.
    pub description: String,
}

/// One numbered error from a response line (`4: You don't own the specified item.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The number before the colon, if the line has one.
    pub code: Option<i64>,
    /// The message.
    pub message: String,
}

/// One line of a `**Responses:**` list.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Where the line is.
    pub line: usize,
    /// The status code as written (`200`, `4XX`).
    pub status: String,
    /// The text after the status (without the `→ Type` part).
    pub description: String,
    /// The body type after `→`, if any.
    pub ty: Option<TypeExpr>,
    /// Numbered errors parsed from the description.
    pub codes: Vec<ErrorCode>,
}

/// One `key: N/period` entry of a `**Rate Limits:**` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// What the limit is counted per (`perApiKeyOwner`).
    pub key: String,
    /// Requests allowed per period.
    pub max: u64,
    /// `SECOND`, `MINUTE`, `HOUR` or `DAY`.
    pub period: String,
}

/// A code block under `**Example:**`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSample {
    /// The fence's language (`bash`).
    pub lang: String,
    /// The code.
    pub source: String,
}

/// One `###` section under `## Endpoints`.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The heading's line.
    pub line: usize,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// A `[BETA]`-style marker.
    pub stability: Option<String>,
    /// Marked `(deprecated)`.
    pub deprecated: bool,
    /// The first paragraph.
    pub summary: String,
    /// Further prose before the labelled fields, as Markdown.
    pub description: Vec<String>,
    /// `**Server:**`, with its line.
    pub server: Option<(String, usize)>,
    /// Scheme ids from `**Auth:**`, with the line.
    pub auth: Option<(Vec<String>, usize)>,
    /// `**Scopes:**`.
    pub scopes: Vec<String>,
    /// `**Parameters:**` table rows.
    pub params: Vec<Param>,
    /// `**Responses:**` lines.
    pub responses: Vec<Response>,
    /// The model named by `**Response fields**`, with its line.
    pub response_fields: Option<(String, usize)>,
    /// The `**Response example:**` JSON, with its line.
    pub response_example: Option<(serde_json::Value, usize)>,
    /// `**Rate Limits:**` entries.
    pub rate_limits: Vec<RateLimit>,
    /// `**Error handling:**` advice per status.
    pub error_handling: Vec<(String, String)>,
    /// `**Example:**` code blocks.
    pub code_samples: Vec<CodeSample>,
    /// `**Request Body:**`, with its `**Request example:**`.
    pub request_body: Option<RequestBody>,
}

/// What a request body is, as `Type:` names it.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyType {
    /// A type of the document (`Model`, `string`, `Model[]`).
    Typed(TypeExpr),
    /// `object`: fields the page lists only by example (multipart bodies).
    Object,
}

/// `` **Request Body:** `application/json` — Type: `Model` ``.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// The label's line.
    pub line: usize,
    /// The media type (`application/json`, `multipart/form-data`).
    pub media: String,
    /// The body's type.
    pub ty: BodyType,
    /// The `**Request example:**` JSON, with its line.
    pub example: Option<(serde_json::Value, usize)>,
}

/// One row of a model's property table.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// Where the row is.
    pub line: usize,
    /// The JSON name.
    pub name: String,
    /// Its type.
    pub ty: TypeExpr,
    /// Whether it is required.
    pub required: bool,
    /// Its description.
    pub description: String,
}

/// One `###` section under `## Models`.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The heading's line.
    pub line: usize,
    /// The model's name as Roblox writes it.
    pub name: String,
    /// Prose before the table.
    pub description: Option<String>,
    /// The properties.
    pub properties: Vec<Property>,
}

/// The whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The front matter.
    pub front: FrontMatter,
    /// The `#` heading.
    pub title: Option<String>,
    /// Prose between the title and the first `##` section, as Markdown.
    pub intro: String,
    /// `**Base URL:**`, with its line.
    pub base_url: Option<(String, usize)>,
    /// The `## Authentication` schemes.
    pub auth: Vec<AuthScheme>,
    /// The endpoints in document order.
    pub endpoints: Vec<Endpoint>,
    /// The models in document order.
    pub models: Vec<Model>,
    /// Every in-document link (`#anchor`) with its line.
    pub anchors: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Preamble,
    Authentication,
    Endpoints,
    Models,
    Other,
}

/// What the next block must be, after a label that introduces one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Nothing,
    ParamTable(usize),
    ResponseList(usize),
    ResponseExample(usize),
    RequestExample(usize),
    CodeSample(usize),
}

/// The bold label that starts a paragraph, and the inlines after it.
fn split_label(inlines: &[Inline]) -> Option<(String, Vec<Inline>)> {
    let (first, rest) = inlines.split_first()?;
    let Inline::Strong(label) = first else {
        return None;
    };
    let mut label = to_plain(label).trim().to_string();
    if label.ends_with(':') {
        label.pop();
    }
    let mut rest = rest.to_vec();
    if let Some(Inline::Text(t)) = rest.first_mut() {
        let trimmed = t
            .trim_start()
            .trim_start_matches(':')
            .trim_start()
            .to_string();
        *t = trimmed;
        if t.is_empty() {
            rest.remove(0);
        }
    }
    Some((label.trim().to_string(), rest))
}

/// Collects `#anchor` links from inline content.
fn record_anchors(inlines: &[Inline], line: usize, anchors: &mut Vec<(String, usize)>) {
    for dest in links(inlines) {
        if let Some(anchor) = dest.strip_prefix('#') {
            anchors.push((anchor.to_string(), line));
        }
    }
}

/// Parses the document. Errors and warnings go to `diags`; the result is `None`
/// when the document is too broken to continue.
pub fn parse(text: &str, diags: &mut Diagnostics) -> Option<Document> {
    if text.trim().is_empty() {
        diags.error(1, "the document is empty");
        return None;
    }
    let blocks = markdown::blocks(text, 1, diags);
    Parser::new(diags).run(&blocks)
}

struct Parser<'d> {
    diags: &'d mut Diagnostics,
    section: Section,
    expect: Expect,
    front: Option<FrontMatter>,
    title: Option<String>,
    intro: Vec<String>,
    base_url: Option<(String, usize)>,
    auth: Vec<AuthScheme>,
    endpoints: Vec<Endpoint>,
    models: Vec<Model>,
    anchors: Vec<(String, usize)>,
    saw_endpoints: bool,
    saw_models: bool,
    /// Whether the current endpoint has had a labelled field yet.
    labelled: bool,
}

impl<'d> Parser<'d> {
    fn new(diags: &'d mut Diagnostics) -> Self {
        Self {
            diags,
            section: Section::Preamble,
            expect: Expect::Nothing,
            front: None,
            title: None,
            intro: Vec::new(),
            base_url: None,
            auth: Vec::new(),
            endpoints: Vec::new(),
            models: Vec::new(),
            anchors: Vec::new(),
            saw_endpoints: false,
            saw_models: false,
            labelled: false,
        }
    }

    fn run(mut self, blocks: &[Block]) -> Option<Document> {
        for block in blocks {
            self.anchors_of(block);
            self.block(block);
        }
        self.finish_expect(blocks.last().map(|b| b.line).unwrap_or(1));
        let Some(front) = self.front.take() else {
            self.diags.error(
                1,
                "missing YAML front matter (a `---` block with name, api_base_url and auth)",
            );
            return None;
        };
        if !self.saw_endpoints {
            self.diags.error(1, "missing `## Endpoints` section");
        }
        if !self.saw_models {
            self.diags.error(1, "missing `## Models` section");
        }
        if let Some(expected) = front.endpoints {
            if expected != self.endpoints.len() {
                self.diags.error(
                    2,
                    format!(
                        "front matter says `endpoints: {expected}` but the document describes {}",
                        self.endpoints.len()
                    ),
                );
            }
        }
        self.check_auth(&front);
        Some(Document {
            front,
            title: self.title,
            intro: self.intro.join("\n\n"),
            base_url: self.base_url,
            auth: self.auth,
            endpoints: self.endpoints,
            models: self.models,
            anchors: self.anchors,
        })
    }

    fn anchors_of(&mut self, block: &Block) {
        match &block.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => {
                record_anchors(content, block.line, &mut self.anchors)
            }
            BlockKind::List(items) => {
                for item in items {
                    record_anchors(&item.content, item.line, &mut self.anchors);
                }
            }
            BlockKind::Table(table) => {
                for row in &table.rows {
                    for cell in &row.cells {
                        record_anchors(cell, row.line, &mut self.anchors);
                    }
                }
            }
            _ => {}
        }
    }

    /// Reports a label whose table, list or code block never came.
    fn finish_expect(&mut self, line: usize) {
        let what = match self.expect {
            Expect::Nothing => return,
            Expect::ParamTable(l) => (l, "a parameter table after **Parameters:**"),
            Expect::ResponseList(l) => (l, "a list after **Responses:**"),
            Expect::ResponseExample(l) => (l, "a code block after **Response example:**"),
            Expect::RequestExample(l) => (l, "a code block after **Request example:**"),
            Expect::CodeSample(l) => (l, "a code block after **Example:**"),
        };
        self.diags.error(
            what.0,
            format!("expected {} (line {line} is something else)", what.1),
        );
        self.expect = Expect::Nothing;
    }

    fn block(&mut self, block: &Block) {
        if self.expect != Expect::Nothing {
            if self.expected(block) {
                return;
            }
            self.finish_expect(block.line);
        }
        match &block.kind {
            BlockKind::FrontMatter(yaml) => self.front_matter(yaml, block.line),
            BlockKind::Heading { level, content } => self.heading(*level, content, block.line),
            BlockKind::Paragraph(inlines) => self.paragraph(block, inlines),
            BlockKind::List(items) => match self.section {
                Section::Authentication => {
                    for item in items {
                        self.auth_item(&item.content, item.line);
                    }
                }
                Section::Endpoints => self.prose(block),
                Section::Preamble => self.intro.push(block.raw.trim().to_string()),
                _ => {}
            },
            BlockKind::Quote => match self.section {
                Section::Preamble => self.intro.push(block.raw.trim().to_string()),
                Section::Endpoints => self.prose(block),
                _ => {}
            },
            BlockKind::Table(table) => match self.section {
                Section::Models => self.model_table(table, block.line),
                Section::Endpoints => self.diags.error(
                    block.line,
                    "a table here is not introduced by **Parameters:**; it would be ignored",
                ),
                _ => {}
            },
            BlockKind::Code { .. } | BlockKind::Other => {}
        }
    }

    /// Handles the block a label asked for. Returns false if it is not that block.
    fn expected(&mut self, block: &Block) -> bool {
        match (self.expect, &block.kind) {
            (Expect::ParamTable(_), BlockKind::Table(table)) => {
                self.expect = Expect::Nothing;
                self.param_table(table, block.line);
                true
            }
            (Expect::ParamTable(label), BlockKind::Paragraph(inlines))
                if to_plain(inlines).trim_start().starts_with('|') =>
            {
                self.expect = Expect::Nothing;
                self.diags.error(
                    block.line,
                    format!(
                        "the table after **Parameters:** (line {label}) is malformed: \
                         it needs a header row and a `|---|` delimiter row"
                    ),
                );
                true
            }
            (Expect::ResponseList(_), BlockKind::List(items)) => {
                self.expect = Expect::Nothing;
                for item in items {
                    self.response_item(&item.content, item.line);
                }
                true
            }
            (Expect::ResponseExample(_), BlockKind::Code { text, .. }) => {
                self.expect = Expect::Nothing;
                match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(value) => {
                        if let Some(endpoint) = self.endpoints.last_mut() {
                            endpoint.response_example = Some((value, block.line));
                        }
                    }
                    Err(e) => self.diags.error(
                        block.line + e.line(),
                        format!("the response example is not valid JSON: {e}"),
                    ),
                }
                true
            }
            (Expect::RequestExample(_), BlockKind::Code { text, .. }) => {
                self.expect = Expect::Nothing;
                match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(value) => {
                        let body = self
                            .endpoints
                            .last_mut()
                            .and_then(|e| e.request_body.as_mut());
                        match body {
                            Some(body) => body.example = Some((value, block.line)),
                            None => self.diags.error(
                                block.line,
                                "a **Request example:** without a **Request Body:** before it",
                            ),
                        }
                    }
                    Err(e) => self.diags.error(
                        block.line + e.line(),
                        format!("the request example is not valid JSON: {e}"),
                    ),
                }
                true
            }
            (Expect::CodeSample(_), BlockKind::Code { info, text }) => {
                self.expect = Expect::Nothing;
                if let Some(endpoint) = self.endpoints.last_mut() {
                    endpoint.code_samples.push(CodeSample {
                        lang: if info.is_empty() {
                            "shell".into()
                        } else {
                            info.clone()
                        },
                        source: text.clone(),
                    });
                }
                true
            }
            _ => false,
        }
    }

    fn front_matter(&mut self, yaml: &str, line: usize) {
        match serde_saphyr::from_str::<FrontMatter>(yaml) {
            Ok(front) => self.front = Some(front),
            Err(e) => {
                let detail = e.to_string();
                let detail = detail.lines().next().unwrap_or("").to_string();
                self.diags
                    .error(line, format!("the YAML front matter is invalid: {detail}"));
            }
        }
    }

    fn heading(&mut self, level: u8, content: &[Inline], line: usize) {
        let text = to_plain(content).trim().to_string();
        match level {
            1 => {
                self.title = Some(text);
            }
            2 => {
                self.section = match text.as_str() {
                    "Authentication" => Section::Authentication,
                    "Endpoints" => {
                        self.saw_endpoints = true;
                        Section::Endpoints
                    }
                    "Models" => {
                        self.saw_models = true;
                        Section::Models
                    }
                    _ => {
                        self.diags.warn(
                            line,
                            format!("section `## {text}` is not part of the format; ignored"),
                        );
                        Section::Other
                    }
                }
            }
            3 => match self.section {
                Section::Endpoints => self.endpoint_heading(content, line),
                Section::Models => self.models.push(Model {
                    line,
                    name: text,
                    description: None,
                    properties: Vec::new(),
                }),
                _ => self.diags.warn(
                    line,
                    format!(
                        "heading `{text}` is outside the Endpoints and Models sections; ignored"
                    ),
                ),
            },
            _ => self.diags.warn(
                line,
                format!("heading `{text}` is deeper than the format uses; ignored"),
            ),
        }
    }
}
