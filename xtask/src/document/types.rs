//! Type cells: `integer`, `string[]`, `Model`, `0 | 1`, `integer enum (N values)`.

use super::*;

/// A parsed type cell: a full type, or `integer enum (N values)` waiting for its values.
pub(super) enum Parsed {
    Type(TypeExpr),
    EnumOf(Primitive, usize),
}

pub(super) fn primitive(text: &str) -> Option<Primitive> {
    match text {
        "string" => Some(Primitive::String),
        "integer" => Some(Primitive::Integer),
        "number" => Some(Primitive::Number),
        "boolean" => Some(Primitive::Boolean),
        _ => None,
    }
}

pub(super) fn is_model_name(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// A string enum value as the pages write one: letters, digits, `_`, `-`, `.`
/// and `:` (`HAT`, `150x150`, `image/png` is not one).
fn is_enum_value(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

pub(super) fn parse_type(text: &str) -> Result<Parsed, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the type is empty".into());
    }
    if let Some(p) = primitive(text) {
        return Ok(Parsed::Type(TypeExpr::Primitive(p)));
    }
    // `string (date-time)`, `integer (int64)`: a scalar with its format.
    if let Some((base, format)) = text.strip_suffix(')').and_then(|t| t.split_once(" (")) {
        if let Some(p) = primitive(base.trim()) {
            let format = format.trim();
            if format.is_empty()
                || !format
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return Err(format!(
                    "`{format}` is not a format like date-time or int64"
                ));
            }
            return Ok(Parsed::Type(TypeExpr::Formatted(p, format.to_string())));
        }
    }
    // `T | null`, `null | T`: T, or `null`.
    if text.contains('|') {
        let parts: Vec<&str> = text.split('|').map(str::trim).collect();
        if parts.len() == 2 && parts.contains(&"null") {
            let inner = parts
                .iter()
                .find(|p| **p != "null")
                .copied()
                .unwrap_or("null");
            return match parse_type(inner)? {
                Parsed::Type(TypeExpr::Nullable(_)) | Parsed::EnumOf(..) => {
                    Err(format!("`{text}` is not a type"))
                }
                Parsed::Type(ty) => Ok(Parsed::Type(TypeExpr::Nullable(Box::new(ty)))),
            };
        }
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
        let numbers = parts.iter().filter(|p| p.parse::<i64>().is_ok()).count();
        if numbers == parts.len() {
            return enum_of(Primitive::Integer, &parts).map(Parsed::Type);
        }
        if parts.len() == 2 && parts.iter().all(|p| p == "true" || p == "false") {
            return Ok(Parsed::Type(TypeExpr::Primitive(Primitive::Boolean)));
        }
        // Names, and values that start with a digit (`150x150 | 420x420`).
        if numbers == 0 && parts.iter().all(|p| is_enum_value(p)) {
            return enum_of(Primitive::String, &parts).map(Parsed::Type);
        }
        return Err(format!(
            "`{text}` mixes integers and names; an enum must be all integers or all text values"
        ));
    }
    if is_model_name(text) {
        return Ok(Parsed::Type(TypeExpr::Named(text.to_string())));
    }
    Err(format!("unknown type `{text}` (expected string, integer, number, boolean, T[], a model name or `a | b`)"))
}

pub(super) fn enum_of(base: Primitive, values: &[String]) -> Result<TypeExpr, String> {
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
