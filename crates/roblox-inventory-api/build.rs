//! Generates the client from `openapi.json` (this package's copy of the
//! workspace's `spec/openapi.json`, kept byte-identical by `cargo xtask spec`, so
//! the published package builds on its own) with the shared settings of
//! `roblox-inventory-codegen`, into `$OUT_DIR/codegen.rs`.

use std::{env, fs, path::PathBuf};

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let spec_path = manifest_dir.join("openapi.json");
    println!("cargo:rerun-if-changed={}", spec_path.display());

    let json = fs::read_to_string(&spec_path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (run `cargo xtask spec`)",
            spec_path.display()
        )
    });
    let code = roblox_inventory_codegen::generate_from_json(&json)
        .unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("codegen.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
