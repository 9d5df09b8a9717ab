//! One test binary for the whole workspace (each binary links progenitor's
//! output anew, so fewer binaries build faster on two cores).

mod docs;
mod fixtures;
mod fuzz_regressions;
mod generated_client;
mod spec;

pub use roblox_inventory_tests::{root, DRILL_TARGET};

/// The checked-in `spec/openapi.json`.
pub fn checked_in_json() -> String {
    std::fs::read_to_string(root().join("spec/openapi.json"))
        .expect("spec/openapi.json is checked in")
}

/// The checked-in spec, parsed.
pub fn checked_in_spec() -> openapiv3::OpenAPI {
    serde_json::from_str(&checked_in_json()).expect("spec/openapi.json is OpenAPI 3.0")
}
