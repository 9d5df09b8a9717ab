//! Checks on the finished spec for what progenitor 0.15 cannot take
//! (shared/reference/engineering-notes.md §2 and §7). They run on every
//! generation, so a document change that would break the build fails here, with
//! the line of the endpoint, instead of as a panic in `build.rs`.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Parameter, ReferenceOr, StatusCode};

use crate::diag::Diagnostics;
use crate::document::path_variables;
use crate::emit::SourceMap;

/// Runs every lint, reporting to `diags` at the operation's Markdown line.
pub fn lint(spec: &OpenAPI, source_map: &SourceMap, diags: &mut Diagnostics) {
    if !spec.openapi.starts_with("3.0.") {
        diags.error(
            0,
            format!(
                "OpenAPI {} is not 3.0.x; progenitor 0.15 only reads 3.0",
                spec.openapi
            ),
        );
    }
    let schemas: BTreeSet<String> = spec
        .components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut ids = BTreeSet::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            diags.error(
                0,
                format!("path `{path}` is a $ref; progenitor rejects those"),
            );
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = &op.operation_id else {
                diags.error(0, format!("{method} {path} has no operationId"));
                continue;
            };
            let line = source_map.operations.get(id).copied().unwrap_or(0);
            if !ids.insert(id.clone()) {
                diags.error(line, format!("operationId `{id}` is not unique"));
            }
            let params: Vec<&Parameter> =
                op.parameters.iter().filter_map(|p| p.as_item()).collect();
            for variable in path_variables(path) {
                let declared = params
                    .iter()
                    .any(|p| matches!(p, Parameter::Path { parameter_data, .. } if parameter_data.name == variable));
                if !declared {
                    diags.error(line, format!("`{id}`: path variable `{{{variable}}}` is not declared as a path parameter"));
                }
            }
            for p in &params {
                if let Parameter::Query { parameter_data, .. }
                | Parameter::Header { parameter_data, .. } = p
                {
                    if let Some(model) = object_model(spec, &parameter_data.format) {
                        diags.error(
                            line,
                            format!(
                                "operation `{id}`: parameter `{}`: its type is the model `{model}`, \
                                 which progenitor cannot send as a query or header parameter (it \
                                 panics); use its fields as parameters, or a string",
                                parameter_data.name
                            ),
                        );
                    }
                }
                if let Parameter::Cookie { parameter_data, .. } = p {
                    diags.error(
                        line,
                        format!(
                            "`{id}`: cookie parameter `{}` (progenitor cannot generate it)",
                            parameter_data.name
                        ),
                    );
                }
            }
            let mut success = BTreeSet::new();
            let mut errors = BTreeSet::new();
            let mut has_2xx = false;
            for (status, response) in &op.responses.responses {
                let ReferenceOr::Item(response) = response else {
                    continue;
                };
                let is_success = match status {
                    StatusCode::Code(code) => (200..300).contains(code),
                    StatusCode::Range(range) => *range == 2,
                };
                has_2xx |= is_success;
                let kind = body_kind(response);
                if is_success {
                    success.insert(kind)
                } else {
                    errors.insert(kind)
                };
                for (media, content) in &response.content {
                    if media.contains("json") && content.schema.is_none() {
                        diags.error(
                            line,
                            format!("`{id}`: {status} {media} has no schema (progenitor panics)"),
                        );
                    }
                    if let Some(schema) = &content.schema {
                        check_refs(
                            &serde_json::to_value(schema).unwrap_or_default(),
                            &schemas,
                            id,
                            line,
                            diags,
                        );
                    }
                }
            }
            if op.responses.default.is_some() && has_2xx {
                diags.error(
                    line,
                    format!("`{id}`: `default` beside a 2xx response (progenitor panics)"),
                );
            }
            if success.len() > 1 {
                diags.error(
                    line,
                    format!(
                        "`{id}`: success responses have {} body kinds; progenitor needs one",
                        success.len()
                    ),
                );
            }
            if errors.len() > 1 {
                diags.error(
                    line,
                    format!(
                        "`{id}`: error responses have {} body kinds; progenitor needs one",
                        errors.len()
                    ),
                );
            }
            for p in &params {
                check_refs(
                    &serde_json::to_value(p).unwrap_or_default(),
                    &schemas,
                    id,
                    line,
                    diags,
                );
            }
        }
    }
    if let Some(components) = &spec.components {
        for (name, schema) in &components.schemas {
            check_refs(
                &serde_json::to_value(schema).unwrap_or_default(),
                &schemas,
                name,
                0,
                diags,
            );
        }
    }
}

/// The name of the object model a parameter's schema is, if it is one (a
/// `$ref` to an object schema, or an inline object).
fn object_model(spec: &OpenAPI, format: &openapiv3::ParameterSchemaOrContent) -> Option<String> {
    let openapiv3::ParameterSchemaOrContent::Schema(schema) = format else {
        return None;
    };
    let is_object = |schema: &openapiv3::Schema| {
        matches!(
            schema.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(_))
        ) || matches!(&schema.schema_kind, openapiv3::SchemaKind::Any(any) if !any.properties.is_empty())
    };
    match schema {
        ReferenceOr::Item(schema) => is_object(schema).then(|| "an inline object".to_string()),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            let target = spec.components.as_ref()?.schemas.get(name)?.as_item()?;
            is_object(target).then(|| name.to_string())
        }
    }
}

/// What a response's body is, for comparing responses of one operation.
fn body_kind(response: &openapiv3::Response) -> String {
    match response.content.iter().next() {
        None => "no body".into(),
        Some((media, content)) => format!(
            "{media} {}",
            content
                .schema
                .as_ref()
                .map(|s| serde_json::to_string(s).unwrap_or_default())
                .unwrap_or_default()
        ),
    }
}

fn check_refs(
    value: &serde_json::Value,
    schemas: &BTreeSet<String>,
    owner: &str,
    line: usize,
    diags: &mut Diagnostics,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    let target = child.as_str().unwrap_or_default();
                    let name = target
                        .strip_prefix("#/components/schemas/")
                        .unwrap_or(target);
                    if !schemas.contains(name) {
                        diags.error(
                            line,
                            format!("`{owner}`: `$ref` to `{target}`, which does not exist"),
                        );
                    }
                } else {
                    check_refs(child, schemas, owner, line, diags);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                check_refs(item, schemas, owner, line, diags);
            }
        }
        _ => {}
    }
}
