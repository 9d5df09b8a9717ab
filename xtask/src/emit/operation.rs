//! `paths`: one operation per endpoint, with its parameters, responses,
//! security and the facts the operation table reads (rate limits, CSRF,
//! private inventory, documented error codes).

use super::*;
use crate::document::BodyType;
use crate::overlay::{CookieFacts, CookieUse, CsrfUse, PartKind};

/// The media type of a form body, which the codegen sends itself.
use roblox_inventory_codegen::forms::MULTIPART;

impl Emitter<'_> {
    pub(super) fn paths(
        &mut self,
    ) -> (Map<String, Value>, SourceMap, Vec<String>, BTreeSet<String>) {
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
            if id == host.operation_id_prefix {
                self.md.error(
                    endpoint.line,
                    format!(
                        "`{} {}` has no summary line, and {}'s operationIds are made from it",
                        endpoint.method, endpoint.path, host.url
                    ),
                );
                continue;
            }
            // Two ids progenitor names alike would be one method: the name is
            // the codegen's, the one the operation table is checked against.
            let method = roblox_inventory_codegen::operations::method_name(&id);
            if let Some((other, previous)) = source_map
                .operations
                .iter()
                .find(|(other, _)| {
                    roblox_inventory_codegen::operations::method_name(other) == method
                })
                .filter(|(other, _)| **other != id)
            {
                self.md.error(
                    endpoint.line,
                    format!(
                        "operationId `{id}` gives the generated method `{method}`, as `{other}` \
                         (line {previous}) does"
                    ),
                );
                continue;
            }
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

    pub(super) fn operation(
        &mut self,
        endpoint: &Endpoint,
        id: &str,
        server: &str,
        tag: &str,
    ) -> Value {
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
        op.insert(
            "parameters".into(),
            Value::Array(self.parameters(endpoint, id)),
        );
        if let Some(body) = self.request_body(endpoint, id) {
            op.insert("requestBody".into(), body);
        }
        op.insert("responses".into(), self.responses(endpoint));
        if endpoint.deprecated {
            op.insert("deprecated".into(), json!(true));
        }
        let uses_cookie = endpoint
            .auth
            .as_ref()
            .is_some_and(|(ids, _)| ids.iter().any(|i| i == "cookie"));
        let cookie = uses_cookie.then(|| self.cookie_facts(endpoint)).flatten();
        op.insert("security".into(), self.security(endpoint, cookie.as_ref()));
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
        let key = format!("{} {}", endpoint.method, endpoint.path);
        if let Some(CsrfUse::Exchange(rule)) = cookie.as_ref().map(|f| &f.csrf) {
            if !documents(endpoint, rule.status, Some(rule.code)) {
                self.md.error(
                    endpoint.line,
                    format!(
                        "`{key}` needs the X-CSRF-TOKEN exchange, but its responses do not list \
                         the refusal the overlay's cookie_operations names ({} code {})",
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
            if let Some(code) = &private.cloud_code {
                rule.insert("cloudCode".into(), json!(code));
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

    /// `requestBody`, for a `**Request Body:**` progenitor can send, or a
    /// `multipart/form-data` body whose parts the overlay states.
    fn request_body(&mut self, endpoint: &Endpoint, id: &str) -> Option<Value> {
        let key = format!("{} {}", endpoint.method, endpoint.path);
        let form = self.overlay.form_bodies.iter().find(|f| f.operation == key);
        if form.is_some() {
            self.used_operation_facts.insert(format!("form {key}"));
        }
        let Some(body) = endpoint.request_body.as_ref() else {
            if form.is_some() {
                let line = self.overlay.entry_line("form_bodies", &key);
                self.ov
                    .error(line, format!("form_bodies: `{key}` has no request body"));
            }
            return None;
        };
        if body.media == MULTIPART {
            return self.form_body(&key, body, id, form);
        }
        if form.is_some() {
            let line = self.overlay.entry_line("form_bodies", &key);
            self.ov.error(
                line,
                format!(
                    "form_bodies: `{key}` has a `{}` body, not `{MULTIPART}`",
                    body.media
                ),
            );
        }
        // What progenitor 0.15 generates a body argument for (multipart aside,
        // which the codegen sends itself).
        const SENDABLE: [&str; 4] = [
            "application/json",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
            "text/plain",
        ];
        if !SENDABLE.contains(&body.media.as_str()) {
            self.md.error(
                body.line,
                format!(
                    "operation `{id}`: request body `{}`: the generated client sends {} and {MULTIPART}",
                    body.media,
                    SENDABLE.join(", ")
                ),
            );
            return None;
        }
        let schema = match &body.ty {
            BodyType::Typed(ty) => {
                let hint = format!("{}Body", pascal(id));
                self.schema_for_named(ty, body.line, &hint)
            }
            // Fields the page shows only by example: a JSON object of any
            // fields, not a guess at their types.
            BodyType::Object => json!({"type": "object", "additionalProperties": {}}),
        };
        let mut content = Map::new();
        content.insert(body.media.clone(), json!({ "schema": schema }));
        Some(json!({"required": true, "content": content}))
    }

    /// A `multipart/form-data` body: the page shows its fields only by
    /// example, so what each part carries (text, a file, a JSON model) and
    /// whether it is required come from the overlay's `form_bodies`, and the
    /// example's fields must be exactly the parts stated.
    fn form_body(
        &mut self,
        key: &str,
        body: &crate::document::RequestBody,
        id: &str,
        form: Option<&crate::overlay::FormBody>,
    ) -> Option<Value> {
        let Some(form) = form else {
            self.md.error(
                body.line,
                format!(
                    "operation `{id}`: request body `{MULTIPART}`: the page shows its fields only \
                     by example; state each part (`text`, `file` or `json` with its `type`, and \
                     `required`) in the overlay's `form_bodies` under `operation: {key}`"
                ),
            );
            return None;
        };
        let line = self.overlay.entry_line("form_bodies", key);
        if form.parts.is_empty() {
            self.ov
                .error(line, format!("form_bodies: `{key}` states no parts"));
            return None;
        }
        let mut properties = Map::new();
        let mut encoding = Map::new();
        let mut required = Vec::new();
        for part in &form.parts {
            if properties.contains_key(&part.name) {
                self.ov.error(
                    line,
                    format!("form_bodies: `{key}`: part `{}` is stated twice", part.name),
                );
                continue;
            }
            let schema = match (part.kind, &part.ty) {
                (PartKind::Json, Some(model)) => {
                    let hint = format!("{}{}", pascal(id), pascal(&part.name));
                    self.schema_for_named(&TypeExpr::Named(model.clone()), line, &hint)
                }
                (PartKind::Json, None) => {
                    self.ov.error(
                        line,
                        format!(
                            "form_bodies: `{key}`: the json part `{}` needs the `type` (a model) it holds",
                            part.name
                        ),
                    );
                    continue;
                }
                (kind, Some(_)) => {
                    self.ov.error(
                        line,
                        format!(
                            "form_bodies: `{key}`: part `{}` is `{kind:?}`; only a json part has a `type`",
                            part.name
                        ),
                    );
                    continue;
                }
                (PartKind::Text, None) => json!({"type": "string"}),
                (PartKind::File, None) => json!({"type": "string", "format": "binary"}),
            };
            if part.kind == PartKind::Json {
                encoding.insert(
                    part.name.clone(),
                    json!({"contentType": "application/json"}),
                );
            }
            if part.required {
                required.push(json!(part.name));
            }
            properties.insert(part.name.clone(), schema);
        }
        match &body.example {
            Some((Value::Object(example), example_line)) => {
                let shown: Vec<&String> = example.keys().collect();
                let stated: Vec<&String> = form.parts.iter().map(|p| &p.name).collect();
                for name in shown.iter().filter(|n| !stated.contains(n)) {
                    self.md.error(
                        *example_line,
                        format!(
                            "operation `{id}`: the request example shows the part `{name}`, \
                             which the overlay's form_bodies entry (line {line}) does not state"
                        ),
                    );
                }
                for name in stated.iter().filter(|n| !shown.contains(n)) {
                    self.ov.error(
                        line,
                        format!(
                            "form_bodies: `{key}`: part `{name}` is not in the page's request example"
                        ),
                    );
                }
            }
            Some((_, example_line)) => self.md.error(
                *example_line,
                format!(
                    "operation `{id}`: a multipart request example must be an object of its parts"
                ),
            ),
            None => {}
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        schema.insert("properties".into(), Value::Object(properties));
        let mut media = Map::new();
        media.insert("schema".into(), Value::Object(schema));
        if !encoding.is_empty() {
            media.insert("encoding".into(), Value::Object(encoding));
        }
        Some(json!({"required": true, "content": {MULTIPART: media}}))
    }

    /// The overlay's statement about a cookie operation (optional or required,
    /// CSRF or not), or an error asking for it: the page format writes every
    /// cookie the same way, so nothing is assumed.
    fn cookie_facts(&mut self, endpoint: &Endpoint) -> Option<CookieFacts> {
        let key = format!("{} {}", endpoint.method, endpoint.path);
        let facts: Vec<CookieFacts> = self
            .overlay
            .cookie_facts(&key)
            .into_iter()
            .cloned()
            .collect();
        self.used_operation_facts.insert(format!("cookie {key}"));
        match facts.as_slice() {
            [one] => Some(one.clone()),
            [] => {
                self.md.error(
                    endpoint.line,
                    format!(
                        "`{key}` takes the .ROBLOSECURITY cookie: say in the overlay's \
                         `cookie_operations` whether the cookie is optional or required and \
                         whether it needs the X-CSRF-TOKEN exchange (`csrf: none` or \
                         `{{header, status, code}}`)"
                    ),
                );
                None
            }
            _ => {
                let line = self.overlay.line_of(&format!("- {key}"));
                self.ov.error(
                    line,
                    format!("`{key}` is named by more than one cookie_operations entry"),
                );
                None
            }
        }
    }

    /// The document's rate limits of `endpoint` with the overlay's; an
    /// operation with none is an error (the request budget needs its limit).
    pub(super) fn rate_limits(&mut self, endpoint: &Endpoint) -> Map<String, Value> {
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

    pub(super) fn parameters(&mut self, endpoint: &Endpoint, id: &str) -> Vec<Value> {
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
                self.used_parameter_patches.insert(key.clone());
            }
            let schema = match (&param.ty, patch.as_ref().and_then(|p| p.ty.clone())) {
                (_, Some(ty)) => json!({ "type": ty }),
                (TypeExpr::IntEnum(_) | TypeExpr::StrEnum(_), None) => {
                    let hint = format!("{}{}", pascal(id), pascal(&param.name));
                    self.enum_schema(endpoint, &param.name, &param.ty, param.line, &hint)
                }
                (ty, None) => {
                    let hint = format!("{}{}", pascal(id), pascal(&param.name));
                    self.schema_for_named(ty, param.line, &hint)
                }
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
                // How an array goes on the wire (`ids=1&ids=2` or `ids=1,2`) is
                // not in the page format: stated in the overlay, or asked for.
                if matches!(param.ty, TypeExpr::Array(_)) {
                    match patch.as_ref().and_then(|p| p.explode) {
                        Some(explode) => {
                            value.insert("explode".into(), json!(explode));
                        }
                        None => self.md.error(
                            param.line,
                            format!(
                                "query parameter `{name}` is an array: say in the overlay's \
                                 parameter_patches (`{key}`) whether it goes as `{name}=1&{name}=2` \
                                 (explode: true) or `{name}=1,2` (explode: false)"
                            ),
                        ),
                    }
                }
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

    pub(super) fn responses(&mut self, endpoint: &Endpoint) -> Value {
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
                } else if response.status != "204" {
                    // The page names no type: the body is kept as it comes (raw
                    // bytes), never dropped. 204 has none to keep.
                    value.insert("content".into(), json!({"*/*": {"schema": {}}}));
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
                // Error bodies stay raw bytes for the generated client (status,
                // headers and any body survive); the documented schema is kept
                // beside them for readers and the error parser.
                if let Some(ty) = &response.ty {
                    let schema = self.schema_for(ty, response.line);
                    value.insert("x-roblox-body".into(), schema);
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

    pub(super) fn security(&mut self, endpoint: &Endpoint, cookie: Option<&CookieFacts>) -> Value {
        let Some((ids, _)) = &endpoint.auth else {
            self.md.error(
                endpoint.line,
                "no **Auth:** line; every endpoint must say how it authenticates",
            );
            return json!([]);
        };
        let mut requirements = Vec::new();
        if cookie.is_some_and(|f| f.cookie == CookieUse::Optional) {
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
}

/// Whether `endpoint` lists an error response with `status` (and `code`, if given).
pub(super) fn documents(endpoint: &Endpoint, status: u16, code: Option<i64>) -> bool {
    endpoint.responses.iter().any(|r| {
        r.status == status.to_string() && (code.is_none() || r.codes.iter().any(|c| c.code == code))
    })
}

/// `400` → 400; `4XX` → "4XX".
pub(super) fn status_value(status: &str) -> Value {
    status
        .parse::<u16>()
        .map(|s| json!(s))
        .unwrap_or_else(|_| json!(status))
}
