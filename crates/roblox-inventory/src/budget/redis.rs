//! [`RedisBudget`]: one request budget shared by every process that uses the
//! same Redis (feature `redis`).
//!
//! **Model: Roblox's own.** Roblox counts requests in fixed, clock-aligned
//! windows and says what is left (facts §4.4). The budget keeps the same
//! windows in Redis: one counter per window, aligned to Redis's clock
//! (`TIME`, never a client's), and a script that atomically takes a slot of the
//! current window, or says how long until the first window with room; the
//! caller waits that long and asks again, so a caller cancelled while waiting
//! holds no slot. Every window then carries
//! at most the limit, all of it usable (a GCRA bucket would need a margin below
//! the limit, since it can admit a burst across a window edge). A request is
//! not placed in a window whose end is nearer than the edge guard, so it
//! arrives inside the window it was counted in. A second script pushes every
//! process back when Roblox answers 429 or reports nothing remaining: later
//! reservations start after the reset Roblox gave.
//!
//! Keys: `{prefix}:v3:{<scope>:<operation>}:w:<window>` and `…:back`, where the
//! scope is the kind of credential and either the
//! [budget id](RedisBudgetBuilder::budget_id) (API keys and legacy reads, when
//! one is set) or the credential's fingerprint ([`Scope`](super::Scope): a
//! hash, never a secret); an OAuth grant is always counted on its own, as
//! Roblox counts it. The braces keep one operation's keys in one cluster slot.
//!
//! **When Redis fails** (down, or slower than the response timeout) the
//! [`FailurePolicy`] decides; by default each process falls back to counting
//! itself at a quarter of each limit. A breaker stops asking Redis for a while
//! after a failure (1 s, doubling to 30 s while probes keep failing), so an
//! outage does not add a timeout to every call; then one call probes Redis
//! while the others keep counting locally. Waiting for a connection and
//! connecting are each bounded by the response timeout.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{
    documented_limit, BudgetError, BudgetKey, Counted, FailurePolicy, Limit, NoSlotBeforeDeadline,
    Outlook, Permit, Report, RequestBudget,
};
use crate::error::Error;

/// The clock both scripts read, in µs: Redis's (`TIME`), unless a test passes
/// one in (production never does).
macro_rules! clock_lua {
    () => {
        r"
local function clock(given)
  if given ~= nil and given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
"
    };
}

#[doc(hidden)]
/// Reserves a slot: the first window with room, not closer to its end than
/// the guard, not before the push-back. Returns `{1, wait_us}` or, when that
/// would be later than `max_wait_us`, `{0, wait_us}` without counting.
pub const RESERVE: &str = concat!(
    clock_lua!(),
    r"
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local guard = tonumber(ARGV[4])
local now = clock(ARGV[5])
local start = now
local back = redis.call('GET', KEYS[2])
if back then start = math.max(start, tonumber(back)) end
local index = math.floor(start / window)
if (index + 1) * window - start < guard then index = index + 1 end
while true do
  local at = math.max(start, index * window)
  if at - now > max_wait then return {0, at - now} end
  local key = KEYS[1] .. ':' .. string.format('%d', index)
  local n = tonumber(redis.call('GET', key) or '0')
  if n < limit then
    local ttl = math.ceil(((index + 2) * window - now) / 1000)
    redis.call('SET', key, n + 1, 'PX', math.max(ttl, 1))
    return {1, at - now}
  end
  index = index + 1
end
"
);

#[doc(hidden)]
/// Pushes every process back: no reservation before `now + ARGV[1]` µs.
/// Returns how far (µs from now) the push-back now reaches.
pub const PUSH_BACK: &str = concat!(
    clock_lua!(),
    r"
local now = clock(ARGV[2])
local until_at = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_at > current then
  redis.call('SET', KEYS[1], string.format('%d', until_at), 'PX', math.max(math.ceil(tonumber(ARGV[1]) / 1000), 1))
  return tonumber(ARGV[1])
end
return current - now
"
);

/// The longest a reservation looks ahead when the caller sets no deadline.
const HORIZON: Duration = Duration::from_secs(3_600);

/// The same arithmetic as the reserve script, for one process: the fallback
/// budget, and the reference the script is tested against.
#[doc(hidden)]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Windows {
    counts: HashMap<u64, u32>,
    back_until_us: u64,
}

/// What a reservation found: `(taken, wait in µs)`.
pub type Reservation = (bool, u64);

impl Windows {
    /// Takes a slot at `now_us` (see `RESERVE`).
    pub fn reserve(
        &mut self,
        now_us: u64,
        limit: u32,
        window_us: u64,
        max_wait_us: u64,
        guard_us: u64,
    ) -> Reservation {
        let window_us = window_us.max(1);
        let start = now_us.max(self.back_until_us);
        let mut index = start / window_us;
        if (index + 1) * window_us - start < guard_us {
            index += 1;
        }
        // Windows long gone need not be kept.
        let first = now_us / window_us;
        self.counts.retain(|w, _| *w + 1 >= first);
        loop {
            let at = start.max(index * window_us);
            let wait = at - now_us;
            if wait > max_wait_us {
                return (false, wait);
            }
            let count = self.counts.entry(index).or_insert(0);
            if *count < limit {
                *count += 1;
                return (true, wait);
            }
            index += 1;
        }
    }

    /// Pushes back reservations until `now_us + by_us` (see `PUSH_BACK`).
    pub fn push_back(&mut self, now_us: u64, by_us: u64) {
        self.back_until_us = self.back_until_us.max(now_us + by_us);
    }

    fn remaining(&self, now_us: u64, limit: u32, window_us: u64) -> u32 {
        let used = self
            .counts
            .get(&(now_us / window_us.max(1)))
            .copied()
            .unwrap_or(0);
        limit.saturating_sub(used)
    }
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Configures a [`RedisBudget`].
#[derive(Clone)]
#[must_use = "call .build()"]
pub struct RedisBudgetBuilder {
    /// May hold a password: a secret, never printed.
    url: secrecy::SecretString,
    prefix: String,
    budget_id: Option<String>,
    policy: FailurePolicy,
    response_timeout: Duration,
    minute: Duration,
    edge_guard: Duration,
}

impl std::fmt::Debug for RedisBudgetBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBudgetBuilder")
            .field("url", &"[REDACTED]")
            .field("prefix", &self.prefix)
            .field("budget_id", &self.budget_id)
            .field("policy", &self.policy)
            .field("response_timeout", &self.response_timeout)
            .field("minute", &self.minute)
            .field("edge_guard", &self.edge_guard)
            .finish()
    }
}

impl RedisBudgetBuilder {
    /// The first part of every key (default `rbxinv`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Count every API key of this budget as one: "these keys belong to one
    /// owner" (Roblox counts API keys per owner); legacy reads share it too.
    /// OAuth grants are always counted one by one, as Roblox counts them.
    /// Without it, each credential is counted by its fingerprint.
    pub fn budget_id(mut self, id: impl Into<String>) -> Self {
        self.budget_id = Some(id.into());
        self
    }

    /// What to do when Redis cannot be reached (default: count locally at a
    /// quarter of each limit).
    pub fn failure_policy(mut self, policy: FailurePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// How long one Redis call may take before it counts as a failure
    /// (default 250 ms).
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// Roblox's minute, shortened for tests against the sandbox
    /// (`rate_limit_minute`); default 60 s.
    pub fn minute(mut self, minute: Duration) -> Self {
        self.minute = minute.max(Duration::from_millis(1));
        self
    }

    /// How close to a window's end a request is still placed in it (default
    /// 100 ms; a shorter window uses at most a tenth of itself).
    pub fn edge_guard(mut self, guard: Duration) -> Self {
        self.edge_guard = guard;
        self
    }

    /// The budget; Redis is connected on first use, so a Redis that is down
    /// at start is handled by the failure policy, not here.
    pub fn build(self) -> Result<RedisBudget, Error> {
        use secrecy::ExposeSecret;
        // The parser's message may quote the URL (and its password): only its kind.
        let client =
            redis::Client::open(self.url.expose_secret()).map_err(|e| Error::InvalidArgument {
                name: "redis_url",
                reason: format!("not a Redis URL ({:?})", e.kind()),
            })?;
        if let FailurePolicy::LocalFallback { share } = self.policy {
            if !(share > 0.0 && share <= 1.0) {
                return Err(Error::InvalidArgument {
                    name: "failure_policy",
                    reason: format!("the share must be in (0, 1], not {share}"),
                });
            }
        }
        Ok(RedisBudget {
            inner: Arc::new(Inner {
                client,
                connection: tokio::sync::Mutex::new(None),
                breaker: Mutex::new(Breaker::default()),
                fallback: Mutex::new(HashMap::new()),
                reserve: redis::Script::new(RESERVE),
                push_back: redis::Script::new(PUSH_BACK),
                config: self,
            }),
        })
    }
}

/// Keeps a failing Redis out of the way. Closed: every call asks Redis. Open
/// (until `open_until`): none does. Then half-open: one call probes while the
/// others keep counting locally; its success closes the breaker, its failure
/// opens it again for twice as long (1 s, doubling to 30 s). Only a closed or
/// half-open breaker opens: the other calls that failed in the same blip do
/// not escalate it. Tokio's clock, so tests can pause it.
#[derive(Debug, Default)]
struct Breaker {
    open_until: Option<tokio::time::Instant>,
    backoff: Duration,
    probing: bool,
}

impl Breaker {
    /// Whether this call may ask Redis (taking the probe when half-open).
    fn may_ask(&mut self, now: tokio::time::Instant) -> bool {
        match self.open_until {
            None => true,
            Some(until) if now < until => false,
            Some(_) if self.probing => false,
            Some(_) => {
                self.probing = true;
                true
            }
        }
    }

    /// Whether it is open (not half-open) now.
    fn is_open(&self, now: tokio::time::Instant) -> bool {
        self.open_until.is_some_and(|until| now < until)
    }

    /// Whether calls are kept away from Redis now (open, or a probe out).
    fn holds_back(&self, now: tokio::time::Instant) -> bool {
        self.open_until
            .is_some_and(|until| now < until || self.probing)
    }

    fn failed(&mut self, now: tokio::time::Instant) {
        let open = self.open_until.is_some_and(|until| now < until);
        if !open {
            self.backoff =
                (self.backoff * 2).clamp(Duration::from_secs(1), Duration::from_secs(30));
            self.open_until = Some(now + self.backoff);
        }
        self.probing = false;
    }
}

struct Inner {
    client: redis::Client,
    connection: tokio::sync::Mutex<Option<redis::aio::ConnectionManager>>,
    breaker: Mutex<Breaker>,
    fallback: Mutex<HashMap<BudgetKey, Windows>>,
    reserve: redis::Script,
    push_back: redis::Script,
    config: RedisBudgetBuilder,
}

/// A request budget shared through Redis by every process configured with the
/// same URL and prefix. See the module docs for the model, keys and failures.
///
/// ```no_run
/// use roblox_inventory::budget::{FailurePolicy, RedisBudget};
/// use roblox_inventory::Client;
///
/// # fn run() -> Result<(), roblox_inventory::Error> {
/// let budget = RedisBudget::builder("redis://10.0.0.5:6379")
///     .budget_id("my-api-key-owner")
///     .failure_policy(FailurePolicy::LocalFallback { share: 0.25 })
///     .build()?;
/// let client = Client::builder().api_key("…").request_budget(budget).build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisBudget {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for RedisBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: only its host is shown.
        let info = self.inner.client.get_connection_info();
        f.debug_struct("RedisBudget")
            .field("redis", &info.addr().to_string())
            .field("prefix", &self.inner.config.prefix)
            .field("policy", &self.inner.config.policy)
            .finish_non_exhaustive()
    }
}

impl RedisBudget {
    /// A budget on the Redis at `url` (`redis://host:port/db`,
    /// `redis+unix:///path`).
    pub fn builder(url: impl Into<String>) -> RedisBudgetBuilder {
        RedisBudgetBuilder {
            url: secrecy::SecretString::from(url.into()),
            prefix: "rbxinv".into(),
            budget_id: None,
            policy: FailurePolicy::default(),
            response_timeout: Duration::from_millis(250),
            minute: Duration::from_secs(60),
            edge_guard: Duration::from_millis(100),
        }
    }

    /// The limit of `key`, on this budget's minute.
    fn limit(&self, key: BudgetKey) -> Option<Limit> {
        let limit = documented_limit(key.operation, key.counted)?;
        let scale = self.inner.config.minute.as_secs_f64() / 60.0;
        Some(Limit::new(
            limit.max,
            Duration::from_secs_f64((limit.window.as_secs_f64() * scale).max(0.001)),
        ))
    }

    fn guard(&self, window: Duration) -> Duration {
        self.inner.config.edge_guard.min(window / 10)
    }

    /// The two keys of `key`: the window counters' prefix and the push-back.
    fn keys(&self, key: BudgetKey) -> (String, String) {
        let counted = match key.counted {
            Counted::ApiKey => "key",
            Counted::OAuth => "oauth",
            _ => "legacy",
        };
        let scope = match (&self.inner.config.budget_id, key.counted) {
            // An id names an API-key owner's keys (or a fleet's address, for
            // legacy reads); Roblox counts each OAuth grant on its own.
            (Some(id), Counted::ApiKey | Counted::Legacy) => format!("{counted}-id-{id}"),
            _ => format!("{counted}-{}", key.scope),
        };
        let base = format!(
            "{}:v3:{{{scope}:{}}}",
            self.inner.config.prefix,
            key.operation.operation_id()
        );
        (format!("{base}:w"), format!("{base}:back"))
    }

    /// Whether this call may ask Redis (see [`Breaker`]).
    fn may_ask(&self) -> bool {
        crate::client::lock(&self.inner.breaker).may_ask(tokio::time::Instant::now())
    }

    /// Whether the breaker keeps Redis out of the way for now.
    fn breaker_open(&self) -> bool {
        crate::client::lock(&self.inner.breaker).holds_back(tokio::time::Instant::now())
    }

    /// A connection (connecting if there is none). Waiting for another call's
    /// connect and connecting are each bounded by the response timeout, so an
    /// unreachable Redis adds at most that to any call.
    async fn connection(&self) -> Result<redis::aio::ConnectionManager, String> {
        let timeout = self.inner.config.response_timeout;
        let mut slot = tokio::time::timeout(timeout, self.inner.connection.lock())
            .await
            .map_err(|_| "another call is still connecting to Redis".to_string())?;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        // The connect this call waited for failed and opened the breaker:
        // trying again now would add another timeout.
        if crate::client::lock(&self.inner.breaker).is_open(tokio::time::Instant::now()) {
            return Err("Redis failed while this call waited to connect".into());
        }
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_response_timeout(Some(timeout))
            .set_connection_timeout(Some(timeout))
            .set_number_of_retries(1);
        let connection = tokio::time::timeout(
            timeout,
            self.inner.client.get_connection_manager_with_config(config),
        )
        .await
        .map_err(|_| "connecting to Redis timed out".to_string())?
        .map_err(|e| format!("cannot connect to Redis: {:?}", e.kind()))?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Redis failed: keep it out of the way for a while (see [`Breaker`]), and
    /// connect afresh next time (unless a call is connecting right now).
    fn failed(&self) {
        crate::client::lock(&self.inner.breaker).failed(tokio::time::Instant::now());
        if let Ok(mut slot) = self.inner.connection.try_lock() {
            *slot = None;
        }
    }

    fn succeeded(&self) {
        *crate::client::lock(&self.inner.breaker) = Breaker::default();
    }

    /// One reservation in Redis: `(taken, wait)`.
    async fn reserve_in_redis(
        &self,
        key: BudgetKey,
        limit: Limit,
        max_wait: Duration,
    ) -> Result<(bool, Duration), String> {
        let mut connection = self.connection().await?;
        let (windows, back) = self.keys(key);
        let mut invocation = self.inner.reserve.prepare_invoke();
        invocation
            .key(windows)
            .key(back)
            .arg(limit.max)
            .arg(micros(limit.window))
            .arg(micros(max_wait))
            .arg(micros(self.guard(limit.window)))
            .arg("");
        let timeout = self.inner.config.response_timeout;
        let reply: Vec<i64> =
            tokio::time::timeout(timeout, invocation.invoke_async(&mut connection))
                .await
                .map_err(|_| "Redis did not answer within the response timeout".to_string())?
                .map_err(|e| format!("Redis refused the reservation: {:?}", e.kind()))?;
        match reply.as_slice() {
            [taken, wait] => Ok((
                *taken == 1,
                Duration::from_micros(u64::try_from(*wait).unwrap_or(0)),
            )),
            _ => Err("Redis answered the reservation in an unexpected shape".into()),
        }
    }

    /// The fallback: this process counts alone, at `share` of the limit.
    fn reserve_locally(
        &self,
        key: BudgetKey,
        limit: Limit,
        share: f64,
        max_wait: Duration,
    ) -> (bool, Duration) {
        let max = ((f64::from(limit.max) * share).floor() as u32).max(1);
        let mut fallback = crate::client::lock(&self.inner.fallback);
        let (taken, wait) = fallback.entry(key).or_default().reserve(
            now_us(),
            max,
            micros(limit.window),
            micros(max_wait),
            micros(self.guard(limit.window)),
        );
        (taken, Duration::from_micros(wait))
    }
}

impl RequestBudget for RedisBudget {
    fn acquire(&self, key: BudgetKey, deadline: Option<Instant>) -> Permit<'_> {
        Box::pin(async move {
            let Some(limit) = self.limit(key) else {
                return Ok(());
            };
            // Only a slot of the current window is ever reserved; a later one
            // is waited for, then reserved. A caller cancelled while it waits
            // (a timeout, a dropped future) so holds no slot that nobody
            // would use.
            loop {
                let left =
                    deadline.map_or(HORIZON, |d| d.saturating_duration_since(Instant::now()));
                let reserved = if self.may_ask() {
                    match self.reserve_in_redis(key, limit, Duration::ZERO).await {
                        Ok(found) => {
                            self.succeeded();
                            Ok(found)
                        }
                        Err(reason) => {
                            self.failed();
                            Err(reason)
                        }
                    }
                } else {
                    Err("Redis failed recently; not asked again yet".to_string())
                };
                let (taken, wait) = match reserved {
                    Ok(found) => found,
                    Err(reason) => {
                        tracing::warn!(operation = key.operation.operation_id(), %reason, policy = ?self.inner.config.policy, "the shared request budget is unavailable");
                        match self.inner.config.policy {
                            FailurePolicy::FailClosed => {
                                return Err(BudgetError::Unavailable { reason })
                            }
                            FailurePolicy::FailOpen => return Ok(()),
                            FailurePolicy::LocalFallback { share } => {
                                self.reserve_locally(key, limit, share, Duration::ZERO)
                            }
                        }
                    }
                };
                if taken {
                    return Ok(());
                }
                if wait > left {
                    return Err(NoSlotBeforeDeadline {
                        operation: key.operation,
                        ready_in: wait,
                    }
                    .into());
                }
                tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
            }
        })
    }

    fn report(&self, key: BudgetKey, report: Report) {
        let Report::Response { status, headers } = report else {
            return;
        };
        // Roblox says stop: everyone waits for the reset (plus a second when it
        // came in whole seconds, which Roblox rounds).
        let margin = if headers.reset_in_whole_seconds {
            Duration::from_secs(1)
        } else {
            Duration::ZERO
        };
        let by = if status == 429 {
            headers
                .retry_after
                .or(headers.reset)
                .unwrap_or(Duration::from_secs(1))
        } else if headers.remaining == Some(0) {
            match headers.reset {
                Some(reset) => reset + margin,
                None => return,
            }
        } else {
            return;
        };
        {
            let mut fallback = crate::client::lock(&self.inner.fallback);
            fallback
                .entry(key)
                .or_default()
                .push_back(now_us(), micros(by));
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let budget = self.clone();
        runtime.spawn(async move {
            if budget.breaker_open() {
                return;
            }
            let Ok(mut connection) = budget.connection().await else {
                budget.failed();
                return;
            };
            let (_, back) = budget.keys(key);
            let mut invocation = budget.inner.push_back.prepare_invoke();
            invocation.key(back).arg(micros(by)).arg("");
            let timeout = budget.inner.config.response_timeout;
            let result =
                tokio::time::timeout(timeout, invocation.invoke_async::<i64>(&mut connection))
                    .await;
            if !matches!(result, Ok(Ok(_))) {
                budget.failed();
            }
        });
    }

    fn outlook(&self, key: BudgetKey) -> Option<Outlook> {
        // What this process knows without a round trip: the limit, and its own
        // fallback counts (the shared counts are in Redis).
        let limit = self.limit(key)?;
        let now = now_us();
        let window = micros(limit.window).max(1);
        let remaining = crate::client::lock(&self.inner.fallback)
            .get(&key)
            .map_or(limit.max, |w| w.remaining(now, limit.max, window));
        let resets_in = Duration::from_micros(window - now % window);
        Some(Outlook::new(limit, remaining, resets_in))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_take_the_first_with_room_and_respect_guard_deadline_and_push_back() {
        let mut w = Windows::default();
        let window = 1_000_000;
        // Two per window from t = 0.2 s.
        assert_eq!(w.reserve(200_000, 2, window, u64::MAX, 50_000), (true, 0));
        assert_eq!(w.reserve(200_000, 2, window, u64::MAX, 50_000), (true, 0));
        assert_eq!(
            w.reserve(200_000, 2, window, u64::MAX, 50_000),
            (true, 800_000)
        );
        // Not later than the caller allows: nothing counted.
        assert_eq!(
            w.reserve(200_000, 2, window, 500_000, 50_000),
            (false, 800_000)
        );
        assert_eq!(
            w.reserve(200_000, 2, window, u64::MAX, 50_000),
            (true, 800_000)
        );
        assert_eq!(
            w.reserve(200_000, 2, window, u64::MAX, 50_000),
            (true, 1_800_000)
        );
        // Too near its window's end: the next window.
        let mut w = Windows::default();
        assert_eq!(
            w.reserve(980_000, 2, window, u64::MAX, 50_000),
            (true, 20_000)
        );
        // Pushed back: nothing before the push-back ends.
        let mut w = Windows::default();
        w.push_back(0, 2_500_000);
        assert_eq!(
            w.reserve(100_000, 2, window, u64::MAX, 50_000),
            (true, 2_400_000)
        );
    }
}

#[cfg(test)]
mod keys {
    use super::*;
    use crate::budget::{Counted, Scope};
    use roblox_inventory_api::operations::Operation;

    /// Issue 19 item 10: a budget id names an API-key owner (or a fleet's
    /// address); every OAuth grant keeps its own 20-per-minute window.
    #[test]
    fn hardening2_10_a_budget_id_never_merges_kinds_or_grants() {
        let budget = RedisBudget::builder("redis://127.0.0.1:1")
            .budget_id("fleet-7")
            .build()
            .unwrap();
        let op = Operation::CloudListInventoryItems;
        let key = |counted, scope| {
            budget
                .keys(BudgetKey::new(op, counted).with_scope(Scope(scope)))
                .0
        };
        // Two keys of one owner: one counter, the id's.
        assert_eq!(key(Counted::ApiKey, 1), key(Counted::ApiKey, 2));
        assert!(key(Counted::ApiKey, 1).contains("id-fleet-7"));
        // An OAuth grant is not the API-key owner's counter, nor another grant's.
        assert_ne!(key(Counted::OAuth, 3), key(Counted::ApiKey, 1));
        assert_ne!(key(Counted::OAuth, 3), key(Counted::OAuth, 4));
        assert_eq!(key(Counted::OAuth, 3), key(Counted::OAuth, 3));
    }
}

#[cfg(test)]
mod redaction {
    use super::*;

    #[test]
    fn a_password_in_the_redis_url_is_never_printed() {
        let builder = RedisBudget::builder("redis://:hunter2-secret@10.0.0.5:6379/0");
        assert!(!format!("{builder:?}").contains("hunter2"), "{builder:?}");
        let budget = builder.build().unwrap();
        assert!(!format!("{budget:?}").contains("hunter2"), "{budget:?}");
        let error = RedisBudget::builder("redis://:hunter2-secret@[::1:6379")
            .build()
            .unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(!format!("{error:?}").contains("hunter2"), "{error:?}");
    }
}
