//! One test binary for the whole workspace (each binary links progenitor's
//! output anew, so fewer binaries build faster on two cores).

mod drill;
mod fixtures;
mod fuzz_regressions;
mod generated_client;
mod redis_budget;
mod spec;

use std::path::{Path, PathBuf};

/// Held by the tests that build copies of the workspace into `target/drill`:
/// the copies give our crates the same cargo fingerprints, so one test's build
/// must not be taken for another's (see `xtask::drill`).
pub static DRILL_TARGET: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The checked-in `spec/openapi.json`.
pub fn checked_in_json() -> String {
    std::fs::read_to_string(root().join("spec/openapi.json"))
        .expect("spec/openapi.json is checked in")
}

/// The checked-in spec, parsed.
pub fn checked_in_spec() -> openapiv3::OpenAPI {
    serde_json::from_str(&checked_in_json()).expect("spec/openapi.json is OpenAPI 3.0")
}
