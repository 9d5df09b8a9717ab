//! `rbxinv collection add|remove`: change your collection (needs the cookie).

use roblox_inventory::{Client, Item};
use serde_json::json;

use super::{object, owns};
use crate::args::CollectionAction;
use crate::output::Output;
use crate::Failure;

/// The row of `collection add|remove`: its columns, in order.
pub(crate) const COLUMNS: &[&str] = &["action", "kind", "id"];

pub(super) async fn run(
    client: &Client,
    action: CollectionAction,
    out: &mut Output,
) -> Result<(), Failure> {
    let (add, target) = match action {
        CollectionAction::Add(target) => (true, target),
        CollectionAction::Remove(target) => (false, target),
    };
    let item = match (target.asset, target.bundle) {
        (Some(id), _) => Item::Asset(id),
        (_, Some(id)) => Item::Bundle(id),
        _ => return Err("give --asset or --bundle".to_string().into()),
    };
    if add {
        client.add_to_collection(item).await?;
    } else {
        client.remove_from_collection(item).await?;
    }
    let (kind, id) = owns::kind_and_id(item);
    out.row(object(
        json!({"action": if add { "added" } else { "removed" }, "kind": kind, "id": id}),
    ))?;
    Ok(())
}
