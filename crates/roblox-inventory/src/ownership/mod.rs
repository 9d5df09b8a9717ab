//! Ownership checks at Roblox scale: the least wall time both hosts' rate
//! limits allow, with every answer right.
//!
//! # Two ways to ask
//!
//! * **is-owned** (legacy host): one request per user and item; assets, game
//!   passes, badges and bundles; no credential needed; 10,000 requests per
//!   minute (facts §1.6).
//! * **Open Cloud id filters** (List Inventory Items): one request per user for
//!   up to [`IDS_PER_FILTER`] ids of assets, game passes, badges and private
//!   servers; needs an API key (100 requests per minute per key owner) or an
//!   OAuth token (20 per minute per grant); the only way to ask about private
//!   servers. An inventory private to the credential falls back to is-owned for
//!   everything but private servers.
//!
//! # The model
//!
//! For a round of users × items, the planner knows each budget's
//! [outlook](crate::budget::Outlook): the limit per window, what remains in the
//! current one and when it resets. With `R` remaining, reset in `t` and limit `L`
//! per window `W`, the `n`-th request may go at
//!
//! ```text
//! T(n) = 0                              if n ≤ R
//!        t + ⌊(n − R − 1) / L⌋ · W      otherwise
//! ```
//!
//! A plan sending `c` Open Cloud and `l` is-owned requests is done waiting at
//! `max(T_cloud(c), T_legacy(l))`. Private servers must use Open Cloud, and the
//! room left in their filters takes the user's other items for free. Every
//! further filter (up to 100 of one user's items) costs one Open Cloud request
//! and saves that many is-owned requests. The planner adds filters, largest
//! first, and keeps the count with the least makespan, then the fewest requests,
//! then the fewest Open Cloud requests (the scarcer budget). So:
//!
//! * one item, or many users with one item each: is-owned, one request each,
//!   unless is-owned has no room left before its reset and Open Cloud has;
//! * many items for a user: filters of 100, as many as Open Cloud's window
//!   takes, the rest by is-owned when that finishes sooner;
//! * bundles: always is-owned (Open Cloud does not list them); private servers:
//!   always Open Cloud, and refused with [`Error::MissingCredential`] without it.
//!
//! Requests then run concurrently within the budgets (up to
//! [`OwnershipCheck::concurrency`] per host): the budget lets a burst of what
//! remains go at once and holds the rest until the reset. Large jobs run in
//! rounds of [`OwnershipCheck::users_per_round`] users, each planned with the
//! budgets as they are then, so memory stays bounded however many users there
//! are. An empty item list answers without a request.

mod plan;
mod run;

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};

use crate::client::Client;
use crate::error::Error;
use crate::models::Item;
pub use plan::IDS_PER_FILTER;

/// One answer of an ownership check.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OwnershipAnswer {
    /// The user.
    pub user_id: u64,
    /// The item.
    pub item: Item,
    /// Whether the user owns it, or why that is not known. One failed request
    /// can answer for several items, so the error is shared.
    pub owned: Result<bool, Arc<Error>>,
}

/// Answers in the order they arrive.
pub type AnswerStream = Pin<Box<dyn Stream<Item = OwnershipAnswer> + Send + 'static>>;

/// Default requests in flight per host.
const DEFAULT_CONCURRENCY: usize = 32;
/// Default users planned together.
const DEFAULT_USERS_PER_ROUND: usize = 500;

/// Checks many users × many items: see [`Client::ownership`].
#[must_use = "call .answers() to run the checks"]
pub struct OwnershipCheck {
    client: Client,
    users: Box<dyn Iterator<Item = u64> + Send>,
    items: Vec<Item>,
    concurrency: usize,
    users_per_round: usize,
}

impl std::fmt::Debug for OwnershipCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnershipCheck")
            .field("items", &self.items)
            .field("concurrency", &self.concurrency)
            .field("users_per_round", &self.users_per_round)
            .finish_non_exhaustive()
    }
}

impl OwnershipCheck {
    /// Requests in flight per host at most (default 32). The budgets decide when
    /// each may go; this only bounds how many wait on the network at once.
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }

    /// Users planned and checked together (default 500): memory is bounded by
    /// one round's answers.
    pub fn users_per_round(mut self, users: usize) -> Self {
        self.users_per_round = users.max(1);
        self
    }

    /// Runs the checks, yielding one answer per (user, item) as it arrives. A
    /// user's failure is that user's answers, never the end of the stream.
    pub fn answers(self) -> AnswerStream {
        let Self {
            client,
            users,
            items,
            concurrency,
            users_per_round,
        } = self;
        if items.is_empty() {
            return Box::pin(stream::empty());
        }
        let rounds = stream::unfold(
            (client, users, items),
            move |(client, mut users, items)| async move {
                let round: Vec<u64> = users.by_ref().take(users_per_round).collect();
                if round.is_empty() {
                    return None;
                }
                let budgets = plan::Budgets {
                    cloud: client.budget_outlook(crate::Operation::CloudListInventoryItems),
                    legacy: client.budget_outlook(crate::Operation::GetV1UsersItemsIsOwned),
                };
                let plan = plan::plan(&round, &items, client.has_cloud_credential(), budgets);
                let answers = run::run(client.clone(), plan, concurrency);
                Some((answers, (client, users, items)))
            },
        );
        Box::pin(rounds.flatten())
    }
}

impl Client {
    /// Checks whether each of `users` owns each of `items`, with the least wall
    /// time the rate limits of both hosts allow (see the [module docs](crate::ownership)).
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// use roblox_inventory::{Client, Item};
    ///
    /// # async fn run() -> Result<(), roblox_inventory::Error> {
    /// let client = Client::builder().build()?;
    /// let members = vec![156, 261, 1];
    /// let mut answers = client.ownership(members, &[Item::GamePass(1111)]).answers();
    /// while let Some(answer) = answers.next().await {
    ///     match answer.owned {
    ///         Ok(owned) => println!("{} {:?} {owned}", answer.user_id, answer.item),
    ///         Err(error) => eprintln!("{}: {error}", answer.user_id),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn ownership<U>(&self, users: U, items: &[Item]) -> OwnershipCheck
    where
        U: IntoIterator<Item = u64>,
        U::IntoIter: Send + 'static,
    {
        OwnershipCheck {
            client: self.clone(),
            users: Box::new(users.into_iter()),
            items: distinct(items),
            concurrency: DEFAULT_CONCURRENCY,
            users_per_round: DEFAULT_USERS_PER_ROUND,
        }
    }

    /// Whether `user_id` owns `item`: one is-owned request, or Open Cloud for a
    /// private server (or when is-owned has no room left before its reset).
    pub async fn owns(&self, user_id: u64, item: Item) -> Result<bool, Error> {
        Ok(self
            .owned(user_id, &[item])
            .await?
            .first()
            .is_some_and(|(_, owned)| *owned))
    }

    /// Whether `user_id` owns each of `items`, in the order given (duplicates
    /// answered once), or the first error. See [`Client::ownership`] for many
    /// users and for answers that fail one by one.
    pub async fn owned(&self, user_id: u64, items: &[Item]) -> Result<Vec<(Item, bool)>, Error> {
        let distinct = distinct(items);
        let mut answers: HashMap<Item, Result<bool, Arc<Error>>> = self
            .ownership([user_id], &distinct)
            .answers()
            .map(|a| (a.item, a.owned))
            .collect()
            .await;
        let mut result = Vec::with_capacity(distinct.len());
        for item in distinct {
            match answers.remove(&item) {
                Some(Ok(owned)) => result.push((item, owned)),
                Some(Err(error)) => {
                    // Drop every other holder of the shared error, so it can be taken whole.
                    drop(answers);
                    return Err(
                        Arc::try_unwrap(error).unwrap_or_else(|shared| Error::Decode {
                            status: shared.status().unwrap_or(0),
                            reason: shared.to_string(),
                            excerpt: String::new(),
                        }),
                    );
                }
                None => {
                    return Err(Error::Decode {
                        status: 0,
                        reason: format!("no answer for {item:?}"),
                        excerpt: String::new(),
                    })
                }
            }
        }
        Ok(result)
    }
}

/// `items` without repeats, in their first order.
fn distinct(items: &[Item]) -> Vec<Item> {
    let mut seen = std::collections::HashSet::new();
    items.iter().copied().filter(|i| seen.insert(*i)).collect()
}
