#![no_main]
//! Arbitrary bytes as every response body the client decodes, through the
//! generated types and the conversions to the public models.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    roblox_inventory::decode_all_for_fuzzing(data);
});
