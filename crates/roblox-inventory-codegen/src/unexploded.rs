//! Query arrays sent as one comma-separated value (`ids=1,2`, `explode:
//! false`): progenitor ignores `explode` and would send `ids=1&ids=2`, so such
//! a parameter reaches it as text, which the caller joins (the spec keeps the
//! array and its style).

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

/// `spec`, with every unexploded query array made a string parameter.
pub fn as_text(spec: &OpenAPI) -> OpenAPI {
    let mut spec = spec.clone();
    crate::each_operation_mut(&mut spec, |operation| {
        for parameter in &mut operation.parameters {
            let ReferenceOr::Item(Parameter::Query { parameter_data, .. }) = parameter else {
                continue;
            };
            if parameter_data.explode != Some(false) {
                continue;
            }
            let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
                &parameter_data.format
            else {
                continue;
            };
            if !matches!(
                schema.schema_kind,
                openapiv3::SchemaKind::Type(openapiv3::Type::Array(_))
            ) {
                continue;
            }
            let note = "The values, comma-separated (`1,2`).";
            parameter_data.description = Some(match &parameter_data.description {
                Some(text) => format!("{text} {note}"),
                None => note.to_string(),
            });
            parameter_data.format =
                openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(openapiv3::Schema {
                    schema_data: Default::default(),
                    schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(
                        Default::default(),
                    )),
                }));
        }
    });
    spec
}
