//! Issue 18 item 4: documents of our own in Roblox's feature-page format
//! (`tests/fixtures/<name>/document.md`, with its `overlay.yaml`), covering the
//! grammar: several hosts, request bodies, an operation without a credential,
//! optional and required cookies with and without the X-CSRF-TOKEN exchange,
//! nested models, every enum shape, formats and nulls, query arrays, stability
//! markers, deprecation, error bodies with schemas and links to other pages.
//!
//! Each converts (its spec pinned by a snapshot and written to
//! `target/fixtures/<name>.json` for the external validator CI runs), and its
//! generated client has no strict enum and builds as the api crate.

use std::path::PathBuf;

use crate::root;

/// Every fixture: its name and directory.
fn fixtures() -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("tests/fixtures"))
        .expect("tests/fixtures")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_string_lossy().into_owned();
            path.join("document.md").is_file().then_some((name, path))
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no fixtures under tests/fixtures");
    found
}

/// The spec of a fixture, or its diagnostics as the panic message.
fn convert(dir: &std::path::Path) -> xtask::Generated {
    let sources = xtask::Sources {
        document: dir.join("document.md"),
        overlay: dir.join("overlay.yaml"),
    };
    xtask::generate_sources(&sources).unwrap_or_else(|d| panic!("{}: {d:#?}", dir.display()))
}

/// The generated `types` module: typify's own types live there, so a strict
/// enum (one that fails on a value Roblox adds) or a validated newtype would.
fn types_module(code: &str) -> &str {
    let start = code.find("pub mod types {").expect("a types module");
    let end = code[start..]
        .find("\n}\n")
        .map_or(code.len(), |at| start + at);
    &code[start..end]
}

#[test]
fn every_fixture_converts_and_generates_a_tolerant_client() {
    let out = root().join("target/fixtures");
    std::fs::create_dir_all(&out).expect("target/fixtures");
    for (name, dir) in fixtures() {
        let generated = convert(&dir);
        insta::assert_snapshot!(format!("fixture_{name}"), generated.json);
        std::fs::write(out.join(format!("{name}.json")), &generated.json).expect("written");
        let code = roblox_inventory_codegen::generate(&generated.spec)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let types = types_module(&code);
        assert!(
            !types.contains("pub enum"),
            "{name}: a strict enum in types"
        );
        assert!(
            !types.contains("invalid value"),
            "{name}: a validated newtype in types"
        );
        // Every operation is in the table under progenitor's own method name
        // (generate checks the names against progenitor's output).
        let table = roblox_inventory_codegen::operations::table(&generated.spec).unwrap();
        assert_eq!(
            table.operations.len(),
            generated.source_map.operations.len(),
            "{name}"
        );
        for operation in &table.operations {
            assert!(!operation.method_name.is_empty(), "{name}: an empty name");
            assert_eq!(
                operation.method_name,
                roblox_inventory_codegen::operations::method_name(&operation.operation_id),
                "{name}"
            );
        }
        // Every cookie operation's facts are the overlay's: what the spec says
        // of each is what its `cookie_operations` entry states.
        let overlay = std::fs::read_to_string(dir.join("overlay.yaml")).unwrap();
        for operation in table
            .operations
            .iter()
            .filter(|o| o.schemes.iter().any(|s| s.contains("cookie")))
        {
            let key = format!("      - {} {}", operation.method, operation.path);
            let entry = overlay
                .split("\n  - operations:\n")
                .find(|entry| entry.lines().any(|line| line == key))
                .unwrap_or_else(|| panic!("{name}: no cookie_operations entry names `{key}`"));
            assert_eq!(
                operation.anonymous,
                entry.contains("cookie: optional"),
                "{name}: {}",
                operation.operation_id
            );
            assert_eq!(
                operation.csrf.is_some(),
                !entry.contains("csrf: none"),
                "{name}: {}",
                operation.operation_id
            );
        }
    }
}

#[test]
fn every_fixtures_client_builds_as_the_api_crate() {
    let _target = crate::DRILL_TARGET
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let root = root();
    let specs: Vec<(String, String)> = fixtures()
        .into_iter()
        .map(|(name, dir)| (name, convert(&dir).json))
        .collect();
    xtask::drill::check_api_crate_with(
        &root,
        &root.join("target/drill/fixtures"),
        &root.join("target/drill"),
        &specs,
    )
    .unwrap_or_else(|e| panic!("{e}"));
}
