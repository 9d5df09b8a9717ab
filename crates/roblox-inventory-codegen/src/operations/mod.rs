//! The operation table (`pub mod operations` of the generated crate): one entry
//! per operation of the spec with every fact the runtime needs, so nothing at
//! run time re-derives a fact from a name, a prefix or a magic number.
//!
//! From the spec, per operation: Roblox's operationId, the method progenitor
//! generates for it (checked against progenitor's own output, see
//! [`check_method_names`]), its summary, host (its tag and server), HTTP method
//! and path template, the security schemes it accepts and whether it may be
//! called without one (`security`), the X-CSRF-TOKEN exchange (`x-roblox-csrf`),
//! its rate limits (`x-roblox-rate-limits`, each with what it is counted per),
//! its documented error codes (`x-roblox-error-codes`), which answer means
//! "this inventory is private to you" (`x-roblox-private-inventory`) and the
//! parts of a `multipart/form-data` body.
//!
//! A spec without what the table needs is refused ([`CodegenError::Table`]);
//! `cargo xtask spec` refuses such a document earlier, with file and line.

mod tokens;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::CodegenError;

pub use tokens::{host_client_tokens, table_tokens};

#[cfg(test)]
mod tests;

/// Each operation's id with the value of its `extension`, for operations that have it.
pub(crate) fn operations_with<'a>(
    spec: &'a openapiv3::OpenAPI,
    extension: &'a str,
) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
    spec.paths
        .iter()
        .filter_map(|(_, item)| item.as_item())
        .flat_map(|item| item.iter().map(|(_, op)| op))
        .filter_map(move |op| Some((op.operation_id.as_ref()?, op.extensions.get(extension)?)))
}

/// Where a security scheme puts its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// A request header with this name (`x-api-key`).
    Header(String),
    /// A cookie with this name (`.ROBLOSECURITY`).
    Cookie(String),
    /// `Authorization: Bearer …` (OAuth 2.0).
    Bearer,
}

/// One security scheme of `components.securitySchemes`.
#[derive(Debug, Clone)]
pub struct SchemeFacts {
    /// Its name in the spec (`roblox-api-key`).
    pub name: String,
    /// Where its credential goes.
    pub placement: Placement,
}

/// One host: the operations of one tag, all on one server.
#[derive(Debug, Clone)]
pub struct HostFacts {
    /// The tag (`cloud`).
    pub tag: String,
    /// The server URL.
    pub url: String,
    /// The tag's description.
    pub description: String,
}

/// One rate limit: `max` requests per `period_secs`, counted per `per`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitFacts {
    /// As the spec names it (`perApiKeyOwner`).
    pub per: String,
    /// Requests per period.
    pub max: u32,
    /// The period in seconds.
    pub period_secs: u64,
}

/// One documented error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFacts {
    /// The HTTP status.
    pub status: u16,
    /// The legacy numbered code, where documented.
    pub code: Option<i64>,
    /// The documented message.
    pub message: String,
}

/// Everything the table says about one operation.
#[derive(Debug, Clone)]
pub struct OperationFacts {
    /// Roblox's operationId (`Cloud_ListInventoryItems`).
    pub operation_id: String,
    /// The generated client's method (`cloud_list_inventory_items`).
    pub method_name: String,
    /// The summary.
    pub summary: String,
    /// The host's tag.
    pub host: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The schemes it accepts, in the spec's order.
    pub schemes: Vec<String>,
    /// Whether it may be called with no credential.
    pub anonymous: bool,
    /// The OAuth 2.0 scopes its security asks for.
    pub scopes: Vec<String>,
    /// The X-CSRF-TOKEN exchange: header, and the status and code of a refused token.
    pub csrf: Option<(String, u16, i64)>,
    /// Its rate limits.
    pub rate_limits: Vec<RateLimitFacts>,
    /// Its documented error answers.
    pub error_codes: Vec<CodeFacts>,
    /// The status, legacy code and Open Cloud code that mean "private to you".
    pub private_inventory: Option<(u16, Option<i64>, Option<String>)>,
    /// The parts of its `multipart/form-data` body, if its body is a form.
    pub form: Option<Vec<crate::forms::PartFacts>>,
}

/// The whole table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The hosts, in the order their operations first appear.
    pub hosts: Vec<HostFacts>,
    /// The security schemes, in the spec's order.
    pub schemes: Vec<SchemeFacts>,
    /// The operations, in the spec's order.
    pub operations: Vec<OperationFacts>,
}

fn table_error(operation: &str, what: impl std::fmt::Display) -> CodegenError {
    CodegenError::Table(format!("{operation}: {what}"))
}

fn period_secs(period: &str) -> Option<u64> {
    Some(match period {
        "SECOND" => 1,
        "MINUTE" => 60,
        "HOUR" => 3_600,
        "DAY" => 86_400,
        _ => return None,
    })
}

fn as_u16(value: Option<&Value>) -> Option<u16> {
    value?.as_u64().and_then(|n| u16::try_from(n).ok())
}

/// Reads the table from `spec`, or says which operation lacks what.
pub fn table(spec: &openapiv3::OpenAPI) -> Result<Table, CodegenError> {
    let mut schemes = Vec::new();
    if let Some(components) = &spec.components {
        for (name, scheme) in &components.security_schemes {
            let scheme = scheme.as_item().ok_or_else(|| {
                CodegenError::Table(format!("security scheme `{name}` is a reference"))
            })?;
            let placement = match scheme {
                openapiv3::SecurityScheme::APIKey {
                    location: openapiv3::APIKeyLocation::Header,
                    name: header,
                    ..
                } => Placement::Header(header.to_ascii_lowercase()),
                openapiv3::SecurityScheme::APIKey {
                    location: openapiv3::APIKeyLocation::Cookie,
                    name: cookie,
                    ..
                } => Placement::Cookie(cookie.clone()),
                openapiv3::SecurityScheme::OAuth2 { .. } => Placement::Bearer,
                openapiv3::SecurityScheme::HTTP { scheme, .. }
                    if scheme.eq_ignore_ascii_case("bearer") =>
                {
                    Placement::Bearer
                }
                _ => {
                    return Err(CodegenError::Table(format!(
                        "security scheme `{name}`: only API keys in a header or cookie, \
                         OAuth 2.0 and bearer tokens are supported"
                    )))
                }
            };
            schemes.push(SchemeFacts {
                name: name.clone(),
                placement,
            });
        }
    }
    let mut hosts: Vec<HostFacts> = Vec::new();
    let mut operations = Vec::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else {
            return Err(CodegenError::Table(format!("path `{path}` is a reference")));
        };
        for (method, op) in item.iter() {
            let id = op
                .operation_id
                .clone()
                .ok_or_else(|| table_error(&format!("{method} {path}"), "no operationId"))?;
            let tag = match op.tags.as_slice() {
                [tag] => tag.clone(),
                _ => return Err(table_error(&id, "needs exactly one tag (its host)")),
            };
            let url = match op.servers.as_slice() {
                [server] => server.url.clone(),
                _ => return Err(table_error(&id, "needs exactly one server (its host)")),
            };
            match hosts.iter().find(|h| h.tag == tag) {
                Some(host) if host.url != url => {
                    return Err(table_error(
                        &id,
                        format!("tag `{tag}` is on {} elsewhere but on {url} here", host.url),
                    ))
                }
                Some(_) => {}
                None => hosts.push(HostFacts {
                    description: spec
                        .tags
                        .iter()
                        .find(|t| t.name == tag)
                        .and_then(|t| t.description.clone())
                        .unwrap_or_default(),
                    tag: tag.clone(),
                    url,
                }),
            }
            // `security: []` is an operation that takes no credential; a missing
            // `security` would inherit the spec's, which the table does not guess.
            let requirements = op
                .security
                .clone()
                .ok_or_else(|| table_error(&id, "no `security`: how is it called?"))?;
            let anonymous = requirements.is_empty() || requirements.iter().any(|r| r.is_empty());
            let mut accepted = Vec::new();
            let mut scopes: Vec<String> = Vec::new();
            for requirement in &requirements {
                for (name, wanted) in requirement {
                    for scope in wanted {
                        if !scopes.contains(scope) {
                            scopes.push(scope.clone());
                        }
                    }
                    if !schemes.iter().any(|s| &s.name == name) {
                        return Err(table_error(
                            &id,
                            format!("unknown security scheme `{name}`"),
                        ));
                    }
                    if !accepted.contains(name) {
                        accepted.push(name.clone());
                    }
                }
            }
            if accepted.is_empty() && !anonymous {
                return Err(table_error(&id, "no `security`: how is it called?"));
            }
            let mut rate_limits = Vec::new();
            if let Some(limits) = op.extensions.get("x-roblox-rate-limits") {
                let limits = limits
                    .as_object()
                    .ok_or_else(|| table_error(&id, "x-roblox-rate-limits is not an object"))?;
                for (per, limit) in limits {
                    let max = limit
                        .get("maxInPeriod")
                        .and_then(Value::as_u64)
                        .and_then(|n| u32::try_from(n).ok())
                        .filter(|n| *n > 0)
                        .ok_or_else(|| table_error(&id, format!("{per}: no maxInPeriod")))?;
                    let period = limit
                        .get("period")
                        .and_then(Value::as_str)
                        .and_then(period_secs)
                        .ok_or_else(|| {
                            table_error(
                                &id,
                                format!("{per}: period is not SECOND, MINUTE, HOUR or DAY"),
                            )
                        })?;
                    rate_limits.push(RateLimitFacts {
                        per: per.clone(),
                        max,
                        period_secs: period,
                    });
                }
            }
            if rate_limits.is_empty() {
                return Err(table_error(
                    &id,
                    "no x-roblox-rate-limits: the request budget needs the documented limit",
                ));
            }
            let mut error_codes = Vec::new();
            if let Some(codes) = op.extensions.get("x-roblox-error-codes") {
                for entry in codes.as_array().into_iter().flatten() {
                    let (Some(status), Some(message)) = (
                        as_u16(entry.get("status")),
                        entry.get("message").and_then(Value::as_str),
                    ) else {
                        return Err(table_error(&id, "an error code without status or message"));
                    };
                    error_codes.push(CodeFacts {
                        status,
                        code: entry.get("code").and_then(Value::as_i64),
                        message: message.to_string(),
                    });
                }
            }
            let documented = |status: u16, code: Option<i64>| {
                error_codes
                    .iter()
                    .any(|c| c.status == status && (code.is_none() || c.code == code))
            };
            let csrf = match op.extensions.get("x-roblox-csrf") {
                None => None,
                Some(rule) => {
                    let (Some(header), Some(status), Some(code)) = (
                        rule.get("header").and_then(Value::as_str),
                        as_u16(rule.get("status")),
                        rule.get("code").and_then(Value::as_i64),
                    ) else {
                        return Err(table_error(
                            &id,
                            "x-roblox-csrf needs header, status and code",
                        ));
                    };
                    if !documented(status, Some(code)) {
                        return Err(table_error(
                            &id,
                            format!(
                                "x-roblox-csrf: {status} code {code} is not a documented error"
                            ),
                        ));
                    }
                    Some((header.to_ascii_lowercase(), status, code))
                }
            };
            let private_inventory = match op.extensions.get("x-roblox-private-inventory") {
                None => None,
                Some(rule) => {
                    let status = as_u16(rule.get("status")).ok_or_else(|| {
                        table_error(&id, "x-roblox-private-inventory needs a status")
                    })?;
                    let code = rule.get("code").and_then(Value::as_i64);
                    if code.is_some() && !documented(status, code) {
                        return Err(table_error(
                            &id,
                            format!(
                                "x-roblox-private-inventory: {status} code {} is not a documented error",
                                code.unwrap_or_default()
                            ),
                        ));
                    }
                    let cloud_code = rule
                        .get("cloudCode")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    Some((status, code, cloud_code))
                }
            };
            let form = crate::forms::form_parts(&id, op)?;
            operations.push(OperationFacts {
                form,
                method_name: method_name(&id),
                summary: op.summary.clone().unwrap_or_default(),
                host: tag,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                schemes: accepted,
                scopes,
                anonymous,
                csrf,
                rate_limits,
                error_codes,
                private_inventory,
                operation_id: id,
            });
        }
    }
    Ok(Table {
        hosts,
        schemes,
        operations,
    })
}

/// The method progenitor generates for `operation_id` (its snake case): one
/// function, checked against progenitor's output by [`check_method_names`].
pub fn method_name(operation_id: &str) -> String {
    operation_id.to_snake_case()
}

/// Fails unless progenitor's generated source names exactly the table's
/// methods in its `OperationInfo`s: the runtime maps what progenitor reports
/// back to an [`OperationFacts`] by that name, so it is checked, not assumed.
pub fn check_method_names(table: &Table, generated: &str) -> Result<(), CodegenError> {
    let mut reported: Vec<&str> = generated
        .split("operation_id: \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    reported.sort_unstable();
    reported.dedup();
    let mut ours: Vec<&str> = table
        .operations
        .iter()
        .map(|o| o.method_name.as_str())
        .collect();
    ours.sort_unstable();
    if reported != ours {
        return Err(CodegenError::Table(format!(
            "progenitor names the operations {reported:?}, the table {ours:?}"
        )));
    }
    Ok(())
}
