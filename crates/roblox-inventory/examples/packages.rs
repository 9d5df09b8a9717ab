//! The deprecated packages endpoint (packages became bundles).
//!
//! `cargo run -p roblox-inventory --example packages` (embedded sandbox, no network)

use roblox_inventory::Client;
use roblox_inventory_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let client = Client::builder().base_url(sandbox.base_url()).build()?;
    #[allow(deprecated)]
    let assets = client.package_assets(607702162).await?;
    println!("package 607702162 holds assets {assets:?}");
    sandbox.shutdown().await;
    Ok(())
}
