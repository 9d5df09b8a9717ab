//! `rbxinv package-assets`: the asset ids of a (deprecated) package.

use roblox_inventory::Client;
use serde_json::json;

use super::object;
use crate::output::Output;
use crate::Failure;

/// A row of `package-assets`: its columns, in order.
pub(crate) const COLUMNS: &[&str] = &["package", "assetId"];

pub(super) async fn run(client: &Client, package: u64, out: &mut Output) -> Result<(), Failure> {
    eprintln!("warning: packages have been migrated to bundles; use catalog.roblox.com/v1/bundles/{{bundleId}}/details");
    #[allow(deprecated)]
    let assets = client.package_assets(package).await?;
    for asset in assets {
        if !out.row(object(json!({"package": package, "assetId": asset})))? {
            break;
        }
    }
    Ok(())
}
