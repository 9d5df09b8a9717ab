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
use futures_util::{StreamExt, TryStreamExt};
use roblox_inventory::{Client, RequestsSent};

use crate::observe::{observe, ObserveError};
use crate::scope::Scope;
use crate::store::{LoggedChange, Store, StoreError, TrackedScope};

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
    /// The requests the client sent while the cycle ran, per operation (its
    /// clones' requests included: they spend the same budget).
    pub requests: RequestsSent,
    /// The shortest time Roblox's windows allow for those requests, one
    /// operation's windows beside another's: `⌈n / L⌉ · W` for `n` requests
    /// of an operation allowed `L` per window `W` (the client's request budget
    /// says which limit applies to its credential), the largest over the
    /// operations. `None` when the budget knows no limit for them.
    pub windows_needed: Option<Duration>,
}

impl CycleReport {
    /// When the budgets cannot cover every due scope within `interval`: the
    /// interval they can cover, the larger of what the windows need for this
    /// cycle's requests ([`windows_needed`](Self::windows_needed)) and what the
    /// cycle took. `None` when the interval holds.
    pub fn interval_covered(&self, interval: Duration) -> Option<Duration> {
        let covered = self.windows_needed.unwrap_or_default().max(self.took);
        (covered > interval).then_some(covered)
    }

    fn add(&mut self, polled: Result<usize, Missed>) {
        match polled {
            Ok(changes) => {
                self.recorded += 1;
                self.changes += changes;
            }
            Err(missed) => self.missed.push(missed),
        }
    }
}

/// How many due scopes a watcher reads from the store at once.
const DUE_PAGE: usize = 256;

/// How many scopes a watcher observes at once unless told otherwise: enough
/// to keep a host's budget busy across a network's round trip, few enough
/// that the stalest scopes still go first.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Polls a store's tracked scopes with a client.
#[derive(Clone)]
pub struct Watcher {
    client: Client,
    store: Arc<dyn Store>,
    interval: Duration,
    concurrency: usize,
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
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// A watcher that observes each tracked scope at most once per
    /// `interval`, [`DEFAULT_CONCURRENCY`] scopes at a time.
    pub fn new(client: Client, store: Arc<dyn Store>, interval: Duration) -> Self {
        Watcher {
            client,
            store,
            interval,
            concurrency: DEFAULT_CONCURRENCY,
            claims: None,
        }
    }

    /// Observes up to `scopes` scopes at once (at least one). The client's
    /// request budget paces every request whatever this is; more in flight
    /// only hides the network's round trip, so the windows fill.
    pub fn concurrency(mut self, scopes: usize) -> Self {
        self.concurrency = scopes.max(1);
        self
    }

    /// Shares the work with other watchers on the same store (a fleet): each
    /// cycle claims due scopes `batch` at a time, leased to `worker` (a name
    /// unique in the fleet) for `lease`, and releases each once recorded. A
    /// scope that failed keeps its lease until it runs out, so it is tried
    /// again later rather than over and over; a watcher that dies leaves its
    /// scopes to the others when their leases run out. Make `lease` longer
    /// than a batch takes, and `batch` at least the concurrency.
    pub fn with_claims(mut self, worker: impl Into<String>, lease: Duration, batch: usize) -> Self {
        self.claims = Some(Claims {
            worker: worker.into(),
            lease,
            batch: batch.max(1),
        });
        self
    }

    /// Observes and records one scope: the changes it logged, or why not.
    async fn poll(&self, user_id: u64, scope: Scope) -> Result<usize, Missed> {
        let recorded = match observe(&self.client, user_id, &scope).await {
            Ok(snapshot) => self
                .store
                .record(&snapshot)
                .await
                .map_err(MissedBecause::from),
            Err(error) => Err(MissedBecause::from(error)),
        };
        recorded
            .map(|changes| changes.len())
            .map_err(|error| Missed {
                user_id,
                scope,
                error,
            })
    }

    /// One pass over the tracked scopes, stalest first: each one not observed
    /// within the interval is observed and recorded, up to the concurrency at
    /// once. One scope's failure is reported and the pass goes on. Fails only
    /// when the store cannot list (or claim) what it tracks.
    pub async fn cycle(&self) -> Result<CycleReport, StoreError> {
        self.cycle_due_before(self.due_before(Utc::now())).await
    }

    /// [`cycle`](Self::cycle) over the scopes last observed before
    /// `due_before` (or never).
    async fn cycle_due_before(
        &self,
        due_before: chrono::DateTime<Utc>,
    ) -> Result<CycleReport, StoreError> {
        let began = Instant::now();
        let sent_before = self.client.requests_sent();
        let mut report = CycleReport::default();
        if let Some(claims) = &self.claims {
            loop {
                let batch = self
                    .store
                    .claim(&claims.worker, claims.batch, due_before, claims.lease)
                    .await?;
                if batch.is_empty() {
                    break;
                }
                // Each scope is released inside its own future: awaiting a
                // release between polls would leave the batch's other
                // recordings unpolled, holding connections and SQLite's
                // write lock that the release waits for.
                let mut polls = futures_util::stream::iter(batch)
                    .map(|tracked| async move {
                        let scope = tracked.scope.clone();
                        let polled = self.poll(tracked.user_id, tracked.scope).await;
                        if polled.is_ok() {
                            self.store
                                .release(&claims.worker, tracked.user_id, &scope)
                                .await?;
                        }
                        Ok::<_, StoreError>(polled)
                    })
                    .buffer_unordered(self.concurrency);
                while let Some(polled) = polls.next().await {
                    report.add(polled?);
                }
            }
        } else {
            report.not_due = self.store.observed_since(due_before).await?.0;
            // What is due, a page at a time (read when the polls need more).
            let pages = due_pages(self.store.clone(), due_before);
            let polls = pages
                .map_ok(|page| {
                    futures_util::stream::iter(page.into_iter().map(Ok::<_, StoreError>))
                })
                .try_flatten()
                .map(|due: Result<TrackedScope, StoreError>| async move {
                    let tracked = due?;
                    Ok::<_, StoreError>(self.poll(tracked.user_id, tracked.scope).await)
                })
                .buffer_unordered(self.concurrency);
            let mut polls = std::pin::pin!(polls);
            while let Some(polled) = polls.next().await {
                report.add(polled?);
            }
        }
        report.took = began.elapsed();
        report.requests = self.client.requests_sent().since(&sent_before);
        report.windows_needed = self.windows_needed(&report.requests);
        Ok(report)
    }

    /// Scopes last observed before this are due at `now` (a huge interval
    /// reaches back before any time: nothing observed is due).
    fn due_before(&self, now: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
        chrono::Duration::from_std(self.interval)
            .ok()
            .and_then(|interval| now.checked_sub_signed(interval))
            .unwrap_or(chrono::DateTime::<Utc>::MIN_UTC)
    }

    /// `⌈n / L⌉ · W` per operation, the largest (see
    /// [`CycleReport::windows_needed`]).
    fn windows_needed(&self, requests: &RequestsSent) -> Option<Duration> {
        requests
            .iter()
            .filter_map(|(operation, sent)| {
                let limit = self.client.budget_outlook(operation)?.limit;
                let windows = sent.div_ceil(u64::from(limit.max.max(1)));
                Some(
                    limit
                        .window
                        .saturating_mul(u32::try_from(windows).unwrap_or(u32::MAX)),
                )
            })
            .max()
    }
}

/// The scopes due before `due_before`, read from the store a page at a time.
fn due_pages(
    store: Arc<dyn Store>,
    due_before: chrono::DateTime<Utc>,
) -> futures_util::stream::BoxStream<'static, Result<Vec<TrackedScope>, StoreError>> {
    futures_util::stream::try_unfold(
        (Some(None::<TrackedScope>), store),
        move |(after, store): (Option<Option<TrackedScope>>, Arc<dyn Store>)| async move {
            let Some(after) = after else {
                return Ok(None);
            };
            let page = store.due(due_before, after.as_ref(), DUE_PAGE).await?;
            // A short page is the last one.
            let next = (page.len() == DUE_PAGE).then(|| page.last().cloned());
            Ok(Some((page, (next, store))))
        },
    )
    .boxed()
}

/// How long to wait after a cycle: until the stalest scope observed since
/// the cycle's scopes were due is due again (so each scope is observed once
/// per interval, not once per interval plus a cycle), at least [`MIN_WAIT`]
/// and at most the interval. Scopes the cycle missed are older than that and
/// are tried again at the next cycle.
fn wait_after(
    interval: Duration,
    stalest: Option<chrono::DateTime<Utc>>,
    now: chrono::DateTime<Utc>,
) -> Duration {
    let next_due = stalest.map_or(interval, |at| {
        let age = now.signed_duration_since(at).to_std().unwrap_or_default();
        interval.saturating_sub(age)
    });
    next_due.clamp(MIN_WAIT.min(interval), interval)
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
    /// tries again after the interval (at least a second, at most a minute).
    StoreFailed(StoreError),
}

/// How long a watcher waits after a store failure, and between cycles, at
/// least (so scopes that keep failing are not retried in a tight loop).
const MIN_WAIT: Duration = Duration::from_secs(1);

impl Watcher {
    /// Runs cycles until the stream is dropped: after each cycle, every change
    /// the log holds after `cursor` (pass the last [`LoggedChange::id`] you
    /// handled, 0 at first: a restarted consumer resumes exactly there), then
    /// the cycle's report; then it waits until the stalest scope is due again
    /// (at most the interval) before the next cycle.
    ///
    /// Dropping the stream stops it at any await: a recording in flight is one
    /// transaction and is rolled back; that scope is simply observed again by
    /// the next watcher.
    pub fn run(self, cursor: i64) -> impl futures_util::Stream<Item = WatchEvent> + Send {
        let state = (
            self,
            cursor,
            std::collections::VecDeque::new(),
            Duration::ZERO,
        );
        futures_util::stream::unfold(
            state,
            |(watcher, mut cursor, mut queue, mut wait)| async move {
                loop {
                    if let Some(event) = queue.pop_front() {
                        return Some((event, (watcher, cursor, queue, wait)));
                    }
                    tokio::time::sleep(wait).await;
                    let due_before = watcher.due_before(Utc::now());
                    match watcher.cycle_due_before(due_before).await {
                        Ok(mut report) => {
                            wait = match watcher.store.observed_since(due_before).await {
                                Ok((_, stalest)) => {
                                    wait_after(watcher.interval, stalest, Utc::now())
                                }
                                Err(_) => watcher.interval,
                            };
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
                            wait = MIN_WAIT.max(watcher.interval.min(MIN_WAIT * 60));
                        }
                    }
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_cycle_comes_when_the_stalest_recorded_scope_is_due() {
        let now = Utc::now();
        let ago = |seconds| Some(now - chrono::Duration::seconds(seconds));
        let hour = Duration::from_secs(3_600);
        // The stalest recorded 50 minutes ago: due in 10 minutes.
        assert_eq!(wait_after(hour, ago(3_000), now), Duration::from_secs(600));
        // Overdue: at once, but not in a tight loop.
        assert_eq!(wait_after(hour, ago(7_200), now), MIN_WAIT);
        // Nothing recorded: an interval; a short interval is not stretched.
        assert_eq!(wait_after(hour, None, now), hour);
        let short = Duration::from_millis(200);
        assert_eq!(wait_after(short, ago(7_200), now), short);
        // An observation from the future (a skewed clock) waits an interval.
        assert_eq!(wait_after(hour, ago(-60), now), hour);
    }
}
