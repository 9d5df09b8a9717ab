//! Generation settings for the low-level `roblox-inventory-api` client.
//!
//! `crates/roblox-inventory-api/build.rs`, the snapshot tests in `tests/` and the
//! generator smoke check in `cargo xtask spec` all call [`generate`], so the code a
//! build compiles and the code a reviewer sees in the snapshot cannot drift apart.
//!
//! # Why these settings
//!
//! * **Builder interface** (`InterfaceStyle::Builder`). The legacy endpoints take up
//!   to five optional query parameters; builders let the ergonomic crate set only
//!   the ones it has, and adding a parameter to the document does not break calls.
//!   typify also generates struct builders, which the sandbox and tests use.
//! * **Tags per host** (`TagStyle::Separate`). `cargo xtask spec` tags each
//!   operation with its host (`cloud` for `https://apis.roblox.com`, `legacy` for
//!   `https://inventory.roblox.com`). progenitor ignores `servers` and gives a
//!   `Client` a single base URL, so one trait per tag (`ClientCloudExt`,
//!   `ClientLegacyExt`) makes it visible at each call site which host a `Client`
//!   instance must point at.
//! * **Hooks** (`HooksMode::Expected` with an inner [`Hooks`] value). progenitor
//!   generates no authentication, and trait coherence only allows the
//!   `ClientHooks` impl in the crate that defines `Client`. The API crate implements
//!   it once and forwards every request to an optional executor held in the
//!   client's inner value, which is where the ergonomic crate adds credentials, the
//!   X-CSRF-TOKEN exchange, retries and tracing. `Expected` turns a missing impl
//!   into one compile error instead of silently using the default.
//! * **Error bodies as raw bytes.** The xtask declares every error response with
//!   `*/*` and an empty schema, so generated methods return
//!   `Error<ByteStream>`: status, headers and body all survive, including the
//!   empty bodies Roblox sometimes sends, for the ergonomic crate to parse into
//!   typed errors. (A JSON error schema would lose the status on an undecodable
//!   body; no content would drop the body.)
//! * **Named, tolerant enums.** Every enum schema with names or string values is
//!   replaced (`with_replacement`) by an enum generated here (see [`named_enums`]):
//!   `AssetType::Hat` instead of `AssetType(8)`, accepting names or numbers and
//!   keeping values Roblox adds later instead of failing a whole page.
//! * **Form bodies** (`multipart/form-data`, see [`forms`]): progenitor gets
//!   them as raw bodies; the table records their parts, and the API crate's
//!   `Form` encodes them and its hooks send them with their content type.
//! * **An operation table** (see [`operations`]): every fact the runtime needs
//!   about an operation (host, credentials, CSRF, rate limits, documented
//!   errors, what means "private"), from the spec, next to the client.
//! * **No extra derives.** `schemars::JsonSchema` derives would pin schemars 0.8
//!   on every user for test-data generation we do not need.
//!
//! [`Hooks`]: https://docs.rs/roblox-inventory-api/latest/roblox_inventory_api/struct.Hooks.html

#![deny(missing_docs)]

pub mod error_codes;
pub mod forms;
pub mod located;
pub mod named_enums;
pub mod operations;
pub mod unexploded;

use progenitor::{GenerationSettings, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

/// What can go wrong turning a spec into Rust code.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// progenitor rejected the spec with an error.
    #[error("progenitor rejected the spec: {0}")]
    Progenitor(String),
    /// progenitor panicked on the spec (it asserts instead of erroring on some
    /// shapes), and no single operation does it alone.
    #[error("progenitor panicked on the spec: {0}")]
    Panicked(String),
    /// progenitor panicked on this operation (and, if one is named, this
    /// parameter: without it, the operation generates).
    #[error("operation `{operation}`: {}progenitor cannot generate it: {message}", parameter.as_ref().map(|p| format!("parameter `{p}`: ")).unwrap_or_default())]
    PanickedAt {
        /// The operationId.
        operation: String,
        /// The parameter that makes it panic, when removing one is enough.
        parameter: Option<String>,
        /// progenitor's message.
        message: String,
    },
    /// The spec lacks a fact the operation table needs.
    #[error("the operation table: {0}")]
    Table(String),
    /// progenitor produced tokens that do not parse as a Rust file.
    #[error("generated code does not parse: {0}")]
    Unparsable(String),
}

/// Calls `change` on every operation of `spec` (the rewrites that give
/// progenitor what it can generate: [`unexploded`], [`forms`]).
pub(crate) fn each_operation_mut(
    spec: &mut openapiv3::OpenAPI,
    mut change: impl FnMut(&mut openapiv3::Operation),
) {
    for item in spec.paths.paths.values_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            change(operation);
        }
    }
}

/// The generation settings shared by every caller, for `spec`.
pub fn settings(spec: &openapiv3::OpenAPI) -> GenerationSettings {
    use schemars::schema::{InstanceType, SchemaObject, SingleOrVec};
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote::quote!(crate::Hooks));
    // Every `date-time` string, nullable or not, is the lenient `crate::Timestamp`
    // (typify matches conversions ignoring descriptions and `readOnly`).
    for instance_type in [
        SingleOrVec::Single(Box::new(InstanceType::String)),
        SingleOrVec::Vec(vec![InstanceType::String, InstanceType::Null]),
    ] {
        settings.with_conversion(
            SchemaObject {
                instance_type: Some(instance_type),
                format: Some("date-time".into()),
                ..SchemaObject::default()
            },
            "crate::Timestamp",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for named in named_enums::enum_specs(spec) {
        settings.with_replacement(
            &named.name,
            format!("crate::enums::{}", named.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// Generate the formatted Rust source of the low-level client for `spec`.
///
/// progenitor panics on some spec shapes rather than returning an error; those
/// panics are caught, without the backtrace, and traced to the operation and
/// parameter that cause them ([`CodegenError::PanickedAt`], see [`located`]),
/// so a bad spec gives a located message instead of a build-script backtrace.
pub fn generate(spec: &openapiv3::OpenAPI) -> Result<String, CodegenError> {
    // The table reads the spec as documented; progenitor gets what it can generate.
    let table = operations::table(spec)?;
    let spec = &forms::as_raw_bodies(&unexploded::as_text(spec));
    let tokens = match located::progenitor_tokens(spec) {
        Err(CodegenError::Panicked(message)) => return Err(located::locate(spec, message)),
        other => other?,
    };
    let enums = named_enums::enum_tokens(&named_enums::enum_specs(spec));
    let error_codes = error_codes::error_code_tokens(spec);
    let operations = operations::table_tokens(&table);
    let host_clients = operations::host_client_tokens(&table);
    let tokens = quote::quote! {
        #tokens

        #host_clients

        /// Named enums for the spec's enum schemas (generated by `roblox-inventory-codegen`).
        pub mod enums {
            #enums
        }

        /// Each operation's numbered errors, from the spec's `x-roblox-error-codes`.
        pub mod error_codes {
            #error_codes
        }

        /// The operation table: every fact the runtime needs about each operation
        /// (host, credentials, CSRF, rate limits, documented errors), from the spec.
        pub mod operations {
            #operations
        }
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| CodegenError::Unparsable(e.to_string()))?;
    let code = prettyplease::unparse(&file);
    operations::check_method_names(&table, &code)?;
    Ok(code)
}

/// Parse `spec/openapi.json` text and generate the client source from it.
pub fn generate_from_json(json: &str) -> Result<String, CodegenError> {
    let spec: openapiv3::OpenAPI =
        serde_json::from_str(json).map_err(|e| CodegenError::Progenitor(e.to_string()))?;
    generate(&spec)
}
