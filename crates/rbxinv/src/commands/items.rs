//! `rbxinv items`: a user's Open Cloud inventory, with a filter from the flags.

use futures_util::TryStreamExt;
use roblox_inventory::models::InventoryItemAssetType;
use roblox_inventory::{Client, InventoryFilter, ItemDetails};
use serde_json::{json, Map, Value};

use super::object;
use crate::args::ItemsArgs;
use crate::output::Output;
use crate::Failure;

/// A row of `items` (and `demo`): its columns, in order.
pub(crate) const COLUMNS: &[&str] = &["kind", "id", "assetType", "serialNumber", "added"];

pub(super) async fn run(
    client: &Client,
    args: &ItemsArgs,
    out: &mut Output,
) -> Result<(), Failure> {
    let filter = items_filter(args)?;
    let mut stream = client.inventory_items(args.user).filter(filter).items();
    while let Some(item) = stream.try_next().await? {
        if !out.row(inventory_row(&item))? {
            break;
        }
    }
    Ok(())
}

fn items_filter(args: &ItemsArgs) -> Result<InventoryFilter, Failure> {
    if let Some(raw) = &args.filter {
        return raw
            .parse::<InventoryFilter>()
            .map_err(|e| e.to_string().into());
    }
    let any_ids = !(args.asset_ids.is_empty()
        && args.badge_ids.is_empty()
        && args.game_pass_ids.is_empty()
        && args.private_server_ids.is_empty());
    if any_ids {
        return Ok(InventoryFilter::by_id()
            .assets(args.asset_ids.iter().copied())
            .badges(args.badge_ids.iter().copied())
            .game_passes(args.game_pass_ids.iter().copied())
            .private_servers(args.private_server_ids.iter().copied())
            .into());
    }
    let any_types = !args.asset_types.is_empty()
        || args.badges
        || args.game_passes
        || args.private_servers
        || args.only_collectibles;
    if !any_types {
        return Ok(InventoryFilter::Everything);
    }
    let mut filter = InventoryFilter::by_type();
    if args.asset_types.iter().any(|t| t == "*") {
        filter = filter.all_asset_types();
    } else if !args.asset_types.is_empty() {
        let mut types = Vec::new();
        for name in &args.asset_types {
            let parsed = name
                .parse::<InventoryItemAssetType>()
                .unwrap_or_else(|never| match never {});
            if !parsed.is_known() {
                return Err(format!(
                    "`{parsed}` is not an inventory item asset type (e.g. HAT, CLASSIC_SHIRT, or *)"
                )
                .into());
            }
            types.push(parsed);
        }
        filter = filter.asset_types(types);
    }
    if args.only_collectibles {
        filter = filter.only_collectibles();
    }
    if args.badges {
        filter = filter.badges();
    }
    if args.game_passes {
        filter = filter.game_passes();
    }
    if args.private_servers {
        filter = filter.private_servers();
    }
    Ok(filter.into())
}

pub(super) fn inventory_row(item: &roblox_inventory::InventoryItem) -> Map<String, Value> {
    let (kind, id, asset_type, serial) = match &item.details {
        ItemDetails::Asset(a) => (
            "asset",
            Some(a.asset_id),
            a.asset_type.as_ref().map(|t| t.as_str().to_string()),
            a.collectible.as_ref().and_then(|c| c.serial_number),
        ),
        ItemDetails::Badge { badge_id } => ("badge", Some(*badge_id), None, None),
        ItemDetails::GamePass { game_pass_id } => ("game pass", Some(*game_pass_id), None, None),
        ItemDetails::PrivateServer { private_server_id } => {
            ("private server", Some(*private_server_id), None, None)
        }
        _ => ("unknown", None, None, None),
    };
    object(json!({
        "kind": kind,
        "id": id,
        "assetType": asset_type,
        "serialNumber": serial,
        "added": item.added.map(|t| t.to_rfc3339()),
    }))
}
