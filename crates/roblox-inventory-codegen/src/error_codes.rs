//! One enum per operation with numbered errors (`x-roblox-error-codes`), so
//! callers match on documented codes that come from the document, not from
//! hand-typed lists.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::named_enums::{ident, variant_name};
use crate::operations::operations_with;

/// A variant name from a documented error message: its first sentence in
/// PascalCase, without a leading "The specified"/"The".
fn error_variant(message: &str) -> String {
    let first = message
        .split(['.', '!', '?'])
        .next()
        .unwrap_or(message)
        .replace('\'', "");
    let trimmed = first.trim();
    let trimmed = trimmed
        .strip_prefix("The specified ")
        .or_else(|| trimmed.strip_prefix("The "))
        .unwrap_or(trimmed);
    let mut name: String = trimmed
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'E');
    }
    name
}

/// One enum per operation with numbered errors (`x-roblox-error-codes`), so callers
/// match on documented codes that come from the document, not from hand-typed lists.
pub fn error_code_tokens(spec: &openapiv3::OpenAPI) -> TokenStream {
    let mut items = Vec::new();
    for (id, codes) in operations_with(spec, "x-roblox-error-codes") {
        let Some(codes) = codes.as_array() else {
            continue;
        };
        let mut entries: Vec<(u16, i64, String, String)> = Vec::new();
        for entry in codes {
            let (Some(status), Some(code), Some(message)) = (
                entry.get("status").and_then(Value::as_u64),
                entry.get("code").and_then(Value::as_i64),
                entry.get("message").and_then(Value::as_str),
            ) else {
                continue;
            };
            let mut variant = error_variant(message);
            if entries.iter().any(|(_, _, _, v)| *v == variant) {
                variant = format!("{variant}{code}");
            }
            entries.push((status as u16, code, message.to_string(), variant));
        }
        if entries.is_empty() {
            continue;
        }
        let name = ident(&format!("{}Error", variant_name(id)));
        let doc = format!("The numbered errors the document lists for `{id}`.");
        let variants: Vec<Ident> = entries.iter().map(|(_, _, _, v)| ident(v)).collect();
        let docs: Vec<String> = entries
            .iter()
            .map(|(s, c, m, _)| format!("HTTP {s}, code {c}: {m}"))
            .collect();
        let statuses: Vec<u16> = entries.iter().map(|(s, ..)| *s).collect();
        let codes: Vec<i64> = entries.iter().map(|(_, c, ..)| *c).collect();
        let messages: Vec<&str> = entries.iter().map(|(_, _, m, _)| m.as_str()).collect();
        items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #docs] #variants, )*
            }

            impl #name {
                /// The HTTP status it comes with.
                pub fn status(self) -> u16 {
                    match self { #( Self::#variants => #statuses, )* }
                }
                /// The numeric code in the error body.
                pub fn code(self) -> i64 {
                    match self { #( Self::#variants => #codes, )* }
                }
                /// The documented message.
                pub fn message(self) -> &'static str {
                    match self { #( Self::#variants => #messages, )* }
                }
            }

            impl DocumentedError for #name {
                fn from_status_code(status: u16, code: i64) -> Option<Self> {
                    match (status, code) {
                        #( (#statuses, #codes) => Some(Self::#variants), )*
                        _ => None,
                    }
                }
            }
        });
    }
    quote! {
        /// An operation's documented error codes.
        pub trait DocumentedError: Sized {
            /// The documented error with this status and code, if there is one.
            fn from_status_code(status: u16, code: i64) -> Option<Self>;
        }

        #(#items)*
    }
}

#[cfg(test)]
mod error_tests {
    use super::error_variant;

    #[test]
    fn error_variants() {
        assert_eq!(
            error_variant("The specified user does not exist!"),
            "UserDoesNotExist"
        );
        assert_eq!(
            error_variant(
                "The specified game pass does not exist! Are you using the new game pass ID?"
            ),
            "GamePassDoesNotExist"
        );
        assert_eq!(
            error_variant("You don't own the specified item."),
            "YouDontOwnTheSpecifiedItem"
        );
        assert_eq!(
            error_variant("Token Validation Failed"),
            "TokenValidationFailed"
        );
    }
}
