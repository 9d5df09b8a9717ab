#![no_main]
//! Arbitrary status, headers and body through the client's response handling:
//! rate-limit headers, the budget, the retry hint, error classification.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = roblox_inventory::handle_response_bytes(data);
});
