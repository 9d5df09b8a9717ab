//! [`Document`] + [`Overlay`] → OpenAPI 3.0.3.
//!
//! The spec is assembled as JSON in document order (serde_json's
//! `preserve_order`), then read into `openapiv3::OpenAPI`, so what is written
//! is 3.0-shaped by construction and its key order is stable.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::diag::Diagnostics;
use crate::document::{path_variables, Document, Endpoint, Primitive, TypeExpr};
use crate::overlay::{glob_match, OperationIdStyle, Overlay};

/// Where each operation came from, for line-numbered lints.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// operationId → the line of its endpoint heading.
    pub operations: BTreeMap<String, usize>,
}

/// The spec, before it is checked and serialized.
pub struct Emitted {
    /// The spec as JSON.
    pub spec: Value,
    /// Lines of its operations.
    pub source_map: SourceMap,
}

/// The name a Roblox model gets under `components.schemas`.
///
/// Roblox names models after .NET types (`Roblox.Inventory.Api.Models.PlaceModel`,
/// `Roblox.Web.WebAPI.Models.ApiPageResponse_Roblox.Inventory.Api.Models.PlaceModel_`).
/// The namespace is dropped so generated Rust names stay readable
/// (`PlaceModel`, `ApiPageResponsePlaceModel`); the full name is kept in
/// `x-roblox-name`.
pub fn short_name(name: &str) -> String {
    let last = |s: &str| s.rsplit('.').next().unwrap_or(s).to_string();
    if let Some(inner) = name.strip_suffix('_') {
        if let Some((generic, argument)) = inner.split_once('_') {
            if generic.contains('.') || argument.contains('.') {
                return format!("{}_{}", last(generic), short_name(argument));
            }
        }
    }
    last(name)
}

/// `List Inventory Items` → `ListInventoryItems`; `is-owned` → `IsOwned`.
fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The operationId of an endpoint under a host's naming style.
pub fn operation_id(style: OperationIdStyle, prefix: &str, endpoint: &Endpoint) -> String {
    let body = match style {
        OperationIdStyle::Summary => pascal(&endpoint.summary),
        OperationIdStyle::MethodPath => {
            let method = pascal(&endpoint.method.to_ascii_lowercase());
            let segments: String = endpoint
                .path
                .split('/')
                .filter(|s| !s.is_empty() && !s.starts_with('{'))
                .map(pascal)
                .collect();
            method + &segments
        }
    };
    format!("{prefix}{body}")
}

/// The anchor a Markdown renderer gives a heading (`Roblox.Web.X_Y_` → `roblox-web-x-y-`).
fn heading_anchor(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

struct Emitter<'a> {
    doc: &'a Document,
    overlay: &'a Overlay,
    md: &'a mut Diagnostics,
    ov: &'a mut Diagnostics,
    /// Roblox model name → component name, for every model we can reference.
    models: BTreeMap<String, String>,
    schemas: Map<String, Value>,
    used_enums: BTreeSet<String>,
    used_parameter_patches: BTreeSet<String>,
    /// Overlay entries keyed by operation that matched one (`limits …`, `private …`, `body …`).
    used_operation_facts: BTreeSet<String>,
    used_schemas: BTreeSet<String>,
}

/// Builds the spec. Problems are reported to `md` (the document) and `ov` (the overlay).
pub fn emit(
    doc: &Document,
    overlay: &Overlay,
    md: &mut Diagnostics,
    ov: &mut Diagnostics,
) -> Emitted {
    let mut emitter = Emitter {
        doc,
        overlay,
        md,
        ov,
        models: BTreeMap::new(),
        schemas: Map::new(),
        used_enums: BTreeSet::new(),
        used_parameter_patches: BTreeSet::new(),
        used_operation_facts: BTreeSet::new(),
        used_schemas: BTreeSet::new(),
    };
    emitter.register_models();
    let (paths, source_map, tags, scopes) = emitter.paths();
    emitter.model_schemas();
    emitter.check_examples();
    let security_schemes = emitter.security_schemes(&scopes);
    emitter.check_anchors();
    emitter.check_unused();

    let front = &doc.front;
    if let Some((url, line)) = &doc.base_url {
        if url != &front.api_base_url {
            emitter.md.error(
                *line,
                format!(
                    "**Base URL:** `{url}` differs from the front matter's `api_base_url: {}`",
                    front.api_base_url
                ),
            );
        }
    }
    let mut description = front.description.clone().unwrap_or_default();
    // The intro usually repeats the front matter's one-liner; keep it once.
    if doc.intro.starts_with(description.trim_end_matches('.')) {
        description.clear();
    }
    if !doc.intro.is_empty() {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&doc.intro);
    }
    let tags: Vec<Value> = tags
        .iter()
        .filter_map(|tag| overlay.hosts.iter().find(|h| &h.tag == tag))
        .map(|h| json!({"name": h.tag, "description": h.description}))
        .collect();
    let mut document_facts = Map::new();
    document_facts.insert("name".into(), json!(front.name));
    if let Some(kind) = &front.kind {
        document_facts.insert("type".into(), json!(kind));
    }
    if let Some(updated) = &front.last_updated {
        document_facts.insert("lastUpdated".into(), json!(updated));
    }
    let spec = json!({
        "openapi": "3.0.3",
        "info": {
            "title": doc.title.clone().unwrap_or_else(|| front.name.clone()),
            "description": description,
            "version": front.last_updated.clone().unwrap_or_else(|| "unversioned".into()),
            "x-roblox-document": document_facts,
        },
        "servers": [{"url": front.api_base_url}],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": emitter.schemas,
            "securitySchemes": security_schemes,
        },
    });
    Emitted { spec, source_map }
}

impl Emitter<'_> {
    /// Records every model name the document or the overlay defines, and checks
    /// that shortened names do not collide.
    fn register_models(&mut self) {
        let mut by_short: BTreeMap<String, String> = BTreeMap::new();
        let doc_models = self
            .doc
            .models
            .iter()
            .map(|m| (m.name.clone(), m.line, true));
        let overlay_models = self
            .overlay
            .schemas
            .iter()
            .map(|s| (s.name.clone(), 0, false));
        let enum_names = self
            .overlay
            .enums
            .iter()
            .map(|e| (e.name.clone(), 0, false));
        for (name, line, in_doc) in doc_models
            .chain(overlay_models)
            .chain(enum_names)
            .collect::<Vec<_>>()
        {
            let short = short_name(&name);
            if let Some(other) = by_short.get(&short) {
                let message = if other == &name {
                    format!("model `{name}` is defined twice")
                } else {
                    format!("models `{other}` and `{name}` would both be named `{short}`")
                };
                if in_doc {
                    self.md.error(line, message);
                } else {
                    self.ov.error(0, message);
                }
                continue;
            }
            by_short.insert(short.clone(), name.clone());
            self.models.insert(name, short);
        }
    }

    /// The JSON schema for a type, resolving model names.
    fn schema_for(&mut self, ty: &TypeExpr, line: usize) -> Value {
        match ty {
            TypeExpr::Primitive(p) => json!({"type": primitive_name(*p)}),
            TypeExpr::Array(inner) => {
                json!({"type": "array", "items": self.schema_for(inner, line)})
            }
            TypeExpr::IntEnum(values) => json!({"type": "integer", "enum": values}),
            TypeExpr::StrEnum(values) => json!({"type": "string", "enum": values}),
            TypeExpr::Named(name) => match self.models.get(name) {
                Some(short) => {
                    self.used_schemas.insert(name.clone());
                    json!({"$ref": format!("#/components/schemas/{short}")})
                }
                None => {
                    self.md.error(
                        line,
                        format!("model `{name}` is referenced but defined neither under `## Models` nor in the overlay"),
                    );
                    json!({})
                }
            },
        }
    }

    fn paths(&mut self) -> (Map<String, Value>, SourceMap, Vec<String>, BTreeSet<String>) {
        let mut paths = Map::new();
        let mut source_map = SourceMap::default();
        let mut tags: Vec<String> = Vec::new();
        let mut scopes = BTreeSet::new();
        for endpoint in &self.doc.endpoints {
            let server = endpoint
                .server
                .as_ref()
                .map(|(url, _)| url.clone())
                .unwrap_or_else(|| self.doc.front.api_base_url.clone());
            let Some(host) = self.overlay.host(&server).cloned() else {
                let line = endpoint
                    .server
                    .as_ref()
                    .map(|(_, l)| *l)
                    .unwrap_or(endpoint.line);
                self.md.error(line, format!("server `{server}` has no `hosts` entry in the overlay (tag and operationId style)"));
                continue;
            };
            let id = operation_id(host.operation_ids, &host.operation_id_prefix, endpoint);
            if let Some(previous) = source_map.operations.get(&id) {
                self.md.error(
                    endpoint.line,
                    format!(
                        "operationId `{id}` is already used by the endpoint at line {previous}"
                    ),
                );
                continue;
            }
            source_map.operations.insert(id.clone(), endpoint.line);
            if !tags.contains(&host.tag) {
                tags.push(host.tag.clone());
            }
            scopes.extend(endpoint.scopes.iter().cloned());
            let operation = self.operation(endpoint, &id, &server, &host.tag);
            let item = paths
                .entry(endpoint.path.clone())
                .or_insert_with(|| json!({}));
            let method = endpoint.method.to_ascii_lowercase();
            if item.get(&method).is_some() {
                self.md.error(
                    endpoint.line,
                    format!("`{} {}` is described twice", endpoint.method, endpoint.path),
                );
                continue;
            }
            if let Some(item) = item.as_object_mut() {
                item.insert(method, operation);
            }
        }
        (paths, source_map, tags, scopes)
    }

    fn operation(&mut self, endpoint: &Endpoint, id: &str, server: &str, tag: &str) -> Value {
        let mut op = Map::new();
        op.insert("tags".into(), json!([tag]));
        op.insert("summary".into(), json!(endpoint.summary));
        if !endpoint.description.is_empty() {
            op.insert(
                "description".into(),
                json!(endpoint.description.join("\n\n")),
            );
        }
        op.insert("operationId".into(), json!(id));
        op.insert("parameters".into(), Value::Array(self.parameters(endpoint)));
        op.insert("responses".into(), self.responses(endpoint));
        if endpoint.deprecated {
            op.insert("deprecated".into(), json!(true));
        }
        op.insert("security".into(), self.security(endpoint, server));
        op.insert("servers".into(), json!([{"url": server}]));
        if let Some(stability) = &endpoint.stability {
            op.insert("x-roblox-stability".into(), json!(stability));
        }
        let limits = self.rate_limits(endpoint);
        if !limits.is_empty() {
            op.insert("x-roblox-rate-limits".into(), Value::Object(limits));
        }
        let codes: Vec<Value> = endpoint
            .responses
            .iter()
            .filter(|r| !r.status.starts_with('2'))
            .flat_map(|r| {
                r.codes.iter().map(move |c| {
                    let mut entry = Map::new();
                    entry.insert("status".into(), status_value(&r.status));
                    if let Some(code) = c.code {
                        entry.insert("code".into(), json!(code));
                    }
                    entry.insert("message".into(), json!(c.message));
                    Value::Object(entry)
                })
            })
            .collect();
        if !codes.is_empty() {
            op.insert("x-roblox-error-codes".into(), Value::Array(codes));
        }
        let uses_cookie = endpoint
            .auth
            .as_ref()
            .is_some_and(|(ids, _)| ids.iter().any(|i| i == "cookie"));
        let key = format!("{} {}", endpoint.method, endpoint.path);
        if let Some(rule) = self
            .overlay
            .csrf_protected
            .iter()
            .find(|r| r.applies(server, &endpoint.method))
            .filter(|_| uses_cookie)
        {
            if !documents(endpoint, rule.status, Some(rule.code)) {
                self.md.error(
                    endpoint.line,
                    format!(
                        "`{key}` needs the X-CSRF-TOKEN exchange, but its responses do not list \
                         the refusal the overlay's csrf_protected names ({} code {})",
                        rule.status, rule.code
                    ),
                );
            }
            op.insert(
                "x-roblox-csrf".into(),
                json!({"header": rule.header.to_ascii_lowercase(), "status": rule.status, "code": rule.code}),
            );
        }
        if let Some(private) = self
            .overlay
            .private_inventory
            .iter()
            .find(|p| p.operation == key)
        {
            self.used_operation_facts.insert(format!("private {key}"));
            if private.code.is_some() && !documents(endpoint, private.status, private.code) {
                self.ov.error(
                    self.overlay.entry_line("private_inventory", &key),
                    format!(
                        "private_inventory `{key}`: {} {} is not a response the document lists",
                        private.status,
                        private
                            .code
                            .map(|c| format!("code {c}"))
                            .unwrap_or_default()
                    ),
                );
            }
            let mut rule = Map::new();
            rule.insert("status".into(), json!(private.status));
            if let Some(code) = private.code {
                rule.insert("code".into(), json!(code));
            }
            op.insert("x-roblox-private-inventory".into(), Value::Object(rule));
        }
        if !endpoint.code_samples.is_empty() {
            let samples: Vec<Value> = endpoint
                .code_samples
                .iter()
                .map(|s| json!({"lang": s.lang, "source": s.source}))
                .collect();
            op.insert("x-codeSamples".into(), Value::Array(samples));
        }
        Value::Object(op)
    }

    /// The document's rate limits of `endpoint` with the overlay's; an
    /// operation with none is an error (the request budget needs its limit).
    fn rate_limits(&mut self, endpoint: &Endpoint) -> Map<String, Value> {
        let key = format!("{} {}", endpoint.method, endpoint.path);
        let mut limits: Vec<crate::document::RateLimit> = endpoint.rate_limits.clone();
        if let Some(facts) = self.overlay.rate_limits.iter().find(|r| r.operation == key) {
            self.used_operation_facts.insert(format!("limits {key}"));
            let text: Vec<String> = facts
                .limits
                .iter()
                .map(|(per, limit)| format!("{per}: {limit}"))
                .collect();
            match crate::document::parse_rate_limits(&text.join(", ")) {
                Ok(extra) => {
                    for limit in extra {
                        if limits.iter().any(|l| l.key == limit.key) {
                            self.ov.error(
                                self.overlay.entry_line("rate_limits", &key),
                                format!(
                                    "rate_limits `{key}`: the document already lists `{}`",
                                    limit.key
                                ),
                            );
                        } else {
                            limits.push(limit);
                        }
                    }
                }
                Err(message) => {
                    let line = self.overlay.entry_line("rate_limits", &key);
                    self.ov
                        .error(line, format!("rate_limits `{key}`: {message}"))
                }
            }
        }
        if limits.is_empty() {
            self.md.error(
                endpoint.line,
                format!(
                    "`{key}` has no rate limit: the document lists none and the overlay's \
                     `rate_limits` has no entry for it (the request budget needs one)"
                ),
            );
        }
        limits
            .iter()
            .map(|l| {
                (
                    l.key.clone(),
                    json!({"maxInPeriod": l.max, "period": l.period}),
                )
            })
            .collect()
    }

    fn parameters(&mut self, endpoint: &Endpoint) -> Vec<Value> {
        let variables = path_variables(&endpoint.path);
        let mut out = Vec::new();
        for param in &endpoint.params {
            let mut name = param.name.clone();
            if param.location == "path" && !variables.contains(&name) {
                match variables.iter().find(|v| v.eq_ignore_ascii_case(&name)) {
                    Some(variable) => {
                        self.md.warn(
                            param.line,
                            format!(
                                "parameter `{name}` does not match the path's `{{{variable}}}`; path variables are \
                                 substituted by position, so it is emitted as `{variable}`"
                            ),
                        );
                        name = variable.clone();
                    }
                    None => {
                        self.md.error(
                            param.line,
                            format!(
                                "path parameter `{name}` does not appear in `{}`",
                                endpoint.path
                            ),
                        );
                        continue;
                    }
                }
            }
            if param.location == "path" && !param.required {
                self.md.error(
                    param.line,
                    format!("path parameter `{name}` must be Required: Yes"),
                );
            }
            if param.location == "cookie" {
                self.md.error(
                    param.line,
                    format!("cookie parameter `{name}`: progenitor cannot generate cookie parameters; describe the cookie as an authentication method"),
                );
                continue;
            }
            let key = format!("{} {} {}", endpoint.method, endpoint.path, param.name);
            let patch = self
                .overlay
                .parameter_patches
                .iter()
                .find(|p| p.parameter == key)
                .cloned();
            if patch.is_some() {
                self.used_parameter_patches.insert(key);
            }
            let schema = match (&param.ty, patch.as_ref().and_then(|p| p.ty.clone())) {
                (_, Some(ty)) => json!({ "type": ty }),
                (TypeExpr::IntEnum(_) | TypeExpr::StrEnum(_), None) => {
                    self.enum_schema(endpoint, &param.name, &param.ty, param.line)
                }
                (ty, None) => self.schema_for(ty, param.line),
            };
            let required = patch
                .as_ref()
                .and_then(|p| p.required)
                .unwrap_or(param.required);
            let mut value = Map::new();
            value.insert("name".into(), json!(name));
            value.insert("in".into(), json!(param.location));
            if !param.description.is_empty() {
                value.insert("description".into(), json!(param.description));
            }
            value.insert("required".into(), json!(required));
            value.insert("schema".into(), schema);
            if param.location == "query" {
                value.insert("style".into(), json!("form"));
            }
            out.push(Value::Object(value));
        }
        for variable in &variables {
            let declared = out
                .iter()
                .any(|p| p["in"] == "path" && p["name"] == json!(variable));
            if !declared {
                self.md.error(
                    endpoint.line,
                    format!("path variable `{{{variable}}}` has no row in the parameter table"),
                );
            }
        }
        out
    }

    /// The component for an enum parameter, named by the overlay; inline without one.
    fn enum_schema(
        &mut self,
        endpoint: &Endpoint,
        param: &str,
        ty: &TypeExpr,
        line: usize,
    ) -> Value {
        let key = format!("{} {} {}", endpoint.method, endpoint.path, param);
        let Some(facts) = self
            .overlay
            .enums
            .iter()
            .find(|e| e.used_by.contains(&key))
            .cloned()
        else {
            self.md.warn(line, format!("enum parameter `{param}` has no `enums` entry in the overlay (`{key}`); it stays inline and unnamed"));
            return self.schema_for(ty, line);
        };
        let mut schema = Map::new();
        match ty {
            TypeExpr::IntEnum(values) => {
                schema.insert("type".into(), json!("integer"));
                schema.insert("format".into(), json!("int32"));
                schema.insert("description".into(), json!(facts.description));
                schema.insert("enum".into(), json!(values));
                if !facts.names.is_empty() {
                    let mut names = Vec::new();
                    for value in values {
                        match facts.names.get(value) {
                            Some(name) => names.push(json!(name)),
                            // Deliberately unnamed: no variant, sent as the number.
                            None if facts.unnamed.contains(value) => names.push(Value::Null),
                            None => {
                                self.md.warn(line, format!("`{param}` value {value} has no name in the overlay's `{}`; named `Value{value}`", facts.name));
                                names.push(json!(format!("Value{value}")));
                            }
                        }
                    }
                    schema.insert("x-enum-varnames".into(), json!(names));
                }
            }
            TypeExpr::StrEnum(values) => {
                schema.insert("type".into(), json!("string"));
                schema.insert("description".into(), json!(facts.description));
                schema.insert("enum".into(), json!(values));
            }
            _ => {}
        }
        if facts.inferred {
            schema.insert("x-roblox-inferred".into(), json!(true));
        }
        schema.insert("x-roblox-source".into(), json!(facts.source));
        let schema = Value::Object(schema);
        match self.schemas.get(&facts.name) {
            Some(existing) if existing != &schema => self.md.error(
                line,
                format!("`{param}` shares the overlay enum `{}` with another parameter, but its values differ", facts.name),
            ),
            _ => {
                self.schemas.insert(facts.name.clone(), schema);
            }
        }
        self.used_enums.insert(key);
        json!({"$ref": format!("#/components/schemas/{}", facts.name)})
    }

    fn responses(&mut self, endpoint: &Endpoint) -> Value {
        let mut responses = Map::new();
        let mut success_types: Vec<(String, Value)> = Vec::new();
        let has_typed_2xx = endpoint
            .responses
            .iter()
            .any(|r| r.status.starts_with('2') && r.ty.is_some());
        for response in &endpoint.responses {
            let mut value = Map::new();
            let description = if response.description.is_empty() {
                "No description.".to_string()
            } else {
                response.description.clone()
            };
            value.insert("description".into(), json!(description));
            let key = format!("{} {}", endpoint.method, endpoint.path);
            let optional = self
                .overlay
                .optional_bodies
                .iter()
                .find(|b| b.operation == key && b.status == response.status);
            if let Some(optional) = optional {
                // No content declared: the generated client does not read the
                // body, so `{}`, an empty body and anything else all succeed.
                self.used_operation_facts.insert(format!("body {key}"));
                value.insert(
                    "x-roblox-optional-body".into(),
                    json!({"source": optional.source}),
                );
                if let Some(ty) = &response.ty {
                    let schema = self.schema_for(ty, response.line);
                    value.insert("x-roblox-body".into(), schema);
                }
            } else if response.status.starts_with('2') {
                if let Some(ty) = &response.ty {
                    let schema = self.schema_for(ty, response.line);
                    success_types.push((response.status.clone(), schema.clone()));
                    value.insert(
                        "content".into(),
                        json!({"application/json": {"schema": schema}}),
                    );
                }
                if let Some((fields, line)) = &endpoint.response_fields {
                    if response.status == "200"
                        && response.ty != Some(TypeExpr::Named(fields.clone()))
                    {
                        self.md.error(*line, format!("**Response fields** names `{fields}` but the 200 response is a different type"));
                    }
                }
            } else {
                if response.status == "default" && has_typed_2xx {
                    self.md.error(
                        response.line,
                        "a `default` response beside a typed 2xx makes progenitor panic; list the error statuses (or 4XX/5XX) instead",
                    );
                    continue;
                }
                if response.ty.is_some() {
                    self.md.warn(response.line, "error bodies are always emitted as raw bytes (`*/*`); the named type is ignored");
                }
                value.insert("content".into(), json!({"*/*": {"schema": {}}}));
                let codes: Vec<Value> = response
                    .codes
                    .iter()
                    .map(|c| match c.code {
                        Some(code) => json!({"code": code, "message": c.message}),
                        None => json!({"message": c.message}),
                    })
                    .collect();
                if !codes.is_empty() {
                    value.insert("x-roblox-error-codes".into(), Value::Array(codes));
                }
                if let Some((_, advice)) = endpoint
                    .error_handling
                    .iter()
                    .find(|(s, _)| s == &response.status)
                {
                    value.insert("x-roblox-error-handling".into(), json!(advice));
                }
            }
            responses.insert(response.status.clone(), Value::Object(value));
        }
        for (status, advice) in &endpoint.error_handling {
            if !responses.contains_key(status) {
                self.md.warn(
                    endpoint.line,
                    format!("**Error handling:** advises on `{status}` ({advice}), which the responses do not list"),
                );
            }
        }
        let kinds: BTreeSet<String> = success_types.iter().map(|(_, s)| s.to_string()).collect();
        if kinds.len() > 1 {
            self.md.error(endpoint.line, "the 2xx responses have different body types; progenitor needs one success body kind");
        }
        if !endpoint.responses.iter().any(|r| r.status.starts_with('2')) {
            self.md.error(endpoint.line, "no 2xx response is listed");
        }
        // Roblox answers any endpoint with 401/403/429/5xx bodies the document does not
        // list; declaring the ranges keeps every error an `Error<ByteStream>` with its status.
        for (range, text) in [
            ("4XX", "Any other client error. The body is Roblox's legacy `{\"errors\":[{\"code\":…,\"message\":…}]}` or Open Cloud `{\"code\":\"…\",\"message\":…}` document, or empty."),
            ("5XX", "A server error. The body is a Roblox error document or empty."),
        ] {
            if !responses.contains_key(range) {
                responses.insert(range.into(), json!({"description": text, "content": {"*/*": {"schema": {}}}}));
            }
        }
        Value::Object(responses)
    }

    fn security(&mut self, endpoint: &Endpoint, server: &str) -> Value {
        let Some((ids, _)) = &endpoint.auth else {
            self.md.error(
                endpoint.line,
                "no **Auth:** line; every endpoint must say how it authenticates",
            );
            return json!([]);
        };
        let mut requirements = Vec::new();
        if self
            .overlay
            .anonymous_access
            .iter()
            .any(|r| r.applies(server, &endpoint.method))
        {
            requirements.push(json!({}));
        }
        for id in ids {
            let Some(scheme) = self.overlay.scheme(id) else {
                self.ov.error(
                    0,
                    format!(
                        "the document uses auth `{id}` but `security_schemes` has no entry for it"
                    ),
                );
                continue;
            };
            let scopes = if id == "oauth2" {
                endpoint.scopes.clone()
            } else {
                Vec::new()
            };
            let mut requirement = Map::new();
            requirement.insert(scheme.name.clone(), json!(scopes));
            requirements.push(Value::Object(requirement));
        }
        Value::Array(requirements)
    }

    fn security_schemes(&mut self, scopes: &BTreeSet<String>) -> Value {
        let mut out = Map::new();
        for scheme in &self.doc.auth {
            let Some(facts) = self.overlay.scheme(&scheme.id).cloned() else {
                self.ov.error(
                    0,
                    format!(
                        "`security_schemes` has no entry for the document's `{}`",
                        scheme.id
                    ),
                );
                continue;
            };
            let value = match &scheme.kind {
                crate::document::AuthKind::ApiKey { header } => {
                    json!({"type": "apiKey", "description": scheme.description, "name": header, "in": "header"})
                }
                crate::document::AuthKind::Cookie { name } => {
                    json!({"type": "apiKey", "description": scheme.description, "name": name, "in": "cookie"})
                }
                crate::document::AuthKind::OAuth2 {
                    authorization_url,
                    token_url,
                } => {
                    let mut scope_map = Map::new();
                    for scope in scopes {
                        let description = match facts.scopes.get(scope) {
                            Some(d) => d.clone(),
                            None => {
                                self.ov.warn(
                                    0,
                                    format!(
                                        "scope `{scope}` has no description in `security_schemes`"
                                    ),
                                );
                                String::new()
                            }
                        };
                        scope_map.insert(scope.clone(), json!(description));
                    }
                    let mut flow = Map::new();
                    flow.insert("authorizationUrl".into(), json!(authorization_url));
                    flow.insert("tokenUrl".into(), json!(token_url));
                    if let Some(refresh) = &facts.refresh_url {
                        flow.insert("refreshUrl".into(), json!(refresh));
                    }
                    flow.insert("scopes".into(), Value::Object(scope_map));
                    json!({"type": "oauth2", "description": scheme.description, "flows": {"authorizationCode": flow}})
                }
            };
            out.insert(facts.name.clone(), value);
        }
        Value::Object(out)
    }

    /// Emits the document's models, then the overlay's (in their order).
    fn model_schemas(&mut self) {
        let doc = self.doc;
        for model in &doc.models {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for property in &model.properties {
                let mut schema = self.schema_for(&property.ty, property.line);
                for patch in &self.overlay.patches {
                    if glob_match(&patch.schema, &model.name)
                        && patch.property == property.name
                        && patch.nullable
                    {
                        if let Some(obj) = schema.as_object_mut() {
                            obj.insert("nullable".into(), json!(true));
                        }
                    }
                }
                if !property.description.is_empty() {
                    if let Some(obj) = schema.as_object_mut() {
                        if obj.contains_key("$ref") {
                            schema =
                                json!({"allOf": [schema], "description": property.description});
                        } else {
                            obj.insert("description".into(), json!(property.description));
                        }
                    }
                }
                if property.required {
                    required.push(property.name.clone());
                }
                properties.insert(property.name.clone(), schema);
            }
            let mut schema = Map::new();
            schema.insert("type".into(), json!("object"));
            if let Some(description) = &model.description {
                schema.insert("description".into(), json!(description));
            }
            if !required.is_empty() {
                schema.insert("required".into(), json!(required));
            }
            schema.insert("properties".into(), Value::Object(properties));
            let short = short_name(&model.name);
            if short != model.name {
                schema.insert("x-roblox-name".into(), json!(model.name));
            }
            self.schemas.insert(short, Value::Object(schema));
        }
        for patch in &self.overlay.patches {
            let hit = doc.models.iter().any(|m| {
                glob_match(&patch.schema, &m.name)
                    && m.properties.iter().any(|p| p.name == patch.property)
            });
            if !hit {
                self.ov.warn(
                    0,
                    format!(
                        "patch `{}`.`{}` matches no property of the document's models",
                        patch.schema, patch.property
                    ),
                );
            }
        }
        let overlay = self.overlay;
        for facts in &overlay.schemas {
            let mut schema = facts.schema.clone();
            self.rewrite_refs(&mut schema, &facts.name);
            if let Some(obj) = schema.as_object_mut() {
                let short = short_name(&facts.name);
                if short != facts.name {
                    obj.insert("x-roblox-name".into(), json!(facts.name));
                }
                obj.insert("x-roblox-source".into(), json!(facts.source));
            }
            if let Err(e) = serde_json::from_value::<openapiv3::Schema>(schema.clone()) {
                self.ov.error(
                    0,
                    format!(
                        "schema `{}` is not a valid OpenAPI 3.0 schema: {e}",
                        facts.name
                    ),
                );
                continue;
            }
            self.schemas.insert(short_name(&facts.name), schema);
        }
    }

    /// Rewrites `$ref`s from Roblox names to component names, reporting unknown ones.
    fn rewrite_refs(&mut self, value: &mut Value, owner: &str) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "$ref" {
                        if let Value::String(target) = child {
                            let name = target
                                .trim_start_matches("#/components/schemas/")
                                .to_string();
                            match self.models.get(&name) {
                                Some(short) => {
                                    self.used_schemas.insert(name.clone());
                                    *target = format!("#/components/schemas/{short}");
                                }
                                None => self.ov.error(0, format!("schema `{owner}` refers to `{name}`, which is defined nowhere")),
                            }
                        }
                    } else {
                        self.rewrite_refs(child, owner);
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.rewrite_refs(item, owner);
                }
            }
            _ => {}
        }
    }

    /// Every field a `**Response example:**` shows must be a property of the
    /// response model (recursively), so the overlay cannot fall behind the document.
    fn check_examples(&mut self) {
        let doc = self.doc;
        for endpoint in &doc.endpoints {
            let Some((example, line)) = &endpoint.response_example else {
                continue;
            };
            let Some(response) = endpoint
                .responses
                .iter()
                .find(|r| r.status.starts_with('2') && r.ty.is_some())
            else {
                continue;
            };
            let Some(TypeExpr::Named(name)) = &response.ty else {
                continue;
            };
            let Some(short) = self.models.get(name).cloned() else {
                continue;
            };
            let schema = json!({"$ref": format!("#/components/schemas/{short}")});
            let mut problems = Vec::new();
            self.example_fits(example, &schema, &short, &mut problems);
            for problem in problems {
                self.md.error(
                    *line,
                    format!("the response example does not fit `{name}`: {problem}"),
                );
            }
        }
    }

    fn example_fits(&self, example: &Value, schema: &Value, at: &str, problems: &mut Vec<String>) {
        let schema = self.resolve(schema);
        match example {
            Value::Object(fields) => {
                let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                for (key, value) in fields {
                    match properties.get(key) {
                        Some(property) => {
                            self.example_fits(value, property, &format!("{at}.{key}"), problems)
                        }
                        None => problems.push(format!("`{at}` has no property `{key}`")),
                    }
                }
            }
            Value::Array(items) => {
                if let (Some(first), Some(item_schema)) = (items.first(), schema.get("items")) {
                    self.example_fits(first, item_schema, &format!("{at}[]"), problems);
                }
            }
            // Roblox's examples use "..." placeholders for values; only the shape is checked.
            _ => {}
        }
    }

    /// Follows `$ref` and single-element `allOf` to the schema they name.
    fn resolve(&self, schema: &Value) -> Value {
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let name = target.trim_start_matches("#/components/schemas/");
            return match self.schemas.get(name) {
                Some(found) => self.resolve(found),
                None => Value::Null,
            };
        }
        if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            return self.resolve(only);
        }
        schema.clone()
    }

    /// In-document links must land on a model, an overlay schema or an operation.
    fn check_anchors(&mut self) {
        let mut known: BTreeSet<String> = self.models.keys().map(|m| heading_anchor(m)).collect();
        for endpoint in &self.doc.endpoints {
            let server = endpoint
                .server
                .as_ref()
                .map(|(u, _)| u.as_str())
                .unwrap_or(&self.doc.front.api_base_url);
            if let Some(host) = self.overlay.host(server) {
                known.insert(operation_id(
                    host.operation_ids,
                    &host.operation_id_prefix,
                    endpoint,
                ));
            }
        }
        for (anchor, line) in &self.doc.anchors {
            if !known.contains(anchor) && !known.contains(&anchor.to_ascii_lowercase()) {
                self.md.error(
                    *line,
                    format!("link `#{anchor}` points to no model or operation of the document"),
                );
            }
        }
    }

    fn check_unused(&mut self) {
        for facts in &self.overlay.enums {
            for key in &facts.used_by {
                if !self.used_enums.contains(key) {
                    self.ov.error(0, format!("enum `{}` names `{key}`, which is not an enum parameter of the document", facts.name));
                }
            }
        }
        for patch in &self.overlay.parameter_patches {
            if !self.used_parameter_patches.contains(&patch.parameter) {
                self.ov.error(
                    0,
                    format!(
                        "parameter patch `{}` matches no parameter of the document",
                        patch.parameter
                    ),
                );
            }
        }
        let keyed = self
            .overlay
            .rate_limits
            .iter()
            .map(|r| ("limits", "rate_limits", &r.operation))
            .chain(
                self.overlay
                    .private_inventory
                    .iter()
                    .map(|r| ("private", "private_inventory", &r.operation)),
            )
            .chain(
                self.overlay
                    .optional_bodies
                    .iter()
                    .map(|r| ("body", "optional_bodies", &r.operation)),
            );
        for (kind, list, operation) in keyed {
            if !self
                .used_operation_facts
                .contains(&format!("{kind} {operation}"))
            {
                let line = self.overlay.entry_line(list, operation);
                self.ov.error(
                    line,
                    format!("{list}: `{operation}` matches no operation of the document"),
                );
            }
        }
        for facts in &self.overlay.schemas {
            if !self.used_schemas.contains(&facts.name) {
                self.ov.warn(
                    0,
                    format!("schema `{}` is referenced by nothing", facts.name),
                );
            }
        }
    }
}

/// Whether `endpoint` lists an error response with `status` (and `code`, if given).
fn documents(endpoint: &Endpoint, status: u16, code: Option<i64>) -> bool {
    endpoint.responses.iter().any(|r| {
        r.status == status.to_string() && (code.is_none() || r.codes.iter().any(|c| c.code == code))
    })
}

fn primitive_name(p: Primitive) -> &'static str {
    match p {
        Primitive::String => "string",
        Primitive::Integer => "integer",
        Primitive::Number => "number",
        Primitive::Boolean => "boolean",
    }
}

/// `400` → 400; `4XX` → "4XX".
fn status_value(status: &str) -> Value {
    status
        .parse::<u16>()
        .map(|s| json!(s))
        .unwrap_or_else(|_| json!(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(
            short_name("InventoryItem_AssetDetails"),
            "InventoryItem_AssetDetails"
        );
        assert_eq!(
            short_name("Roblox.Inventory.Api.Models.PlaceModel"),
            "PlaceModel"
        );
        assert_eq!(
            short_name(
                "Roblox.Web.WebAPI.Models.ApiPageResponse_Roblox.Inventory.Api.Models.PlaceModel_"
            ),
            "ApiPageResponse_PlaceModel"
        );
    }

    #[test]
    fn anchors_follow_markdown_renderers() {
        assert_eq!(
            heading_anchor("Roblox.Web.WebAPI.ApiEmptyResponseModel"),
            "roblox-web-webapi-apiemptyresponsemodel"
        );
    }
}
