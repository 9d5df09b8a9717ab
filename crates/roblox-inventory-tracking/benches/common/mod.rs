//! What the tracking benchmarks share: a watcher process (the benchmark binary
//! run again as a child, so it can be killed with SIGKILL and its memory
//! measured alone) and a store wrapper that times every call.

#![allow(dead_code)]

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use roblox_inventory::budget::{FailurePolicy, LocalBudget, RedisBudget};
use roblox_inventory::{Client, Host, Operation};
use roblox_inventory_sandbox::{Population, Sandbox, World};
use roblox_inventory_tests::change_line;
use roblox_inventory_tracking::store::{
    LoggedChange, SqlStore, Store, StoreError, StoreFuture, TrackedScope,
};
use roblox_inventory_tracking::watcher::Watcher;
use roblox_inventory_tracking::{ChangeKind, HoldingId, Scope, Snapshot, Tracked};

/// A network's round trip, added by the sandbox to every answer, shortened
/// with the minute: 25 ms against Roblox's one-second window is 0.5 ms
/// against the benchmarks' 20-ms one. (Unshortened, a round trip longer
/// than the window leaves the budget reading each window's headers after
/// it ended: the cycle took 2.0× the limit.)
pub const LATENCY: Duration = Duration::from_micros(500);

/// Nanoseconds since the Unix epoch.
pub fn unix_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// A store that measures the time of its calls, and prints each recorded
/// scope (`RECORD user unix-ms`) when asked to. Two measures: the calls'
/// durations added up (concurrent calls, and their waits for each other,
/// count once each), and the time during which at least one call was under
/// way (the store was busy).
pub struct TimedStore {
    inner: Arc<dyn Store>,
    nanos: AtomicU64,
    /// Calls under way, since when the first of them began, busy time so far.
    busy: std::sync::Mutex<(u32, Option<Instant>, Duration)>,
    calls: AtomicU64,
    print_records: bool,
}

impl TimedStore {
    pub fn new(inner: Arc<dyn Store>, print_records: bool) -> Self {
        Self {
            inner,
            nanos: AtomicU64::new(0),
            busy: std::sync::Mutex::new((0, None, Duration::ZERO)),
            calls: AtomicU64::new(0),
            print_records,
        }
    }

    /// The calls' durations added up.
    pub fn spent(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::Relaxed))
    }

    /// How long at least one call was under way.
    pub fn busy(&self) -> Duration {
        self.busy.lock().unwrap().2
    }

    /// How many calls there were.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn timed<'a, T: Send + 'a>(
        &'a self,
        call: StoreFuture<'a, T>,
    ) -> Pin<Box<dyn std::future::Future<Output = Result<T, StoreError>> + Send + 'a>> {
        Box::pin(async move {
            let began = Instant::now();
            {
                let mut busy = self.busy.lock().unwrap();
                busy.0 += 1;
                busy.1.get_or_insert(began);
            }
            let result = call.await;
            let ended = Instant::now();
            self.nanos
                .fetch_add((ended - began).as_nanos() as u64, Ordering::Relaxed);
            self.calls.fetch_add(1, Ordering::Relaxed);
            let mut busy = self.busy.lock().unwrap();
            busy.0 -= 1;
            if busy.0 == 0 {
                if let Some(since) = busy.1.take() {
                    busy.2 += ended - since;
                }
            }
            result
        })
    }
}

impl Store for TimedStore {
    fn track(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, ()> {
        self.timed(self.inner.track(user_id, scope))
    }
    fn untrack(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, bool> {
        self.timed(self.inner.untrack(user_id, scope))
    }
    fn tracked(&self) -> StoreFuture<'_, Vec<TrackedScope>> {
        self.timed(self.inner.tracked())
    }
    fn due(
        &self,
        due_before: DateTime<Utc>,
        after: Option<&TrackedScope>,
        limit: usize,
    ) -> StoreFuture<'_, Vec<TrackedScope>> {
        self.timed(self.inner.due(due_before, after, limit))
    }
    fn observed_since(
        &self,
        since: DateTime<Utc>,
    ) -> StoreFuture<'_, (usize, Option<DateTime<Utc>>)> {
        self.timed(self.inner.observed_since(since))
    }
    fn known(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, Option<Tracked>> {
        self.timed(self.inner.known(user_id, scope))
    }
    fn record<'a>(&'a self, snapshot: &'a Snapshot) -> StoreFuture<'a, Vec<LoggedChange>> {
        Box::pin(async move {
            let logged = self.timed(self.inner.record(snapshot)).await?;
            if self.print_records {
                println!("RECORD {} {}", snapshot.user_id, unix_nanos() / 1_000_000);
            }
            Ok(logged)
        })
    }
    fn claim(
        &self,
        worker: &str,
        limit: usize,
        due_before: DateTime<Utc>,
        lease: Duration,
    ) -> StoreFuture<'_, Vec<TrackedScope>> {
        self.timed(self.inner.claim(worker, limit, due_before, lease))
    }
    fn release(&self, worker: &str, user_id: u64, scope: &Scope) -> StoreFuture<'_, ()> {
        self.timed(self.inner.release(worker, user_id, scope))
    }
    fn last_change_id(&self) -> StoreFuture<'_, i64> {
        self.timed(self.inner.last_change_id())
    }
    fn changes_after(&self, cursor: i64, limit: usize) -> StoreFuture<'_, Vec<LoggedChange>> {
        self.timed(self.inner.changes_after(cursor, limit))
    }
}

/// How a watcher child runs, from its environment.
pub struct ChildConfig {
    pub base: String,
    pub db: String,
    pub minute: Duration,
    pub concurrency: usize,
    pub interval: Duration,
    /// `BENCH_REDIS`: a shared budget instead of an in-process one.
    pub redis: Option<String>,
    /// `BENCH_WORKER`: claims under this name, cycles until killed.
    pub worker: Option<String>,
    pub lease: Duration,
}

impl ChildConfig {
    /// The configuration when this process is a child (`BENCH_BASE` set).
    pub fn from_env() -> Option<Self> {
        let base = std::env::var("BENCH_BASE").ok()?;
        let var = |name: &str| std::env::var(name).ok();
        let ms = |name: &str, default: u64| {
            Duration::from_millis(var(name).map_or(default, |v| v.parse().unwrap()))
        };
        Some(Self {
            base,
            db: var("BENCH_DB").expect("BENCH_DB"),
            minute: ms("BENCH_MINUTE_MS", 60_000),
            concurrency: var("BENCH_CONCURRENCY").map_or(16, |v| v.parse().unwrap()),
            interval: ms("BENCH_INTERVAL_MS", 0),
            redis: var("BENCH_REDIS"),
            worker: var("BENCH_WORKER"),
            lease: ms("BENCH_LEASE_MS", 5_000),
        })
    }

    /// Sets this configuration on a child's command.
    pub fn apply(&self, command: &mut std::process::Command) {
        command
            .env("BENCH_BASE", &self.base)
            .env("BENCH_DB", &self.db)
            .env("BENCH_MINUTE_MS", self.minute.as_millis().to_string())
            .env("BENCH_CONCURRENCY", self.concurrency.to_string())
            .env("BENCH_INTERVAL_MS", self.interval.as_millis().to_string())
            .env("BENCH_LEASE_MS", self.lease.as_millis().to_string());
        if let Some(redis) = &self.redis {
            command.env("BENCH_REDIS", redis);
        }
        if let Some(worker) = &self.worker {
            command.env("BENCH_WORKER", worker);
        }
    }
}

/// Linux's peak resident set of this process, in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A watcher child: one cycle, then a `CYCLE` line of JSON; with a worker
/// name, cycles with claims until killed, a `RECORD` line per scope recorded.
pub fn child(config: ChildConfig) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let builder = Client::builder().base_url(&config.base);
        let builder = match &config.redis {
            Some(url) => builder.request_budget(
                RedisBudget::builder(url.clone())
                    .minute(config.minute)
                    .failure_policy(FailurePolicy::FailClosed)
                    .build()
                    .unwrap(),
            ),
            None => builder.request_budget(LocalBudget::with_minute(config.minute)),
        };
        let client = builder.build().unwrap();
        let store = Arc::new(TimedStore::new(
            Arc::new(SqlStore::open(&config.db).await.unwrap()),
            config.worker.is_some(),
        ));
        let mut watcher =
            Watcher::new(client, store.clone(), config.interval).concurrency(config.concurrency);
        if let Some(worker) = &config.worker {
            watcher = watcher.with_claims(worker.clone(), config.lease, config.concurrency);
            loop {
                let report = watcher.cycle().await.unwrap();
                println!(
                    "CYCLE {} recorded, {} missed",
                    report.recorded,
                    report.missed.len()
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        let started = unix_nanos();
        let report = watcher.cycle().await.unwrap();
        let line = serde_json::json!({
            "started_unix_ns": started.to_string(),
            "took_ms": report.took.as_secs_f64() * 1e3,
            "recorded": report.recorded,
            "missed": report.missed.len(),
            "changes": report.changes,
            "collectibles_requests": report.requests.get(Operation::GetV1UsersAssetsCollectibles),
            "legacy_requests": report.requests.to_host(Host::Legacy),
            "cloud_requests": report.requests.to_host(Host::Cloud),
            "windows_needed_ms": report.windows_needed.map(|d| d.as_secs_f64() * 1e3),
            "store_ms": store.spent().as_secs_f64() * 1e3,
            "store_busy_ms": store.busy().as_secs_f64() * 1e3,
            "store_calls": store.calls(),
            "peak_rss_kib": peak_rss_kib(),
        });
        println!("CYCLE {line}");
    });
}

/// Runs a watcher child when this process is one (`BENCH_BASE` set), and
/// answers `--list` (cargo asks benchmarks for their names) with nothing;
/// whether it did either, so the benchmark itself should not run.
pub fn ran_as_child_or_listed() -> bool {
    if let Some(config) = ChildConfig::from_env() {
        child(config);
        return true;
    }
    std::env::args().any(|a| a == "--list")
}

/// A child's `CYCLE` report.
pub fn cycle_report(stdout: &[u8]) -> serde_json::Value {
    let text = String::from_utf8_lossy(stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("CYCLE "))
        .unwrap_or_else(|| panic!("no CYCLE line in {text}"));
    serde_json::from_str(line).unwrap()
}

/// A sandbox with the documented limits on `minute` and [`LATENCY`], whose
/// world has `users` generated users (ids from 100,000) holding a few of 30
/// catalog assets, every third of them a Limited; the users' ids.
pub async fn sandbox(seed: u64, users: usize, minute: Duration) -> (Sandbox, Vec<u64>) {
    let mut world = World::populated(&Population {
        assets: 30,
        owned_percent: 10,
        ..Population::new(seed, users)
    });
    for asset in &mut world.assets {
        if asset.id % 3 == 0 {
            asset.limited = true;
        }
    }
    let sandbox = Sandbox::builder()
        .world(world)
        .rate_limit_minute(minute)
        .latency(LATENCY)
        .start()
        .await
        .unwrap();
    let first = Population::new(0, 0).first_user_id;
    (sandbox, (first..first + users as u64).collect())
}

/// A logged change as a line of `CollectibleTruth::observe`.
pub fn line(logged: &LoggedChange) -> String {
    let user = logged.change.user_id;
    let (what, copy) = match &logged.change.kind {
        ChangeKind::Gained(h) => ("gained", h.id),
        ChangeKind::Lost(h) => ("lost", h.id),
        ChangeKind::BecamePrivate => return change_line(user, "became-private", None),
        ChangeKind::BecameVisible => return change_line(user, "became-visible", None),
        other => panic!("{other:?}"),
    };
    let HoldingId::Copy { user_asset_id, .. } = copy else {
        panic!("{copy:?}")
    };
    change_line(user, what, Some(user_asset_id))
}
