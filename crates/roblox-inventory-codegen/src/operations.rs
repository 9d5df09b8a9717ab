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
//! its documented error codes (`x-roblox-error-codes`) and which answer means
//! "this inventory is private to you" (`x-roblox-private-inventory`).
//!
//! A spec without what the table needs is refused ([`CodegenError::Table`]);
//! `cargo xtask spec` refuses such a document earlier, with file and line.

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::named_enums::ident;
use crate::CodegenError;

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
    /// The X-CSRF-TOKEN exchange: header, and the status and code of a refused token.
    pub csrf: Option<(String, u16, i64)>,
    /// Its rate limits.
    pub rate_limits: Vec<RateLimitFacts>,
    /// Its documented error answers.
    pub error_codes: Vec<CodeFacts>,
    /// The status (and code) that mean "private to you".
    pub private_inventory: Option<(u16, Option<i64>)>,
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
            let requirements = op.security.clone().unwrap_or_default();
            let anonymous = requirements.iter().any(|r| r.is_empty());
            let mut accepted = Vec::new();
            for requirement in &requirements {
                for name in requirement.keys() {
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
                    Some((status, code))
                }
            };
            operations.push(OperationFacts {
                method_name: id.to_snake_case(),
                summary: op.summary.clone().unwrap_or_default(),
                host: tag,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                schemes: accepted,
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

fn pascal(text: &str) -> proc_macro2::Ident {
    let mut name = text.to_pascal_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    ident(&name)
}

fn per_tokens(per: &str) -> TokenStream {
    match per {
        "perApiKeyOwner" => quote!(Per::ApiKeyOwner),
        "perOauth2Authorization" => quote!(Per::Oauth2Authorization),
        "perIp" => quote!(Per::Ip),
        "perCookie" => quote!(Per::Cookie),
        other => quote!(Per::Other(#other)),
    }
}

fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// The Rust source of `pub mod operations`.
pub fn table_tokens(table: &Table) -> TokenStream {
    let host_variants: Vec<_> = table.hosts.iter().map(|h| pascal(&h.tag)).collect();
    let host_tags: Vec<&str> = table.hosts.iter().map(|h| h.tag.as_str()).collect();
    let host_urls: Vec<&str> = table.hosts.iter().map(|h| h.url.as_str()).collect();
    let host_docs: Vec<String> = table
        .hosts
        .iter()
        .map(|h| format!("`{}` ({}): {}", h.tag, h.url, h.description))
        .collect();

    let scheme_variants: Vec<_> = table.schemes.iter().map(|s| pascal(&s.name)).collect();
    let scheme_names: Vec<&str> = table.schemes.iter().map(|s| s.name.as_str()).collect();
    let scheme_docs: Vec<String> = table
        .schemes
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect();
    let placements: Vec<TokenStream> = table
        .schemes
        .iter()
        .map(|s| match &s.placement {
            Placement::Header(name) => quote!(Placement::Header(#name)),
            Placement::Cookie(name) => quote!(Placement::Cookie(#name)),
            Placement::Bearer => quote!(Placement::Bearer),
        })
        .collect();

    let ops = &table.operations;
    let variants: Vec<_> = ops.iter().map(|o| pascal(&o.operation_id)).collect();
    let ids: Vec<&str> = ops.iter().map(|o| o.operation_id.as_str()).collect();
    let method_names: Vec<&str> = ops.iter().map(|o| o.method_name.as_str()).collect();
    let summaries: Vec<&str> = ops.iter().map(|o| o.summary.as_str()).collect();
    let methods: Vec<&str> = ops.iter().map(|o| o.method.as_str()).collect();
    let paths: Vec<&str> = ops.iter().map(|o| o.path.as_str()).collect();
    let docs: Vec<String> = ops
        .iter()
        .map(|o| {
            format!(
                "`{}`: {} `{} {}`",
                o.operation_id, o.summary, o.method, o.path
            )
        })
        .collect();
    let hosts: Vec<_> = ops.iter().map(|o| pascal(&o.host)).collect();
    let schemes: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let each = o.schemes.iter().map(|s| pascal(s));
            quote!(&[#(Scheme::#each),*])
        })
        .collect();
    let anonymous: Vec<bool> = ops.iter().map(|o| o.anonymous).collect();
    let csrf: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            option(o.csrf.as_ref().map(|(header, status, code)| {
                quote!(Csrf { header: #header, status: #status, code: #code })
            }))
        })
        .collect();
    let limits: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let each = o.rate_limits.iter().map(|l| {
                let per = per_tokens(&l.per);
                let (max, secs) = (l.max, l.period_secs);
                quote!(RateLimit { per: #per, max: #max, period: ::std::time::Duration::from_secs(#secs) })
            });
            // `Duration::from_secs` is a call, which `&[…]` does not promote: a const does.
            quote!({ const LIMITS: &[RateLimit] = &[#(#each),*]; LIMITS })
        })
        .collect();
    let codes: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let each = o.error_codes.iter().map(|c| {
                let (status, message) = (c.status, c.message.as_str());
                let code = option(c.code);
                quote!(DocumentedCode { status: #status, code: #code, message: #message })
            });
            quote!(&[#(#each),*])
        })
        .collect();
    let private: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            option(o.private_inventory.map(|(status, code)| {
                let code = option(code);
                quote!(PrivateInventory { status: #status, code: #code })
            }))
        })
        .collect();

    quote! {
        /// A host of the API: the operations of one tag, all served from one URL.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Host {
            #( #[doc = #host_docs] #host_variants, )*
        }

        impl Host {
            /// Every host of the spec.
            pub const ALL: &'static [Host] = &[#(Host::#host_variants),*];

            /// Its tag in the spec.
            pub const fn tag(self) -> &'static str {
                match self { #( Host::#host_variants => #host_tags, )* }
            }

            /// The URL the spec serves it from.
            pub const fn default_base_url(self) -> &'static str {
                match self { #( Host::#host_variants => #host_urls, )* }
            }
        }

        impl ::std::fmt::Display for Host {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.tag())
            }
        }

        /// Where a security scheme puts its credential.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Placement {
            /// A request header with this (lower-case) name.
            Header(&'static str),
            /// A cookie with this name.
            Cookie(&'static str),
            /// `Authorization: Bearer …`.
            Bearer,
        }

        /// A security scheme of the spec (`components.securitySchemes`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Scheme {
            #( #[doc = #scheme_docs] #scheme_variants, )*
        }

        impl Scheme {
            /// Every scheme of the spec.
            pub const ALL: &'static [Scheme] = &[#(Scheme::#scheme_variants),*];

            /// Its name in the spec.
            pub const fn name(self) -> &'static str {
                match self { #( Scheme::#scheme_variants => #scheme_names, )* }
            }

            /// Where its credential goes.
            pub const fn placement(self) -> Placement {
                match self { #( Scheme::#scheme_variants => #placements, )* }
            }
        }

        /// What a rate limit is counted per (the keys of `x-roblox-rate-limits`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Per {
            /// `perApiKeyOwner`: the owner of the API key.
            ApiKeyOwner,
            /// `perOauth2Authorization`: one OAuth 2.0 grant.
            Oauth2Authorization,
            /// `perIp`: the client's address.
            Ip,
            /// `perCookie`: the signed-in `.ROBLOSECURITY` cookie.
            Cookie,
            /// A key this version does not know, as the spec writes it.
            Other(&'static str),
        }

        impl Per {
            /// As the spec writes it.
            pub const fn name(self) -> &'static str {
                match self {
                    Per::ApiKeyOwner => "perApiKeyOwner",
                    Per::Oauth2Authorization => "perOauth2Authorization",
                    Per::Ip => "perIp",
                    Per::Cookie => "perCookie",
                    Per::Other(name) => name,
                }
            }
        }

        /// A documented rate limit: `max` requests per fixed `period`, counted per `per`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct RateLimit {
            /// What it is counted per.
            pub per: Per,
            /// Requests per period.
            pub max: u32,
            /// The period.
            pub period: ::std::time::Duration,
        }

        /// The X-CSRF-TOKEN exchange: a refused token is answered with `status`
        /// and legacy `code`, and a fresh token in the `header` response header,
        /// which the retry carries in the same request header.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct Csrf {
            /// The header (lower-case).
            pub header: &'static str,
            /// The status of a refused token.
            pub status: u16,
            /// The legacy code of a refused token.
            pub code: i64,
        }

        /// A documented error answer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct DocumentedCode {
            /// The HTTP status.
            pub status: u16,
            /// The legacy numbered code, where documented.
            pub code: Option<i64>,
            /// The documented message.
            pub message: &'static str,
        }

        /// The answer that means "this user's inventory is private to this caller".
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct PrivateInventory {
            /// The HTTP status.
            pub status: u16,
            /// The legacy code, if only one code of that status means it.
            pub code: Option<i64>,
        }

        impl PrivateInventory {
            /// Whether an answer with `status` and legacy `code` means it.
            pub fn matches(self, status: u16, code: Option<i64>) -> bool {
                status == self.status && (self.code.is_none() || self.code == code)
            }
        }

        /// An operation of the spec.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            #( #[doc = #docs] #variants, )*
        }

        impl Operation {
            /// Every operation of the spec, in its order.
            pub const ALL: &'static [Operation] = &[#(Operation::#variants),*];

            /// Roblox's operationId (also what `Display` prints).
            pub const fn operation_id(self) -> &'static str {
                match self { #( Operation::#variants => #ids, )* }
            }

            /// The generated client's method for it.
            pub const fn method_name(self) -> &'static str {
                match self { #( Operation::#variants => #method_names, )* }
            }

            /// Its summary: what it does, in a few words.
            pub const fn summary(self) -> &'static str {
                match self { #( Operation::#variants => #summaries, )* }
            }

            /// The host that serves it.
            pub const fn host(self) -> Host {
                match self { #( Operation::#variants => Host::#hosts, )* }
            }

            /// The HTTP method, upper-case.
            pub const fn method(self) -> &'static str {
                match self { #( Operation::#variants => #methods, )* }
            }

            /// The path template.
            pub const fn path(self) -> &'static str {
                match self { #( Operation::#variants => #paths, )* }
            }

            /// The security schemes it accepts, in the spec's order.
            pub const fn schemes(self) -> &'static [Scheme] {
                match self { #( Operation::#variants => #schemes, )* }
            }

            /// Whether it may be called with no credential.
            pub const fn allows_anonymous(self) -> bool {
                match self { #( Operation::#variants => #anonymous, )* }
            }

            /// Whether it accepts `scheme`.
            pub fn accepts(self, scheme: Scheme) -> bool {
                self.schemes().contains(&scheme)
            }

            /// The X-CSRF-TOKEN exchange, if it needs one.
            pub const fn csrf(self) -> Option<Csrf> {
                match self { #( Operation::#variants => #csrf, )* }
            }

            /// Its documented rate limits.
            pub const fn rate_limits(self) -> &'static [RateLimit] {
                match self { #( Operation::#variants => #limits, )* }
            }

            /// Its documented error answers.
            pub const fn error_codes(self) -> &'static [DocumentedCode] {
                match self { #( Operation::#variants => #codes, )* }
            }

            /// The answer that means "this inventory is private to you", if it has one.
            pub const fn private_inventory(self) -> Option<PrivateInventory> {
                match self { #( Operation::#variants => #private, )* }
            }

            /// The documented error with this status and legacy code, if any.
            pub fn documented(self, status: u16, code: Option<i64>) -> Option<DocumentedCode> {
                self.error_codes()
                    .iter()
                    .find(|c| c.status == status && c.code == code)
                    .copied()
            }

            /// The operation with this operationId.
            pub fn from_operation_id(id: &str) -> Option<Operation> {
                match id {
                    #( #ids => Some(Operation::#variants), )*
                    _ => None,
                }
            }

            /// The operation a generated method stands for (what progenitor
            /// reports to the client's hooks).
            pub fn from_method_name(name: &str) -> Option<Operation> {
                match name {
                    #( #method_names => Some(Operation::#variants), )*
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for Operation {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.operation_id())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> serde_json::Value {
        serde_json::from_str(include_str!("../../../spec/openapi.json")).expect("the spec")
    }

    fn read(value: serde_json::Value) -> Result<Table, CodegenError> {
        table(&serde_json::from_value(value).expect("an OpenAPI document"))
    }

    #[test]
    fn the_table_reads_every_fact_of_the_spec() {
        let table = read(spec()).unwrap();
        assert_eq!(table.operations.len(), 9);
        let hosts: Vec<(&str, &str)> = table
            .hosts
            .iter()
            .map(|h| (h.tag.as_str(), h.url.as_str()))
            .collect();
        assert_eq!(
            hosts,
            [
                ("cloud", "https://apis.roblox.com"),
                ("legacy", "https://inventory.roblox.com")
            ]
        );
        let add = table
            .operations
            .iter()
            .find(|o| o.operation_id == "PostV1CollectionsItems")
            .unwrap();
        assert_eq!(add.csrf, Some(("x-csrf-token".into(), 403, 0)));
        assert_eq!(add.schemes, ["roblox-legacy-cookie"]);
        assert!(!add.anonymous);
        let places = table
            .operations
            .iter()
            .find(|o| o.operation_id == "GetV1UsersPlacesInventory")
            .unwrap();
        assert_eq!(places.private_inventory, Some((403, Some(3))));
        assert!(places.anonymous);
        assert_eq!(places.method_name, "get_v1_users_places_inventory");
    }

    #[test]
    fn a_spec_without_what_the_table_needs_is_refused() {
        let path = "/v1/users/{userId}/categories";
        let mut no_limits = spec();
        no_limits["paths"][path]["get"]
            .as_object_mut()
            .unwrap()
            .remove("x-roblox-rate-limits");
        assert!(
            matches!(read(no_limits), Err(CodegenError::Table(m)) if m.contains("GetV1UsersCategories"))
        );
        let mut two_hosts = spec();
        two_hosts["paths"][path]["get"]["servers"] =
            serde_json::json!([{"url": "https://elsewhere.example"}]);
        assert!(read(two_hosts).is_err());
        let mut undocumented_csrf = spec();
        undocumented_csrf["paths"]["/v1/collections/items/{itemType}/{itemTargetId}"]["post"]
            ["x-roblox-csrf"]["code"] = serde_json::json!(42);
        assert!(read(undocumented_csrf).is_err());
    }

    #[test]
    fn method_names_are_checked_against_progenitors_output() {
        let table = read(spec()).unwrap();
        let generated: String = table
            .operations
            .iter()
            .map(|o| format!("OperationInfo {{ operation_id: \"{}\", }}\n", o.method_name))
            .collect();
        assert!(check_method_names(&table, &generated).is_ok());
        let renamed = generated.replace("get_v1_users_categories", "get_v1_users_categories2");
        assert!(check_method_names(&table, &renamed).is_err());
    }
}
