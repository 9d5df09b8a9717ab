//! Observations over real HTTP against the sandbox: complete snapshots with
//! copy ids and serials, privacy as its own view, and never a partial listing.

use roblox_inventory::models::InventoryItemAssetType;
use roblox_inventory::Item;
use roblox_inventory_sandbox::{Fault, Route, World};
use roblox_inventory_tracking::{
    observe, ChangeKind, HoldingId, ItemRef, ObserveError, Scope, ScopeError, Tracked, View,
};

mod contract;
use contract::{client, sandbox};

fn ids(view: &View) -> Vec<HoldingId> {
    match view {
        View::Holdings(holdings) => holdings.iter().map(|h| h.id).collect(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_scope_is_observed_completely_with_the_most_precise_ids() {
    let sandbox = sandbox(World::default_world()).await;
    let reader = client(&sandbox, "sandbox-key-builderman");
    let limiteds = observe(&reader, 156, &Scope::Collectibles).await.unwrap();
    let View::Holdings(copies) = &limiteds.view else {
        panic!("{limiteds:?}")
    };
    let serials: Vec<_> = copies.iter().map(|h| (h.id, h.serial_number)).collect();
    assert_eq!(serials.len(), 2, "{serials:?}");
    for (id, serial) in &serials {
        assert!(matches!(id, HoldingId::Copy { .. }), "{id:?}");
        assert!(serial.is_some(), "a Limited copy has its serial");
    }
    assert!(serials.iter().any(|(id, serial)| matches!(
        id,
        HoldingId::Copy {
            asset_id: 1365767,
            ..
        }
    ) && *serial == Some(42)));

    let passes = observe(&reader, 156, &Scope::GamePasses).await.unwrap();
    assert_eq!(
        ids(&passes.view),
        [HoldingId::GamePass(1111), HoldingId::GamePass(2222)]
    );
    let badges = observe(&reader, 156, &Scope::Badges).await.unwrap();
    assert_eq!(ids(&badges.view), [HoldingId::Badge(2124445684)]);
    let hats = observe(
        &reader,
        156,
        &Scope::AssetTypes(vec![InventoryItemAssetType::Hat]),
    )
    .await
    .unwrap();
    assert!(
        ids(&hats.view)
            .iter()
            .all(|id| matches!(id, HoldingId::Copy { .. })),
        "assets are copies: {hats:?}"
    );
    let listed = observe(
        &reader,
        156,
        &Scope::Items(vec![
            ItemRef::GamePass(1111),
            ItemRef::GamePass(3333),
            Item::Bundle(192).into(),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(
        ids(&listed.view),
        [
            HoldingId::Item(ItemRef::GamePass(1111)),
            HoldingId::Item(ItemRef::Bundle(192))
        ]
    );
}

#[tokio::test]
async fn a_private_inventory_is_a_view_of_its_own_never_an_empty_one() {
    let sandbox = sandbox(World::default_world()).await;
    let stranger = client(&sandbox, "sandbox-key-builderman");
    let first = observe(&stranger, 156, &Scope::GamePasses).await.unwrap();
    let (known, baseline) = Tracked::observe(None, &first);
    assert!(baseline.is_empty());
    // Shedletsky's inventory is private to builderman's key on both hosts.
    for scope in [Scope::Collectibles, Scope::GamePasses] {
        let private = observe(&stranger, 261, &scope).await.unwrap();
        assert_eq!(private.view, View::Private, "{scope:?}");
    }
    let private = observe(&stranger, 261, &Scope::GamePasses).await.unwrap();
    let mut as_if_156 = private.clone();
    as_if_156.user_id = 156;
    let (_, changes) = Tracked::observe(Some(&known), &as_if_156);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].kind,
        ChangeKind::BecamePrivate,
        "and nothing lost"
    );
}

#[tokio::test]
async fn a_listing_that_fails_part_way_is_an_error_not_a_snapshot() {
    // User 4000 holds 2,000 generated assets, some hundreds of them Limiteds:
    // several pages of collectibles.
    let sandbox = sandbox(World::generated(3, 4_000, 2_000)).await;
    let reader = client(&sandbox, "sandbox-key-builderman");
    let whole = observe(&reader, 4_000, &Scope::Collectibles).await.unwrap();
    assert!(ids(&whole.view).len() > 100, "more than one page");
    // Pages go 100 at a time: the second page's body is broken.
    let mut seen = 0;
    let before = sandbox.requests(Route::Collectibles);
    sandbox.inject(Route::Collectibles, Fault::Pass, 1);
    sandbox.inject(Route::Collectibles, Fault::MalformedJson, 1);
    match observe(&reader, 4_000, &Scope::Collectibles).await {
        Err(ObserveError::Client(error)) => {
            assert!(
                matches!(error, roblox_inventory::Error::Decode { .. }),
                "{error:?}"
            );
            seen += 1;
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(seen, 1);
    assert_eq!(
        sandbox.requests(Route::Collectibles) - before,
        2,
        "the first page arrived, the second broke: still no snapshot"
    );
}

#[tokio::test]
async fn a_scope_that_selects_nothing_is_refused_before_any_request() {
    let sandbox = sandbox(World::default_world()).await;
    let reader = client(&sandbox, "sandbox-key-builderman");
    for scope in [Scope::AssetTypes(Vec::new()), Scope::Items(Vec::new())] {
        let error = observe(&reader, 156, &scope).await.unwrap_err();
        assert!(
            matches!(error, ObserveError::Scope(ScopeError::Empty(_))),
            "{error:?}"
        );
    }
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 0);
}

/// Whether one scope of a user is visible to the test's reader in `world`,
/// and what it holds, by the id a tracker reports. The reader is builderman's
/// API key: on Open Cloud it sees builderman's own inventory even when private;
/// the legacy collectibles endpoint is read without a credential.
fn truth(world: &World, user_id: u64, scope: &Scope) -> (bool, std::collections::BTreeSet<u64>) {
    const KEY_OWNER: u64 = 156;
    let user = world.users.iter().find(|u| u.id == user_id).unwrap();
    let visible = user.inventory_public || (*scope != Scope::Collectibles && user_id == KEY_OWNER);
    let held = match scope {
        Scope::Collectibles => user
            .assets
            .iter()
            .filter(|copy| {
                world
                    .assets
                    .iter()
                    .any(|a| a.id == copy.asset_id && a.limited)
            })
            .map(|copy| copy.user_asset_id)
            .collect(),
        Scope::GamePasses => user.game_passes.iter().map(|p| p.id).collect(),
        Scope::Badges => user.badges.iter().map(|b| b.id).collect(),
        other => panic!("{other:?}"),
    };
    (visible, held)
}

fn reported(change: &roblox_inventory_tracking::Change) -> String {
    let id = |h: &roblox_inventory_tracking::Holding| match h.id {
        HoldingId::Copy { user_asset_id, .. } => user_asset_id,
        HoldingId::GamePass(id) | HoldingId::Badge(id) => id,
        other => panic!("{other:?}"),
    };
    let what = match &change.kind {
        ChangeKind::Gained(h) => format!("+{}", id(h)),
        ChangeKind::Lost(h) => format!("-{}", id(h)),
        ChangeKind::BecamePrivate => "private".into(),
        ChangeKind::BecameVisible => "visible".into(),
        other => panic!("{other:?}"),
    };
    format!("{} {:?} {what}", change.user_id, change.scope)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 6,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]
    /// Issue 21 item 6: the sandbox's churn (trades that move Limited copies,
    /// purchases, refunds, badges, privacy) between observations is detected
    /// exactly, whatever the world and the churn: every net change once,
    /// nothing else, privacy without losses.
    #[test]
    fn detected_changes_are_the_changes_the_world_went_through(
        world_seed in proptest::prelude::any::<u64>(),
        churn_seed in proptest::prelude::any::<u64>(),
        per_cycle in 1usize..40,
    ) {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(detection_agrees_with_the_world(world_seed, churn_seed, per_cycle));
    }
}

/// Four cycles of `per_cycle` churn events over a generated world, each
/// followed by a look at every user's collectibles, game passes and badges:
/// the changes reported are the ones the world went through.
async fn detection_agrees_with_the_world(world_seed: u64, churn_seed: u64, per_cycle: usize) {
    use roblox_inventory_sandbox::Population;
    use std::collections::{BTreeSet, HashMap};
    let mut world = World::populated(&Population {
        assets: 60,
        ..Population::new(world_seed, 10)
    });
    for asset in &mut world.assets {
        if asset.id % 3 == 0 {
            asset.limited = true;
        }
    }
    let sandbox = sandbox(world).await;
    let reader = client(&sandbox, "sandbox-key-builderman");
    let users: Vec<u64> = sandbox.world().users.iter().map(|u| u.id).collect();
    let scopes = [Scope::Collectibles, Scope::GamePasses, Scope::Badges];
    let mut known: HashMap<(u64, Scope), Tracked> = HashMap::new();
    // The truth the tracker can know: each scope's last visible holdings.
    let mut last_visible: HashMap<(u64, Scope), Option<BTreeSet<u64>>> = HashMap::new();
    let mut was_visible: HashMap<(u64, Scope), bool> = HashMap::new();
    let mut all_made = 0;
    for cycle in 0..5u64 {
        if cycle > 0 {
            let made = sandbox.churn(churn_seed.wrapping_add(cycle), per_cycle);
            assert_eq!(made.len(), per_cycle);
            all_made += made.len();
        }
        let now = sandbox.world();
        let mut expected = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for &user in &users {
            for scope in &scopes {
                let key = (user, scope.clone());
                let snapshot = observe(&reader, user, scope).await.unwrap();
                let (tracked, changes) = Tracked::observe(known.get(&key), &snapshot);
                for change in &changes {
                    assert!(seen.insert(reported(change)), "reported twice: {change:?}");
                }
                known.insert(key.clone(), tracked);

                let (public, held) = truth(&now, user, scope);
                let first = !last_visible.contains_key(&key);
                let line = |what: String| format!("{user} {scope:?} {what}");
                let before = was_visible.insert(key.clone(), public);
                if !first {
                    match (before.unwrap_or(public), public) {
                        (true, false) => {
                            expected.insert(line("private".into()));
                        }
                        (false, true) => {
                            expected.insert(line("visible".into()));
                        }
                        _ => {}
                    }
                }
                let entry = last_visible.entry(key).or_insert(None);
                if public {
                    if let (false, Some(then)) = (first, entry.as_ref()) {
                        for lost in then.difference(&held) {
                            expected.insert(line(format!("-{lost}")));
                        }
                        for gained in held.difference(then) {
                            expected.insert(line(format!("+{gained}")));
                        }
                    }
                    *entry = Some(held);
                }
            }
        }
        assert_eq!(seen, expected, "cycle {cycle}");
        if cycle == 0 {
            assert!(seen.is_empty(), "the first look is a baseline");
        }
    }
    assert_eq!(sandbox.churn_log().len(), all_made);
    assert_eq!(sandbox.rate_limited(Route::Collectibles), 0);
}

// ---------------------------------------------------------------- the store (item 3), SQLite

/// The store contract (`contract/mod.rs`) on SQLite files.
mod store {
    /// A fresh SQLite file's path (its directory lives as long as the test).
    fn fresh() -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tracking.db").display().to_string();
        (dir, path)
    }

    #[tokio::test]
    async fn a_poll_and_its_changes_commit_together_and_readers_resume_from_a_cursor() {
        let (_dir, url) = fresh();
        super::contract::a_poll_and_its_changes_commit_together_and_readers_resume_from_a_cursor(
            &url,
        )
        .await;
    }

    #[tokio::test]
    async fn tracked_scopes_come_stalest_first_and_item_lists_are_one_scope_in_any_order() {
        let (_dir, url) = fresh();
        super::contract::tracked_scopes_come_stalest_first_and_item_lists_are_one_scope_in_any_order(
            &url,
        )
        .await;
    }

    #[tokio::test]
    async fn due_scopes_come_a_page_at_a_time_stalest_first() {
        let (_dir, url) = fresh();
        super::contract::due_scopes_come_a_page_at_a_time_stalest_first(&url).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_holds_each_churned_change_once_across_restarts() {
        let (_dir, url) = fresh();
        super::contract::the_log_holds_each_churned_change_once_across_restarts(&url).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn claims_never_overlap_and_expired_leases_are_taken_over() {
        let (_dir, url) = fresh();
        super::contract::claims_never_overlap_and_expired_leases_are_taken_over(&url).await;
    }
}

// ---------------------------------------------------------------- the watcher (item 4)

mod watcher {
    use std::sync::Arc;
    use std::time::Duration;

    use roblox_inventory_tracking::store::{SqlStore, Store};
    use roblox_inventory_tracking::watcher::{MissedBecause, Watcher};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cycle_records_every_due_scope_and_goes_on_past_one_users_error() {
        let sandbox = sandbox(World::default_world()).await;
        let reader = client(&sandbox, "sandbox-key-builderman");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watch.db").display().to_string();
        let store = Arc::new(SqlStore::open(&path).await.unwrap());
        for user in [156, 261, 1] {
            store.track(user, &Scope::Collectibles).await.unwrap();
        }
        // Never observed, they go in user order (1, 156, 261); the third
        // request gets a broken body: 261 is missed, the others are recorded.
        sandbox.inject(Route::Collectibles, Fault::Pass, 2);
        sandbox.inject(Route::Collectibles, Fault::MalformedJson, 1);
        let watcher = Watcher::new(reader.clone(), store.clone(), Duration::ZERO).concurrency(1);
        let first = watcher.cycle().await.unwrap();
        assert_eq!((first.recorded, first.missed.len()), (2, 1), "{first:?}");
        assert!(matches!(first.missed[0].error, MissedBecause::Observe(_)));
        let missed_user = first.missed[0].user_id;
        assert_eq!(missed_user, 261);
        assert_eq!(first.changes, 0, "baselines");
        // A restart: a new watcher on the reopened store takes the missed
        // scope first (never observed), then the rest.
        let store = Arc::new(SqlStore::open(&path).await.unwrap());
        assert_eq!(store.tracked().await.unwrap()[0].user_id, missed_user);
        let copy = sandbox.world().copy_with_serial(156, 42).unwrap();
        sandbox
            .apply(roblox_inventory_sandbox::Event::Trade {
                user_asset_id: copy,
                from: 156,
                to: 1,
            })
            .unwrap();
        let watcher = Watcher::new(reader.clone(), store.clone(), Duration::ZERO);
        let second = watcher.cycle().await.unwrap();
        assert_eq!((second.recorded, second.missed.len()), (3, 0), "{second:?}");
        // The trade: lost by 156, gained by 1, the same copy and serial.
        let logged = store.changes_after(0, 100).await.unwrap();
        let traded: Vec<_> = logged
            .iter()
            .map(|l| (l.change.user_id, l.change.kind.clone()))
            .collect();
        assert!(
            traded.iter().any(|(user, kind)| *user == 156
                && matches!(kind, ChangeKind::Lost(h) if matches!(h.id, HoldingId::Copy { user_asset_id, .. } if user_asset_id == copy))),
            "{traded:?}"
        );
        assert!(
            traded.iter().any(|(user, kind)| *user == 1
                && matches!(kind, ChangeKind::Gained(h) if h.serial_number == Some(42)
                    && matches!(h.id, HoldingId::Copy { user_asset_id, .. } if user_asset_id == copy))),
            "{traded:?}"
        );
        assert_eq!(
            logged.len(),
            2,
            "nothing else: 261's first look is a baseline"
        );
        assert_eq!(second.changes, logged.len());
        // Within the interval nothing is due.
        let patient = Watcher::new(reader, store, Duration::from_secs(3_600));
        let third = patient.cycle().await.unwrap();
        assert_eq!((third.recorded, third.not_due), (0, 3));
        assert_eq!(third.interval_covered(Duration::from_secs(3_600)), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cycle_polls_several_scopes_at_once_and_says_what_the_windows_allow() {
        use roblox_inventory::budget::LocalBudget;
        use roblox_inventory::Operation;
        // The documented limits on a 600-ms minute: the collectibles endpoint
        // allows 4 requests per 10-ms second.
        let minute = Duration::from_millis(600);
        let population = roblox_inventory_sandbox::Population {
            assets: 10,
            // More than the watcher reads from the store at once (256).
            ..roblox_inventory_sandbox::Population::new(3, 300)
        };
        let sandbox = roblox_inventory_sandbox::Sandbox::builder()
            .world(World::populated(&population))
            .rate_limit_minute(minute)
            .latency(Duration::from_millis(20))
            .start()
            .await
            .unwrap();
        let reader = roblox_inventory::Client::builder()
            .base_url(sandbox.base_url())
            .request_budget(LocalBudget::with_minute(minute))
            .build()
            .unwrap();
        let (_dir, _, store, users) =
            contract::sqlite_tracking_everyone(&sandbox, &Scope::Collectibles).await;
        assert!(users.len() > 300, "{users:?}");
        let watcher =
            Watcher::new(reader, store.clone(), Duration::from_secs(3_600)).concurrency(4);
        let report = watcher.cycle().await.unwrap();
        assert_eq!(report.recorded, users.len(), "{report:?}");
        let in_flight = sandbox.max_in_flight(Route::Collectibles);
        assert!((2..=4).contains(&in_flight), "{in_flight} in flight");
        let sent = report.requests.get(Operation::GetV1UsersAssetsCollectibles);
        assert_eq!(sent, sandbox.requests(Route::Collectibles));
        assert_eq!(sandbox.rate_limited(Route::Collectibles), 0);
        let asked = sandbox.user_requests(Route::Collectibles);
        assert_eq!(asked.keys().copied().collect::<Vec<_>>(), users);
        assert!(
            asked.values().all(|times| times.len() == 1),
            "each user once"
        );
        // ⌈n / 4⌉ windows of 10 ms.
        let windows = Duration::from_millis(10) * u32::try_from(sent.div_ceil(4)).unwrap();
        assert_eq!(report.windows_needed, Some(windows));
        let covered = report.interval_covered(Duration::from_millis(1)).unwrap();
        assert!(covered >= windows && covered >= report.took, "{covered:?}");
        assert_eq!(report.interval_covered(Duration::from_secs(3_600)), None);
    }

    /// The next event, or a failed test after a minute (never a hang).
    async fn next<S: futures_util::Stream + Unpin>(events: &mut S) -> S::Item {
        use futures_util::StreamExt;
        tokio::time::timeout(Duration::from_secs(60), events.next())
            .await
            .expect("an event within a minute")
            .expect("the stream goes on")
    }

    /// The stream: after each cycle, the log's changes after the caller's
    /// cursor, then the cycle's report; a consumer that restarts with its last
    /// id sees nothing twice.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_stream_yields_each_logged_change_once_from_the_cursor() {
        use roblox_inventory_tracking::watcher::WatchEvent;
        let sandbox = sandbox(World::default_world()).await;
        let reader = client(&sandbox, "sandbox-key-builderman");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stream.db").display().to_string();
        let store = Arc::new(SqlStore::open(&path).await.unwrap());
        store.track(156, &Scope::GamePasses).await.unwrap();
        let watcher = Watcher::new(reader.clone(), store.clone(), Duration::ZERO);
        let mut events = Box::pin(watcher.clone().run(0));
        // The first cycle: a baseline, no change.
        let first = next(&mut events).await;
        assert!(
            matches!(first, WatchEvent::Cycle(ref r) if r.recorded == 1),
            "{first:?}"
        );
        sandbox
            .apply(roblox_inventory_sandbox::Event::RefundGamePass {
                user_id: 156,
                game_pass_id: 1111,
            })
            .unwrap();
        let mut cursor = 0;
        loop {
            match next(&mut events).await {
                WatchEvent::Change(logged) => {
                    assert!(
                        matches!(&logged.change.kind, ChangeKind::Lost(h) if h.id == HoldingId::GamePass(1111))
                    );
                    cursor = logged.id;
                }
                WatchEvent::Cycle(_) if cursor > 0 => break,
                WatchEvent::Cycle(_) => {}
                other => panic!("{other:?}"),
            }
        }
        drop(events);
        // Restarted from the cursor: the refund is not seen again.
        let mut again = Box::pin(watcher.run(cursor));
        match next(&mut again).await {
            WatchEvent::Cycle(report) => assert_eq!(report.changes, 0),
            other => panic!("{other:?}"),
        }
    }
}

// ---------------------------------------------------------------- answers from the store (item 5)

mod answers {
    use std::time::Duration;

    use roblox_inventory::Item;
    use roblox_inventory_sandbox::{Event, Route};
    use roblox_inventory_tracking::answers::{owns, Source};
    use roblox_inventory_tracking::store::SqlStore;

    use super::*;

    #[tokio::test]
    async fn a_fresh_answer_comes_from_the_store_and_says_so() {
        let sandbox = sandbox(World::default_world()).await;
        let reader = client(&sandbox, "sandbox-key-builderman");
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::open(&dir.path().join("a.db").display().to_string())
            .await
            .unwrap();
        let minute = Duration::from_secs(60);
        let asked =
            || sandbox.requests(Route::IsOwned) + sandbox.requests(Route::ListInventoryItems);

        let first = owns(&reader, &store, 156, Item::GamePass(1111), minute)
            .await
            .unwrap();
        assert!(first.owned);
        assert_eq!(first.source, Source::Roblox);
        let sent = asked();
        assert!(sent >= 1);
        // Refunded meanwhile: within the minute the store's answer stands (and
        // says when it was observed); with no tolerance, Roblox is asked.
        sandbox
            .apply(Event::RefundGamePass {
                user_id: 156,
                game_pass_id: 1111,
            })
            .unwrap();
        let cached = owns(&reader, &store, 156, Item::GamePass(1111), minute)
            .await
            .unwrap();
        assert!(cached.owned);
        assert!(matches!(cached.source, Source::Store { .. }), "{cached:?}");
        assert_eq!(asked(), sent, "nothing sent");
        let fresh = owns(&reader, &store, 156, Item::GamePass(1111), Duration::ZERO)
            .await
            .unwrap();
        assert_eq!((fresh.owned, fresh.source), (false, Source::Roblox));

        // A whole game-passes scope observed recently answers for any pass,
        // "not owned" included; a private inventory in the store never does.
        let passes = observe(&reader, 156, &Scope::GamePasses).await.unwrap();
        roblox_inventory_tracking::store::Store::record(&store, &passes)
            .await
            .unwrap();
        let sent = asked();
        let other = owns(&reader, &store, 156, Item::GamePass(2222), minute)
            .await
            .unwrap();
        assert!(other.owned && matches!(other.source, Source::Store { .. }));
        let never = owns(&reader, &store, 156, Item::GamePass(3333), minute)
            .await
            .unwrap();
        assert!(!never.owned && matches!(never.source, Source::Store { .. }));
        // Any age at all: the store answers (no overflow reaching back).
        let any_age = owns(&reader, &store, 156, Item::GamePass(2222), Duration::MAX)
            .await
            .unwrap();
        assert!(matches!(any_age.source, Source::Store { .. }));
        assert_eq!(asked(), sent);
    }
}

// ---------------------------------------------------------------- a fleet on one store (item 4)

mod fleet {
    use std::sync::Arc;
    use std::time::Duration;

    use roblox_inventory_sandbox::Route;
    use roblox_inventory_tracking::store::SqlStore;
    use roblox_inventory_tracking::watcher::Watcher;

    use super::*;

    /// Two watchers on one store, claiming in small batches: every tracked
    /// scope is observed once in the cycle (no user polled twice), and a huge
    /// interval makes nothing due (no overflow).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn watchers_sharing_a_store_poll_each_scope_once() {
        let sandbox = sandbox(World::default_world()).await;
        let reader = client(&sandbox, "sandbox-key-builderman");
        let (_dir, path, first, users) =
            contract::sqlite_tracking_everyone(&sandbox, &Scope::Badges).await;
        let second = Arc::new(SqlStore::open(&path).await.unwrap());
        let lease = Duration::from_secs(300);
        let a = Watcher::new(reader.clone(), first, Duration::ZERO).with_claims("a", lease, 1);
        let b =
            Watcher::new(reader.clone(), second.clone(), Duration::ZERO).with_claims("b", lease, 1);
        let (ra, rb) = tokio::join!(a.cycle(), b.cycle());
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.recorded + rb.recorded, users.len(), "{ra:?} {rb:?}");
        assert_eq!(
            sandbox.requests(Route::ListInventoryItems),
            users.len() as u64,
            "each scope polled once"
        );
        let idle = Watcher::new(reader, second, Duration::MAX).with_claims("c", lease, 10);
        assert_eq!(idle.cycle().await.unwrap().recorded, 0);
    }

    /// A watcher with claims observes a batch at once on SQLite (one writer):
    /// releasing a recorded scope never waits on a recording of the same
    /// batch that holds the write lock (it did: the release waited out the
    /// busy timeout, then the cycle failed with "database is locked").
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_observed_at_once_releases_its_scopes_on_sqlite() {
        let population = roblox_inventory_sandbox::Population {
            assets: 30,
            ..roblox_inventory_sandbox::Population::new(9, 40)
        };
        let sandbox = roblox_inventory_sandbox::Sandbox::builder()
            .world(World::populated(&population))
            .rate_limits(false)
            .latency(Duration::from_millis(5))
            .start()
            .await
            .unwrap();
        let reader = client(&sandbox, "sandbox-key-builderman");
        let (_dir, _, store, users) =
            contract::sqlite_tracking_everyone(&sandbox, &Scope::Collectibles).await;
        let watcher = Watcher::new(reader, store, Duration::ZERO)
            .concurrency(8)
            .with_claims("a", Duration::from_secs(300), 8);
        let report = tokio::time::timeout(Duration::from_secs(60), watcher.cycle())
            .await
            .expect("a cycle within a minute")
            .expect("no store failure");
        assert_eq!((report.recorded, report.missed.len()), (users.len(), 0));
    }
}
