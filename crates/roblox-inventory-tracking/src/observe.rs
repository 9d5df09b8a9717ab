//! One complete observation of a user's scope.

use futures_util::{StreamExt, TryStreamExt};
use roblox_inventory::{Client, Error, InventoryFilter, ItemDetails};

use crate::scope::{Scope, ScopeError};
use crate::snapshot::{Holding, HoldingId, Snapshot, View};

/// Why an observation is not a snapshot. Nothing partial is ever returned: a
/// listing that failed on its third page is this error, not two pages of
/// holdings (which would read as "lost" everything on the others).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ObserveError {
    /// The scope selects nothing or names what the spec does not know;
    /// nothing was sent.
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// A request failed (after the client's retries).
    #[error(transparent)]
    Client(#[from] Error),
    /// A check of a [`Scope::Items`] list failed (the ownership planner shares
    /// one error among the checks it answered with one request).
    #[error(transparent)]
    Ownership(std::sync::Arc<Error>),
    /// The listing returned an item that cannot be identified (an asset
    /// without its copy id, an item of a kind the client does not know): a
    /// snapshot without it would report it lost.
    #[error("user {user_id}: the listing returned an item that cannot be identified ({what})")]
    Unidentified {
        /// Whose listing.
        user_id: u64,
        /// What was missing.
        what: String,
    },
}

/// Observes `user_id`'s `scope` completely: every page, or an error.
///
/// A private inventory is [`View::Private`] (the client's
/// [`Error::InventoryPrivate`]), never an empty view.
pub async fn observe(
    client: &Client,
    user_id: u64,
    scope: &Scope,
) -> Result<Snapshot, ObserveError> {
    scope.validate()?;
    let observed_at = chrono::Utc::now();
    let seen = match scope {
        Scope::Collectibles => collectibles(client, user_id).await,
        Scope::GamePasses => {
            listing(client, user_id, InventoryFilter::by_type().game_passes()).await
        }
        Scope::Badges => listing(client, user_id, InventoryFilter::by_type().badges()).await,
        Scope::PrivateServers => {
            listing(
                client,
                user_id,
                InventoryFilter::by_type().private_servers(),
            )
            .await
        }
        Scope::AssetTypes(types) => {
            let filter = InventoryFilter::by_type().asset_types(types.iter().cloned());
            listing(client, user_id, filter).await
        }
        Scope::Items(items) => held_items(client, user_id, items).await,
    };
    let view = match seen {
        Ok(holdings) => View::Holdings(holdings),
        Err(ObserveError::Client(Error::InventoryPrivate { .. })) => View::Private,
        Err(error) => return Err(error),
    };
    Ok(Snapshot {
        user_id,
        scope: scope.clone(),
        observed_at,
        view,
    })
}

/// Every Limited copy, from the legacy collectibles endpoint.
async fn collectibles(client: &Client, user_id: u64) -> Result<Vec<Holding>, ObserveError> {
    let copies: Vec<_> = client.collectibles(user_id).items().try_collect().await?;
    Ok(copies
        .into_iter()
        .map(|copy| Holding {
            id: HoldingId::Copy {
                asset_id: copy.asset_id,
                user_asset_id: copy.user_asset_id,
            },
            serial_number: copy.serial_number,
            name: Some(copy.name),
            recent_average_price: copy.recent_average_price,
        })
        .collect())
}

/// Every item of an Open Cloud listing with `filter`.
async fn listing(
    client: &Client,
    user_id: u64,
    filter: impl Into<InventoryFilter>,
) -> Result<Vec<Holding>, ObserveError> {
    let items: Vec<_> = client
        .inventory_items(user_id)
        .filter(filter)
        .items()
        .try_collect()
        .await?;
    items
        .into_iter()
        .map(|item| {
            let unidentified = |what: &str| ObserveError::Unidentified {
                user_id,
                what: what.to_string(),
            };
            Ok(match item.details {
                ItemDetails::Asset(asset) => {
                    let user_asset_id = asset
                        .instance_id
                        .ok_or_else(|| unidentified("an asset without its copy id"))?;
                    Holding::new(HoldingId::Copy {
                        asset_id: asset.asset_id,
                        user_asset_id,
                    })
                    .with_serial_number(asset.collectible.and_then(|c| c.serial_number))
                }
                ItemDetails::GamePass { game_pass_id } => {
                    Holding::new(HoldingId::GamePass(game_pass_id))
                }
                ItemDetails::Badge { badge_id } => Holding::new(HoldingId::Badge(badge_id)),
                ItemDetails::PrivateServer { private_server_id } => {
                    Holding::new(HoldingId::PrivateServer(private_server_id))
                }
                _ => return Err(unidentified("an item of a kind the client does not know")),
            })
        })
        .collect()
}

/// Which of `items` the user holds (the ownership planner).
async fn held_items(
    client: &Client,
    user_id: u64,
    items: &[crate::scope::ItemRef],
) -> Result<Vec<Holding>, ObserveError> {
    let asked: Vec<roblox_inventory::Item> = items.iter().map(|i| (*i).into()).collect();
    let mut answers = client.ownership([user_id], &asked).answers();
    let mut held = Vec::new();
    while let Some(answer) = answers.next().await {
        if answer.owned.map_err(ObserveError::Ownership)? {
            held.push(Holding::new(HoldingId::Item(answer.item.into())));
        }
    }
    held.sort_by_key(|h| h.id);
    Ok(held)
}
