//! `cargo bench -p roblox-inventory-tracking --features postgres --bench tracking`
//! (release; needs PostgreSQL's binaries, which it starts in a temp dir).
//!
//! Against the sandbox with the documented limits on a shortened minute and a
//! network's latency, a watcher process (this binary again, as a child):
//! - W4: one cycle over 10,000 users' collectibles: wall time against the
//!   limit the collectibles endpoint's windows allow, requests per host, 429s;
//! - the store's share of a cycle on SQLite and on PostgreSQL;
//! - peak memory for 100 and for 10,000 tracked users;
//! - W5: seeded churn between cycles, one of them killed with SIGKILL half-way
//!   and started again: every change the sandbox made logged once, nothing else.

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{cycle_report, ChildConfig, LATENCY};
use roblox_inventory_sandbox::Route;
use roblox_inventory_tests::{CollectibleTruth, PostgresServer};
use roblox_inventory_tracking::store::{SqlStore, Store};
use roblox_inventory_tracking::Scope;

/// Roblox's minute, shortened: the collectibles endpoint's 4 per second
/// become 4 per 20 ms (200 requests per second). The sandbox's latency is
/// shortened with it (`common::LATENCY`).
const MINUTE: Duration = Duration::from_millis(1_200);
const USERS: usize = 10_000;
const SMALL: usize = 100;

/// One watcher cycle in a child process; its report.
fn cycle(base: &str, db: &str) -> serde_json::Value {
    let mut command = Command::new(std::env::current_exe().unwrap());
    config(base, db).apply(&mut command);
    let output = command.stderr(Stdio::inherit()).output().unwrap();
    assert!(output.status.success());
    cycle_report(&output.stdout)
}

fn config(base: &str, db: &str) -> ChildConfig {
    ChildConfig {
        base: base.to_string(),
        db: db.to_string(),
        minute: MINUTE,
        concurrency: 16,
        interval: Duration::ZERO,
        redis: None,
        worker: None,
        lease: Duration::from_secs(5),
    }
}

/// Opens a store at `url` and tracks `users`' collectibles; how long that took.
async fn tracked(url: &str, users: &[u64]) -> Duration {
    let store = SqlStore::open(url).await.unwrap();
    let began = Instant::now();
    for user in users {
        store.track(*user, &Scope::Collectibles).await.unwrap();
    }
    began.elapsed()
}

/// The limit for `n` requests to one operation allowed `max` per `window`,
/// the first sent `started` (ns since the epoch; windows are aligned to it):
/// `T(n) = t + ⌊(n − max − 1) / max⌋ · W` past the first `max`, plus one
/// round trip for the last answer.
fn limit(n: u64, max: u64, window: Duration, started: u128) -> Duration {
    let w = window.as_nanos();
    let first_ends = Duration::from_nanos((w - started % w) as u64);
    let waits = if n <= max {
        Duration::ZERO
    } else {
        first_ends + window * ((n - max - 1) / max) as u32
    };
    waits + LATENCY
}

/// The store's cost in a cycle's report: busy time and the calls' summed
/// time as shares of the cycle, per call, and the busy share the same calls
/// would be of a cycle at Roblox's real limit (4 collectibles requests per
/// second: 250 ms per user).
fn store_cost(report: &serde_json::Value) -> String {
    let number = |key: &str| report[key].as_f64().unwrap();
    let (took, busy, summed, calls) = (
        number("took_ms"),
        number("store_busy_ms"),
        number("store_ms"),
        number("store_calls"),
    );
    let real_cycle = number("collectibles_requests") * 250.0;
    format!(
        "busy {busy:.0} ms of a {took:.0} ms cycle ({:.1} %; the calls' times added up: {:.1} %), {calls} calls, {:.3} ms busy per call; at the real minute the cycle lasts {:.0} s: {:.2} %",
        100.0 * busy / took,
        100.0 * summed / took,
        busy / calls,
        real_cycle / 1e3,
        100.0 * busy / real_cycle,
    )
}

/// The watcher process's peak RSS with few and with many users.
fn peak_memory(engine: &str, few: &serde_json::Value, many: &serde_json::Value) {
    let (few, many) = (
        few["peak_rss_kib"].as_u64().unwrap(),
        many["peak_rss_kib"].as_u64().unwrap(),
    );
    println!(
        "peak RSS of the watcher process on {engine}: {SMALL} users {few} KiB, {USERS} users {many} KiB: {:.2}×",
        many as f64 / few as f64
    );
}

fn main() {
    if common::ran_as_child_or_listed() {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (sandbox, users) = runtime.block_on(common::sandbox(42, USERS, MINUTE));
    let base = sandbox.base_url();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("big.db").display().to_string();
    let small = dir.path().join("small.db").display().to_string();
    let took = runtime.block_on(tracked(&sqlite, &users));
    println!("tracking {USERS} scopes on SQLite, one at a time: {took:.1?}");
    runtime.block_on(tracked(&small, &users[..SMALL]));

    // Peak memory: 100 users, then W4 (10,000).
    let few = cycle(&base, &small);
    let limited_before = sandbox.rate_limited(Route::Collectibles);
    let w4 = cycle(&base, &sqlite);
    let refused = sandbox.rate_limited(Route::Collectibles) - limited_before;
    let n = w4["collectibles_requests"].as_u64().unwrap();
    let started: u128 = w4["started_unix_ns"].as_str().unwrap().parse().unwrap();
    let bound = limit(n, 4, MINUTE / 60, started);
    let took_ms = w4["took_ms"].as_f64().unwrap();
    println!(
        "W4: {} users' collectibles in {:.2} s, limit {:.2} s: {:.3} of the limit; {} legacy + {} Open Cloud requests; {refused} × 429; {} recorded, {} missed; windows_needed {:?} ms",
        USERS,
        took_ms / 1e3,
        bound.as_secs_f64(),
        took_ms / 1e3 / bound.as_secs_f64(),
        w4["legacy_requests"],
        w4["cloud_requests"],
        w4["recorded"],
        w4["missed"],
        w4["windows_needed_ms"],
    );
    println!("store, SQLite: {}", store_cost(&w4));
    peak_memory("SQLite", &few, &w4);

    // The store's share on PostgreSQL.
    let postgres = PostgresServer::start();
    let pg = postgres.fresh_database();
    let pg_small = postgres.fresh_database();
    let took = runtime.block_on(tracked(&pg, &users));
    println!("tracking {USERS} scopes on PostgreSQL, one at a time: {took:.1?}");
    runtime.block_on(tracked(&pg_small, &users[..SMALL]));
    let few_on_pg = cycle(&base, &pg_small);
    let on_pg = cycle(&base, &pg);
    peak_memory("PostgreSQL", &few_on_pg, &on_pg);
    println!(
        "store, PostgreSQL: {} ({} recorded, {} × 429 in all)",
        store_cost(&on_pg),
        on_pg["recorded"],
        sandbox.rate_limited(Route::Collectibles),
    );

    // W5: churn, a cycle killed half-way and run again, then compare the log.
    let store = Arc::new(runtime.block_on(SqlStore::open(&sqlite)).unwrap());
    // The world has not changed since W4's cycle: its baseline.
    let mut world_truth = CollectibleTruth::baseline(&users, &sandbox.world());
    for round in 1..=3u64 {
        let cursor = runtime.block_on(store.last_change_id()).unwrap();
        let made = sandbox.churn(round, 400);
        let truth = world_truth.observe(&sandbox.world());
        let asked = sandbox.requests(Route::Collectibles);
        if round == 1 {
            let mut command = Command::new(std::env::current_exe().unwrap());
            config(&base, &sqlite).apply(&mut command);
            let mut child = command.stdout(Stdio::null()).spawn().unwrap();
            while sandbox.requests(Route::Collectibles) < asked + USERS as u64 / 2 {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "the watcher ended early"
                );
                std::thread::sleep(Duration::from_millis(2));
            }
            child.kill().unwrap();
            child.wait().unwrap();
        }
        let killed_at = sandbox.requests(Route::Collectibles) - asked;
        let report = cycle(&base, &sqlite);
        let logged = runtime
            .block_on(store.changes_after(cursor, usize::MAX))
            .unwrap();
        let lines: Vec<String> = logged.iter().map(common::line).collect();
        let once: std::collections::BTreeSet<String> = lines.iter().cloned().collect();
        let (missing, extra): (Vec<_>, Vec<_>) = (
            truth.difference(&once).collect(),
            once.difference(&truth).collect(),
        );
        println!(
            "W5 round {round}: {} churn events, {} changes to report; {} logged ({} twice), {} missing, {} extra; {}; the full cycle recorded {} and missed {}",
            made.len(),
            truth.len(),
            lines.len(),
            lines.len() - once.len(),
            missing.len(),
            extra.len(),
            if round == 1 {
                format!("a watcher killed with SIGKILL after {killed_at} of {USERS} users were asked")
            } else {
                "no kill".to_string()
            },
            report["recorded"],
            report["missed"],
        );
        println!("  its store: {}", store_cost(&report));
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{missing:?} {extra:?}"
        );
        assert_eq!(lines.len(), once.len(), "a change logged twice");
    }
    println!(
        "429s over the whole run: {}",
        sandbox.rate_limited(Route::Collectibles)
    );
    drop(postgres);
    runtime.block_on(sandbox.shutdown());
}
