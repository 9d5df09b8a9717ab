//! What every store engine must do, run against SQLite files (`tracking.rs`)
//! and PostgreSQL databases (`services.rs`): each function takes the URL of a
//! fresh, empty store and opens it (again, to play a restart) as it needs.

#![allow(dead_code)]

use roblox_inventory::{Client, RetryConfig};
use roblox_inventory_sandbox::{Sandbox, World};
use roblox_inventory_tracking::store::{SqlStore, Store};
use roblox_inventory_tracking::{
    observe, ChangeKind, Holding, HoldingId, ItemRef, Scope, Snapshot, Tracked, View,
};

pub async fn sandbox(world: World) -> Sandbox {
    Sandbox::builder()
        .world(world)
        .rate_limits(false)
        .start()
        .await
        .expect("sandbox starts")
}

pub fn client(sandbox: &Sandbox, key: &str) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key(key)
        .without_budget()
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// A SQLite store in a fresh temporary directory tracking `scope` of every
/// user of `sandbox`'s world: the directory (keep it), the store's path, the
/// store, the users.
pub async fn sqlite_tracking_everyone(
    sandbox: &Sandbox,
    scope: &Scope,
) -> (
    tempfile::TempDir,
    String,
    std::sync::Arc<SqlStore>,
    Vec<u64>,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tracking.db").display().to_string();
    let store = std::sync::Arc::new(SqlStore::open(&path).await.unwrap());
    let users: Vec<u64> = sandbox.world().users.iter().map(|u| u.id).collect();
    for &user in &users {
        store.track(user, scope).await.unwrap();
    }
    (dir, path, store, users)
}

fn passes(user_id: u64, ids: &[u64]) -> Snapshot {
    Snapshot {
        user_id,
        scope: Scope::GamePasses,
        observed_at: chrono::Utc::now(),
        view: View::Holdings(
            ids.iter()
                .map(|id| Holding::new(HoldingId::GamePass(*id)))
                .collect(),
        ),
    }
}

pub async fn a_poll_and_its_changes_commit_together_and_readers_resume_from_a_cursor(url: &str) {
    let path = url;
    let store = SqlStore::open(path).await.unwrap();
    assert!(
        store
            .record(&passes(156, &[1, 2]))
            .await
            .unwrap()
            .is_empty(),
        "baseline"
    );
    let logged = store.record(&passes(156, &[2, 3])).await.unwrap();
    assert_eq!(logged.len(), 2);
    assert!(logged[0].id < logged[1].id);
    let (lost, gained) = (&logged[0].change.kind, &logged[1].change.kind);
    assert!(
        matches!(lost, ChangeKind::Lost(h) if h.id == HoldingId::GamePass(1)),
        "{lost:?}"
    );
    assert!(
        matches!(gained, ChangeKind::Gained(h) if h.id == HoldingId::GamePass(3)),
        "{gained:?}"
    );
    drop(store);

    // A restarted process: same knowledge, the log where the reader left it.
    let store = SqlStore::open(path).await.unwrap();
    let known = store.known(156, &Scope::GamePasses).await.unwrap().unwrap();
    let held: Vec<_> = known.holdings.unwrap().into_keys().collect();
    assert_eq!(held, [HoldingId::GamePass(2), HoldingId::GamePass(3)]);
    let read = store.changes_after(0, 100).await.unwrap();
    assert_eq!(read, logged);
    let cursor = read.last().unwrap().id;
    assert_eq!(store.last_change_id().await.unwrap(), cursor);
    assert!(store.changes_after(cursor, 100).await.unwrap().is_empty());
    assert!(
        store
            .record(&passes(156, &[2, 3]))
            .await
            .unwrap()
            .is_empty(),
        "the same holdings again: nothing repeated"
    );
    // Private: reported once, holdings kept.
    let mut private = passes(156, &[]);
    private.view = View::Private;
    let became = store.record(&private).await.unwrap();
    assert_eq!(became.len(), 1);
    assert_eq!(became[0].change.kind, ChangeKind::BecamePrivate);
    assert!(store.record(&private).await.unwrap().is_empty());
    assert_eq!(store.changes_after(cursor, 100).await.unwrap(), became);
    assert_eq!(store.changes_after(0, 1).await.unwrap().len(), 1, "limit");
}

pub async fn tracked_scopes_come_stalest_first_and_item_lists_are_one_scope_in_any_order(
    url: &str,
) {
    let store = SqlStore::open(url).await.unwrap();
    store.track(1, &Scope::GamePasses).await.unwrap();
    store.record(&passes(2, &[5])).await.unwrap();
    store.track(3, &Scope::Badges).await.unwrap();
    let order: Vec<_> = store
        .tracked()
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.user_id, t.observed_at.is_some()))
        .collect();
    assert_eq!(
        order,
        [(1, false), (3, false), (2, true)],
        "never observed first"
    );
    let one = Scope::Items(vec![ItemRef::Badge(2), ItemRef::GamePass(1)]);
    let other = Scope::Items(vec![
        ItemRef::GamePass(1),
        ItemRef::Badge(2),
        ItemRef::Badge(2),
    ]);
    store.track(9, &one).await.unwrap();
    store.track(9, &other).await.unwrap();
    assert_eq!(store.tracked().await.unwrap().len(), 4);
    assert!(store.untrack(9, &other).await.unwrap());
    assert!(!store.untrack(9, &one).await.unwrap());
    assert!(matches!(
        store.track(u64::MAX, &Scope::Badges).await,
        Err(roblox_inventory_tracking::store::StoreError::UserId(_))
    ));
}

/// What is due comes a page at a time, stalest first, in `tracked`'s order;
/// a scope recorded while pages are read is not listed again; the scopes
/// observed since a time are counted with the stalest of them.
pub async fn due_scopes_come_a_page_at_a_time_stalest_first(url: &str) {
    let store = SqlStore::open(url).await.unwrap();
    // Whole seconds: the store keeps times to the microsecond.
    let hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    let t0 = chrono::DateTime::from_timestamp(hour_ago.timestamp(), 0).unwrap();
    let at = |seconds: i64| t0 + chrono::Duration::seconds(seconds);
    for user in [7, 3, 5] {
        store.track(user, &Scope::Badges).await.unwrap();
    }
    for (user, seconds) in [(20, 2), (10, 0), (30, 1), (40, 60)] {
        let mut snapshot = passes(user, &[1]);
        snapshot.observed_at = at(seconds);
        store.record(&snapshot).await.unwrap();
    }
    // Due: never observed, or observed before t0 + 30 s.
    let due_before = at(30);
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = store.due(due_before, after.as_ref(), 2).await.unwrap();
        if pages.is_empty() {
            // A scope recorded while the pages are read is due no more.
            store.record(&passes(30, &[1, 2])).await.unwrap();
        }
        let Some(last) = page.last().cloned() else {
            break;
        };
        pages.push(page.iter().map(|t| t.user_id).collect::<Vec<_>>());
        after = Some(last);
    }
    assert_eq!(pages, [vec![3, 5], vec![7, 10], vec![20]]);
    let stalest_first: Vec<u64> = store
        .tracked()
        .await
        .unwrap()
        .iter()
        .map(|t| t.user_id)
        .collect();
    assert_eq!(stalest_first, [3, 5, 7, 10, 20, 40, 30]);
    // Observed since t0 + 30 s: user 40 (t0 + 60 s) and 30 (now).
    let (count, stalest) = store.observed_since(due_before).await.unwrap();
    assert_eq!((count, stalest), (2, Some(at(60))));
    let future = chrono::Utc::now() + chrono::Duration::hours(1);
    assert_eq!(store.observed_since(future).await.unwrap(), (0, None));
    assert!(store
        .due(chrono::DateTime::<chrono::Utc>::MIN_UTC, None, 10)
        .await
        .unwrap()
        .iter()
        .all(|t| t.observed_at.is_none()));
}

/// Churn observed through the store, with the store reopened between
/// cycles (a restart): the log holds every change once.
pub async fn the_log_holds_each_churned_change_once_across_restarts(url: &str) {
    let sandbox = sandbox(World::default_world()).await;
    let reader = client(&sandbox, "sandbox-key-builderman");
    let users: Vec<u64> = sandbox.world().users.iter().map(|u| u.id).collect();
    let mut direct = Vec::new();
    let mut known: std::collections::HashMap<u64, Tracked> = Default::default();
    for cycle in 0..4u64 {
        if cycle > 0 {
            sandbox.churn(100 + cycle, 20);
        }
        let store = SqlStore::open(url).await.unwrap();
        for &user in &users {
            let snapshot = observe(&reader, user, &Scope::GamePasses).await.unwrap();
            let (now, changes) = Tracked::observe(known.get(&user), &snapshot);
            known.insert(user, now);
            direct.extend(changes);
            store.record(&snapshot).await.unwrap();
        }
    }
    let store = SqlStore::open(url).await.unwrap();
    let logged: Vec<_> = store
        .changes_after(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.change)
        .collect();
    assert!(!direct.is_empty());
    assert_eq!(logged, direct);
}

/// Fleets: claims from two handles never overlap, a released or expired lease
/// is claimed again, a scope observed recently is not due, stalest first.
pub async fn claims_never_overlap_and_expired_leases_are_taken_over(url: &str) {
    use std::collections::BTreeSet;
    use std::time::Duration;
    let (a, b) = (
        SqlStore::open(url).await.unwrap(),
        SqlStore::open(url).await.unwrap(),
    );
    for user in 1..=40 {
        a.track(user, &Scope::Badges).await.unwrap();
    }
    let everything = chrono::Utc::now() + chrono::Duration::days(1);
    let hour = Duration::from_secs(3_600);
    let (x, y) = tokio::join!(
        a.claim("a", 15, everything, hour),
        b.claim("b", 15, everything, hour)
    );
    let users = |claimed: &[roblox_inventory_tracking::store::TrackedScope]| {
        claimed.iter().map(|t| t.user_id).collect::<BTreeSet<_>>()
    };
    let (x, y) = (users(&x.unwrap()), users(&y.unwrap()));
    assert_eq!((x.len(), y.len()), (15, 15));
    assert!(x.is_disjoint(&y), "{x:?} {y:?}");
    let rest = users(&a.claim("c", 100, everything, hour).await.unwrap());
    assert_eq!(rest.len(), 10);
    assert!(rest.is_disjoint(&x) && rest.is_disjoint(&y));
    assert!(
        a.claim("d", 100, everything, hour)
            .await
            .unwrap()
            .is_empty(),
        "all leased"
    );
    // Released by its holder (only): claimable again.
    let given_back = *x.iter().next().unwrap();
    b.release("not-the-holder", given_back, &Scope::Badges)
        .await
        .unwrap();
    assert!(a
        .claim("d", 100, everything, hour)
        .await
        .unwrap()
        .is_empty());
    a.release("a", given_back, &Scope::Badges).await.unwrap();
    assert_eq!(
        users(&b.claim("b", 100, everything, hour).await.unwrap()),
        BTreeSet::from([given_back])
    );
    // A dead watcher's lease runs out (a zero lease at once): taken over.
    a.track(100, &Scope::Badges).await.unwrap();
    let dead = a
        .claim("dead", 1, everything, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(users(&dead), BTreeSet::from([100]));
    assert_eq!(
        users(&b.claim("alive", 1, everything, hour).await.unwrap()),
        BTreeSet::from([100]),
        "taken over"
    );
    // Observed just now: not due before an hour ago; never observed comes first.
    a.record(&Snapshot {
        user_id: 200,
        scope: Scope::GamePasses,
        observed_at: chrono::Utc::now(),
        view: View::Holdings(Vec::new()),
    })
    .await
    .unwrap();
    a.track(201, &Scope::GamePasses).await.unwrap();
    let hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    assert_eq!(
        users(&a.claim("e", 10, hour_ago, hour).await.unwrap()),
        BTreeSet::from([201])
    );
    let order: Vec<u64> = a
        .claim("f", 10, everything, hour)
        .await
        .unwrap()
        .iter()
        .map(|t| t.user_id)
        .collect();
    assert_eq!(
        order,
        [200],
        "201 is leased, 200 is due with a day's tolerance"
    );
}
