#![no_main]
//! Arbitrary text as an Open Cloud filter, read by the client and by the sandbox.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(filter) = text.parse::<roblox_inventory::InventoryFilter>() {
        // What the client writes, it reads back the same.
        let wire = filter.to_wire();
        let again = wire.parse::<roblox_inventory::InventoryFilter>().expect("our own wire string parses");
        assert_eq!(again.to_wire(), wire);
    }
    let _ = roblox_inventory_sandbox::filter::parse(&text);
});
