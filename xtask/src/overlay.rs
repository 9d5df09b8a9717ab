//! The reviewed overlay: facts the Markdown document leaves out.
//!
//! Every entry carries `source`, the public place the fact comes from (see
//! `shared/reference/roblox-inventory-facts.md`); the xtask refuses entries
//! without one, so an unsourced fact cannot slip into the spec.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::Diagnostics;

/// How operationIds are made for one host's operations.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum OperationIdStyle {
    /// A prefix plus the PascalCased summary (`Cloud_ListInventoryItems`).
    Summary,
    /// The method plus the path's static segments (`GetV1UsersCategories`).
    MethodPath,
}

/// Facts about one host.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// The server URL, as the document writes it.
    pub url: String,
    /// The OpenAPI tag of its operations (one generated trait per tag).
    pub tag: String,
    /// The tag's description.
    pub description: String,
    /// How its operationIds are derived.
    pub operation_ids: OperationIdStyle,
    /// Prepended to every derived operationId.
    #[serde(default)]
    pub operation_id_prefix: String,
    /// Where these facts come from.
    pub source: String,
}

/// Facts about one security scheme of the document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityScheme {
    /// The document's id (`api-key`, `oauth2`, `cookie`).
    pub id: String,
    /// The name under `components.securitySchemes`.
    pub name: String,
    /// OAuth 2.0 refresh URL.
    #[serde(default)]
    pub refresh_url: Option<String>,
    /// OAuth 2.0 scope descriptions.
    #[serde(default)]
    pub scopes: BTreeMap<String, String>,
    /// Where these facts come from.
    pub source: String,
}

/// Whether an operation that takes the `.ROBLOSECURITY` cookie also answers
/// without it (the page format writes both as `Cookie`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CookieUse {
    /// It answers without a cookie too (`security: [{}, {cookie}]`).
    Optional,
    /// It needs the cookie.
    Required,
}

/// The X-CSRF-TOKEN exchange: a refused token is answered with `status` and
/// legacy `code` (a documented error of the operation) and a fresh token in
/// `header`, which the retry carries.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CsrfExchange {
    /// The request and response header that carries the token.
    pub header: String,
    /// The status of an answer that refuses the token.
    pub status: u16,
    /// Its legacy code.
    pub code: i64,
}

/// `none`, written out: the operation needs no X-CSRF-TOKEN exchange.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum NoCsrf {
    /// No exchange.
    None,
}

/// Whether a cookie operation needs the X-CSRF-TOKEN exchange: always stated.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum CsrfUse {
    /// `csrf: none`.
    No(NoCsrf),
    /// `csrf: {header, status, code}`.
    Exchange(CsrfExchange),
}

/// What the page format cannot say about operations that take the cookie,
/// stated for each operation by name (`METHOD /path`): whether the cookie is
/// optional, and whether the X-CSRF-TOKEN exchange applies. The xtask asks for
/// every cookie operation no entry names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CookieFacts {
    /// The operations, each as `METHOD /path`.
    pub operations: Vec<String>,
    /// Whether they answer without the cookie.
    pub cookie: CookieUse,
    /// Whether they need the X-CSRF-TOKEN exchange.
    pub csrf: CsrfUse,
    /// Where the facts come from.
    pub source: String,
}

/// Rate limits the document does not list for an operation (Roblox's current
/// document lists none for the legacy host).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitFacts {
    /// The operation, as `METHOD /path`.
    pub operation: String,
    /// What each limit is counted per (`perIp`) and the limit, as the document
    /// writes it (`1000/minute`).
    pub limits: BTreeMap<String, String>,
    /// Where they come from.
    pub source: String,
}

/// Which answer of an operation means "this user's inventory is private to you".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateInventoryFacts {
    /// The operation, as `METHOD /path`.
    pub operation: String,
    /// The HTTP status.
    pub status: u16,
    /// The legacy code, when only one code of that status means it (it must be
    /// one the document lists).
    #[serde(default)]
    pub code: Option<i64>,
    /// The Open Cloud code (`PERMISSION_DENIED`) of the endpoint's own
    /// `{code, message}` answer that means it: the same status in the
    /// gateway's `errors[]` shape is a refused credential instead (facts §4.2).
    #[serde(default)]
    pub cloud_code: Option<String>,
    /// Where the fact comes from.
    pub source: String,
}

/// A success response whose body Roblox may leave out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionalBody {
    /// The operation, as `METHOD /path`.
    pub operation: String,
    /// The status (`200`).
    pub status: String,
    /// Where the fact comes from.
    pub source: String,
}

/// What one part of a `multipart/form-data` body carries.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PartKind {
    /// Text (`name=VIP`).
    Text,
    /// A file: bytes with a file name and a media type.
    File,
    /// A JSON document of the model named by `type`.
    Json,
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormPart {
    /// The field name.
    pub name: String,
    /// What it carries.
    pub kind: PartKind,
    /// For `json`: the model of the document it holds.
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// Whether the request needs it.
    #[serde(default)]
    pub required: bool,
}

/// The parts of a `multipart/form-data` request body, which the page shows
/// only as an example of their names (`Type: `object``): what each carries.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormBody {
    /// The operation, as `METHOD /path`.
    pub operation: String,
    /// Its parts, in the order they are sent.
    pub parts: Vec<FormPart>,
    /// Where the facts come from.
    pub source: String,
}

/// Names for an enum the document lists only as values.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumFacts {
    /// The schema name under `components.schemas`.
    pub name: String,
    /// The parameters that use it, as `METHOD /path name`.
    pub used_by: Vec<String>,
    /// What it is.
    pub description: String,
    /// Variant names for integer values.
    #[serde(default)]
    pub names: BTreeMap<i64, String>,
    /// Values no source names: they stay numbers (no variant, sent as the number).
    #[serde(default)]
    pub unnamed: Vec<i64>,
    /// Whether the names are inferred rather than documented anywhere.
    #[serde(default)]
    pub inferred: bool,
    /// Where the names come from.
    pub source: String,
}

/// A model the document references but does not define.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFacts {
    /// The model's name as Roblox writes it.
    pub name: String,
    /// The schema, in OpenAPI 3.0 form; `$ref`s use Roblox's names.
    pub schema: serde_json::Value,
    /// Where it comes from.
    pub source: String,
}

/// A change to a property of a model the document defines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyPatch {
    /// The model's name; `*` matches any run of characters.
    pub schema: String,
    /// The property.
    pub property: String,
    /// Roblox sends `null` for it.
    #[serde(default)]
    pub nullable: bool,
    /// Where the fact comes from.
    pub source: String,
}

/// A correction to a parameter the document declares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterPatch {
    /// The parameter, as `METHOD /path name`.
    pub parameter: String,
    /// Whether it is required.
    #[serde(default)]
    pub required: Option<bool>,
    /// Its JSON type (`string`), replacing the document's.
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// For an array in the query: `true` sends `ids=1&ids=2`, `false` `ids=1,2`.
    #[serde(default)]
    pub explode: Option<bool>,
    /// Where the fact comes from.
    pub source: String,
}

/// The whole overlay file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Per-host facts.
    pub hosts: Vec<Host>,
    /// Per-scheme facts.
    pub security_schemes: Vec<SecurityScheme>,
    /// Per cookie operation: optional or required, and the X-CSRF-TOKEN exchange.
    #[serde(default)]
    pub cookie_operations: Vec<CookieFacts>,
    /// Rate limits the document does not list.
    #[serde(default)]
    pub rate_limits: Vec<RateLimitFacts>,
    /// What means "private inventory", per operation.
    #[serde(default)]
    pub private_inventory: Vec<PrivateInventoryFacts>,
    /// Success responses whose body may be missing.
    #[serde(default)]
    pub optional_bodies: Vec<OptionalBody>,
    /// The parts of `multipart/form-data` request bodies.
    #[serde(default)]
    pub form_bodies: Vec<FormBody>,
    /// Names for the document's enums.
    #[serde(default)]
    pub enums: Vec<EnumFacts>,
    /// Models the document does not define.
    #[serde(default)]
    pub schemas: Vec<SchemaFacts>,
    /// Corrections to models the document defines.
    #[serde(default)]
    pub patches: Vec<PropertyPatch>,
    /// Corrections to parameters the document declares.
    #[serde(default)]
    pub parameter_patches: Vec<ParameterPatch>,
    /// The file's text, for the line numbers of diagnostics.
    #[serde(skip)]
    pub text: String,
}

impl Overlay {
    /// The host facts for `url`.
    pub fn host(&self, url: &str) -> Option<&Host> {
        self.hosts.iter().find(|h| h.url == url)
    }

    /// The line (1-based) of the first line of the file that contains `needle`,
    /// or 0 when none does.
    pub fn line_of(&self, needle: &str) -> usize {
        self.text
            .lines()
            .position(|line| line.contains(needle))
            .map_or(0, |at| at + 1)
    }

    /// The line of the entry for the operation `key` (`METHOD /path`) in the
    /// list that starts with `list:`, or of the list itself.
    pub fn entry_line(&self, list: &str, key: &str) -> usize {
        let start = self.line_of(&format!("{list}:"));
        let entry = format!("operation: {key}");
        self.text
            .lines()
            .enumerate()
            .skip(start)
            .find(|(_, line)| line.trim_start().trim_start_matches("- ") == entry)
            .map_or(start, |(at, _)| at + 1)
    }

    /// The cookie facts that name `key` (`METHOD /path`).
    pub fn cookie_facts(&self, key: &str) -> Vec<&CookieFacts> {
        self.cookie_operations
            .iter()
            .filter(|f| f.operations.iter().any(|o| o == key))
            .collect()
    }

    /// The scheme facts for a document scheme id.
    pub fn scheme(&self, id: &str) -> Option<&SecurityScheme> {
        self.security_schemes.iter().find(|s| s.id == id)
    }
}

/// Parses the overlay and checks every entry names its source.
pub fn parse(text: &str, diags: &mut Diagnostics) -> Option<Overlay> {
    let overlay = match serde_saphyr::from_str::<Overlay>(text) {
        Ok(overlay) => Overlay {
            text: text.to_string(),
            ..overlay
        },
        Err(e) => {
            let message = e.to_string();
            let line = line_in_message(&message).unwrap_or(0);
            let first = message.lines().next().unwrap_or("").to_string();
            diags.error(line, format!("the overlay is invalid: {first}"));
            return None;
        }
    };
    let sources = overlay
        .hosts
        .iter()
        .map(|h| (&h.url, &h.source))
        .chain(overlay.security_schemes.iter().map(|s| (&s.id, &s.source)))
        .chain(overlay.enums.iter().map(|e| (&e.name, &e.source)))
        .chain(overlay.schemas.iter().map(|s| (&s.name, &s.source)))
        .chain(overlay.patches.iter().map(|p| (&p.property, &p.source)))
        .chain(
            overlay
                .parameter_patches
                .iter()
                .map(|p| (&p.parameter, &p.source)),
        )
        .chain(
            overlay
                .cookie_operations
                .iter()
                .filter_map(|r| Some((r.operations.first()?, &r.source))),
        )
        .chain(
            overlay
                .rate_limits
                .iter()
                .map(|r| (&r.operation, &r.source)),
        )
        .chain(
            overlay
                .private_inventory
                .iter()
                .map(|r| (&r.operation, &r.source)),
        )
        .chain(
            overlay
                .optional_bodies
                .iter()
                .map(|r| (&r.operation, &r.source)),
        )
        .chain(
            overlay
                .form_bodies
                .iter()
                .map(|r| (&r.operation, &r.source)),
        );
    for (name, source) in sources {
        if source.trim().is_empty() {
            diags.error(0, format!("overlay entry `{name}` has an empty `source`; every fact needs its public source"));
        }
    }
    Some(overlay)
}

/// Pulls a `line N` out of a YAML error message, if it has one.
fn line_in_message(message: &str) -> Option<usize> {
    let at = message.find("line ")?;
    message[at + 5..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Whether `name` matches `pattern`, where `*` matches any run of characters.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || !name.ends_with(last) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("A.*Page_*", "A.xPage_y"));
        assert!(glob_match("*Response_*_", "ApiPageResponse_X_"));
        assert!(!glob_match("*Response_*_", "ApiPageResponse_X"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exactly"));
    }
}
