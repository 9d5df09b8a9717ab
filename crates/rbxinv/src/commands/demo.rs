//! `rbxinv demo`: a short tour on the sandbox.

use futures_util::TryStreamExt;
use roblox_inventory::models::InventoryItemAssetType;
use roblox_inventory::{Client, InventoryFilter, Item};

use super::items::inventory_row;
use crate::output::Output;
use crate::Failure;

pub(super) async fn run(client: &Client, out: &mut Output) -> Result<(), Failure> {
    let owned = client.owns(156, Item::GamePass(1111)).await?;
    eprintln!(
        "Does builderman (156) own game pass 1111? {}",
        if owned { "yes" } else { "no" }
    );
    eprintln!("builderman's game passes, badges and hats:");
    let filter = InventoryFilter::by_type()
        .asset_types([InventoryItemAssetType::Hat])
        .game_passes()
        .badges();
    let mut stream = client.inventory_items(156).filter(filter).items();
    while let Some(item) = stream.try_next().await? {
        if !out.row(inventory_row(&item))? {
            break;
        }
    }
    Ok(())
}
