//! The ownership planner: which checks go to which host (see the module docs of
//! [`crate::ownership`] for the model).

use std::time::Duration;

use crate::budget::Outlook;
use crate::models::Item;

/// Ids per Open Cloud filter. Roblox documents no maximum (facts §3, §8); this
/// keeps request URLs well under common 8 KiB limits.
pub const IDS_PER_FILTER: usize = 100;

/// Why an item gets no request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A private server without an Open Cloud credential.
    NeedsOpenCloud,
}

/// The requests of one round.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// One Open Cloud id filter per entry: the user and up to [`IDS_PER_FILTER`] items.
    pub cloud: Vec<(u64, Vec<Item>)>,
    /// One is-owned request per entry.
    pub legacy: Vec<(u64, Item)>,
    /// Items that get no request.
    pub refused: Vec<(u64, Item, Refusal)>,
}

/// What each host has left, as the budgets see it (`None`: no limit known).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Budgets {
    pub cloud: Option<Outlook>,
    pub legacy: Option<Outlook>,
}

impl Budgets {
    /// When `cloud` Open Cloud and `legacy` is-owned requests will all have been
    /// allowed to go, if this job has the budgets to itself.
    fn makespan(&self, cloud: u64, legacy: u64) -> Duration {
        let time = |outlook: Option<Outlook>, n| outlook.map_or(Duration::ZERO, |o| o.time_for(n));
        time(self.cloud, cloud).max(time(self.legacy, legacy))
    }
}

/// Plans `items` (distinct) for every one of `users`.
pub(crate) fn plan(users: &[u64], items: &[Item], open_cloud: bool, budgets: Budgets) -> Plan {
    let mut plan = Plan::default();
    if users.is_empty() || items.is_empty() {
        return plan;
    }
    let private_servers: Vec<Item> = items
        .iter()
        .copied()
        .filter(|i| matches!(i, Item::PrivateServer(_)))
        .collect();
    let bundles = items
        .iter()
        .copied()
        .filter(|i| matches!(i, Item::Bundle(_)));
    // Assets, game passes and badges: either host can answer.
    let either: Vec<Item> = items
        .iter()
        .copied()
        .filter(|i| matches!(i, Item::Asset(_) | Item::GamePass(_) | Item::Badge(_)))
        .collect();

    if !open_cloud {
        for &user in users {
            plan.legacy.extend(
                items
                    .iter()
                    .filter(|i| !private_servers.contains(i))
                    .map(|i| (user, *i)),
            );
            plan.refused.extend(
                private_servers
                    .iter()
                    .map(|i| (user, *i, Refusal::NeedsOpenCloud)),
            );
        }
        return plan;
    }

    // Private servers need Open Cloud; the room left in their filters takes
    // items of either kind at no extra request.
    let mandatory = private_servers.len().div_ceil(IDS_PER_FILTER);
    let free = (mandatory * IDS_PER_FILTER - private_servers.len()).min(either.len());
    let (riding, rest) = either.split_at(free);
    // The rest can go in filters of their own, one request per (up to) 100 ids,
    // largest first, each saving that many is-owned requests.
    let chunks: Vec<&[Item]> = rest.chunks(IDS_PER_FILTER).collect();
    let users_count = users.len() as u64;
    let base_cloud = users_count * mandatory as u64;
    let base_legacy =
        users_count * (rest.len() + items.len() - private_servers.len() - either.len()) as u64;
    let mut candidates: Vec<(usize, usize)> = (0..users.len())
        .flat_map(|u| (0..chunks.len()).map(move |c| (u, c)))
        .collect();
    candidates.sort_by_key(|&(_, c)| std::cmp::Reverse(chunks[c].len()));

    // The prefix of candidates with the least makespan, then the fewest requests,
    // then the fewest Open Cloud requests (the scarcer budget).
    let cost = |cloud: u64, legacy: u64| (budgets.makespan(cloud, legacy), cloud + legacy, cloud);
    let (mut cloud, mut legacy) = (base_cloud, base_legacy);
    let mut best = (cost(cloud, legacy), 0usize);
    for (taken, &(_, c)) in candidates.iter().enumerate() {
        cloud += 1;
        legacy -= chunks[c].len() as u64;
        let here = cost(cloud, legacy);
        if here < best.0 {
            best = (here, taken + 1);
        }
    }
    let mut in_cloud = vec![vec![false; chunks.len()]; users.len()];
    for &(u, c) in &candidates[..best.1] {
        in_cloud[u][c] = true;
    }

    for (u, &user) in users.iter().enumerate() {
        let mut filters: Vec<Vec<Item>> = private_servers
            .chunks(IDS_PER_FILTER)
            .map(<[Item]>::to_vec)
            .collect();
        if let Some(last) = filters.last_mut() {
            last.extend_from_slice(riding);
        }
        for (c, chunk) in chunks.iter().enumerate() {
            if in_cloud[u][c] {
                filters.push(chunk.to_vec());
            } else {
                plan.legacy.extend(chunk.iter().map(|i| (user, *i)));
            }
        }
        plan.legacy.extend(bundles.clone().map(|i| (user, i)));
        plan.cloud.extend(filters.into_iter().map(|f| (user, f)));
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Limit;

    fn outlook(max: u32, remaining: u32, resets_in_secs: u64) -> Option<Outlook> {
        Some(Outlook {
            limit: Limit {
                max,
                window: Duration::from_secs(60),
            },
            remaining,
            resets_in: Duration::from_secs(resets_in_secs),
        })
    }

    /// Fresh documented budgets: 100/min Open Cloud (API key), 10,000/min is-owned.
    fn fresh() -> Budgets {
        Budgets {
            cloud: outlook(100, 100, 60),
            legacy: outlook(10_000, 10_000, 60),
        }
    }

    fn counts(plan: &Plan) -> (usize, usize, usize) {
        (plan.cloud.len(), plan.legacy.len(), plan.refused.len())
    }

    #[test]
    fn one_item_is_one_is_owned_request() {
        for item in [
            Item::Asset(1),
            Item::GamePass(2),
            Item::Badge(3),
            Item::Bundle(4),
        ] {
            assert_eq!(
                counts(&plan(&[7], &[item], true, fresh())),
                (0, 1, 0),
                "{item:?}"
            );
        }
        // Only Open Cloud answers for a private server.
        let ps = plan(&[7], &[Item::PrivateServer(5)], true, fresh());
        assert_eq!(ps.cloud, [(7, vec![Item::PrivateServer(5)])]);
    }

    #[test]
    fn one_item_moves_to_open_cloud_when_is_owned_has_nothing_left() {
        let budgets = Budgets {
            legacy: outlook(10_000, 0, 30),
            ..fresh()
        };
        assert_eq!(
            counts(&plan(&[7], &[Item::GamePass(2)], true, budgets)),
            (1, 0, 0)
        );
    }

    #[test]
    fn many_items_for_one_user_go_in_filters_of_100() {
        let items: Vec<Item> = (0..151).map(Item::Asset).chain([Item::Bundle(9)]).collect();
        let plan = plan(&[7], &items, true, fresh());
        assert_eq!(
            counts(&plan),
            (2, 1, 0),
            "two filters and the bundle's is-owned"
        );
        assert_eq!(plan.cloud[0].1.len(), 100);
        assert_eq!(plan.legacy, [(7, Item::Bundle(9))]);
    }

    #[test]
    fn more_items_than_either_window_are_split_to_finish_in_this_one() {
        // 12,000 assets: 120 filters exceed Open Cloud's 100, 12,000 is-owned
        // exceed 10,000. 100 filters (10,000 ids) and 2,000 is-owned fit now.
        let items: Vec<Item> = (0..12_000).map(Item::Asset).collect();
        let plan = plan(&[7], &items, true, fresh());
        assert_eq!(counts(&plan), (100, 2_000, 0));
        let asked: std::collections::HashSet<Item> = plan
            .cloud
            .iter()
            .flat_map(|(_, f)| f.iter().copied())
            .chain(plan.legacy.iter().map(|(_, i)| *i))
            .collect();
        assert_eq!(asked.len(), 12_000, "every item asked once");
    }

    #[test]
    fn many_users_with_one_item_use_is_owned() {
        let users: Vec<u64> = (1..=2_000).collect();
        assert_eq!(
            counts(&plan(&users, &[Item::GamePass(1)], true, fresh())),
            (0, 2_000, 0)
        );
        // With only 1,950 is-owned left in this window, Open Cloud takes the 50
        // that would otherwise wait for the reset.
        let short = Budgets {
            legacy: outlook(10_000, 1_950, 20),
            ..fresh()
        };
        assert_eq!(
            counts(&plan(&users, &[Item::GamePass(1)], true, short)),
            (50, 1_950, 0)
        );
        // Nothing saves time when neither host has room for all: the scarcer
        // Open Cloud budget is left alone.
        let spent = Budgets {
            legacy: outlook(10_000, 500, 20),
            ..fresh()
        };
        assert_eq!(
            counts(&plan(&users, &[Item::GamePass(1)], true, spent)),
            (0, 2_000, 0)
        );
    }

    #[test]
    fn private_servers_carry_the_other_items_of_their_user() {
        let items = [
            Item::Asset(1),
            Item::GamePass(2),
            Item::Badge(3),
            Item::Bundle(4),
            Item::PrivateServer(5),
        ];
        let users: Vec<u64> = (1..=500).collect();
        let plan = plan(&users, &items, true, fresh());
        assert_eq!(
            counts(&plan),
            (500, 500, 0),
            "one filter per user, bundles by is-owned"
        );
        assert_eq!(plan.cloud[0].1.len(), 4);
    }

    #[test]
    fn without_open_cloud_everything_uses_is_owned_and_private_servers_are_refused() {
        let items = [Item::Asset(1), Item::Bundle(4), Item::PrivateServer(5)];
        let plan = plan(&[1, 2], &items, false, fresh());
        assert_eq!(counts(&plan), (0, 4, 2));
        assert_eq!(
            plan.refused[0],
            (1, Item::PrivateServer(5), Refusal::NeedsOpenCloud)
        );
    }

    #[test]
    fn no_items_or_no_users_plan_nothing() {
        assert_eq!(plan(&[1], &[], true, fresh()), Plan::default());
        assert_eq!(plan(&[], &[Item::Asset(1)], true, fresh()), Plan::default());
    }

    #[test]
    fn without_known_limits_the_fewest_requests_win() {
        let items: Vec<Item> = (0..5).map(Item::Asset).collect();
        let plan = plan(&[1], &items, true, Budgets::default());
        assert_eq!(counts(&plan), (1, 0, 0));
    }
}
