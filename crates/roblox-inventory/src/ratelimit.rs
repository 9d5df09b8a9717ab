//! Client-side rate limiting, so a long dump runs at Roblox's ceiling without
//! 429s. Requests are spaced evenly (no bursts): Roblox counts in fixed,
//! clock-aligned windows (facts §4.4), and an even pace keeps every window at or
//! under its limit wherever the windows fall.
//!
//! The budget is a trait, [`RequestBudget`], so several processes can share one
//! budget (a Redis-backed implementation, say) by plugging in their own.

use std::collections::HashMap;
use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota};

/// Which credential a request is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counted {
    /// An Open Cloud API key (Roblox counts per key owner).
    ApiKey,
    /// An OAuth authorization.
    OAuth,
    /// A legacy request (counted per cookie or per client address).
    Legacy,
}

/// A future that resolves when a request may go.
pub type Permit<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Decides when each request may be sent.
pub trait RequestBudget: Send + Sync + 'static {
    /// Waits until one more request for `operation` (the snake_cased operationId)
    /// fits the budget.
    fn acquire(&self, operation: &'static str, counted: Counted) -> Permit<'_>;
}

/// The documented limits: 100/min per API-key owner and 20/min per OAuth
/// authorization on the Open Cloud list (from the document, through the generated
/// `RATE_LIMITS`), and per-operation legacy limits (the last OAS that listed them,
/// OAS-2025; facts §1.2–§1.8).
#[derive(Debug)]
pub struct DocumentedLimits {
    minute: Duration,
    limiters: Mutex<HashMap<(&'static str, Counted), Arc<DefaultDirectRateLimiter>>>,
}

impl Default for DocumentedLimits {
    fn default() -> Self {
        Self::with_minute(Duration::from_secs(60))
    }
}

impl DocumentedLimits {
    /// The documented limits with minutes (and seconds) scaled to last `minute`,
    /// to match a sandbox whose windows were shortened the same way.
    pub fn with_minute(minute: Duration) -> Self {
        Self {
            minute: minute.max(Duration::from_millis(1)),
            limiters: Mutex::new(HashMap::new()),
        }
    }

    /// Requests per period for an operation and credential, if documented.
    pub fn limit(operation: &str, counted: Counted) -> Option<(u32, Duration)> {
        let per = match counted {
            Counted::ApiKey => "perApiKeyOwner",
            Counted::OAuth => "perOauth2Authorization",
            Counted::Legacy => "",
        };
        if let Some((_, _, max, secs)) = roblox_inventory_api::RATE_LIMITS
            .iter()
            .find(|(op, p, ..)| *op == operation && *p == per)
        {
            return Some((u32::try_from(*max).ok()?, Duration::from_secs(*secs)));
        }
        let minute = Duration::from_secs(60);
        match operation {
            "post_v1_collections_items"
            | "get_v1_packages_assets"
            | "get_v1_users_places_inventory" => Some((1_000, minute)),
            "delete_v1_collections_items" => Some((200, minute)),
            "get_v1_users_assets_collectibles" => Some((4, Duration::from_secs(1))),
            "get_v1_users_categories" | "get_v1_users_items_is_owned" => Some((10_000, minute)),
            "get_v2_users_inventory" => Some((450, minute)),
            _ => None,
        }
    }

    fn limiter(
        &self,
        operation: &'static str,
        counted: Counted,
    ) -> Option<Arc<DefaultDirectRateLimiter>> {
        let mut limiters = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(limiter) = limiters.get(&(operation, counted)) {
            return Some(Arc::clone(limiter));
        }
        let (max, period) = Self::limit(operation, counted)?;
        let period = self.minute.mul_f64(period.as_secs_f64() / 60.0);
        let interval = period / max.max(1);
        let quota = Quota::with_period(interval)?.allow_burst(NonZeroU32::MIN);
        let limiter = Arc::new(DefaultDirectRateLimiter::direct(quota));
        limiters.insert((operation, counted), Arc::clone(&limiter));
        Some(limiter)
    }
}

impl RequestBudget for DocumentedLimits {
    fn acquire(&self, operation: &'static str, counted: Counted) -> Permit<'_> {
        let limiter = self.limiter(operation, counted);
        Box::pin(async move {
            if let Some(limiter) = limiter {
                limiter.until_ready().await;
            }
        })
    }
}

/// No client-side limit.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unlimited;

impl RequestBudget for Unlimited {
    fn acquire(&self, _: &'static str, _: Counted) -> Permit<'_> {
        Box::pin(async {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_come_from_the_document_and_the_facts() {
        assert_eq!(
            DocumentedLimits::limit("cloud_list_inventory_items", Counted::ApiKey),
            Some((100, Duration::from_secs(60)))
        );
        assert_eq!(
            DocumentedLimits::limit("cloud_list_inventory_items", Counted::OAuth),
            Some((20, Duration::from_secs(60)))
        );
        assert_eq!(
            DocumentedLimits::limit("get_v1_users_assets_collectibles", Counted::Legacy),
            Some((4, Duration::from_secs(1)))
        );
        assert_eq!(DocumentedLimits::limit("unknown", Counted::Legacy), None);
    }

    #[tokio::test]
    async fn requests_are_spaced_evenly() {
        let limits = DocumentedLimits::default();
        let started = std::time::Instant::now();
        for _ in 0..5 {
            limits
                .acquire("get_v1_users_assets_collectibles", Counted::Legacy)
                .await;
        }
        // 4 per second, no burst: the 5th request waits for the 4th interval of 250 ms.
        // A lower bound only: it proves the pacing waited; how fast a loaded machine
        // gets through is not this test's business.
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    }
}
