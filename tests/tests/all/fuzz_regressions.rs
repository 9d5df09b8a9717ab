//! The fuzz targets' regression inputs (`fuzz/regressions/`), run as ordinary
//! tests so CI checks them without nightly or cargo-fuzz. Each body mirrors its
//! target in `fuzz/fuzz_targets/`.

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = crate::root().join("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} has inputs", dir.display());
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable");
            (path, bytes)
        })
        .collect()
}

#[test]
fn markdown_to_spec_regressions() {
    let overlay = std::fs::read(crate::root().join("spec/source/overlay.yaml")).unwrap();
    for (path, bytes) in inputs("markdown_to_spec") {
        let result = xtask::generate_from_bytes(bytes, overlay.clone());
        if path.ends_with("inventories.md") {
            assert!(result.is_ok(), "the real document still generates");
        }
    }
}

#[test]
fn filters_regressions() {
    for (_, bytes) in inputs("filters") {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(filter) = text.parse::<roblox_inventory::InventoryFilter>() {
            let wire = filter.to_wire();
            let again = wire
                .parse::<roblox_inventory::InventoryFilter>()
                .expect("our own wire string parses");
            assert_eq!(again.to_wire(), wire);
        }
        let _ = roblox_inventory_sandbox::filter::parse(&text);
    }
}

#[test]
fn decoders_regressions() {
    for (_, data) in inputs("decoders") {
        roblox_inventory::decode_all_for_fuzzing(&data);
    }
}

#[test]
fn responses_regressions() {
    for (_, data) in inputs("responses") {
        let _ = roblox_inventory::handle_response_bytes(&data);
    }
}
