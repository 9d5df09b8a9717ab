//! Adding to and removing from your collection (needs your .ROBLOSECURITY
//! cookie; the X-CSRF-TOKEN exchange is handled for you).
//!
//! `cargo run -p roblox-inventory --example collections` (embedded sandbox, no network)

use roblox_inventory::api::error_codes::PostV1CollectionsItemsError;
use roblox_inventory::{Client, Item};
use roblox_inventory_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .roblosecurity("sandbox-cookie-builderman")
        .build()?;

    client.add_to_collection(Item::Asset(1028606)).await?;
    println!("added the Red Baseball Cap");
    match client.add_to_collection(Item::Asset(1028606)).await {
        Err(error) => match error
            .api_error()
            .and_then(|e| e.documented::<PostV1CollectionsItemsError>())
        {
            Some(code) => println!("adding it again: code {} ({})", code.code(), code.message()),
            None => return Err(error.into()),
        },
        Ok(()) => println!("added twice?"),
    }
    client.remove_from_collection(Item::Asset(1028606)).await?;
    println!("removed it");
    sandbox.shutdown().await;
    Ok(())
}
