//! Fixed-window rate limits with Roblox's headers.
//!
//! Roblox's windows are fixed and clock-aligned per endpoint (alexbnewhouse/PyRoblox
//! `docs/roblox-endpoints.md`; facts §4.4): here they start at whole multiples
//! of the window since the Unix epoch. Every response carries
//! `x-ratelimit-limit` (`N, N;w=S`), `x-ratelimit-remaining` and
//! `x-ratelimit-reset` (seconds until the window resets); a refused request gets
//! 429 with `retry-after`. The length of a "minute" is configurable so tests
//! can exhaust a limit and see it reset in well under a second; with shortened
//! minutes the reset is given in fractions of a second (whole seconds would say
//! nothing about a 600 ms window), with real ones in whole seconds, rounded up,
//! as Roblox does.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One limit: `max` requests per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Requests allowed per window.
    pub max: u64,
    /// The window as Roblox states it (one minute, one second).
    pub period: Duration,
}

/// The outcome of counting one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// `x-ratelimit-limit`.
    pub limit: String,
    /// `x-ratelimit-remaining`.
    pub remaining: u64,
    /// Time until the window resets.
    pub reset: Duration,
    /// Whether the reset is sent in whole seconds (real minutes) or fractions.
    pub whole_seconds: bool,
}

impl Decision {
    /// `x-ratelimit-reset` (and `retry-after`) as sent: whole seconds, rounded
    /// up and at least 1, or seconds with three decimals for shortened minutes.
    pub fn reset_header(&self) -> String {
        if self.whole_seconds {
            format!("{}", self.reset.as_secs_f64().ceil().max(1.0) as u64)
        } else {
            format!("{:.3}", self.reset.as_secs_f64().max(0.001))
        }
    }
}

/// (operation, caller key) → (window index, requests counted in it).
type Counters = HashMap<(&'static str, String), (u128, u64)>;

/// Where a limiter's windows are measured from.
#[derive(Debug)]
enum WindowClock {
    /// Multiples of the window since the Unix epoch, as Roblox aligns them.
    Wall,
    /// Multiples of the window since this instant.
    Since(Instant),
    /// Time that passes only when [`RateLimiter::advance`] says so, for tests
    /// that must not depend on how fast a busy machine answers.
    Held(Mutex<Duration>),
}

/// Counts requests per (operation, key) in fixed windows.
#[derive(Debug)]
pub struct RateLimiter {
    clock: WindowClock,
    /// How long a documented minute lasts here.
    minute: Duration,
    counters: Mutex<Counters>,
}

impl RateLimiter {
    /// A limiter whose minutes last `minute`, windows aligned to the clock.
    pub fn new(minute: Duration) -> Self {
        Self {
            clock: WindowClock::Wall,
            minute: minute.max(Duration::from_millis(1)),
            counters: Mutex::new(HashMap::new()),
        }
    }

    /// A limiter whose windows start now (so a test can count a whole window
    /// without a boundary falling in between).
    pub fn starting_now(minute: Duration) -> Self {
        Self {
            clock: WindowClock::Since(Instant::now()),
            ..Self::new(minute)
        }
    }

    /// A limiter whose time stands still until [`advance`](Self::advance)
    /// moves it: every request falls in the first window until then.
    pub fn held(minute: Duration) -> Self {
        Self {
            clock: WindowClock::Held(Mutex::new(Duration::ZERO)),
            ..Self::new(minute)
        }
    }

    /// Moves a held limiter's time on by `by`; returns false (and does nothing)
    /// for a limiter that follows the clock.
    pub fn advance(&self, by: Duration) -> bool {
        match &self.clock {
            WindowClock::Held(now) => {
                let mut now = now.lock().unwrap_or_else(|e| e.into_inner());
                *now = now.saturating_add(by);
                true
            }
            WindowClock::Wall | WindowClock::Since(_) => false,
        }
    }

    /// The effective window of a limit, scaled by the configured minute.
    fn window(&self, limit: Limit) -> Duration {
        let scaled = self.minute.as_secs_f64() * limit.period.as_secs_f64() / 60.0;
        Duration::from_secs_f64(scaled.max(0.001))
    }

    /// Counts a request for `operation` by `key` against `limit`.
    pub fn check(&self, operation: &'static str, key: String, limit: Limit) -> Decision {
        let window = self.window(limit);
        let since_epoch = match &self.clock {
            WindowClock::Since(origin) => origin.elapsed(),
            WindowClock::Held(now) => *now.lock().unwrap_or_else(|e| e.into_inner()),
            WindowClock::Wall => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
        }
        .as_nanos();
        let window_nanos = window.as_nanos().max(1);
        let index = since_epoch / window_nanos;
        let left = window_nanos - since_epoch % window_nanos;
        let reset = Duration::from_nanos(u64::try_from(left).unwrap_or(u64::MAX));
        let window_secs = window.as_secs_f64().ceil().max(1.0) as u64;
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let entry = counters.entry((operation, key)).or_insert((index, 0));
        if entry.0 != index {
            *entry = (index, 0);
        }
        let allowed = entry.1 < limit.max;
        if allowed {
            entry.1 += 1;
        }
        Decision {
            allowed,
            limit: format!("{}, {};w={}", limit.max, limit.max, window_secs),
            remaining: limit.max - entry.1,
            reset,
            whole_seconds: self.minute == Duration::from_secs(60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_max_then_refuses_then_resets() {
        // A long window for the counting, so no window boundary falls between the checks.
        let limiter = RateLimiter::starting_now(Duration::from_secs(30));
        let limit = Limit {
            max: 3,
            period: Duration::from_secs(60),
        };
        let decisions: Vec<bool> = (0..4)
            .map(|_| limiter.check("op", "k".into(), limit).allowed)
            .collect();
        assert_eq!(decisions, [true, true, true, false]);
        assert!(
            limiter.check("op", "other".into(), limit).allowed,
            "keys are counted apart"
        );
        assert_eq!(limiter.check("op", "k".into(), limit).limit, "3, 3;w=30");
        // After a whole window, the count starts again.
        let held = RateLimiter::held(Duration::from_millis(100));
        for _ in 0..5 {
            held.check("op", "k".into(), limit);
        }
        assert!(held.advance(Duration::from_millis(99)));
        assert!(!held.check("op", "k".into(), limit).allowed);
        assert!(held.advance(Duration::from_millis(1)));
        let fresh = held.check("op", "k".into(), limit);
        assert!(fresh.allowed);
        assert_eq!(fresh.remaining, 2);
        assert!(!RateLimiter::new(Duration::from_millis(100)).advance(Duration::from_secs(1)));
    }
}
