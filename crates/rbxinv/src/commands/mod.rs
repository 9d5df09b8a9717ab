//! The commands, a file each; `run` sends a parsed command to its file.

mod categories;
mod collectibles;
mod collection;
mod demo;
mod inventory;
mod items;
pub(crate) mod owns;
mod packages;
mod places;

use std::process::ExitCode;

use roblox_inventory::models::AssetType;
use roblox_inventory::Client;
use serde_json::{Map, Value};

use crate::args::Command;
use crate::output::Output;
use crate::Failure;

/// Runs `command` with `client`, writing rows to `out`.
pub(crate) async fn run(
    client: &Client,
    command: Command,
    out: &mut Output,
) -> Result<ExitCode, Failure> {
    match command {
        Command::Items(args) => items::run(client, &args, out).await?,
        Command::Owns(args) => return owns::run(client, args, out).await,
        Command::Collectibles {
            user,
            asset_type,
            sort,
        } => collectibles::run(client, user, asset_type.as_deref(), sort, out).await?,
        Command::Inventory { user, asset_type } => {
            inventory::run(client, user, &asset_type, out).await?
        }
        Command::Places { user, tab } => places::run(client, user, tab, out).await?,
        Command::Categories { user } => categories::run(client, user, out).await?,
        Command::Collection { action } => collection::run(client, action, out).await?,
        Command::PackageAssets { package } => packages::run(client, package, out).await?,
        Command::Track(args) => return crate::tracking::track(args).await,
        Command::Sync(args) => return crate::tracking::sync(client, args, out).await,
        Command::Changes(args) => return crate::tracking::changes(args, out).await,
        Command::Watch(args) => return crate::tracking::watch(client, args, out).await,
        Command::Holdings(args) => return crate::tracking::holdings(args, out).await,
        // Handled in `main` before a client is built.
        Command::Login(_)
        | Command::Logout
        | Command::Whoami
        | Command::Completions { .. }
        | Command::Doctor
        | Command::Man => {}
        Command::Demo => demo::run(client, out).await?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The columns of `command`'s rows (none for the commands that print no rows).
pub(crate) fn columns(command: &Command) -> &'static [&'static str] {
    match command {
        Command::Items(_) | Command::Demo => items::COLUMNS,
        Command::Owns(_) => owns::COLUMNS,
        Command::Collectibles { .. } => collectibles::COLUMNS,
        Command::Inventory { .. } => inventory::COLUMNS,
        Command::Places { .. } => places::COLUMNS,
        Command::Categories { .. } => categories::COLUMNS,
        Command::Collection { .. } => collection::COLUMNS,
        Command::PackageAssets { .. } => packages::COLUMNS,
        Command::Sync(_) | Command::Changes(_) | Command::Watch(_) => {
            crate::tracking::CHANGE_COLUMNS
        }
        Command::Holdings(_) => crate::tracking::HOLDING_COLUMNS,
        Command::Track(_) => &[],
        Command::Login(_)
        | Command::Logout
        | Command::Whoami
        | Command::Completions { .. }
        | Command::Doctor
        | Command::Man => &[],
    }
}

/// The JSON object `value` is (an empty one otherwise).
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn parse_asset_type(text: &str) -> Result<AssetType, Failure> {
    // A number is sent as given (Roblox may know types newer than the spec); a
    // name must be one the spec lists.
    let asset_type = text
        .parse::<AssetType>()
        .unwrap_or_else(|never| match never {});
    match asset_type.number() {
        Some(_) => Ok(asset_type),
        None => Err(format!(
            "`{}` is not an asset type (try Hat, Shirt, Face or a number)",
            text.trim()
        )
        .into()),
    }
}
