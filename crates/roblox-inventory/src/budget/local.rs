//! [`LocalBudget`]: the request budget of one process.
//!
//! Per operation and credential it keeps two views of the current window:
//!
//! * **The server's**, from the last response: `x-ratelimit-remaining` less the
//!   requests still in flight, until `x-ratelimit-reset`. While it has room,
//!   requests go at once (a burst to what remains); at zero they wait for the
//!   reset. The first request of a window goes alone, so the rest know what
//!   Roblox counted before this process started (other processes, other keys
//!   of the same owner). Reset times in whole seconds (Roblox's form) may be
//!   rounded either way, so a second is added to the earliest `now + reset`
//!   any answer of the window gave.
//! * **Its own**, for when the server says nothing (no headers, or a window so
//!   short that whole-second resets say nothing, like collectibles' 4 per
//!   second): at most the limit in any span of one window. Any span of that
//!   length holds at most the limit, so every fixed window does too, wherever
//!   Roblox's windows fall.
//!
//! A 429 holds back every request sharing the key until `retry-after` (or the
//! reset) has passed.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// Tokio's clock (the same instants outside tests): the budget's waits and
// windows follow a paused clock in tests.
use tokio::time::Instant;

use tokio::sync::Notify;

use super::{
    documented_limit, BudgetKey, Limit, NoSlotBeforeDeadline, Outlook, Permit, Report,
    RequestBudget,
};

/// How long a request waits for the answer to the request that is out to learn
/// the window; after that it goes by the local log alone.
const PROBE_WAIT: Duration = Duration::from_secs(1);

/// The request budget of one process: documented limits as the prior, the
/// rate-limit headers of each response as the truth (see the module docs).
#[derive(Debug)]
pub struct LocalBudget {
    minute: Duration,
    keys: Mutex<Keys>,
}

/// The state of every key, and when to look for idle ones: a key per OAuth
/// grant or per cookie would otherwise grow the map for the life of the process.
#[derive(Debug)]
struct Keys {
    states: HashMap<BudgetKey, Arc<KeyState>>,
    prune_at: usize,
}

/// How many keys a budget holds before it first forgets idle ones.
const PRUNE_AT: usize = 256;

#[derive(Debug, Default)]
struct KeyState {
    window: Mutex<Window>,
    changed: Notify,
}

#[derive(Debug, Clone, Copy)]
struct ServerView {
    /// Requests that may still go in this window.
    remaining: u32,
    /// When this window ends (with the margin for whole seconds).
    resets_at: Instant,
}

#[derive(Debug, Default)]
struct Window {
    /// The limit; `None` until one is documented or reported.
    limit: Option<Limit>,
    /// When this process sent requests, within the last window.
    sent: VecDeque<Instant>,
    /// Requests before this belong to a window the server has closed.
    floor: Option<Instant>,
    server: Option<ServerView>,
    in_flight: u32,
    /// A request is out to learn the window; others wait for its answer.
    probing: bool,
    /// Responses for this key carry no rate-limit headers.
    headerless: bool,
    /// Resets arrive as fractions of a second (a sandbox with short minutes).
    fine_resets: bool,
    blocked_until: Option<Instant>,
}

enum Decision {
    Go,
    Until(Instant),
    AwaitProbe,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Window {
    fn resolution(&self) -> Duration {
        if self.fine_resets {
            Duration::from_millis(1)
        } else {
            Duration::from_secs(1)
        }
    }

    /// Whether the server's headers can say more than the local log: they exist,
    /// and the window is long against the precision of the reset.
    fn follows_server(&self, limit: Limit) -> bool {
        !self.headerless && limit.window >= self.resolution() * 10
    }

    /// Forgets what has passed: a server window that ended, sends outside the window.
    fn roll(&mut self, now: Instant, limit: Limit) {
        if let Some(view) = self.server {
            if view.resets_at <= now {
                self.floor = Some(self.floor.map_or(view.resets_at, |f| f.max(view.resets_at)));
                self.server = None;
            }
        }
        let horizon = now.checked_sub(limit.window);
        while let Some(&oldest) = self.sent.front() {
            let outside =
                horizon.is_some_and(|h| oldest <= h) || self.floor.is_some_and(|f| oldest < f);
            if !outside {
                break;
            }
            self.sent.pop_front();
        }
    }

    fn decide(&mut self, now: Instant, probe_waited: bool) -> Decision {
        if let Some(until) = self.blocked_until {
            if until > now {
                return Decision::Until(until);
            }
            self.blocked_until = None;
        }
        let Some(limit) = self.limit else {
            self.in_flight += 1;
            return Decision::Go;
        };
        self.roll(now, limit);
        if self.sent.len() >= limit.max as usize {
            if let Some(&oldest) = self.sent.front() {
                // The oldest send leaves the log a window after it went, or sooner
                // when the server's window resets first (the reset clears the log).
                let mut until = oldest + limit.window;
                if let Some(view) = self.server.filter(|_| self.follows_server(limit)) {
                    until = until.min(view.resets_at);
                }
                return Decision::Until(until);
            }
        }
        if self.follows_server(limit) {
            match &mut self.server {
                Some(view) if view.remaining == 0 => return Decision::Until(view.resets_at),
                Some(view) => view.remaining -= 1,
                None if self.probing && probe_waited => {}
                None if self.probing => return Decision::AwaitProbe,
                None => self.probing = true,
            }
        }
        self.sent.push_back(now);
        self.in_flight += 1;
        Decision::Go
    }

    fn report(&mut self, now: Instant, report: Report) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let Report::Response { status, headers } = report else {
            self.probing = false;
            return;
        };
        self.probing = false;
        if let Some(max) = headers.limit.filter(|m| *m > 0) {
            let window = self.limit.map_or(Duration::from_secs(60), |l| l.window);
            self.limit = Some(Limit { max, window });
        }
        if headers.reset.is_some() {
            self.fine_resets = !headers.reset_in_whole_seconds;
        }
        // Only this key's own answers decide how it is counted: a success
        // without headers (a server that sends none), or any answer with
        // them. A bare error from something in between (an edge's 502) says
        // nothing about the window.
        if !headers.is_empty() {
            self.headerless = false;
        } else if (200..300).contains(&status) {
            self.headerless = true;
        }
        if status == 429 {
            let wait = headers
                .retry_after
                .or(headers.reset)
                .unwrap_or(Duration::from_secs(1));
            let until = now + wait;
            self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
            // What the server said before is wrong; after the wait, a probe relearns it.
            self.server = None;
        }
        let (Some(remaining), Some(reset), Some(limit)) =
            (headers.remaining, headers.reset, self.limit)
        else {
            return;
        };
        let margin = if self.fine_resets {
            Duration::ZERO
        } else {
            Duration::from_secs(1)
        };
        let resets_at = now + reset + margin;
        // Requests still out may or may not be counted in `remaining` yet; where
        // it matters, assume not.
        let cautious = if status == 429 {
            0
        } else {
            remaining.saturating_sub(self.in_flight)
        };
        let half = limit.window / 2;
        match &mut self.server {
            // An answer from a window that has already ended here.
            Some(view) if resets_at + half < view.resets_at => {}
            // The same window. Alone, the server has counted at most what was
            // acquired here, so it reports at least what is left here; less means
            // someone else spends this budget too (another process, another key of
            // the owner), and then requests in flight count against it as well.
            Some(view) if resets_at < view.resets_at + half => {
                if remaining < view.remaining || status == 429 {
                    view.remaining = view.remaining.min(cautious);
                }
                // Each answer's `now + reset` is off by its rounding (and late by its
                // trip back); the earliest, plus the margin, is the closest safe end.
                view.resets_at = view.resets_at.min(resets_at);
            }
            // A new window.
            _ => {
                self.server = Some(ServerView {
                    remaining: cautious,
                    resets_at,
                });
                if let Some(start) = resets_at.checked_sub(limit.window) {
                    self.floor = Some(self.floor.map_or(start, |f| f.max(start)));
                }
            }
        }
    }

    /// Whether this key remembers nothing that matters at `now`: nothing in
    /// flight or being probed, no send inside its window, no server window or
    /// back-off still running. Forgetting it changes no decision.
    fn idle(&mut self, now: Instant) -> bool {
        if let Some(limit) = self.limit {
            self.roll(now, limit);
        }
        self.in_flight == 0
            && !self.probing
            && self.sent.is_empty()
            && self.server.is_none_or(|view| view.resets_at <= now)
            && self.blocked_until.is_none_or(|until| until <= now)
    }

    fn outlook(&mut self, now: Instant) -> Option<Outlook> {
        let limit = self.limit?;
        self.roll(now, limit);
        let by_log = limit.max.saturating_sub(self.sent.len() as u32);
        let (remaining, resets_in) = match self.server.filter(|_| self.follows_server(limit)) {
            Some(view) => (
                view.remaining.min(by_log),
                view.resets_at.saturating_duration_since(now),
            ),
            None => (
                by_log,
                self.sent.front().map_or(limit.window, |oldest| {
                    (*oldest + limit.window).saturating_duration_since(now)
                }),
            ),
        };
        Some(Outlook {
            limit,
            remaining,
            resets_in,
        })
    }
}

impl Default for LocalBudget {
    fn default() -> Self {
        Self::with_minute(Duration::from_secs(60))
    }
}

impl LocalBudget {
    /// The documented limits with real minutes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The documented limits with minutes (and seconds) scaled to last `minute`,
    /// to match a sandbox whose windows were shortened the same way.
    pub fn with_minute(minute: Duration) -> Self {
        Self {
            minute: minute.max(Duration::from_millis(1)),
            keys: Mutex::new(Keys {
                states: HashMap::new(),
                prune_at: PRUNE_AT,
            }),
        }
    }

    /// Forgets the keys idle at `now` that no call holds, once the map has
    /// doubled since the last time (so the cost per call stays constant).
    fn prune(keys: &mut Keys, now: Instant) {
        if keys.states.len() < keys.prune_at {
            return;
        }
        keys.states
            .retain(|_, state| Arc::strong_count(state) > 1 || !lock(&state.window).idle(now));
        keys.prune_at = (keys.states.len() * 2).max(PRUNE_AT);
    }

    fn state(&self, key: BudgetKey) -> Arc<KeyState> {
        let mut keys = lock(&self.keys);
        if !keys.states.contains_key(&key) {
            Self::prune(&mut keys, Instant::now());
        }
        Arc::clone(keys.states.entry(key).or_insert_with(|| {
            let limit = documented_limit(key.operation, key.counted).map(|l| Limit {
                max: l.max,
                window: self.minute.mul_f64(l.window.as_secs_f64() / 60.0),
            });
            Arc::new(KeyState {
                window: Mutex::new(Window {
                    limit,
                    ..Window::default()
                }),
                changed: Notify::new(),
            })
        }))
    }
}

impl RequestBudget for LocalBudget {
    fn acquire(&self, key: BudgetKey, deadline: Option<std::time::Instant>) -> Permit<'_> {
        let deadline = deadline.map(Instant::from_std);
        let state = self.state(key);
        Box::pin(async move {
            let mut probe_waited = false;
            loop {
                let now = Instant::now();
                let probe_answered = state.changed.notified();
                let decision = lock(&state.window).decide(now, probe_waited);
                let until = match decision {
                    Decision::Go => return Ok(()),
                    Decision::Until(until) => until,
                    Decision::AwaitProbe => now + PROBE_WAIT,
                };
                if let Some(deadline) = deadline.filter(|d| *d < until) {
                    if !matches!(decision, Decision::AwaitProbe) || deadline <= now {
                        return Err(NoSlotBeforeDeadline {
                            operation: key.operation,
                            ready_in: until.saturating_duration_since(now),
                        }
                        .into());
                    }
                }
                let until = deadline.map_or(until, |d| d.min(until));
                let sleep = tokio::time::sleep_until(until);
                if matches!(decision, Decision::AwaitProbe) {
                    let answered = std::pin::pin!(probe_answered);
                    let sleep = std::pin::pin!(sleep);
                    let waited = futures_util::future::select(answered, sleep).await;
                    probe_waited = matches!(waited, futures_util::future::Either::Right(_));
                } else {
                    sleep.await;
                }
            }
        })
    }

    fn report(&self, key: BudgetKey, report: Report) {
        let state = self.state(key);
        lock(&state.window).report(Instant::now(), report);
        state.changed.notify_waiters();
    }

    fn outlook(&self, key: BudgetKey) -> Option<Outlook> {
        lock(&self.state(key).window).outlook(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Counted, RateLimitHeaders};
    use super::*;
    use roblox_inventory_api::operations::Operation;

    const IS_OWNED: BudgetKey = BudgetKey::new(Operation::GetV1UsersItemsIsOwned, Counted::Legacy);
    const COLLECTIBLES: BudgetKey =
        BudgetKey::new(Operation::GetV1UsersAssetsCollectibles, Counted::Legacy);

    fn answer(remaining: u32, reset: &str) -> Report {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-ratelimit-remaining", remaining.into());
        headers.insert("x-ratelimit-reset", reset.parse().unwrap());
        Report::Response {
            status: 200,
            headers: RateLimitHeaders::parse(&headers),
        }
    }

    async fn go(budget: &LocalBudget, key: BudgetKey) {
        budget.acquire(key, None).await.unwrap();
    }

    /// Issue 19 item 10: a key per grant or cookie is forgotten once idle, so
    /// the map does not grow for the life of the process; a busy key stays.
    #[test]
    fn hardening2_10_idle_keys_are_forgotten() {
        use super::super::Scope;
        let budget = LocalBudget::default();
        let key = |n: u64| IS_OWNED.with_scope(Scope(n));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        for n in 1..=1_000 {
            runtime.block_on(go(&budget, key(n)));
            budget.report(key(n), answer(100, "30"));
        }
        // Key 1 has a request out.
        runtime.block_on(go(&budget, key(1)));
        let later = Instant::now() + Duration::from_secs(120);
        let mut keys = lock(&budget.keys);
        keys.prune_at = 0;
        LocalBudget::prune(&mut keys, later);
        assert_eq!(keys.states.len(), 1, "only the busy key is kept");
        assert!(keys.states.contains_key(&key(1)));
    }

    /// Issue 19 item 11: an answer without rate-limit headers from something
    /// in between (an edge proxy's 502) says nothing about the window; the
    /// key keeps following the server, and returns to it when headers come back.
    #[test]
    fn hardening2_11_only_answers_with_headers_decide_how_a_key_is_counted() {
        let budget = LocalBudget::default();
        let follows = |budget: &LocalBudget| {
            let state = budget.state(IS_OWNED);
            let window = lock(&state.window);
            window
                .limit
                .is_some_and(|limit| window.follows_server(limit))
        };
        let bare = |status: u16| Report::Response {
            status,
            headers: RateLimitHeaders::parse(&http::HeaderMap::new()),
        };
        budget.report(IS_OWNED, answer(5, "30"));
        assert!(follows(&budget));
        budget.report(IS_OWNED, bare(502));
        assert!(follows(&budget), "an edge's 502 does not end server mode");
        // A success without headers: this key's server sends none.
        budget.report(IS_OWNED, bare(200));
        assert!(!follows(&budget));
        // They are back: so is server mode.
        budget.report(IS_OWNED, answer(4, "29"));
        assert!(follows(&budget));
    }

    #[tokio::test(start_paused = true)]
    async fn without_headers_the_limit_goes_at_once_then_waits_a_window() {
        // 4 per second, the local log alone (a 1 s window says nothing in whole seconds).
        let budget = LocalBudget::default();
        let started = Instant::now();
        for _ in 0..4 {
            go(&budget, COLLECTIBLES).await;
        }
        // On tokio's paused clock, exactly: the burst takes no time, the fifth
        // waits until the first leaves the window.
        assert_eq!(started.elapsed(), Duration::ZERO, "a burst of 4");
        go(&budget, COLLECTIBLES).await;
        assert_eq!(started.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_request_of_a_window_goes_alone_then_what_remains_goes_at_once() {
        let budget = Arc::new(LocalBudget::default());
        go(&budget, IS_OWNED).await;
        let second = tokio::spawn({
            let budget = Arc::clone(&budget);
            async move { go(&budget, IS_OWNED).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!second.is_finished(), "waits for the probe's answer");
        budget.report(IS_OWNED, answer(3, "30"));
        second.await.unwrap();
        // 3 remained, one of them now taken by the second request.
        let outlook = budget.outlook(IS_OWNED).unwrap();
        assert_eq!(outlook.remaining, 2);
        go(&budget, IS_OWNED).await;
        go(&budget, IS_OWNED).await;
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let refused = budget.acquire(IS_OWNED, Some(deadline)).await.unwrap_err();
        assert!(
            matches!(&refused, crate::budget::BudgetError::NoSlot(n) if n.ready_in > Duration::from_secs(29)),
            "{refused:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_shared_with_another_spender_shrinks_by_what_is_in_flight() {
        let budget = LocalBudget::default();
        go(&budget, IS_OWNED).await;
        budget.report(IS_OWNED, answer(100, "40"));
        for _ in 0..10 {
            go(&budget, IS_OWNED).await;
        }
        // Alone, the server would report at least 90 left; it counts more.
        budget.report(IS_OWNED, answer(95, "40"));
        assert_eq!(
            budget.outlook(IS_OWNED).unwrap().remaining,
            90,
            "95 ≥ 90: nobody else"
        );
        budget.report(IS_OWNED, answer(30, "40"));
        // 30 left for everyone, and 8 of ours may not be counted yet.
        assert_eq!(budget.outlook(IS_OWNED).unwrap().remaining, 22);
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_window_waits_for_the_servers_reset_not_a_window_from_the_first_send() {
        // Open Cloud: 100 per 60 s. The server's window resets in 0.3 s.
        let cloud = BudgetKey::new(Operation::CloudListInventoryItems, Counted::ApiKey);
        let budget = LocalBudget::default();
        go(&budget, cloud).await;
        budget.report(cloud, answer(99, "0.300"));
        for _ in 0..99 {
            go(&budget, cloud).await;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        budget
            .acquire(cloud, Some(deadline))
            .await
            .expect("the 101st goes after the reset, not 60 s after the first");
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_remaining_waits_for_the_reset() {
        let budget = LocalBudget::default();
        go(&budget, IS_OWNED).await;
        budget.report(IS_OWNED, answer(0, "0.300"));
        let started = Instant::now();
        go(&budget, IS_OWNED).await;
        assert_eq!(started.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_holds_back_everyone_on_the_key() {
        let budget = LocalBudget::default();
        go(&budget, IS_OWNED).await;
        budget.report(IS_OWNED, answer(500, "40"));
        go(&budget, IS_OWNED).await;
        let mut headers = http::HeaderMap::new();
        headers.insert("retry-after", "0.4".parse().unwrap());
        budget.report(
            IS_OWNED,
            Report::Response {
                status: 429,
                headers: RateLimitHeaders::parse(&headers),
            },
        );
        let started = Instant::now();
        let waiting: Vec<_> = (0..3).map(|_| go(&budget, IS_OWNED)).collect();
        futures_util::future::join_all(waiting).await;
        // All held back for the 0.4 s; then one probes the window and the
        // others wait for its answer, which never comes here (up to 1 s).
        assert_eq!(started.elapsed(), Duration::from_millis(400) + PROBE_WAIT);
    }

    #[tokio::test(start_paused = true)]
    async fn an_operation_without_a_documented_limit_is_not_limited_until_a_header_says() {
        let budget = LocalBudget::default();
        // The table lists no per-API-key limit for the legacy categories.
        let key = BudgetKey::new(Operation::GetV1UsersCategories, Counted::ApiKey);
        for _ in 0..50 {
            go(&budget, key).await;
        }
        assert_eq!(budget.outlook(key), None);
    }
}
