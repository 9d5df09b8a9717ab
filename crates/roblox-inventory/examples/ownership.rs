//! Ownership checks: `owns`, `owned` (batched) and the raw is-owned endpoint.
//!
//! `cargo run -p roblox-inventory --example ownership` (embedded sandbox, no network)

use roblox_inventory::models::OwnershipItemType;
use roblox_inventory::{Client, Item};
use roblox_inventory_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    // Against Roblox: Client::builder().api_key(std::env::var("ROBLOX_API_KEY")?).build()?
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key("sandbox-key-builderman")
        .build()?;

    // One item: Open Cloud with the API key.
    println!(
        "builderman owns game pass 1111: {}",
        client.owns(156, Item::GamePass(1111)).await?
    );

    // Many items: ids are batched into Open Cloud filters; bundles use is-owned.
    let items = [
        Item::GamePass(1111),
        Item::GamePass(3333),
        Item::Badge(2124445684),
        Item::Bundle(192),
    ];
    for (item, owned) in client.owned(156, &items).await? {
        println!("{item:?}: {owned}");
    }

    // The legacy endpoint directly (no credential needed).
    let owned = client
        .is_owned(261, OwnershipItemType::GamePass, 3333)
        .await?;
    println!("Shedletsky owns game pass 3333: {owned}");
    sandbox.shutdown().await;
    Ok(())
}
