//! Ownership answers from the store when they are fresh enough.
//!
//! A game back end asks "does this player own the pass" at every join; asking
//! Roblox each time spends the budget on answers it got a minute ago. [`owns`]
//! answers from the store when an observation within `max_age` answers the
//! question, says so ([`Source::Store`] with when it was observed), and
//! otherwise asks Roblox and keeps the answer for the next time.

use std::time::Duration;

use chrono::{DateTime, Utc};
use roblox_inventory::{Client, Item};

use crate::observe::{observe, ObserveError};
use crate::scope::{ItemRef, Scope};
use crate::snapshot::{HoldingId, View};
use crate::store::{Store, StoreError};

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// An observation the store kept, made at this time (within the maximum
    /// age asked for).
    Store {
        /// When that observation began.
        observed_at: DateTime<Utc>,
    },
    /// Roblox, just now (and the store keeps it from now on).
    Roblox,
}

/// Whether a user owns an item, and where the answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Answer {
    /// Whether they own it.
    pub owned: bool,
    /// Where the answer came from.
    pub source: Source,
}

/// Why there is no answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerError {
    /// Roblox could not answer.
    #[error(transparent)]
    Observe(#[from] ObserveError),
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Roblox answered that the inventory is private to the client: no answer
    /// (never a "not owned" it does not know).
    #[error("user {0}'s inventory is private to this client: it cannot tell")]
    CannotTell(u64),
}

/// Whether `user_id` owns `item`: from the store when a visible observation
/// that covers the item is younger than `max_age` (the item's own entry, or
/// the user's whole game passes, badges or private servers), otherwise from
/// Roblox (is-owned or an Open Cloud id filter), recorded in the store as the
/// scope `Items([item])` so the next question within `max_age` is answered
/// there. A private inventory seen in the store never answers: Roblox's
/// is-owned still can.
pub async fn owns(
    client: &Client,
    store: &dyn Store,
    user_id: u64,
    item: Item,
    max_age: Duration,
) -> Result<Answer, AnswerError> {
    let asked = ItemRef::from(item);
    // A huge maximum age reaches back before any time: any observation will do.
    let oldest = chrono::Duration::from_std(max_age)
        .ok()
        .and_then(|age| Utc::now().checked_sub_signed(age))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut covering = vec![(Scope::Items(vec![asked]), HoldingId::Item(asked))];
    match item {
        Item::GamePass(id) => covering.push((Scope::GamePasses, HoldingId::GamePass(id))),
        Item::Badge(id) => covering.push((Scope::Badges, HoldingId::Badge(id))),
        Item::PrivateServer(id) => {
            covering.push((Scope::PrivateServers, HoldingId::PrivateServer(id)))
        }
        // Assets and bundles: only their own entry answers (a listing of
        // Limiteds says nothing about other assets).
        _ => {}
    }
    for (scope, id) in &covering {
        let Some(known) = store.known(user_id, scope).await? else {
            continue;
        };
        let (Some(holdings), Some(observed_at), false) =
            (&known.holdings, known.observed_at, known.private)
        else {
            continue;
        };
        if observed_at >= oldest {
            return Ok(Answer {
                owned: holdings.contains_key(id),
                source: Source::Store { observed_at },
            });
        }
    }
    let snapshot = observe(client, user_id, &Scope::Items(vec![asked])).await?;
    store.record(&snapshot).await?;
    let owned = match &snapshot.view {
        View::Holdings(held) => held.iter().any(|h| h.id == HoldingId::Item(asked)),
        // The ownership planner answers through is-owned even for private
        // inventories; should a private view come back all the same, there is
        // no answer rather than a "no".
        View::Private => return Err(AnswerError::CannotTell(user_id)),
    };
    Ok(Answer {
        owned,
        source: Source::Roblox,
    })
}
