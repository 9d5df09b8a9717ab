//! Polling tracked scopes and recording what changed.
//!
//! Roblox has no inventory webhook, so a tracker polls. A [`Watcher`] polls
//! the scopes a [`Store`] tracks, stalest first, through a client whose
//! request budget paces every request within Roblox's limits (so a cycle never
//! meets a 429 however many users it covers), records each snapshot (changes
//! committed with the holdings, once), and carries on past one user's error.
//! Everything it knows lives in the store, so a restarted watcher picks up
//! where the last one stopped: the stalest scopes first.
//!
//! Changes are read from the store's log ([`Store::changes_after`]) with a
//! cursor the reader keeps, so a consumer that restarts neither misses nor
//! repeats one, and changes recorded by other watchers on the same store (a
//! fleet) reach it too.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use roblox_inventory::Client;

use crate::observe::{observe, ObserveError};
use crate::scope::Scope;
use crate::store::{LoggedChange, Store, StoreError};

/// One scope a cycle could not observe or record; the cycle went on.
#[derive(Debug)]
#[non_exhaustive]
pub struct Missed {
    /// Whose.
    pub user_id: u64,
    /// What.
    pub scope: Scope,
    /// Why.
    pub error: MissedBecause,
}

/// Why a scope was missed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MissedBecause {
    /// The observation failed (nothing was recorded: no partial snapshot).
    #[error(transparent)]
    Observe(#[from] ObserveError),
    /// The store could not record it (nothing was recorded: one transaction).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one cycle did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct CycleReport {
    /// Scopes observed and recorded.
    pub recorded: usize,
    /// Changes those recordings logged.
    pub changes: usize,
    /// Scopes that were due but not recorded, with why.
    pub missed: Vec<Missed>,
    /// Scopes not due yet (observed within the interval).
    pub not_due: usize,
    /// How long the cycle took.
    pub took: Duration,
}

impl CycleReport {
    /// When the cycle covered every due scope but took longer than
    /// `interval`: the interval the budgets can actually cover (the cycle's
    /// length). `None` when the interval holds.
    pub fn interval_covered(&self, interval: Duration) -> Option<Duration> {
        (self.took > interval).then_some(self.took)
    }
}

/// Polls a store's tracked scopes with a client.
#[derive(Clone)]
pub struct Watcher {
    client: Client,
    store: Arc<dyn Store>,
    interval: Duration,
    claims: Option<Claims>,
}

/// How a watcher in a fleet takes its share: claims of `batch` scopes, each
/// leased to `worker` for `lease`.
#[derive(Debug, Clone)]
struct Claims {
    worker: String,
    lease: Duration,
    batch: usize,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// A watcher that observes each tracked scope at most once per
    /// `interval`.
    pub fn new(client: Client, store: Arc<dyn Store>, interval: Duration) -> Self {
        Watcher {
            client,
            store,
            interval,
            claims: None,
        }
    }

    /// Shares the work with other watchers on the same store (a fleet): each
    /// cycle claims due scopes `batch` at a time, leased to `worker` (a name
    /// unique in the fleet) for `lease`, and releases each once recorded. A
    /// scope that failed keeps its lease until it runs out, so it is tried
    /// again later rather than over and over; a watcher that dies leaves its
    /// scopes to the others when their leases run out. Make `lease` longer
    /// than a batch takes.
    pub fn with_claims(mut self, worker: impl Into<String>, lease: Duration, batch: usize) -> Self {
        self.claims = Some(Claims {
            worker: worker.into(),
            lease,
            batch: batch.max(1),
        });
        self
    }

    /// Observes and records one scope into `report`; whether it was recorded.
    async fn poll(&self, user_id: u64, scope: Scope, report: &mut CycleReport) -> bool {
        let recorded = match observe(&self.client, user_id, &scope).await {
            Ok(snapshot) => self
                .store
                .record(&snapshot)
                .await
                .map_err(MissedBecause::from),
            Err(error) => Err(MissedBecause::from(error)),
        };
        match recorded {
            Ok(changes) => {
                report.recorded += 1;
                report.changes += changes.len();
                true
            }
            Err(error) => {
                report.missed.push(Missed {
                    user_id,
                    scope,
                    error,
                });
                false
            }
        }
    }

    /// One pass over the tracked scopes, stalest first: each one not observed
    /// within the interval is observed and recorded. One scope's failure is
    /// reported and the pass goes on. Fails only when the store cannot list
    /// what it tracks.
    pub async fn cycle(&self) -> Result<CycleReport, StoreError> {
        let began = Instant::now();
        let now = Utc::now();
        let interval = chrono::Duration::from_std(self.interval).unwrap_or(chrono::Duration::MAX);
        let mut report = CycleReport::default();
        if let Some(claims) = &self.claims {
            // A huge interval reaches back before any time: nothing is due.
            let due_before = now
                .checked_sub_signed(interval)
                .unwrap_or(chrono::DateTime::<Utc>::MIN_UTC);
            loop {
                let batch = self
                    .store
                    .claim(&claims.worker, claims.batch, due_before, claims.lease)
                    .await?;
                if batch.is_empty() {
                    break;
                }
                for tracked in batch {
                    let scope = tracked.scope.clone();
                    if self.poll(tracked.user_id, tracked.scope, &mut report).await {
                        self.store
                            .release(&claims.worker, tracked.user_id, &scope)
                            .await?;
                    }
                }
            }
            report.took = began.elapsed();
            return Ok(report);
        }
        for tracked in self.store.tracked().await? {
            if tracked
                .observed_at
                .is_some_and(|at| now.signed_duration_since(at) < interval)
            {
                report.not_due += 1;
                continue;
            }
            self.poll(tracked.user_id, tracked.scope, &mut report).await;
        }
        report.took = began.elapsed();
        Ok(report)
    }
}

/// What a running [`Watcher`] reports, in order.
#[derive(Debug)]
#[non_exhaustive]
pub enum WatchEvent {
    /// A change in the store's log (recorded by this watcher or another on
    /// the same store), in log order; its `id` is the cursor to keep.
    Change(LoggedChange),
    /// A scope a cycle could not observe or record; the others went on.
    Missed(Missed),
    /// A cycle ended.
    Cycle(CycleReport),
    /// The store could not list what it tracks or read its log; the watcher
    /// tries again after the interval (at least a second).
    StoreFailed(StoreError),
}

/// How long a watcher waits after a store failure at least.
const STORE_RETRY: Duration = Duration::from_secs(1);

impl Watcher {
    /// Runs cycles until the stream is dropped: after each cycle, every change
    /// the log holds after `cursor` (pass the last [`LoggedChange::id`] you
    /// handled, 0 at first: a restarted consumer resumes exactly there), then
    /// the cycle's report; then it waits the interval before the next cycle.
    ///
    /// Dropping the stream stops it at any await: a recording in flight is one
    /// transaction and is rolled back; that scope is simply observed again by
    /// the next watcher.
    pub fn run(self, cursor: i64) -> impl futures_util::Stream<Item = WatchEvent> + Send {
        let state = (self, cursor, std::collections::VecDeque::new(), true);
        futures_util::stream::unfold(
            state,
            |(watcher, mut cursor, mut queue, first)| async move {
                loop {
                    if let Some(event) = queue.pop_front() {
                        return Some((event, (watcher, cursor, queue, false)));
                    }
                    if !first {
                        tokio::time::sleep(watcher.interval).await;
                    }
                    match watcher.cycle().await {
                        Ok(mut report) => {
                            queue.extend(report.missed.drain(..).map(WatchEvent::Missed));
                            match watcher.store.changes_after(cursor, usize::MAX).await {
                                Ok(changes) => {
                                    if let Some(last) = changes.last() {
                                        cursor = last.id;
                                    }
                                    queue.extend(changes.into_iter().map(WatchEvent::Change));
                                }
                                Err(error) => queue.push_back(WatchEvent::StoreFailed(error)),
                            }
                            queue.push_back(WatchEvent::Cycle(report));
                        }
                        Err(error) => {
                            queue.push_back(WatchEvent::StoreFailed(error));
                            tokio::time::sleep(STORE_RETRY).await;
                        }
                    }
                    if let Some(event) = queue.pop_front() {
                        return Some((event, (watcher, cursor, queue, false)));
                    }
                }
            },
        )
    }
}
