//! The rate limits the sandbox enforces: the spec's, from the operation table.

use super::*;

/// The limit the spec documents for `route`, counted per `per` (the tightest of
/// the operation's limits when it lists none counted that way).
pub(super) fn documented_limit(route: Route, per: Per) -> Limit {
    let limits = route.operation().rate_limits();
    let chosen = limits.iter().find(|l| l.per == per).or_else(|| {
        limits
            .iter()
            .min_by(|a, b| (a.max, a.period).cmp(&(b.max, b.period)))
    });
    match chosen {
        Some(limit) => Limit {
            max: u64::from(limit.max),
            period: limit.period,
        },
        // Every operation has one: the operation table refuses a spec without.
        None => Limit {
            max: u64::MAX,
            period: Duration::from_secs(60),
        },
    }
}
