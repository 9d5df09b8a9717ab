//! A fleet sharing one API key: N processes (this binary re-run as children)
//! list inventories as fast as their budgets allow for a few windows, against
//! the sandbox with the documented limit (100 per minute per key owner) on a
//! 2-s minute. Each N runs twice: every process with its own in-process
//! budget, then all sharing one `RedisBudget`. Reported: answered requests per
//! full window against the limit (mean and largest), and the sandbox's 429s.
//! Then the cost of one Redis acquire beside a request's own latency.
//!
//! `cargo bench -p roblox-inventory --features redis --bench fleet` (needs `redis-server`).

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::TryStreamExt;
use roblox_inventory::budget::{
    BudgetKey, Counted, FailurePolicy, LocalBudget, RedisBudget, RequestBudget, Scope,
};
use roblox_inventory::Client;
use roblox_inventory_sandbox::{Route, Sandbox};
use roblox_inventory_tests::RedisServer;

const MINUTE: Duration = Duration::from_secs(2);
const LIMIT: u64 = 100;
const KEY: &str = "sandbox-key-builderman";
/// How long each fleet runs: four windows, so two or three are full.
const RUN: Duration = Duration::from_secs(8);
/// Requests in flight per process.
const IN_FLIGHT: usize = 8;
/// A network's round trip, added by the sandbox to every answer.
const LATENCY: Duration = Duration::from_millis(25);

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// A child: request until the run ends; print when each answer came.
async fn member(redis: Option<String>, base: String) {
    let budget: Box<dyn Fn(roblox_inventory::ClientBuilder) -> roblox_inventory::ClientBuilder> =
        match redis {
            Some(url) => Box::new(move |b: roblox_inventory::ClientBuilder| {
                b.request_budget(
                    RedisBudget::builder(url.clone())
                        .minute(MINUTE)
                        .failure_policy(FailurePolicy::FailClosed)
                        .build()
                        .unwrap(),
                )
            }),
            None => Box::new(|b: roblox_inventory::ClientBuilder| {
                b.request_budget(LocalBudget::with_minute(MINUTE))
            }),
        };
    let client = budget(Client::builder().base_url(base).api_key(KEY))
        .build()
        .unwrap();
    let end = Instant::now() + RUN;
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let client = client.with_budget_deadline(end);
            tokio::spawn(async move {
                let mut answered = Vec::new();
                while Instant::now() < end {
                    let page = client
                        .inventory_items(156)
                        .page_size(1)
                        .max_pages(1)
                        .pages()
                        .try_collect::<Vec<_>>()
                        .await;
                    if page.is_ok() {
                        answered.push(now_ms());
                    }
                }
                answered
            })
        })
        .collect();
    for worker in workers {
        for at in worker.await.unwrap() {
            println!("FLEET {at}");
        }
    }
}

struct Outcome {
    mean: f64,
    max: u64,
    rate_limited: u64,
}

fn fleet(
    processes: usize,
    redis: Option<&RedisServer>,
    runtime: &tokio::runtime::Runtime,
) -> Outcome {
    let sandbox = runtime
        .block_on(
            Sandbox::builder()
                .rate_limit_minute(MINUTE)
                .latency(LATENCY)
                .start(),
        )
        .unwrap();
    let children: Vec<_> = (0..processes)
        .map(|_| {
            let mut command = Command::new(std::env::current_exe().unwrap());
            command
                .env("FLEET_BASE_URL", sandbox.base_url())
                .stdout(std::process::Stdio::piped());
            if let Some(server) = redis {
                command.env("FLEET_REDIS", server.url());
            }
            command.spawn().unwrap()
        })
        .collect();
    let mut per_window = BTreeMap::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            if let Some(at) = line.strip_prefix("FLEET ") {
                let at: u128 = at.parse().unwrap();
                *per_window.entry(at / MINUTE.as_millis()).or_insert(0u64) += 1;
            }
        }
    }
    let counts: Vec<u64> = per_window.values().copied().collect();
    let full = &counts[1..counts.len().saturating_sub(1).max(1)];
    let rate_limited = sandbox.rate_limited(Route::ListInventoryItems);
    runtime.block_on(sandbox.shutdown());
    Outcome {
        mean: full.iter().sum::<u64>() as f64 / full.len().max(1) as f64,
        max: full.iter().copied().max().unwrap_or(0),
        rate_limited,
    }
}

/// Mean time of one acquire against Redis, and of one request (sandbox latency included).
fn acquire_cost(server: &RedisServer, runtime: &tokio::runtime::Runtime) -> (Duration, Duration) {
    runtime.block_on(async {
        let budget = RedisBudget::builder(server.url())
            .failure_policy(FailurePolicy::FailClosed)
            .build()
            .unwrap();
        // is-owned: 10,000 a minute, so no acquire waits for a window.
        let key = BudgetKey::new(
            roblox_inventory::Operation::GetV1UsersItemsIsOwned,
            Counted::Legacy,
        )
        .with_scope(Scope::of_secret("bench", "acquire"));
        budget.acquire(key, None).await.unwrap();
        const N: u32 = 2_000;
        let began = Instant::now();
        for _ in 0..N {
            budget.acquire(key, None).await.unwrap();
        }
        let acquire = began.elapsed() / N;
        let sandbox = Sandbox::builder()
            .rate_limits(false)
            .latency(LATENCY)
            .start()
            .await
            .unwrap();
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .without_budget()
            .build()
            .unwrap();
        let began = Instant::now();
        for _ in 0..50 {
            client
                .is_owned(
                    156,
                    roblox_inventory::models::OwnershipItemType::GamePass,
                    1111,
                )
                .await
                .unwrap();
        }
        let request = began.elapsed() / 50;
        sandbox.shutdown().await;
        (acquire, request)
    })
}

fn main() {
    if let Ok(base) = std::env::var("FLEET_BASE_URL") {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(member(std::env::var("FLEET_REDIS").ok(), base));
        return;
    }
    // `cargo bench` passes `--bench`; nothing else to read.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = RedisServer::start();
    println!(
        "fleet sharing one API key: limit {LIMIT} per {} s window, {} s per run, {IN_FLIGHT} in flight per process, {} ms latency",
        MINUTE.as_secs(),
        RUN.as_secs(),
        LATENCY.as_millis()
    );
    println!(
        "| processes | budget | answered per full window (mean / limit) | largest window | 429s |"
    );
    println!("|---|---|---|---|---|");
    for processes in [1, 2, 4, 8] {
        for (name, redis) in [("in-process", None), ("Redis", Some(&server))] {
            let outcome = fleet(processes, redis, &runtime);
            println!(
                "| {processes} | {name} | {:.1} ({:.2}) | {} | {} |",
                outcome.mean,
                outcome.mean / LIMIT as f64,
                outcome.max,
                outcome.rate_limited
            );
        }
    }
    let (acquire, request) = acquire_cost(&server, &runtime);
    println!(
        "\none acquire against Redis (unix socket): {:.3} ms; one request with {} ms latency: {:.1} ms ({:.1}% of it)",
        acquire.as_secs_f64() * 1e3,
        LATENCY.as_millis(),
        request.as_secs_f64() * 1e3,
        100.0 * acquire.as_secs_f64() / request.as_secs_f64()
    );
}
