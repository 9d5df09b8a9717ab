//! `cargo bench -p roblox-inventory-tracking --features postgres --bench fleet`
//! (release; needs PostgreSQL's binaries and `redis-server`, which it starts).
//!
//! Four watcher processes (this binary again, as children) share one
//! PostgreSQL store through leases and one Redis request budget, against the
//! sandbox with the documented limits on a shortened minute. Between rounds
//! the sandbox churns; one watcher is killed with SIGKILL in the middle of a
//! round. Reported: every change the sandbox made logged once (and nothing
//! else), how far apart each user's observations were (never two in one
//! interval: no user polled by two processes in the same cycle), and 429s.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::ChildConfig;
use roblox_inventory_sandbox::Route;
use roblox_inventory_tests::{CollectibleTruth, PostgresServer, RedisServer};
use roblox_inventory_tracking::store::{SqlStore, Store};
use roblox_inventory_tracking::Scope;

/// Roblox's minute, shortened as in the `tracking` benchmark: 200
/// collectibles requests per second for the whole fleet (one address).
const MINUTE: Duration = Duration::from_millis(1_200);
const USERS: usize = 400;
const WORKERS: usize = 4;
/// Each scope is observed once per interval; a pass over the users takes
/// about 2 s at the limit.
const INTERVAL: Duration = Duration::from_secs(4);
const LEASE: Duration = Duration::from_secs(1);
const ROUNDS: u64 = 4;

/// Waits until every tracked scope was observed since `since`.
async fn all_observed_since(store: &SqlStore, since: chrono::DateTime<chrono::Utc>) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let tracked = store.tracked().await.unwrap();
        if tracked
            .iter()
            .all(|t| t.observed_at.is_some_and(|at| at >= since))
        {
            return;
        }
        assert!(Instant::now() < deadline, "the fleet stopped observing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn main() {
    if common::ran_as_child_or_listed() {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (sandbox, users) = runtime.block_on(common::sandbox(7, USERS, MINUTE));
    let postgres = PostgresServer::start();
    let redis = RedisServer::start();
    let db = postgres.fresh_database();
    let store = runtime.block_on(SqlStore::open(&db)).unwrap();
    runtime.block_on(async {
        for user in &users {
            store.track(*user, &Scope::Collectibles).await.unwrap();
        }
    });
    let spawn = |n: usize| -> Child {
        let mut command = Command::new(std::env::current_exe().unwrap());
        ChildConfig {
            base: sandbox.base_url(),
            db: db.clone(),
            minute: MINUTE,
            concurrency: 4,
            interval: INTERVAL,
            redis: Some(redis.url()),
            worker: Some(format!("watcher-{n}")),
            lease: LEASE,
        }
        .apply(&mut command);
        command.stdout(Stdio::piped()).spawn().unwrap()
    };
    let began = Instant::now();
    let mut workers: Vec<Child> = (0..WORKERS).map(spawn).collect();
    let start = chrono::Utc::now() - chrono::Duration::days(1);
    runtime.block_on(all_observed_since(&store, start));
    println!(
        "baseline of {USERS} users by {WORKERS} watchers: {:.1?}",
        began.elapsed()
    );
    let mut truth = CollectibleTruth::baseline(&users, &sandbox.world());
    let (mut all_right, mut victim_output) = (true, String::new());
    for round in 1..=ROUNDS {
        let cursor = runtime.block_on(store.last_change_id()).unwrap();
        let churned_at = chrono::Utc::now();
        let made = sandbox.churn(100 + round, 150);
        let expected = truth.observe(&sandbox.world());
        let mut killed = String::new();
        if round == 2 {
            // Kill one once the fleet has asked for a quarter of the users
            // since the churn (mid-round; its leases run out, others take over).
            let asked = sandbox.requests(Route::Collectibles);
            while sandbox.requests(Route::Collectibles) < asked + USERS as u64 / 4 {
                std::thread::sleep(Duration::from_millis(1));
            }
            let victim = &mut workers[1];
            victim.kill().unwrap(); // SIGKILL
            victim.wait().unwrap();
            victim
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut victim_output)
                .unwrap();
            killed = format!(
                "; watcher-1 killed with SIGKILL after the fleet asked for {} users this round",
                sandbox.requests(Route::Collectibles) - asked
            );
        }
        runtime.block_on(all_observed_since(&store, churned_at));
        let logged = runtime
            .block_on(store.changes_after(cursor, usize::MAX))
            .unwrap();
        let lines: Vec<String> = logged.iter().map(common::line).collect();
        let once: BTreeSet<String> = lines.iter().cloned().collect();
        let right = once == expected && once.len() == lines.len();
        all_right &= right;
        println!(
            "round {round}: {} churn events, {} changes to report, {} logged ({} twice, {} missing, {} extra){killed}",
            made.len(),
            expected.len(),
            lines.len(),
            lines.len() - once.len(),
            expected.difference(&once).count(),
            once.difference(&expected).count(),
        );
    }
    let ran = began.elapsed();
    let mut outputs = vec![victim_output];
    for (n, mut worker) in workers.into_iter().enumerate() {
        if n == 1 {
            continue;
        }
        worker.kill().unwrap();
        worker.wait().unwrap();
        let mut text = String::new();
        worker
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        outputs.push(text);
    }
    // Each user's recordings, from every watcher, in time order.
    let mut recorded: BTreeMap<u64, Vec<(u64, usize)>> = BTreeMap::new();
    for (n, text) in outputs.iter().enumerate() {
        for record in text.lines().filter_map(|l| l.strip_prefix("RECORD ")) {
            let (user, at) = record.split_once(' ').unwrap();
            recorded
                .entry(user.parse().unwrap())
                .or_default()
                .push((at.parse().unwrap(), n));
        }
    }
    let (mut closest, mut by_two) = (u64::MAX, 0usize);
    for times in recorded.values_mut() {
        times.sort();
        for pair in times.windows(2) {
            let gap = pair[1].0 - pair[0].0;
            closest = closest.min(gap);
            if gap < INTERVAL.as_millis() as u64 / 2 {
                by_two += 1;
            }
        }
    }
    let asked = sandbox.user_requests(Route::Collectibles);
    let closest_asked = asked
        .values()
        .flat_map(|times| times.windows(2).map(|p| p[1] - p[0]))
        .min()
        .unwrap_or_default();
    let per_worker: Vec<usize> = outputs
        .iter()
        .map(|t| t.lines().filter(|l| l.starts_with("RECORD ")).count())
        .collect();
    println!(
        "{WORKERS} watchers, {USERS} users, {ROUNDS} rounds in {ran:.1?}: recordings per watcher (the killed one first) {per_worker:?}; closest two recordings of one user {closest} ms apart (interval {} ms), {by_two} pairs within half an interval; closest two requests for one user {closest_asked:.1?} apart; {} × 429; every round right: {all_right}",
        INTERVAL.as_millis(),
        sandbox.rate_limited(Route::Collectibles),
    );
    assert!(all_right && by_two == 0);
    drop((postgres, redis));
    runtime.block_on(sandbox.shutdown());
}
