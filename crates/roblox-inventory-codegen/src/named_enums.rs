//! Named, tolerant Rust enums for the spec's enum schemas (`pub mod enums`).
//!
//! typify turns an integer enum into a validated newtype (`AssetType(i32)`) and a
//! string enum into a strict enum that fails on values Roblox adds later. Roblox
//! sends enums as names or numbers and keeps adding values (facts §5, §7.2), so
//! every enum schema with names (`x-enum-varnames`) or string values is replaced by
//! a generated Rust enum that:
//!
//! * has one variant per value the spec lists, named from `x-enum-varnames`
//!   (integer enums) or the value itself (string enums);
//! * deserializes from the number or the name (any case) and keeps values it does
//!   not know in `Unknown(i64)` / `UnknownName(String)` / `Unknown(String)` instead of
//!   failing the whole response;
//! * displays and serializes as the number, or as the name where the spec marks the
//!   numbers as inferred (`x-roblox-inferred`: Roblox documents only the names there).

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

/// One enum to generate.
pub struct EnumSpec {
    /// The component name (`AssetType`).
    pub name: String,
    description: String,
    kind: Kind,
}

enum Kind {
    /// (value, variant) pairs; `by_name` if the numbers are inferred.
    Integer {
        variants: Vec<(i64, String)>,
        by_name: bool,
    },
    /// (wire value, variant) pairs.
    Text { variants: Vec<(String, String)> },
}

/// `CLASSIC_TSHIRT` → `ClassicTshirt`; `Asc` → `Asc`.
pub(crate) fn variant_name(value: &str) -> String {
    let words: Vec<&str> = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let all_caps = value.chars().all(|c| !c.is_ascii_lowercase());
    let mut out: String = words
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or('_');
            let rest: String = if all_caps {
                chars.as_str().to_ascii_lowercase()
            } else {
                chars.as_str().to_string()
            };
            format!("{first}{rest}")
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// The enum schemas of `spec` that get a named Rust enum, in spec order.
pub fn enum_specs(spec: &openapiv3::OpenAPI) -> Vec<EnumSpec> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let Ok(value) = serde_json::to_value(schema) else {
            continue;
        };
        let Some(values) = value.get("enum").and_then(Value::as_array) else {
            continue;
        };
        let description = value
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let kind = match value.get("type").and_then(Value::as_str) {
            Some("integer") => {
                // Without names, each value is its own variant (`V10`, `VNeg1`):
                // still tolerant of values added later, which a newtype typify
                // validates against the list is not.
                let names = value.get("x-enum-varnames").and_then(Value::as_array);
                let variants = values
                    .iter()
                    .enumerate()
                    .filter_map(|(at, v)| {
                        let number = v.as_i64()?;
                        let name = match names {
                            // A `null` name is deliberate: no variant, kept as the number.
                            Some(names) => variant_name(names.get(at)?.as_str()?),
                            None if number < 0 => format!("VNeg{}", number.unsigned_abs()),
                            None => format!("V{number}"),
                        };
                        Some((number, name))
                    })
                    .collect();
                let by_name = value
                    .get("x-roblox-inferred")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                Kind::Integer { variants, by_name }
            }
            Some("string") => Kind::Text {
                variants: values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|v| (v.to_string(), variant_name(v)))
                    .collect(),
            },
            _ => continue,
        };
        out.push(EnumSpec {
            name: name.clone(),
            description,
            kind,
        });
    }
    out
}

pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust source of every enum, as items for a `pub mod enums`.
pub fn enum_tokens(specs: &[EnumSpec]) -> TokenStream {
    let items = specs.iter().map(|spec| match &spec.kind {
        Kind::Integer { variants, by_name } => integer_enum(spec, variants, *by_name),
        Kind::Text { variants } => text_enum(spec, variants),
    });
    quote! { #(#items)* }
}

fn integer_enum(spec: &EnumSpec, variants: &[(i64, String)], by_name: bool) -> TokenStream {
    let name = ident(&spec.name);
    let doc = format!(
        "{}\n\nDeserializes from the number or the name; values this version does not know are kept in \
         `Unknown` (a number) or `UnknownName` (a name). {}",
        spec.description,
        if by_name {
            "Sent as the name: Roblox documents no numbers for it."
        } else {
            "Sent as the number."
        }
    );
    let serialize = if by_name {
        quote! { serializer.collect_str(self) }
    } else {
        quote! {
            match (self.number(), self) {
                (Some(number), _) => serializer.serialize_i64(number),
                (None, Self::UnknownName(name)) => serializer.serialize_str(name),
                (None, _) => serializer.serialize_none(),
            }
        }
    };
    let idents: Vec<Ident> = variants.iter().map(|(_, v)| ident(v)).collect();
    let numbers: Vec<i64> = variants.iter().map(|(n, _)| *n).collect();
    let names: Vec<&str> = variants.iter().map(|(_, v)| v.as_str()).collect();
    let lowercase: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let variant_docs: Vec<String> = variants
        .iter()
        .map(|(n, v)| format!("`{v}` ({n})"))
        .collect();
    let display = if by_name {
        quote! {
            match self.name() {
                Some(name) => f.write_str(name),
                None => match self {
                    Self::UnknownName(name) => f.write_str(name),
                    _ => write!(f, "{}", self.number().unwrap_or_default()),
                },
            }
        }
    } else {
        quote! {
            match (self.number(), self) {
                (Some(number), _) => write!(f, "{number}"),
                (None, Self::UnknownName(name)) => f.write_str(name),
                (None, _) => Ok(()),
            }
        }
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #idents, )*
            /// A number this version does not know.
            Unknown(i64),
            /// A name this version does not know.
            UnknownName(String),
        }

        impl #name {
            /// Every value the spec lists.
            pub const ALL: &'static [#name] = &[#( #name::#idents ),*];

            /// The number, if known.
            pub fn number(&self) -> Option<i64> {
                match self {
                    #( Self::#idents => Some(#numbers), )*
                    Self::Unknown(number) => Some(*number),
                    Self::UnknownName(_) => None,
                }
            }

            /// The name, if known.
            pub fn name(&self) -> Option<&'static str> {
                match self {
                    #( Self::#idents => Some(#names), )*
                    _ => None,
                }
            }

            /// The value for a number (`Unknown` if the spec does not list it).
            pub fn from_number(number: i64) -> Self {
                match number {
                    #( #numbers => Self::#idents, )*
                    other => Self::Unknown(other),
                }
            }

            /// The value for a name, in any case (`UnknownName` if the spec does not list it).
            pub fn from_name(name: &str) -> Self {
                match name.to_ascii_lowercase().as_str() {
                    #( #lowercase => Self::#idents, )*
                    _ => Self::UnknownName(name.to_string()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(match text.trim().parse::<i64>() {
                    Ok(number) => Self::from_number(number),
                    Err(_) => Self::from_name(text.trim()),
                })
            }
        }

        impl From<i64> for #name {
            fn from(number: i64) -> Self {
                Self::from_number(number)
            }
        }

        impl From<i32> for #name {
            fn from(number: i32) -> Self {
                Self::from_number(number.into())
            }
        }

        impl From<&#name> for #name {
            fn from(value: &#name) -> Self {
                value.clone()
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a number or a name")
                    }
                    fn visit_i64<E: ::serde::de::Error>(self, v: i64) -> Result<#name, E> {
                        Ok(#name::from_number(v))
                    }
                    fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> Result<#name, E> {
                        i64::try_from(v).map(#name::from_number).map_err(|_| E::custom("number out of range"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<#name, E> {
                        Ok(v.parse().unwrap_or_else(|never| match never {}))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    }
}

fn text_enum(spec: &EnumSpec, variants: &[(String, String)]) -> TokenStream {
    let name = ident(&spec.name);
    let doc = format!(
        "{}\n\nValues this version does not know are kept in `Unknown` instead of failing the response.",
        spec.description
    );
    let idents: Vec<Ident> = variants.iter().map(|(_, v)| ident(v)).collect();
    let wire: Vec<&str> = variants.iter().map(|(w, _)| w.as_str()).collect();
    let lowercase: Vec<String> = wire.iter().map(|w| w.to_ascii_lowercase()).collect();
    let variant_docs: Vec<String> = wire.iter().map(|w| format!("`{w}`")).collect();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #idents, )*
            /// A value this version does not know.
            Unknown(String),
        }

        impl #name {
            /// Every value the spec lists.
            pub const ALL: &'static [#name] = &[#( #name::#idents ),*];

            /// The value as Roblox writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #wire, )*
                    Self::Unknown(other) => other,
                }
            }

            /// The value as Roblox writes it, if the spec lists it.
            pub fn name(&self) -> Option<&'static str> {
                match self {
                    #( Self::#idents => Some(#wire), )*
                    Self::Unknown(_) => None,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(match text.trim().to_ascii_lowercase().as_str() {
                    #( #lowercase => Self::#idents, )*
                    _ => Self::Unknown(text.trim().to_string()),
                })
            }
        }

        impl From<&#name> for #name {
            fn from(value: &#name) -> Self {
                value.clone()
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(text.parse().unwrap_or_else(|never| match never {}))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("CLASSIC_TSHIRT"), "ClassicTshirt");
        assert_eq!(variant_name("Asc"), "Asc");
        assert_eq!(variant_name("TShirt"), "TShirt");
        assert_eq!(
            variant_name("COLLECTIBLE_ITEM_INSTANCE_STATE_UNSPECIFIED"),
            "CollectibleItemInstanceStateUnspecified"
        );
        assert_eq!(variant_name("10"), "V10");
    }
}
