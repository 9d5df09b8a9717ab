//! Where tracking lives between polls: what is tracked, what each tracked
//! scope held when last seen, and an append-only change log.
//!
//! One trait, [`Store`]; one implementation over two real engines,
//! [`SqlStore`]: SQLite (a file, nothing to run; feature `sqlite`) and
//! PostgreSQL (for fleets; feature `postgres`). A poll's new holdings and its
//! changes are committed in one transaction, so a crash at any point neither
//! loses nor repeats a change; readers follow the log from a cursor they keep
//! ([`Store::changes_after`]), so a restarted consumer resumes exactly where it
//! stopped.

mod sql;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::changes::{Change, Tracked};
use crate::scope::Scope;
use crate::snapshot::Snapshot;

pub use sql::SqlStore;

/// A store's answer, later.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Why a store could not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed (connection, constraint, busy, …).
    #[error("the store's database failed: {0}")]
    Database(#[from] sqlx::Error),
    /// Its schema could not be brought up to date.
    #[error("the store's schema could not be migrated: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A URL this store does not know (`sqlite:` paths and `postgres://`).
    #[error("`{0}` is not a store URL (a SQLite path or sqlite: URL, or postgres://)")]
    Url(String),
    /// A row the store wrote cannot be read back (a newer schema, a hand edit).
    #[error("a stored row cannot be read: {0}")]
    Corrupt(String),
    /// A user id larger than the database's integers.
    #[error("user id {0} does not fit the store's integers")]
    UserId(u64),
}

/// A scope of a user the store tracks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TrackedScope {
    /// Whose.
    pub user_id: u64,
    /// What.
    pub scope: Scope,
    /// When it was last observed (`None`: never).
    pub observed_at: Option<DateTime<Utc>>,
}

/// A change as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LoggedChange {
    /// Its place in the log: ids only increase; a reader keeps the last one it
    /// handled and asks for what comes after.
    pub id: i64,
    /// When the observation that found it began.
    pub observed_at: DateTime<Utc>,
    /// The change.
    pub change: Change,
}

/// Keeps tracking state. Implemented by [`SqlStore`]; any other (a cache in
/// front of one, a test double in users' own tests) keeps the same promises:
/// [`record`](Store::record) is atomic, and log ids only increase in the order
/// readers may see them.
pub trait Store: Send + Sync {
    /// Starts tracking `scope` of `user_id` (nothing if it already is).
    fn track(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, ()>;

    /// Stops tracking it and forgets its holdings (the log keeps its changes);
    /// whether it was tracked.
    fn untrack(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, bool>;

    /// Every tracked scope, the stalest first (never observed, then oldest).
    fn tracked(&self) -> StoreFuture<'_, Vec<TrackedScope>>;

    /// Up to `limit` tracked scopes that are due (never observed, or last
    /// observed before `due_before`), the stalest first, after `after` (the
    /// last scope of the page before; `None` for the first page). A watcher
    /// reads what is due a page at a time, so its memory does not grow with
    /// what is tracked; a scope recorded meanwhile is no longer due and is not
    /// listed again.
    fn due(
        &self,
        due_before: DateTime<Utc>,
        after: Option<&TrackedScope>,
        limit: usize,
    ) -> StoreFuture<'_, Vec<TrackedScope>>;

    /// How many tracked scopes were last observed at or after `since`, and
    /// when the stalest of them was (`None` when none was).
    fn observed_since(
        &self,
        since: DateTime<Utc>,
    ) -> StoreFuture<'_, (usize, Option<DateTime<Utc>>)>;

    /// What is known of `scope` of `user_id` (`None`: not tracked).
    fn known(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, Option<Tracked>>;

    /// Records `snapshot`: compares it with what was known, keeps it as the
    /// latest holdings and appends its changes to the log, all in one
    /// transaction; returns the changes as logged. A scope not tracked yet
    /// starts being tracked (its first snapshot is a baseline).
    fn record<'a>(&'a self, snapshot: &'a Snapshot) -> StoreFuture<'a, Vec<LoggedChange>>;

    /// Claims for `worker`, until `lease` has passed, up to `limit` tracked
    /// scopes last observed before `due_before` (or never) that no unexpired
    /// lease holds, the stalest first. Several watchers on one store (a fleet)
    /// share the work this way: each scope is claimed by one at a time, and a
    /// dead watcher's scopes are taken over when its leases run out (a lease
    /// holds strictly before its end: a zero lease is over at once).
    fn claim(
        &self,
        worker: &str,
        limit: usize,
        due_before: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreFuture<'_, Vec<TrackedScope>>;

    /// Ends `worker`'s lease on a scope (after recording it); another worker's
    /// lease is left alone.
    fn release(&self, worker: &str, user_id: u64, scope: &Scope) -> StoreFuture<'_, ()>;

    /// The id of the last change logged (0 when none is).
    fn last_change_id(&self) -> StoreFuture<'_, i64>;

    /// Up to `limit` changes with ids greater than `cursor`, in id order.
    fn changes_after(&self, cursor: i64, limit: usize) -> StoreFuture<'_, Vec<LoggedChange>>;
}
