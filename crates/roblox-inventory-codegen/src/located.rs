//! progenitor's panics, caught quietly and traced to what causes them.
//!
//! progenitor asserts instead of returning errors on some spec shapes (an
//! optional query parameter whose type is a model reaches `unreachable!()`).
//! [`progenitor_tokens`] catches the panic without printing its backtrace;
//! [`locate`] then generates each operation alone to find the one that
//! panics, and that operation without each of its parameters in turn to find
//! the parameter, so the report can name both (and the xtask, the line).

use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::Arc;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::Generator;

use crate::{settings, CodegenError};

/// Whether a panic comes from the generator crates (and is reported, not printed).
fn from_generator(info: &PanicHookInfo<'_>) -> bool {
    info.location().is_some_and(|l| {
        ["progenitor", "typify"]
            .iter()
            .any(|c| l.file().contains(c))
    })
}

/// `f`, with the generator's panics caught and not printed (other panics are
/// printed as before).
fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;
    let previous: Arc<Hook> = Arc::new(std::panic::take_hook());
    let fallback = Arc::clone(&previous);
    std::panic::set_hook(Box::new(move |info| {
        if !from_generator(info) {
            fallback(info)
        }
    }));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(Box::new(move |info| previous(info)));
    result
}

/// progenitor's tokens for `spec`; a panic is [`CodegenError::Panicked`].
pub fn progenitor_tokens(spec: &OpenAPI) -> Result<TokenStream, CodegenError> {
    quietly(|| Generator::new(&settings(spec)).generate_tokens(spec))
        .map_err(|payload| {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".to_string());
            CodegenError::Panicked(message)
        })?
        .map_err(|e| CodegenError::Progenitor(e.to_string()))
}

/// `spec` with only the operation at `path` and `method`.
fn with_only(spec: &OpenAPI, path: &str, method: &str) -> Option<OpenAPI> {
    let mut json = serde_json::to_value(spec).ok()?;
    let operation = json.get("paths")?.get(path)?.get(method)?.clone();
    let mut item = serde_json::Map::new();
    item.insert(method.to_string(), operation);
    let mut paths = serde_json::Map::new();
    paths.insert(path.to_string(), serde_json::Value::Object(item));
    json["paths"] = serde_json::Value::Object(paths);
    serde_json::from_value(json).ok()
}

fn panics(spec: &OpenAPI) -> bool {
    matches!(progenitor_tokens(spec), Err(CodegenError::Panicked(_)))
}

/// The operation (and parameter) that makes progenitor panic with `message`,
/// or the unlocated panic if no single operation does.
pub fn locate(spec: &OpenAPI, message: String) -> CodegenError {
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, operation) in item.iter() {
            let Some(alone) = with_only(spec, path, method) else {
                continue;
            };
            if !panics(&alone) {
                continue;
            }
            let operation_id = operation
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{} {path}", method.to_ascii_uppercase()));
            let parameter = (0..operation.parameters.len()).find_map(|at| {
                let mut without = alone.clone();
                let openapiv3::ReferenceOr::Item(op) = without.paths.paths.get_mut(path)? else {
                    return None;
                };
                let op = match method {
                    "get" => op.get.as_mut(),
                    "put" => op.put.as_mut(),
                    "post" => op.post.as_mut(),
                    "delete" => op.delete.as_mut(),
                    "options" => op.options.as_mut(),
                    "head" => op.head.as_mut(),
                    "patch" => op.patch.as_mut(),
                    "trace" => op.trace.as_mut(),
                    _ => None,
                }?;
                let removed = op.parameters.remove(at);
                let name = removed
                    .as_item()
                    .map(|p| p.parameter_data_ref().name.clone());
                (!panics(&without)).then_some(name).flatten()
            });
            return CodegenError::PanickedAt {
                operation: operation_id,
                parameter,
                message,
            };
        }
    }
    CodegenError::Panicked(message)
}
