//! Runs a plan: Open Cloud filters and is-owned checks concurrently, each host
//! within its budget and its share of the concurrency, answers as they arrive.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};
use futures_util::TryStreamExt;
use tokio::sync::Semaphore;

use super::plan::{Plan, Refusal};
use super::{AnswerStream, OwnershipAnswer};
use crate::client::Client;
use crate::error::Error;
use crate::filter::InventoryFilter;
use crate::models::{Item, ItemDetails, OwnershipItemType};

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

/// What one run may have in flight: `concurrency` Open Cloud filters (each
/// one request at a time) and `concurrency` is-owned requests, whoever sends
/// them (the plan's own or a filter's fallback).
#[derive(Clone)]
struct Slots {
    concurrency: usize,
    legacy: Arc<Semaphore>,
}

/// Whether `user_id` owns `item`, with is-owned, within the run's is-owned slots.
async fn is_owned(client: &Client, slots: &Slots, user_id: u64, item: Item) -> OwnershipAnswer {
    let (kind, id) = match item {
        Item::Asset(id) => (OwnershipItemType::Asset, id),
        Item::GamePass(id) => (OwnershipItemType::GamePass, id),
        Item::Badge(id) => (OwnershipItemType::Badge, id),
        Item::Bundle(id) => (OwnershipItemType::Bundle, id),
        // The planner never sends these here; answered as a refusal all the same.
        Item::PrivateServer(_) => return answer(user_id, item, Err(Arc::new(needs_open_cloud()))),
    };
    // The semaphore is never closed; were it, the request goes unbounded
    // rather than unanswered.
    let _slot = slots.legacy.acquire().await.ok();
    let owned = client.is_owned(user_id, kind, id).await.map_err(Arc::new);
    answer(user_id, item, owned)
}

/// `items` answered by is-owned (private servers, which only Open Cloud
/// answers, get `unanswerable` instead).
async fn by_is_owned(
    client: &Client,
    slots: &Slots,
    user_id: u64,
    items: Vec<Item>,
    unanswerable: impl Fn(Item) -> Arc<Error>,
) -> Vec<OwnershipAnswer> {
    let (servers, others): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .partition(|i| matches!(i, Item::PrivateServer(_)));
    let mut answers: Vec<OwnershipAnswer> = servers
        .into_iter()
        .map(|item| answer(user_id, item, Err(unanswerable(item))))
        .collect();
    let checked: Vec<OwnershipAnswer> = stream::iter(others)
        .map(|item| is_owned(client, slots, user_id, item))
        .buffer_unordered(slots.concurrency)
        .collect()
        .await;
    answers.extend(checked);
    answers
}

/// One Open Cloud id filter: which of `items` the listing shows. An inventory
/// private to the credential falls back to is-owned for what it can answer;
/// so does an item the listing shows but this client cannot read, for every
/// requested item it might be (never answered `false`).
async fn filter(
    client: &Client,
    slots: &Slots,
    user_id: u64,
    items: Vec<Item>,
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
    // Items the listing returned that this client cannot read, as sent.
    let mut unreadable: Vec<serde_json::Value> = Vec::new();
    let mut listing = client.inventory_items(user_id).filter(filter).items();
    let outcome = loop {
        match listing.try_next().await {
            Ok(Some(found)) => {
                if let ItemDetails::Unknown(raw) = &found.details {
                    unreadable.push(raw.clone());
                } else if let Some(item) = items.iter().find(|i| i.matches(&found.details)) {
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
        Ok(()) => {
            let (uncertain, certain): (Vec<Item>, Vec<Item>) =
                items.into_iter().partition(|item| {
                    !owned.contains(item) && unreadable.iter().any(|raw| item.could_be(raw))
                });
            let mut answers: Vec<OwnershipAnswer> = certain
                .into_iter()
                .map(|item| answer(user_id, item, Ok(owned.contains(&item))))
                .collect();
            let excerpt: String = unreadable
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
                .chars()
                .take(300)
                .collect();
            let unreadable = |item: Item| {
                Arc::new(Error::Decode {
                    status: 200,
                    reason: format!(
                        "the inventory listing returned an item this client cannot read, which \
                         may be {item:?}: not answered `false`"
                    ),
                    excerpt: excerpt.clone(),
                })
            };
            answers.extend(by_is_owned(client, slots, user_id, uncertain, unreadable).await);
            answers
        }
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
            by_is_owned(client, slots, user_id, items, |_| Arc::clone(&private)).await
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

/// The answers of `plan`, as they arrive. Each host has up to `concurrency`
/// requests in flight, fallbacks included; the budgets decide when each may go.
pub(crate) fn run(client: Client, plan: Plan, concurrency: usize) -> AnswerStream {
    let slots = Slots {
        concurrency: concurrency.max(1),
        legacy: Arc::new(Semaphore::new(concurrency.max(1))),
    };
    let refused = stream::iter(plan.refused.into_iter().map(|(user, item, why)| {
        let error = match why {
            Refusal::NeedsOpenCloud => needs_open_cloud(),
        };
        answer(user, item, Err(Arc::new(error)))
    }));
    let (cloud_client, cloud_slots) = (client.clone(), slots.clone());
    let cloud = stream::iter(plan.cloud)
        .map(move |(user, items)| {
            let (client, slots) = (cloud_client.clone(), cloud_slots.clone());
            async move { filter(&client, &slots, user, items).await }
        })
        .buffer_unordered(slots.concurrency)
        .flat_map(stream::iter);
    let legacy_slots = slots.clone();
    let legacy = stream::iter(plan.legacy)
        .map(move |(user, item)| {
            let (client, slots) = (client.clone(), legacy_slots.clone());
            async move { is_owned(&client, &slots, user, item).await }
        })
        .buffer_unordered(slots.concurrency);
    Box::pin(refused.chain(stream::select(cloud, legacy)))
}
