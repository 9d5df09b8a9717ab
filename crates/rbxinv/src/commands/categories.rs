//! `rbxinv categories`: the categories of a user's Inventory page.

use roblox_inventory::Client;
use serde_json::json;

use super::object;
use crate::output::Output;
use crate::Failure;

/// A row of `categories`: its columns, in order.
pub(crate) const COLUMNS: &[&str] = &["category", "name", "id", "type"];

pub(super) async fn run(client: &Client, user: u64, out: &mut Output) -> Result<(), Failure> {
    for category in client.categories(user).await? {
        for item in &category.items {
            let row = object(json!({
                "category": category.display_name, "name": item.display_name, "id": item.id,
                "type": item.kind.as_ref().and_then(|t| t.name()),
            }));
            if !out.row(row)? {
                break;
            }
        }
    }
    Ok(())
}
