//! `multipart/form-data` request bodies. progenitor 0.15 generates no client
//! for them, so such a body reaches it as `application/octet-stream` (a
//! builder `body` taking any `reqwest::Body`), and the operation table records
//! its parts ([`form_parts`]): the API crate's `Form` encodes exactly those
//! parts and its hooks send the encoding with its `multipart/form-data`
//! content type. The spec keeps the form as Roblox documents it.

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};

use crate::CodegenError;

/// The media type.
pub const MULTIPART: &str = "multipart/form-data";

/// What one part carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// Text.
    Text,
    /// A file (`format: binary`).
    File,
    /// A JSON document (a model, sent as `application/json`).
    Json,
}

/// One part of a form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFacts {
    /// The field name.
    pub name: String,
    /// What it carries.
    pub kind: PartKind,
    /// Whether the request needs it.
    pub required: bool,
}

/// `spec`, with every form body made a raw body progenitor generates a
/// `body(impl TryInto<reqwest::Body>)` argument for.
pub fn as_raw_bodies(spec: &OpenAPI) -> OpenAPI {
    let mut spec = spec.clone();
    crate::each_operation_mut(&mut spec, |operation| {
        let Some(ReferenceOr::Item(body)) = &mut operation.request_body else {
            return;
        };
        if body.content.shift_remove(MULTIPART).is_none() {
            return;
        }
        let raw = openapiv3::MediaType {
            schema: Some(ReferenceOr::Item(openapiv3::Schema {
                schema_data: openapiv3::SchemaData {
                    description: Some(
                        "The encoded `multipart/form-data` form (`Form::encode`).".into(),
                    ),
                    ..Default::default()
                },
                schema_kind: SchemaKind::Type(Type::String(openapiv3::StringType {
                    format: openapiv3::VariantOrUnknownOrEmpty::Item(
                        openapiv3::StringFormat::Binary,
                    ),
                    ..Default::default()
                })),
            })),
            ..Default::default()
        };
        body.content.insert("application/octet-stream".into(), raw);
    });
    spec
}

/// The parts of `operation`'s form body, in the spec's order, or `None` when
/// its body is not a form. A part is JSON when it is a reference or an object
/// (or its `encoding` says `application/json`), a file when it is
/// `format: binary`, and text when it is any other scalar.
pub fn form_parts(
    id: &str,
    operation: &openapiv3::Operation,
) -> Result<Option<Vec<PartFacts>>, CodegenError> {
    let error = |what: String| CodegenError::Table(format!("{id}: the form body: {what}"));
    let body = match &operation.request_body {
        Some(ReferenceOr::Item(body)) => body,
        Some(ReferenceOr::Reference { .. }) => {
            return Err(error("a referenced request body is not supported".into()))
        }
        None => return Ok(None),
    };
    let Some(media) = body.content.get(MULTIPART) else {
        return Ok(None);
    };
    let Some(ReferenceOr::Item(schema)) = &media.schema else {
        return Err(error("needs an inline object schema of its parts".into()));
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err(error("needs an inline object schema of its parts".into()));
    };
    if object.properties.is_empty() {
        return Err(error("has no parts".into()));
    }
    let mut parts = Vec::new();
    for (name, property) in &object.properties {
        let json_encoded = media
            .encoding
            .get(name)
            .and_then(|e| e.content_type.as_deref())
            .is_some_and(|t| t.starts_with("application/json"));
        let kind = match property {
            ReferenceOr::Reference { .. } => PartKind::Json,
            ReferenceOr::Item(_) if json_encoded => PartKind::Json,
            ReferenceOr::Item(schema) => match &schema.schema_kind {
                SchemaKind::Type(Type::String(s))
                    if s.format
                        == openapiv3::VariantOrUnknownOrEmpty::Item(
                            openapiv3::StringFormat::Binary,
                        ) =>
                {
                    PartKind::File
                }
                SchemaKind::Type(
                    Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_),
                ) => PartKind::Text,
                SchemaKind::Type(Type::Object(_) | Type::Array(_)) => PartKind::Json,
                _ => return Err(error(format!("part `{name}`: not text, a file or JSON"))),
            },
        };
        parts.push(PartFacts {
            name: name.clone(),
            kind,
            required: object.required.contains(name),
        });
    }
    Ok(Some(parts))
}
