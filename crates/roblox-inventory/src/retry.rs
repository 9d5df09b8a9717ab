//! Retries, in one place: idempotent requests that fail with 429, a 5xx other
//! than 501, a connect failure or a timeout are sent again after a jittered
//! exponential delay (backon's schedule), or after Roblox's `retry-after` /
//! `x-ratelimit-reset` when it says how long to wait (facts §4.4).

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::HeaderMap;

/// How the client retries.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Retries after the first attempt (0 turns retrying off).
    pub max_retries: usize,
    /// The first delay.
    pub min_delay: Duration,
    /// The longest delay between attempts.
    pub max_delay: Duration,
    /// The longest `retry-after` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 3,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryConfig {
    /// No retries.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// With `retries` retries after the first attempt.
    pub fn with_max_retries(mut self, retries: usize) -> Self {
        self.max_retries = retries;
        self
    }

    /// Delays from `min` growing to at most `max`.
    pub fn with_delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max;
        self
    }

    /// The longest `retry-after` honoured; a longer one ends the retries.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The jittered exponential delays, one per retry.
    pub(crate) fn delays(&self) -> impl Iterator<Item = Duration> {
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_retries)
            .with_jitter()
            .build()
    }
}

/// Whether a response status is worth another attempt.
pub(crate) fn retryable_status(status: u16) -> bool {
    status == 429 || status == 408 || (500..600).contains(&status) && status != 501
}

/// How long the server asked to wait: `retry-after` seconds, or
/// `x-ratelimit-reset` when no requests remain.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let read = crate::budget::RateLimitHeaders::parse(headers);
    read.retry_after
        .or(read.reset.filter(|_| read.remaining == Some(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert!(retryable_status(429) && retryable_status(503) && retryable_status(500));
        assert!(!retryable_status(501) && !retryable_status(404) && !retryable_status(200));
    }

    #[test]
    fn server_hints() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("x-ratelimit-reset", "7".parse().unwrap());
        assert_eq!(
            retry_after(&headers),
            None,
            "reset alone is not a hint while requests remain"
        );
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
    }

    #[test]
    fn delays_are_bounded_and_counted() {
        let config = RetryConfig {
            max_retries: 4,
            max_delay: Duration::from_millis(500),
            ..RetryConfig::default()
        };
        let delays: Vec<Duration> = config.delays().collect();
        assert_eq!(delays.len(), 4);
        assert!(
            delays.iter().all(|d| *d <= Duration::from_millis(1_000)),
            "{delays:?}"
        );
        assert_eq!(RetryConfig::disabled().delays().count(), 0);
    }
}
