//! The Markdown API document → a typed [`Document`].
//!
//! The document format is Roblox's feature reference page: YAML front matter, an
//! `## Authentication` list, one `###` section per endpoint under `## Endpoints`
//! with bold-labelled fields (`**Auth:**`, `**Parameters:**` + table,
//! `**Responses:**` + list, …), and one `###` section per model under `## Models`.
//! Everything here is read from the text; nothing about the API is hard-coded.

use serde::Deserialize;

use crate::diag::Diagnostics;
use crate::markdown::{
    self, code_spans, links, to_markdown, to_plain, Block, BlockKind, Inline, Table,
};

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

    fn endpoint_heading(&mut self, content: &[Inline], line: usize) {
        let Some(code_at) = content.iter().position(|i| matches!(i, Inline::Code(_))) else {
            self.diags.error(line, "an endpoint heading must read ``METHOD `/path` ``; no code span with the path found");
            return;
        };
        let method = to_plain(&content[..code_at]).trim().to_ascii_uppercase();
        let Inline::Code(path) = &content[code_at] else {
            return;
        };
        const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
        if !METHODS.contains(&method.as_str()) {
            self.diags.error(
                line,
                format!(
                    "`{method}` is not an HTTP method (expected one of {})",
                    METHODS.join(", ")
                ),
            );
            return;
        }
        if let Err(message) = check_path_template(path) {
            self.diags.error(line, message);
            return;
        }
        let mut rest = to_plain(&content[code_at + 1..]);
        let mut stability = None;
        let mut deprecated = false;
        if let Some(start) = rest.find('[') {
            if let Some(len) = rest[start..].find(']') {
                let marker = rest[start + 1..start + len].trim().to_ascii_uppercase();
                if marker.is_empty()
                    || !marker
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.diags.error(
                        line,
                        format!("`[{marker}]` is not a stability marker like `[BETA]`"),
                    );
                }
                stability = Some(marker);
                rest.replace_range(start..=start + len, "");
            }
        }
        if let Some(at) = rest.to_ascii_lowercase().find("(deprecated)") {
            deprecated = true;
            rest.replace_range(at..at + "(deprecated)".len(), "");
        }
        if !rest.trim().is_empty() {
            self.diags.error(
                line,
                format!("unexpected text `{}` after the endpoint path", rest.trim()),
            );
        }
        self.labelled = false;
        self.endpoints.push(Endpoint {
            line,
            method,
            path: path.clone(),
            stability,
            deprecated,
            summary: String::new(),
            description: Vec::new(),
            server: None,
            auth: None,
            scopes: Vec::new(),
            params: Vec::new(),
            responses: Vec::new(),
            response_fields: None,
            response_example: None,
            rate_limits: Vec::new(),
            error_handling: Vec::new(),
            code_samples: Vec::new(),
        });
    }

    /// Prose inside an endpoint: the summary, then description paragraphs.
    fn prose(&mut self, block: &Block) {
        let labelled = self.labelled;
        let Some(endpoint) = self.endpoints.last_mut() else {
            self.diags.warn(
                block.line,
                "text before the first endpoint heading is ignored",
            );
            return;
        };
        if labelled {
            self.diags.warn(
                block.line,
                "text after an endpoint's labelled fields is not understood; ignored",
            );
            return;
        }
        match &block.kind {
            BlockKind::Paragraph(inlines) if endpoint.summary.is_empty() => {
                endpoint.summary = to_plain(inlines).trim().to_string()
            }
            _ => endpoint.description.push(block.raw.trim().to_string()),
        }
    }

    fn paragraph(&mut self, block: &Block, inlines: &[Inline]) {
        match self.section {
            Section::Preamble => {
                if let Some((label, rest)) = split_label(inlines) {
                    if label == "Base URL" {
                        match code_spans(&rest).first() {
                            Some(url) => self.base_url = Some((url.clone(), block.line)),
                            None => self
                                .diags
                                .error(block.line, "**Base URL:** needs the URL in backticks"),
                        }
                        return;
                    }
                }
                self.intro.push(block.raw.trim().to_string());
            }
            Section::Models => {
                if let Some(model) = self.models.last_mut() {
                    let text = block.raw.trim().to_string();
                    model.description = Some(match model.description.take() {
                        Some(prev) => format!("{prev}\n\n{text}"),
                        None => text,
                    });
                }
            }
            Section::Endpoints => match split_label(inlines) {
                Some((label, rest)) if self.endpoint_label(&label, &rest, block.line) => {
                    self.labelled = true
                }
                _ if self.labelled && is_see_models(inlines) => {}
                _ => self.prose(block),
            },
            Section::Authentication | Section::Other => {}
        }
    }

    /// Handles a labelled endpoint field. Returns false for an unknown label
    /// before any known one (it is then prose).
    fn endpoint_label(&mut self, label: &str, rest: &[Inline], line: usize) -> bool {
        let known = [
            "Server",
            "Auth",
            "Scopes",
            "Parameters",
            "Responses",
            "Response fields",
            "Response example",
            "Rate Limits",
            "Error handling",
            "Example",
        ];
        if !known.contains(&label) {
            if self.labelled {
                self.diags.error(
                    line,
                    format!("unknown field **{label}:** (known: {})", known.join(", ")),
                );
                return true;
            }
            return false;
        }
        let auth_ids = if label == "Auth" {
            self.auth_ids_from(rest, line)
        } else {
            None
        };
        let Some(endpoint) = self.endpoints.last_mut() else {
            self.diags.error(
                line,
                format!("**{label}:** appears before any endpoint heading"),
            );
            return true;
        };
        let text = to_plain(rest).trim().to_string();
        match label {
            "Server" => match code_spans(rest).first() {
                Some(url) => endpoint.server = Some((url.clone(), line)),
                None => self
                    .diags
                    .error(line, "**Server:** needs the URL in backticks"),
            },
            "Auth" => endpoint.auth = auth_ids.map(|ids| (ids, line)),
            "Scopes" => {
                endpoint.scopes = code_spans(rest);
                if endpoint.scopes.is_empty() {
                    self.diags
                        .error(line, "**Scopes:** needs each scope in backticks");
                }
            }
            "Parameters" => self.expect = Expect::ParamTable(line),
            "Responses" => self.expect = Expect::ResponseList(line),
            "Response fields" => match code_spans(rest).first() {
                Some(name) => endpoint.response_fields = Some((name.clone(), line)),
                None => self.diags.error(
                    line,
                    "**Response fields** needs the model name in backticks",
                ),
            },
            "Response example" => self.expect = Expect::ResponseExample(line),
            "Example" => self.expect = Expect::CodeSample(line),
            "Rate Limits" => match parse_rate_limits(&text) {
                Ok(limits) => endpoint.rate_limits = limits,
                Err(message) => self.diags.error(line, message),
            },
            "Error handling" => match parse_error_handling(rest) {
                Ok(advice) => endpoint.error_handling = advice,
                Err(message) => self.diags.error(line, message),
            },
            _ => {}
        }
        true
    }

    /// Maps an `**Auth:**` line to scheme ids (`API Key … or OAuth 2.0 …`).
    fn auth_ids_from(&mut self, rest: &[Inline], line: usize) -> Option<Vec<String>> {
        let text = to_plain(rest);
        let mut ids = Vec::new();
        for part in text.split(" or ") {
            match scheme_id(part) {
                Some(id) => ids.push(id.to_string()),
                None => {
                    self.diags.error(
                        line,
                        format!(
                            "`{}` is not an authentication method (API Key, OAuth 2.0 or Cookie)",
                            part.trim()
                        ),
                    );
                    return None;
                }
            }
        }
        for id in &ids {
            if !self.auth.iter().any(|s| &s.id == id) {
                self.diags.error(line, format!("**Auth:** names `{id}`, which the Authentication section does not describe"));
            }
        }
        Some(ids)
    }

    fn auth_item(&mut self, content: &[Inline], line: usize) {
        let Some((label, rest)) = split_label(content) else {
            self.diags.error(
                line,
                "an authentication item must start with the method in bold, e.g. **API Key**:",
            );
            return;
        };
        let Some(id) = scheme_id(&label) else {
            self.diags.error(
                line,
                format!("`{label}` is not an authentication method (API Key, OAuth 2.0 or Cookie)"),
            );
            return;
        };
        let codes = code_spans(&rest);
        let kind = match id {
            "api-key" => match codes.first() {
                Some(header) => AuthKind::ApiKey {
                    header: header.clone(),
                },
                None => {
                    self.diags
                        .error(line, "the API Key item needs the header name in backticks");
                    return;
                }
            },
            "cookie" => match codes.first() {
                Some(name) => AuthKind::Cookie { name: name.clone() },
                None => {
                    self.diags
                        .error(line, "the Cookie item needs the cookie name in backticks");
                    return;
                }
            },
            _ => {
                let authorization_url = url_after(&rest, "authorization url");
                let token_url = url_after(&rest, "token url");
                match (authorization_url, token_url) {
                    (Some(authorization_url), Some(token_url)) => AuthKind::OAuth2 {
                        authorization_url,
                        token_url,
                    },
                    _ => {
                        self.diags.error(
                            line,
                            "the OAuth 2.0 item needs `Authorization URL: `…`` and `Token URL: `…``",
                        );
                        return;
                    }
                }
            }
        };
        // `**Cookie** *(not recommended)*: …` leaves the colon after the aside.
        let mut description = to_markdown(&rest).trim().to_string();
        if let Some(Inline::Emph(_)) = rest.first() {
            if let Some(at) = description.find("*:") {
                description.replace_range(at..at + 2, "*");
            }
        }
        self.auth.push(AuthScheme {
            id: id.to_string(),
            kind,
            description,
            line,
        });
    }

    fn check_auth(&mut self, front: &FrontMatter) {
        for id in &front.auth {
            if scheme_id_known(id) && !self.auth.iter().any(|s| &s.id == id) {
                self.diags.error(2, format!("front matter lists auth `{id}` but the Authentication section does not describe it"));
            } else if !scheme_id_known(id) {
                self.diags.error(
                    2,
                    format!(
                        "front matter auth `{id}` is unknown (expected api-key, oauth2 or cookie)"
                    ),
                );
            }
        }
        let scheme_lines: Vec<(String, usize)> =
            self.auth.iter().map(|s| (s.id.clone(), s.line)).collect();
        for (id, line) in scheme_lines {
            if !front.auth.contains(&id) {
                self.diags.error(
                    line,
                    format!("`{id}` is described but not listed in the front matter's `auth`"),
                );
            }
        }
    }

    fn param_table(&mut self, table: &Table, line: usize) {
        let Some(columns) = self.columns(
            table,
            line,
            &["Name", "In", "Type", "Required", "Description"],
        ) else {
            return;
        };
        let mut params = Vec::new();
        for row in &table.rows {
            if !self.row_ok(row, table) {
                continue;
            }
            let cell = |name: &str| &row.cells[columns[name]];
            let name = to_plain(cell("Name")).trim().to_string();
            let location = to_plain(cell("In")).trim().to_ascii_lowercase();
            if !["path", "query", "header", "cookie"].contains(&location.as_str()) {
                self.diags.error(row.line, format!("parameter `{name}`: `{location}` is not a location (path, query, header, cookie)"));
                continue;
            }
            let Some(required) = self.yes_no(cell("Required"), row.line, &name) else {
                continue;
            };
            let Some((ty, description)) =
                self.typed_description(cell("Type"), cell("Description"), row.line, &name)
            else {
                continue;
            };
            params.push(Param {
                line: row.line,
                name,
                location,
                ty,
                required,
                description,
            });
        }
        if let Some(endpoint) = self.endpoints.last_mut() {
            endpoint.params = params;
        }
    }

    fn model_table(&mut self, table: &Table, line: usize) {
        let Some(columns) = self.columns(
            table,
            line,
            &["Property", "Type", "Required", "Description"],
        ) else {
            return;
        };
        let mut properties = Vec::new();
        for row in &table.rows {
            if !self.row_ok(row, table) {
                continue;
            }
            let cell = |name: &str| &row.cells[columns[name]];
            let name = to_plain(cell("Property")).trim().to_string();
            let Some(required) = self.yes_no(cell("Required"), row.line, &name) else {
                continue;
            };
            let Some((ty, description)) =
                self.typed_description(cell("Type"), cell("Description"), row.line, &name)
            else {
                continue;
            };
            properties.push(Property {
                line: row.line,
                name,
                ty,
                required,
                description,
            });
        }
        match self.models.last_mut() {
            Some(model) => model.properties = properties,
            None => self
                .diags
                .error(line, "a property table before any model heading"),
        }
    }

    /// Maps the wanted column names to their positions, or reports the header.
    fn columns(
        &mut self,
        table: &Table,
        line: usize,
        wanted: &[&'static str],
    ) -> Option<std::collections::HashMap<&'static str, usize>> {
        let header: Vec<String> = table
            .header
            .iter()
            .map(|c| to_plain(c).trim().to_string())
            .collect();
        let mut map = std::collections::HashMap::new();
        for name in wanted {
            match header.iter().position(|h| h.eq_ignore_ascii_case(name)) {
                Some(i) => {
                    map.insert(*name, i);
                }
                None => {
                    self.diags.error(
                        line,
                        format!(
                            "the table has no `{name}` column (its columns: {}; expected {})",
                            header.join(", "),
                            wanted.join(", ")
                        ),
                    );
                    return None;
                }
            }
        }
        Some(map)
    }

    fn row_ok(&mut self, row: &markdown::Row, table: &Table) -> bool {
        if row.source_cells != table.header.len() {
            self.diags.error(
                row.line,
                format!(
                    "this table row has {} cells but the header has {} (an unescaped `|` in a cell?)",
                    row.source_cells,
                    table.header.len()
                ),
            );
            return false;
        }
        true
    }

    fn yes_no(&mut self, cell: &[Inline], line: usize, name: &str) -> Option<bool> {
        match to_plain(cell).trim().to_ascii_lowercase().as_str() {
            "yes" | "true" => Some(true),
            "no" | "false" | "" => Some(false),
            other => {
                self.diags.error(
                    line,
                    format!("`{name}`: Required must be Yes or No, not `{other}`"),
                );
                None
            }
        }
    }

    /// Reads a type cell and its description, folding a `Valid values:` list in
    /// the description into the type.
    fn typed_description(
        &mut self,
        type_cell: &[Inline],
        description_cell: &[Inline],
        line: usize,
        name: &str,
    ) -> Option<(TypeExpr, String)> {
        let description = to_markdown(description_cell);
        let (description, valid) = match description.find("Valid values:") {
            Some(at) => {
                let values: Vec<String> = description[at..]
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect();
                (description[..at].trim().to_string(), Some(values))
            }
            None => (description.trim().to_string(), None),
        };
        let ty = match parse_type(&to_plain(type_cell)) {
            Ok(ty) => ty,
            Err(message) => {
                self.diags.error(line, format!("`{name}`: {message}"));
                return None;
            }
        };
        let ty = match (ty, valid) {
            (Parsed::Type(ty), None) => ty,
            (Parsed::EnumOf(base, count), Some(values)) => {
                if values.len() != count {
                    self.diags.error(
                        line,
                        format!(
                            "`{name}`: the type says {count} values but the description lists {}",
                            values.len()
                        ),
                    );
                    return None;
                }
                match enum_of(base, &values) {
                    Ok(ty) => ty,
                    Err(message) => {
                        self.diags.error(line, format!("`{name}`: {message}"));
                        return None;
                    }
                }
            }
            (Parsed::EnumOf(_, count), None) => {
                self.diags.error(line, format!("`{name}`: the type says {count} values but no `Valid values:` list follows"));
                return None;
            }
            (Parsed::Type(ty), Some(values)) => {
                let listed = match &ty {
                    TypeExpr::IntEnum(v) => v.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
                    TypeExpr::StrEnum(v) => v.clone(),
                    TypeExpr::Primitive(p) => match enum_of(*p, &values) {
                        Ok(ty) => return Some((ty, description)),
                        Err(message) => {
                            self.diags.error(line, format!("`{name}`: {message}"));
                            return None;
                        }
                    },
                    _ => {
                        self.diags.error(
                            line,
                            format!("`{name}`: `Valid values:` on a type that cannot be an enum"),
                        );
                        return None;
                    }
                };
                if listed != values {
                    self.diags.error(
                        line,
                        format!(
                            "`{name}`: the type lists {} but `Valid values:` lists {}",
                            listed.join(", "),
                            values.join(", ")
                        ),
                    );
                    return None;
                }
                ty
            }
        };
        Some((ty, description))
    }

    fn response_item(&mut self, content: &[Inline], line: usize) {
        let Some((Inline::Code(status), rest)) = content.split_first() else {
            self.diags.error(
                line,
                "a response line must start with the status in backticks, e.g. `200`: OK",
            );
            return;
        };
        let status = status.trim().to_string();
        let valid_status = status == "default"
            || (status.len() == 3
                && (status.chars().all(|c| c.is_ascii_digit())
                    || (status.as_bytes()[0].is_ascii_digit() && &status[1..] == "XX"))
                && ('1'..='5').contains(&status.chars().next().unwrap_or('0')));
        if !valid_status {
            self.diags.error(
                line,
                format!("`{status}` is not an HTTP status (100–599, 4XX or default)"),
            );
            return;
        }
        let text = to_markdown(rest);
        let text = text.trim_start().trim_start_matches(':').trim();
        let (description, ty) = match text.split_once('→') {
            Some((before, after)) => {
                let name = after.trim().trim_matches('`').trim();
                match parse_type(name) {
                    Ok(Parsed::Type(ty)) => (before.trim().to_string(), Some(ty)),
                    Ok(Parsed::EnumOf(..)) => {
                        self.diags.error(
                            line,
                            format!("response type `{name}` must name a model or a primitive"),
                        );
                        return;
                    }
                    Err(message) => {
                        self.diags.error(line, format!("response type: {message}"));
                        return;
                    }
                }
            }
            None => (text.to_string(), None),
        };
        let codes = parse_error_codes(&description);
        if let Some(endpoint) = self.endpoints.last_mut() {
            if endpoint.responses.iter().any(|r| r.status == status) {
                self.diags
                    .error(line, format!("status `{status}` is listed twice"));
                return;
            }
            endpoint.responses.push(Response {
                line,
                status,
                description,
                ty,
                codes,
            });
        }
    }
}

/// Whether a paragraph is the `See [Model](#anchor) in Models.` pointer.
fn is_see_models(inlines: &[Inline]) -> bool {
    let text = to_plain(inlines);
    text.trim_start().starts_with("See ") && text.trim_end().ends_with("in Models.")
}

fn scheme_id(text: &str) -> Option<&'static str> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.starts_with("api key") || lower.starts_with("api-key") {
        Some("api-key")
    } else if lower.starts_with("oauth") {
        Some("oauth2")
    } else if lower.starts_with("cookie") {
        Some("cookie")
    } else {
        None
    }
}

fn scheme_id_known(id: &str) -> bool {
    matches!(id, "api-key" | "oauth2" | "cookie")
}

/// The code span that follows text ending in `label:`.
fn url_after(inlines: &[Inline], label: &str) -> Option<String> {
    let mut previous = String::new();
    for inline in inlines {
        match inline {
            Inline::Code(code)
                if previous
                    .trim_end()
                    .trim_end_matches(':')
                    .to_ascii_lowercase()
                    .ends_with(label) =>
            {
                return Some(code.clone())
            }
            other => previous = to_plain(std::slice::from_ref(other)),
        }
    }
    None
}

/// Checks a path template: starts with `/`, braces balanced, variable names plain.
fn check_path_template(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("path `{path}` must start with `/`"));
    }
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if &rest[open..open + 1] == "}" {
            return Err(format!("path `{path}` has a `}}` without `{{`"));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("path `{path}` has a `{{` without `}}`"));
        };
        let name = &rest[open + 1..open + close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "path `{path}` has an invalid variable `{{{name}}}`"
            ));
        }
        rest = &rest[open + close + 1..];
    }
    Ok(())
}

/// The variables of a path template, in order.
pub fn path_variables(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// A parsed type cell: a full type, or `integer enum (N values)` waiting for its values.
enum Parsed {
    Type(TypeExpr),
    EnumOf(Primitive, usize),
}

fn primitive(text: &str) -> Option<Primitive> {
    match text {
        "string" => Some(Primitive::String),
        "integer" => Some(Primitive::Integer),
        "number" => Some(Primitive::Number),
        "boolean" => Some(Primitive::Boolean),
        _ => None,
    }
}

fn is_model_name(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn parse_type(text: &str) -> Result<Parsed, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the type is empty".into());
    }
    if let Some(p) = primitive(text) {
        return Ok(Parsed::Type(TypeExpr::Primitive(p)));
    }
    if let Some(inner) = text.strip_suffix("[]") {
        return match parse_type(inner)? {
            Parsed::Type(ty) => Ok(Parsed::Type(TypeExpr::Array(Box::new(ty)))),
            Parsed::EnumOf(..) => Err(format!("`{text}` is not a type")),
        };
    }
    if let Some((base, count)) = text.split_once(" enum (") {
        let base =
            primitive(base.trim()).filter(|p| matches!(p, Primitive::Integer | Primitive::String));
        let count = count
            .strip_suffix(" values)")
            .and_then(|n| n.trim().parse::<usize>().ok());
        return match (base, count) {
            (Some(base), Some(count)) => Ok(Parsed::EnumOf(base, count)),
            _ => Err(format!(
                "`{text}` should read `integer enum (N values)` or `string enum (N values)`"
            )),
        };
    }
    if text.contains('|') {
        let parts: Vec<String> = text.split('|').map(|p| p.trim().to_string()).collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(format!("`{text}` has an empty alternative"));
        }
        if parts.iter().all(|p| p.parse::<i64>().is_ok()) {
            return enum_of(Primitive::Integer, &parts).map(Parsed::Type);
        }
        if parts.iter().all(|p| is_model_name(p) && !p.contains('.')) {
            return enum_of(Primitive::String, &parts).map(Parsed::Type);
        }
        return Err(format!(
            "`{text}` mixes numbers and names; an enum must be all integers or all names"
        ));
    }
    if is_model_name(text) {
        return Ok(Parsed::Type(TypeExpr::Named(text.to_string())));
    }
    Err(format!("unknown type `{text}` (expected string, integer, number, boolean, T[], a model name or `a | b`)"))
}

fn enum_of(base: Primitive, values: &[String]) -> Result<TypeExpr, String> {
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = values.iter().find(|v| !seen.insert(v.as_str())) {
        return Err(format!("enum value `{dup}` is listed twice"));
    }
    match base {
        Primitive::Integer => values
            .iter()
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| format!("enum value `{v}` is not an integer"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TypeExpr::IntEnum),
        Primitive::String => Ok(TypeExpr::StrEnum(values.to_vec())),
        _ => Err("only integer and string enums are supported".into()),
    }
}

/// `1: The item type does not exist. 2: The asset does not exist.` → codes 1 and 2.
/// A description that does not start with `N: ` is one message without a code.
pub fn parse_error_codes(text: &str) -> Vec<ErrorCode> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new(); // (start of number, start of message, code)
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || bytes[i - 1].is_ascii_whitespace();
        if boundary && bytes[i].is_ascii_digit() {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            if text[j..].starts_with(": ") {
                if let Ok(code) = text[i..j].parse::<i64>() {
                    starts.push((i, j + 2, code));
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if starts.first().map(|s| s.0) != Some(0) {
        let message = text.trim();
        return if message.is_empty() || message == "OK" {
            Vec::new()
        } else {
            vec![ErrorCode {
                code: None,
                message: message.to_string(),
            }]
        };
    }
    starts
        .iter()
        .enumerate()
        .map(|(n, &(_, message_start, code))| {
            let end = starts.get(n + 1).map(|s| s.0).unwrap_or(text.len());
            ErrorCode {
                code: Some(code),
                message: text[message_start..end].trim().to_string(),
            }
        })
        .collect()
}

pub(crate) fn parse_rate_limits(text: &str) -> Result<Vec<RateLimit>, String> {
    let mut limits = Vec::new();
    for entry in text.split(',') {
        let entry = entry.trim();
        let bad = || {
            format!("rate limit `{entry}` should read `key: N/period` (period second, minute, hour or day)")
        };
        let (key, value) = entry.split_once(':').ok_or_else(bad)?;
        let (max, period) = value.trim().split_once('/').ok_or_else(bad)?;
        let max = max.trim().parse::<u64>().map_err(|_| bad())?;
        let period = match period.trim().to_ascii_lowercase().as_str() {
            "second" | "sec" | "s" => "SECOND",
            "minute" | "min" | "m" => "MINUTE",
            "hour" | "h" => "HOUR",
            "day" | "d" => "DAY",
            _ => return Err(bad()),
        };
        if key.trim().is_empty() {
            return Err(bad());
        }
        limits.push(RateLimit {
            key: key.trim().to_string(),
            max,
            period: period.to_string(),
        });
    }
    Ok(limits)
}

/// `` `401`: advice. `403`: advice. `` → [(401, advice), (403, advice)].
fn parse_error_handling(rest: &[Inline]) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for inline in rest {
        match inline {
            Inline::Code(code) if code.len() == 3 && code.chars().all(|c| c.is_ascii_digit()) => {
                out.push((code.clone(), String::new()))
            }
            other => match out.last_mut() {
                Some((_, text)) => text.push_str(&to_markdown(std::slice::from_ref(other))),
                None if to_plain(std::slice::from_ref(other)).trim().is_empty() => {}
                None => {
                    return Err(
                        "**Error handling:** should read `` `401`: advice `403`: advice ``".into(),
                    )
                }
            },
        }
    }
    for (_, text) in &mut out {
        *text = text.trim().trim_start_matches(':').trim().to_string();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_split_on_numbers_at_word_starts() {
        let codes = parse_error_codes("0: Token Validation Failed 4: You don't own the specified item. 9: The collection is full.");
        assert_eq!(
            codes,
            vec![
                ErrorCode {
                    code: Some(0),
                    message: "Token Validation Failed".into()
                },
                ErrorCode {
                    code: Some(4),
                    message: "You don't own the specified item.".into()
                },
                ErrorCode {
                    code: Some(9),
                    message: "The collection is full.".into()
                },
            ]
        );
        assert_eq!(
            parse_error_codes("The specified asset type(s) are invalid."),
            vec![ErrorCode {
                code: None,
                message: "The specified asset type(s) are invalid.".into()
            }]
        );
        assert!(parse_error_codes("OK").is_empty());
    }

    #[test]
    fn types() {
        assert!(matches!(
            parse_type("integer[]"),
            Ok(Parsed::Type(TypeExpr::Array(_)))
        ));
        assert!(
            matches!(parse_type("0 | 1 | 2"), Ok(Parsed::Type(TypeExpr::IntEnum(v))) if v == vec![0, 1, 2])
        );
        assert!(matches!(
            parse_type("Asc | Desc"),
            Ok(Parsed::Type(TypeExpr::StrEnum(_)))
        ));
        assert!(matches!(
            parse_type("integer enum (6 values)"),
            Ok(Parsed::EnumOf(Primitive::Integer, 6))
        ));
        assert!(matches!(
            parse_type("Roblox.Models.X_Y_"),
            Ok(Parsed::Type(TypeExpr::Named(_)))
        ));
        assert!(parse_type("strng thing").is_err());
        assert!(parse_type("1 | Desc").is_err());
    }

    #[test]
    fn rate_limits() {
        let limits =
            parse_rate_limits("perApiKeyOwner: 100/minute, perOauth2Authorization: 20/minute")
                .unwrap();
        assert_eq!(
            limits[1],
            RateLimit {
                key: "perOauth2Authorization".into(),
                max: 20,
                period: "MINUTE".into()
            }
        );
        assert!(parse_rate_limits("perIp: lots").is_err());
    }

    #[test]
    fn path_templates() {
        assert!(check_path_template("/v1/users/{userId}/x").is_ok());
        assert!(check_path_template("v1/users").is_err());
        assert!(check_path_template("/v1/{a").is_err());
        assert!(check_path_template("/v1/a}").is_err());
        assert_eq!(path_variables("/a/{x}/b/{y}"), vec!["x", "y"]);
    }
}
