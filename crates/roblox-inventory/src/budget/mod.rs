//! Request budgets: when each request may go, so a job runs at Roblox's
//! ceiling without a 429.
//!
//! Roblox counts requests in fixed, clock-aligned windows per operation and
//! credential (facts §4.4) and says on every response what is left:
//! `x-ratelimit-remaining` and `x-ratelimit-reset` (seconds until the window
//! resets). A budget takes the documented limits as its prior
//! ([`documented_limit`]: the operation table's, from the spec's
//! `x-roblox-rate-limits`) and those headers as the truth: it lets through up to what remains
//! at once, waits for the reset when nothing remains, and holds back everyone
//! sharing the budget after a 429.
//!
//! The seam is [`RequestBudget`], two calls per request: [`acquire`] before it is
//! sent and [`report`] with what the response said. [`LocalBudget`] keeps the
//! state in this process (the default); `RedisBudget` (feature `redis`) shares
//! one budget among every process using the same Redis, for fleets that share
//! a key or an egress address. Keys carry the credential's fingerprint
//! ([`Scope`]), never the credential.
//!
//! [`acquire`]: RequestBudget::acquire
//! [`report`]: RequestBudget::report

mod local;
#[cfg(feature = "redis")]
mod redis;

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use roblox_inventory_api::operations::{Operation, Per};

pub use local::LocalBudget;
#[cfg(feature = "redis")]
pub use redis::{RedisBudget, RedisBudgetBuilder};

/// The Redis scripts and their in-process reference, for the tests that check
/// one against the other.
#[cfg(all(feature = "redis", feature = "unstable-test-hooks"))]
pub mod redis_scripts {
    pub use super::redis::{Windows, PUSH_BACK, RESERVE};
}

/// Which credential a request is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Counted {
    /// An Open Cloud API key (Roblox counts per key owner).
    ApiKey,
    /// An OAuth authorization.
    OAuth,
    /// A legacy request (counted per cookie or per client address).
    Legacy,
}

/// Which credential a request is counted against, as a fingerprint: the first
/// 64 bits of a SHA-256 of the credential, so budgets (and shared stores such
/// as Redis) can tell credentials apart without ever holding one.
/// [`Scope::NONE`] when the request carries none (legacy reads count per
/// address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scope(pub u64);

impl Scope {
    /// No credential.
    pub const NONE: Scope = Scope(0);

    /// The fingerprint of `secret`, in the domain `kind` (`api-key`, `cookie`, …).
    pub fn of_secret(kind: &str, secret: &str) -> Self {
        use sha2::Digest;
        let digest = sha2::Sha256::new()
            .chain_update(kind.as_bytes())
            .chain_update([0u8])
            .chain_update(secret.as_bytes())
            .finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        Scope(u64::from_be_bytes(first).max(1))
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// What a budget counts a request against: the operation, the kind of
/// credential, and which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BudgetKey {
    /// The operation.
    pub operation: Operation,
    /// The kind of credential.
    pub counted: Counted,
    /// Which credential ([`Scope::NONE`] when it does not matter or is unknown).
    pub scope: Scope,
}

impl BudgetKey {
    /// The key for `operation` counted against `counted`, whatever credential.
    pub const fn new(operation: Operation, counted: Counted) -> Self {
        Self {
            operation,
            counted,
            scope: Scope::NONE,
        }
    }

    /// The same key for one credential.
    pub const fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }
}

/// A documented limit: `max` requests per fixed `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limit {
    /// Requests per window.
    pub max: u32,
    /// The window.
    pub window: Duration,
}

impl Limit {
    /// `max` requests per `window`.
    pub const fn new(max: u32, window: Duration) -> Self {
        Self { max, window }
    }
}

/// The documented limit of an operation for a credential, from the operation
/// table (the spec's `x-roblox-rate-limits`: the document's Open Cloud limits,
/// 100/min per API-key owner and 20/min per OAuth grant, and the overlay's
/// legacy limits with their sources). A legacy request is counted per address
/// and, with a cookie, per cookie too: the tighter of those limits applies.
pub fn documented_limit(operation: Operation, counted: Counted) -> Option<Limit> {
    let applies = |per: Per| match counted {
        Counted::ApiKey => per == Per::ApiKeyOwner,
        Counted::OAuth => per == Per::Oauth2Authorization,
        Counted::Legacy => matches!(per, Per::Ip | Per::Cookie),
    };
    operation
        .rate_limits()
        .iter()
        .filter(|limit| applies(limit.per))
        .filter(|limit| !limit.period.is_zero())
        // The tightest: fewest requests per second.
        .min_by(|a, b| {
            let rate = |l: &&roblox_inventory_api::operations::RateLimit| {
                f64::from(l.max) / l.period.as_secs_f64()
            };
            rate(a).total_cmp(&rate(b))
        })
        .map(|limit| Limit {
            max: limit.max,
            window: limit.period,
        })
}

/// The longest wait a header may ask for; anything longer is read as this.
const MAX_HEADER_WAIT: Duration = Duration::from_secs(3_600);

/// The rate-limit headers of one response, read leniently (facts §4.4): a value
/// that is missing, negative, not a number or absurdly large is treated as
/// absent or clamped, never a panic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitHeaders {
    /// The smallest limit in `x-ratelimit-limit` (`100, 100;w=60`).
    pub limit: Option<u32>,
    /// `x-ratelimit-remaining`.
    pub remaining: Option<u32>,
    /// `x-ratelimit-reset`: time until the window resets.
    pub reset: Option<Duration>,
    /// Whether `x-ratelimit-reset` was whole seconds (Roblox's form), so it may
    /// be off by up to a second.
    pub reset_in_whole_seconds: bool,
    /// `retry-after` (seconds).
    pub retry_after: Option<Duration>,
}

fn seconds(text: &str) -> Option<Duration> {
    let secs: f64 = text.trim().parse().ok()?;
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(secs).map_or(MAX_HEADER_WAIT, |d| d.min(MAX_HEADER_WAIT)))
}

impl RateLimitHeaders {
    /// Reads the headers of a response.
    pub fn parse(headers: &http::HeaderMap) -> Self {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let limit = text("x-ratelimit-limit").and_then(|value| {
            value
                .split(',')
                .filter_map(|entry| entry.split(';').next()?.trim().parse::<u64>().ok())
                .min()
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        });
        let remaining = text("x-ratelimit-remaining").and_then(|r| {
            let n: f64 = r.trim().parse().ok()?;
            (n.is_finite()).then(|| n.clamp(0.0, f64::from(u32::MAX)) as u32)
        });
        let reset_text = text("x-ratelimit-reset");
        Self {
            limit,
            remaining,
            reset: reset_text.and_then(seconds),
            reset_in_whole_seconds: reset_text.is_some_and(|t| !t.contains('.')),
            retry_after: text("retry-after").and_then(seconds),
        }
    }

    /// Whether the response carried any rate-limit information.
    pub fn is_empty(&self) -> bool {
        self.limit.is_none()
            && self.remaining.is_none()
            && self.reset.is_none()
            && self.retry_after.is_none()
    }
}

/// What became of a request, for [`RequestBudget::report`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Report {
    /// A response arrived.
    Response {
        /// Its status.
        status: u16,
        /// Its rate-limit headers.
        headers: RateLimitHeaders,
    },
    /// No response: the request failed in transport or was abandoned.
    NoResponse,
}

/// What a budget expects of the current window, for planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outlook {
    /// The limit per window.
    pub limit: Limit,
    /// Requests that may still go in the current window.
    pub remaining: u32,
    /// When the current window ends, as far as known (a whole window when not).
    pub resets_in: Duration,
}

impl Outlook {
    /// What a budget expects: `remaining` requests of `limit` until `resets_in`.
    pub const fn new(limit: Limit, remaining: u32, resets_in: Duration) -> Self {
        Self {
            limit,
            remaining,
            resets_in,
        }
    }

    /// When the `n`-th request from now may be sent, if the budget is this job's
    /// alone: at once while the window has room, then `limit.max` per window.
    pub fn time_for(&self, n: u64) -> Duration {
        if n <= u64::from(self.remaining) {
            return Duration::ZERO;
        }
        let per_window = u64::from(self.limit.max.max(1));
        let later_windows = (n - u64::from(self.remaining) - 1) / per_window;
        self.resets_in.saturating_add(
            self.limit
                .window
                .saturating_mul(u32::try_from(later_windows).unwrap_or(u32::MAX)),
        )
    }
}

/// The budget would not have a slot before the caller's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no request slot for {operation} before the deadline (next in {ready_in:?})")]
#[non_exhaustive]
pub struct NoSlotBeforeDeadline {
    /// The operation.
    pub operation: Operation,
    /// How long until the budget expects a slot; zero if it cannot tell.
    pub ready_in: Duration,
}

/// Why a budget let no request go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BudgetError {
    /// No slot before the caller's deadline.
    #[error(transparent)]
    NoSlot(#[from] NoSlotBeforeDeadline),
    /// The budget's store cannot be reached and its policy is to refuse
    /// (for example [`FailurePolicy::FailClosed`](crate::budget::FailurePolicy)).
    #[error("the request budget is unavailable: {reason}")]
    Unavailable {
        /// Why (never a credential).
        reason: String,
    },
}

/// A future that resolves when a request may go, or fails if that would be
/// after the deadline or the budget cannot decide.
pub type Permit<'a> = Pin<Box<dyn Future<Output = Result<(), BudgetError>> + Send + 'a>>;

/// Decides when each request may be sent.
///
/// The client calls [`acquire`](Self::acquire) before every attempt and
/// [`report`](Self::report) exactly once after it, whatever happened (a
/// dropped request is reported as [`Report::NoResponse`]).
pub trait RequestBudget: Send + Sync + 'static {
    /// Waits until one more request for `key` fits the budget. With a
    /// `deadline`, fails as soon as the budget knows no slot comes before it.
    fn acquire(&self, key: BudgetKey, deadline: Option<Instant>) -> Permit<'_>;

    /// What the response to an acquired request said.
    fn report(&self, key: BudgetKey, report: Report);

    /// What is left in the current window for `key`, if the budget knows.
    fn outlook(&self, key: BudgetKey) -> Option<Outlook> {
        let _ = key;
        None
    }
}

/// What a budget backed by a shared store does when the store cannot be
/// reached or answers too slowly.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum FailurePolicy {
    /// Refuse: the request fails with
    /// [`Error::BudgetUnavailable`](crate::Error::BudgetUnavailable), nothing is sent.
    FailClosed,
    /// Let every request go (Roblox's own 429s are the only limit).
    FailOpen,
    /// Count in this process instead, at `share` of each documented limit
    /// (about 1/N for N processes sharing a credential).
    LocalFallback {
        /// The share of the limit this process may use, in (0, 1].
        share: f64,
    },
}

impl Default for FailurePolicy {
    /// Fall back to an in-process budget at a quarter of each limit: the fleet
    /// keeps working and, up to four processes, stays within Roblox's limits.
    fn default() -> Self {
        FailurePolicy::LocalFallback { share: 0.25 }
    }
}

/// One budget for many clients: `request_budget(Arc::clone(&budget))` on each
/// (one client per OAuth user still shares the machine's per-IP legacy limit).
impl<T: RequestBudget + ?Sized> RequestBudget for std::sync::Arc<T> {
    fn acquire(&self, key: BudgetKey, deadline: Option<Instant>) -> Permit<'_> {
        (**self).acquire(key, deadline)
    }

    fn report(&self, key: BudgetKey, report: Report) {
        (**self).report(key, report);
    }

    fn outlook(&self, key: BudgetKey) -> Option<Outlook> {
        (**self).outlook(key)
    }
}

/// No client-side limit.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unlimited;

impl RequestBudget for Unlimited {
    fn acquire(&self, _: BudgetKey, _: Option<Instant>) -> Permit<'_> {
        Box::pin(async { Ok(()) })
    }

    fn report(&self, _: BudgetKey, _: Report) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_come_from_the_operation_table() {
        let limit = |op, counted| documented_limit(op, counted).map(|l| (l.max, l.window));
        assert_eq!(
            limit(Operation::CloudListInventoryItems, Counted::ApiKey),
            Some((100, Duration::from_secs(60)))
        );
        assert_eq!(
            limit(Operation::CloudListInventoryItems, Counted::OAuth),
            Some((20, Duration::from_secs(60)))
        );
        assert_eq!(
            limit(Operation::GetV1UsersAssetsCollectibles, Counted::Legacy),
            Some((4, Duration::from_secs(1)))
        );
        // Every limit of every operation is reachable through some credential.
        for operation in Operation::ALL {
            for limit in operation.rate_limits() {
                let counted = match limit.per {
                    Per::ApiKeyOwner => Counted::ApiKey,
                    Per::Oauth2Authorization => Counted::OAuth,
                    _ => Counted::Legacy,
                };
                assert!(
                    documented_limit(*operation, counted).is_some(),
                    "{operation}"
                );
            }
        }
    }

    #[test]
    fn headers_are_read_leniently() {
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut map = http::HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, value.parse().unwrap());
            }
            RateLimitHeaders::parse(&map)
        };
        let read = headers(&[
            ("x-ratelimit-limit", "1000, 100;w=60, 1000;w=60"),
            ("x-ratelimit-remaining", "98"),
            ("x-ratelimit-reset", "20"),
        ]);
        assert_eq!(read.limit, Some(100));
        assert_eq!(read.remaining, Some(98));
        assert_eq!(read.reset, Some(Duration::from_secs(20)));
        assert!(read.reset_in_whole_seconds);
        let odd = headers(&[
            ("x-ratelimit-limit", "lots"),
            ("x-ratelimit-remaining", "-4"),
            ("x-ratelimit-reset", "1e20"),
            ("retry-after", "NaN"),
        ]);
        assert_eq!(odd.limit, None);
        assert_eq!(odd.remaining, Some(0));
        assert_eq!(odd.reset, Some(MAX_HEADER_WAIT));
        assert_eq!(odd.retry_after, None);
        let fraction = headers(&[("x-ratelimit-reset", "0.250")]);
        assert_eq!(fraction.reset, Some(Duration::from_millis(250)));
        assert!(!fraction.reset_in_whole_seconds);
        assert!(headers(&[]).is_empty());
    }

    // The hook it drives is `unstable-test-hooks` (on in `cargo test --workspace`).
    #[cfg(feature = "unstable-test-hooks")]
    proptest::proptest! {
        /// Whatever status, headers and body arrive, handling them never panics
        /// (issue 10 item 1: `x-ratelimit-reset: 1e20` used to).
        #[test]
        fn hardening_01_any_response_is_handled_without_a_panic(
            status in 100u16..600,
            headers in proptest::collection::vec((
                proptest::prop_oneof![
                    proptest::strategy::Just("x-ratelimit-reset".to_string()),
                    proptest::strategy::Just("x-ratelimit-remaining".to_string()),
                    proptest::strategy::Just("x-ratelimit-limit".to_string()),
                    proptest::strategy::Just("retry-after".to_string()),
                    "[a-z-]{1,12}",
                ],
                proptest::prop_oneof![
                    "-?[0-9]{0,25}(\\.[0-9]{0,5})?(e[0-9]{1,3})?",
                    "NaN|inf|-inf|1e308|1e20|18446744073709551616",
                    "[0-9, ;w=]{0,30}",
                    "\\PC{0,20}",
                ],
            ), 0..6),
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let _ = crate::executor::handle_response(status, &headers, &body);
        }
    }

    #[test]
    fn outlook_counts_whole_windows_after_the_current_one() {
        let outlook = Outlook {
            limit: Limit {
                max: 100,
                window: Duration::from_secs(60),
            },
            remaining: 40,
            resets_in: Duration::from_secs(10),
        };
        assert_eq!(outlook.time_for(0), Duration::ZERO);
        assert_eq!(outlook.time_for(40), Duration::ZERO);
        assert_eq!(outlook.time_for(41), Duration::from_secs(10));
        assert_eq!(outlook.time_for(140), Duration::from_secs(10));
        assert_eq!(outlook.time_for(141), Duration::from_secs(70));
    }
}
