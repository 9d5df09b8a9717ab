//! `rbxinv places`: the places in one of a user's places tabs.

use futures_util::TryStreamExt;
use roblox_inventory::models::PlacesTab;
use roblox_inventory::Client;
use serde_json::json;

use super::object;
use crate::args::Tab;
use crate::output::Output;
use crate::Failure;

/// A row of `places`: its columns, in order.
pub(crate) const COLUMNS: &[&str] = &["placeId", "universeId", "name", "creator", "priceInRobux"];

pub(super) async fn run(
    client: &Client,
    user: u64,
    tab: Tab,
    out: &mut Output,
) -> Result<(), Failure> {
    let tab = match tab {
        Tab::Created => PlacesTab::Created,
        Tab::MyGames => PlacesTab::MyGames,
        Tab::OtherGames => PlacesTab::OtherGames,
        Tab::Purchased => PlacesTab::Purchased,
    };
    let mut stream = client.places(user, tab).items();
    while let Some(p) = stream.try_next().await? {
        let creator = p.creator.as_ref().map(|c| c.name.clone());
        let row = object(json!({
            "placeId": p.place_id, "universeId": p.universe_id, "name": p.name,
            "creator": creator, "priceInRobux": p.price_in_robux,
        }));
        if !out.row(row)? {
            break;
        }
    }
    Ok(())
}
