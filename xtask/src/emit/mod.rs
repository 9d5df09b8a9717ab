//! [`Document`] + [`Overlay`] → OpenAPI 3.0.3.
//!
//! The spec is assembled as JSON in document order (serde_json's
//! `preserve_order`), then read into `openapiv3::OpenAPI`, so what is written
//! is 3.0-shaped by construction and its key order is stable.
//!
//! This file holds the emitter and the checks that span the whole spec
//! (examples, anchors, unused overlay entries); `operation` emits `paths` and
//! `schemas` emits `components`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::diag::Diagnostics;
use crate::document::{path_variables, Document, Endpoint, Primitive, TypeExpr};
use crate::overlay::{glob_match, OperationIdStyle, Overlay};

mod operation;
mod schemas;

use self::schemas::*;

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
    /// [`Self::schema_for`], with an enum (or an array of one) made a named
    /// component (`hint`, `{hint}Item`), so the codegen makes it tolerant of
    /// values Roblox adds later: typify's own enums for inline schemas fail a
    /// whole response on one unknown value.
    fn schema_for_named(&mut self, ty: &TypeExpr, line: usize, hint: &str) -> Value {
        match ty {
            TypeExpr::IntEnum(_) | TypeExpr::StrEnum(_) => {
                let schema = self.schema_for(ty, line);
                let name = hint.to_string();
                if self.models.values().any(|short| *short == name) {
                    self.md.error(
                        line,
                        format!("this enum would be named `{name}`, which is a model's name"),
                    );
                    return schema;
                }
                match self.schemas.get(&name) {
                    Some(existing) if *existing != schema => self.md.error(
                        line,
                        format!("two different enums would both be named `{name}`"),
                    ),
                    Some(_) => {}
                    None => {
                        self.schemas.insert(name.clone(), schema);
                    }
                }
                json!({"$ref": format!("#/components/schemas/{name}")})
            }
            TypeExpr::Array(inner) => {
                json!({"type": "array", "items": self.schema_for_named(inner, line, &format!("{hint}Item"))})
            }
            TypeExpr::Nullable(inner)
                if matches!(**inner, TypeExpr::IntEnum(_) | TypeExpr::StrEnum(_)) =>
            {
                json!({"allOf": [self.schema_for_named(inner, line, hint)], "nullable": true})
            }
            _ => self.schema_for(ty, line),
        }
    }

    fn schema_for(&mut self, ty: &TypeExpr, line: usize) -> Value {
        match ty {
            TypeExpr::Primitive(p) => json!({"type": primitive_name(*p)}),
            TypeExpr::Array(inner) => {
                json!({"type": "array", "items": self.schema_for(inner, line)})
            }
            TypeExpr::IntEnum(values) => json!({"type": "integer", "enum": values}),
            TypeExpr::StrEnum(values) => json!({"type": "string", "enum": values}),
            TypeExpr::Formatted(p, format) => {
                json!({"type": primitive_name(*p), "format": format})
            }
            TypeExpr::Nullable(inner) => {
                let mut schema = self.schema_for(inner, line);
                match schema.as_object_mut() {
                    Some(obj) if !obj.contains_key("$ref") => {
                        obj.insert("nullable".into(), json!(true));
                        schema
                    }
                    _ => json!({"allOf": [schema], "nullable": true}),
                }
            }
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

    /// Every field a `**Response example:**` shows must be a property of the
    /// response model (recursively), so the overlay cannot fall behind the document.
    fn check_examples(&mut self) {
        let doc = self.doc;
        for endpoint in &doc.endpoints {
            if let Some(body) = &endpoint.request_body {
                let model = match &body.ty {
                    crate::document::BodyType::Typed(TypeExpr::Named(name)) => Some(name),
                    _ => None,
                };
                if let (Some((example, line)), Some(name)) = (&body.example, model) {
                    if let Some(short) = self.models.get(name).cloned() {
                        let schema = json!({"$ref": format!("#/components/schemas/{short}")});
                        let mut problems = Vec::new();
                        self.example_fits(example, &schema, &short, &mut problems);
                        for problem in problems {
                            self.md.error(
                                *line,
                                format!("the request example does not fit `{name}`: {problem}"),
                            );
                        }
                    }
                }
            }
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
                // Pages link to operations by Roblox's own anchors and to other
                // pages' operations: nothing in the spec depends on the link.
                self.md.warn(
                    *line,
                    format!("link `#{anchor}` points to no model or operation of this document (left as written)"),
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
            )
            .chain(
                self.overlay
                    .form_bodies
                    .iter()
                    .map(|r| ("form", "form_bodies", &r.operation)),
            );
        let cookie_keys = self
            .overlay
            .cookie_operations
            .iter()
            .flat_map(|f| f.operations.iter())
            .map(|o| ("cookie", "cookie_operations", o));
        for (kind, list, operation) in keyed.chain(cookie_keys) {
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
