//! A user's created places and their Inventory page categories.
//!
//! `cargo run -p roblox-inventory --example places_and_categories` (embedded sandbox, no network)

use futures_util::TryStreamExt;
use roblox_inventory::models::PlacesTab;
use roblox_inventory::Client;
use roblox_inventory_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let client = Client::builder().base_url(sandbox.base_url()).build()?;

    let places: Vec<_> = client
        .places(156, PlacesTab::Created)
        .items()
        .try_collect()
        .await?;
    for place in places {
        println!("place {}: {}", place.place_id, place.name);
    }
    for category in client.categories(156).await? {
        let items: Vec<&str> = category
            .items
            .iter()
            .map(|i| i.display_name.as_str())
            .collect();
        println!("{}: {}", category.display_name, items.join(", "));
    }
    sandbox.shutdown().await;
    Ok(())
}
