//! Issue 11 item 2: the regeneration drill (`xtask/src/drill.rs`). A copy of the
//! document gains an endpoint, an enum value and a field; after regenerating,
//! `roblox-inventory` still builds, the new operation is callable through
//! `Client::legacy_api()`, and the crate's public surface (from rustdoc's JSON)
//! is byte-identical and names no generated type outside the escape hatch.
//!
//! It builds into `target/drill` (this test runs while `cargo test` holds the
//! workspace's own target directory): about two minutes on a clean checkout,
//! seconds afterwards.

#[test]
fn the_public_api_is_unchanged_by_a_regenerated_spec() {
    let _target = crate::DRILL_TARGET
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let root = crate::root();
    let report = xtask::drill::run(
        &root,
        &root.join("target/drill/scratch-test"),
        &root.join("target/drill"),
    )
    .unwrap_or_else(|e| panic!("the drill could not run: {e}"));
    assert!(report.passed(), "{}", report.summary());
    // The surface is the real one: the client, its operations, the models.
    for expected in [
        "struct roblox_inventory::Client ",
        "\"inventory_items\"",
        "enum roblox_inventory::models::AssetType ",
        "struct roblox_inventory::models::Collectible ",
        "use roblox_inventory::api = roblox_inventory_api",
    ] {
        assert!(
            report.after.contains(expected),
            "the surface lists {expected}"
        );
    }
}
