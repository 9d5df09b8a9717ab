//! Listing inventories: Open Cloud items with a filter, collectibles, and one
//! asset type, each streamed page by page.
//!
//! `cargo run -p roblox-inventory --example inventory` (embedded sandbox, no network)

use futures_util::TryStreamExt;
use roblox_inventory::models::{AssetType, InventoryItemAssetType, SortOrder};
use roblox_inventory::{Client, InventoryFilter, ItemDetails};
use roblox_inventory_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key("sandbox-key-builderman")
        .build()?;

    // Open Cloud: hats and game passes.
    let filter = InventoryFilter::by_type()
        .asset_types([InventoryItemAssetType::Hat])
        .game_passes();
    let mut items = client.inventory_items(156).filter(filter).items();
    while let Some(item) = items.try_next().await? {
        match item.details {
            ItemDetails::Asset(asset) => {
                println!("asset {} ({:?})", asset.asset_id, asset.asset_type)
            }
            ItemDetails::GamePass { game_pass_id } => println!("game pass {game_pass_id}"),
            other => println!("{other:?}"),
        }
    }

    // Legacy: collectibles, newest copies first.
    let limiteds: Vec<_> = client
        .collectibles(156)
        .sort(SortOrder::Desc)
        .items()
        .try_collect()
        .await?;
    for limited in &limiteds {
        println!(
            "{:?} #{:?} RAP {:?}",
            limited.name, limited.serial_number, limited.recent_average_price
        );
    }

    // Legacy: every hat, 25 per request.
    let hats: Vec<_> = client
        .inventory(156, AssetType::Hat)
        .page_size(25)
        .items()
        .try_collect()
        .await?;
    println!("{} hats", hats.len());
    sandbox.shutdown().await;
    Ok(())
}
