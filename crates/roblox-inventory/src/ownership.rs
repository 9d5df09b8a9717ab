//! Ownership checks with the fewest requests the credentials allow.
//!
//! With an Open Cloud credential, assets, game passes, badges and private
//! servers are checked in batches: their ids go into one id filter per batch and
//! the (short) listing says which are owned. Bundles, and everything when there is
//! no Open Cloud credential or the inventory is private to it, use the legacy
//! is-owned endpoint, one request per item.

use std::collections::HashSet;

use futures_util::{StreamExt, TryStreamExt};

use crate::client::Client;
use crate::error::Error;
use crate::filter::InventoryFilter;
use crate::models::{Item, OwnershipItemType};

/// Ids per Open Cloud filter. Roblox documents no maximum (facts §3, §8); this
/// keeps request URLs well under common 8 KiB limits.
pub const IDS_PER_FILTER: usize = 100;

/// Concurrent is-owned requests.
const IS_OWNED_CONCURRENCY: usize = 4;

impl Client {
    /// Whether `user_id` owns `item`.
    pub async fn owns(&self, user_id: u64, item: Item) -> Result<bool, Error> {
        Ok(self
            .owned(user_id, &[item])
            .await?
            .first()
            .is_some_and(|(_, owned)| *owned))
    }

    /// Whether `user_id` owns each of `items`, in the order given (duplicates
    /// answered once). See the module docs for how requests are saved.
    pub async fn owned(&self, user_id: u64, items: &[Item]) -> Result<Vec<(Item, bool)>, Error> {
        let mut unique: Vec<Item> = Vec::new();
        for item in items {
            if !unique.contains(item) {
                unique.push(*item);
            }
        }
        let mut owned: HashSet<Item> = HashSet::new();
        let (bundles, batchable): (Vec<Item>, Vec<Item>) =
            unique.iter().partition(|i| matches!(i, Item::Bundle(_)));
        let mut by_is_owned = bundles;
        if self.has_cloud_credential() {
            match self.owned_in_batches(user_id, &batchable).await {
                Ok(found) => owned.extend(found),
                Err(Error::InventoryPrivate { .. })
                    if !batchable
                        .iter()
                        .any(|i| matches!(i, Item::PrivateServer(_))) =>
                {
                    by_is_owned.extend(batchable)
                }
                Err(error) => return Err(error),
            }
        } else if batchable
            .iter()
            .any(|i| matches!(i, Item::PrivateServer(_)))
        {
            return Err(Error::MissingCredential {
                operation: "Cloud_ListInventoryItems",
                needs: "an API key or OAuth token: only Open Cloud answers for private servers",
            });
        } else {
            by_is_owned.extend(batchable);
        }
        let checks = futures_util::stream::iter(by_is_owned)
            .map(|item| async move {
                let (kind, id) = match item {
                    Item::Asset(id) => (OwnershipItemType::Asset, id),
                    Item::GamePass(id) => (OwnershipItemType::GamePass, id),
                    Item::Badge(id) => (OwnershipItemType::Badge, id),
                    Item::Bundle(id) => (OwnershipItemType::Bundle, id),
                    Item::PrivateServer(id) => {
                        (OwnershipItemType::UnknownName("PrivateServer".into()), id)
                    }
                };
                self.is_owned(user_id, kind, id).await.map(|is| (item, is))
            })
            .buffered(IS_OWNED_CONCURRENCY);
        let answers: Vec<(Item, bool)> = checks.try_collect().await?;
        owned.extend(
            answers
                .into_iter()
                .filter(|(_, is)| *is)
                .map(|(item, _)| item),
        );
        Ok(unique
            .into_iter()
            .map(|item| (item, owned.contains(&item)))
            .collect())
    }

    async fn owned_in_batches(&self, user_id: u64, items: &[Item]) -> Result<HashSet<Item>, Error> {
        let mut owned = HashSet::new();
        for batch in items.chunks(IDS_PER_FILTER) {
            let ids = |pick: fn(&Item) -> Option<u64>| {
                batch.iter().filter_map(pick).collect::<Vec<u64>>()
            };
            let filter: InventoryFilter = InventoryFilter::by_id()
                .assets(ids(|i| {
                    if let Item::Asset(id) = i {
                        Some(*id)
                    } else {
                        None
                    }
                }))
                .game_passes(ids(|i| {
                    if let Item::GamePass(id) = i {
                        Some(*id)
                    } else {
                        None
                    }
                }))
                .badges(ids(|i| {
                    if let Item::Badge(id) = i {
                        Some(*id)
                    } else {
                        None
                    }
                }))
                .private_servers(ids(|i| {
                    if let Item::PrivateServer(id) = i {
                        Some(*id)
                    } else {
                        None
                    }
                }))
                .into();
            let mut listing = self.inventory_items(user_id).filter(filter).items();
            while let Some(found) = listing.try_next().await? {
                if let Some(item) = batch.iter().find(|i| i.matches(&found.details)) {
                    owned.insert(*item);
                }
                if owned.len() == items.len() {
                    break;
                }
            }
        }
        Ok(owned)
    }
}
