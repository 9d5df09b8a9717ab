//! Runs a plan: Open Cloud filters and is-owned checks concurrently, each host
//! within its budget, answers as they arrive.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt, TryStreamExt};

use super::plan::{Plan, Refusal};
use super::{AnswerStream, OwnershipAnswer};
use crate::client::Client;
use crate::error::Error;
use crate::filter::InventoryFilter;
use crate::models::{Item, OwnershipItemType};

fn answer(user_id: u64, item: Item, owned: Result<bool, Arc<Error>>) -> OwnershipAnswer {
    OwnershipAnswer {
        user_id,
        item,
        owned,
    }
}

fn needs_open_cloud() -> Error {
    Error::MissingCredential {
        operation: crate::Operation::CloudListInventoryItems,
        needs: "an API key or OAuth token: only Open Cloud answers for private servers",
    }
}

/// Whether `user_id` owns `item`, with is-owned.
pub(crate) async fn is_owned(client: &Client, user_id: u64, item: Item) -> OwnershipAnswer {
    let (kind, id) = match item {
        Item::Asset(id) => (OwnershipItemType::Asset, id),
        Item::GamePass(id) => (OwnershipItemType::GamePass, id),
        Item::Badge(id) => (OwnershipItemType::Badge, id),
        Item::Bundle(id) => (OwnershipItemType::Bundle, id),
        // The planner never sends these here; answered as a refusal all the same.
        Item::PrivateServer(_) => return answer(user_id, item, Err(Arc::new(needs_open_cloud()))),
    };
    let owned = client.is_owned(user_id, kind, id).await.map_err(Arc::new);
    answer(user_id, item, owned)
}

/// One Open Cloud id filter: which of `items` the listing shows. An inventory
/// private to the credential falls back to is-owned for what it can answer.
async fn filter(
    client: &Client,
    user_id: u64,
    items: Vec<Item>,
    concurrency: usize,
) -> Vec<OwnershipAnswer> {
    let ids = |pick: fn(&Item) -> Option<u64>| items.iter().filter_map(pick).collect::<Vec<u64>>();
    let filter: InventoryFilter = InventoryFilter::by_id()
        .assets(ids(|i| match i {
            Item::Asset(id) => Some(*id),
            _ => None,
        }))
        .game_passes(ids(|i| match i {
            Item::GamePass(id) => Some(*id),
            _ => None,
        }))
        .badges(ids(|i| match i {
            Item::Badge(id) => Some(*id),
            _ => None,
        }))
        .private_servers(ids(|i| match i {
            Item::PrivateServer(id) => Some(*id),
            _ => None,
        }))
        .into();
    let mut owned: HashSet<Item> = HashSet::new();
    let mut listing = client.inventory_items(user_id).filter(filter).items();
    let outcome = loop {
        match listing.try_next().await {
            Ok(Some(found)) => {
                if let Some(item) = items.iter().find(|i| i.matches(&found.details)) {
                    owned.insert(*item);
                    if owned.len() == items.len() {
                        break Ok(());
                    }
                }
            }
            Ok(None) => break Ok(()),
            Err(error) => break Err(error),
        }
    };
    match outcome {
        Ok(()) => items
            .into_iter()
            .map(|item| answer(user_id, item, Ok(owned.contains(&item))))
            .collect(),
        Err(Error::InventoryPrivate {
            user_id: who,
            unlock,
            error,
        }) => {
            let private = Arc::new(Error::InventoryPrivate {
                user_id: who,
                unlock,
                error,
            });
            let (servers, others): (Vec<Item>, Vec<Item>) = items
                .into_iter()
                .partition(|i| matches!(i, Item::PrivateServer(_)));
            let mut answers: Vec<OwnershipAnswer> = servers
                .into_iter()
                .map(|item| answer(user_id, item, Err(Arc::clone(&private))))
                .collect();
            let fallback: Vec<OwnershipAnswer> = stream::iter(others)
                .map(|item| is_owned(client, user_id, item))
                .buffer_unordered(concurrency.max(1))
                .collect()
                .await;
            answers.extend(fallback);
            answers
        }
        Err(error) => {
            let error = Arc::new(error);
            items
                .into_iter()
                .map(|item| answer(user_id, item, Err(Arc::clone(&error))))
                .collect()
        }
    }
}

/// The answers of `plan`, as they arrive. Each host runs up to `concurrency`
/// requests at once; the budgets decide when each may go.
pub(crate) fn run(client: Client, plan: Plan, concurrency: usize) -> AnswerStream {
    let concurrency = concurrency.max(1);
    let refused = stream::iter(plan.refused.into_iter().map(|(user, item, why)| {
        let error = match why {
            Refusal::NeedsOpenCloud => needs_open_cloud(),
        };
        answer(user, item, Err(Arc::new(error)))
    }));
    let cloud_client = client.clone();
    let cloud = stream::iter(plan.cloud)
        .map(move |(user, items)| {
            let client = cloud_client.clone();
            async move { filter(&client, user, items, concurrency).await }
        })
        .buffer_unordered(concurrency)
        .flat_map(stream::iter);
    let legacy = stream::iter(plan.legacy)
        .map(move |(user, item)| {
            let client = client.clone();
            async move { is_owned(&client, user, item).await }
        })
        .buffer_unordered(concurrency);
    Box::pin(refused.chain(stream::select(cloud, legacy)))
}
