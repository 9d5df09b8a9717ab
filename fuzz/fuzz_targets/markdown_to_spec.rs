#![no_main]
//! Arbitrary bytes as the Markdown document: a spec or line-numbered errors, never a panic.

use libfuzzer_sys::fuzz_target;

const OVERLAY: &str = include_str!("../../spec/source/overlay.yaml");

fuzz_target!(|data: &[u8]| {
    let _ = xtask::generate_from_bytes(data.to_vec(), OVERLAY.as_bytes().to_vec());
});
