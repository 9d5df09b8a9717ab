//! `rbxinv inventory`: a user's assets of one type.

use futures_util::TryStreamExt;
use roblox_inventory::Client;
use serde_json::json;

use super::{object, parse_asset_type};
use crate::output::Output;
use crate::Failure;

/// A row of `inventory`: its columns, in order.
pub(crate) const COLUMNS: &[&str] = &["userAssetId", "assetId", "assetName", "serialNumber"];

pub(super) async fn run(
    client: &Client,
    user: u64,
    asset_type: &str,
    out: &mut Output,
) -> Result<(), Failure> {
    let mut stream = client
        .inventory(user, parse_asset_type(asset_type)?)
        .items();
    while let Some(i) = stream.try_next().await? {
        let row = object(json!({
            "userAssetId": i.user_asset_id, "assetId": i.asset_id, "assetName": i.name,
            "serialNumber": i.serial_number,
        }));
        if !out.row(row)? {
            break;
        }
    }
    Ok(())
}
