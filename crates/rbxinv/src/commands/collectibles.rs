//! `rbxinv collectibles`: a user's collectible (Limited) assets.

use futures_util::TryStreamExt;
use roblox_inventory::models::SortOrder;
use roblox_inventory::Client;
use serde_json::json;

use super::{object, parse_asset_type};
use crate::args::Sort;
use crate::output::Output;
use crate::Failure;

/// A row of `collectibles`: its columns, in order.
pub(crate) const COLUMNS: &[&str] = &[
    "userAssetId",
    "assetId",
    "name",
    "serialNumber",
    "recentAveragePrice",
    "isOnHold",
];

pub(super) async fn run(
    client: &Client,
    user: u64,
    asset_type: Option<&str>,
    sort: Sort,
    out: &mut Output,
) -> Result<(), Failure> {
    let mut request = client.collectibles(user).sort(match sort {
        Sort::Asc => SortOrder::Asc,
        Sort::Desc => SortOrder::Desc,
    });
    if let Some(asset_type) = asset_type {
        request = request.asset_type(parse_asset_type(asset_type)?);
    }
    let mut stream = request.items();
    while let Some(c) = stream.try_next().await? {
        let row = object(json!({
            "userAssetId": c.user_asset_id, "assetId": c.asset_id, "name": c.name,
            "serialNumber": c.serial_number, "recentAveragePrice": c.recent_average_price,
            "isOnHold": c.is_on_hold,
        }));
        if !out.row(row)? {
            break;
        }
    }
    Ok(())
}
