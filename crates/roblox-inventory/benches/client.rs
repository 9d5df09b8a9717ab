//! Client benchmarks, each a ratio against a baseline doing the same work in the
//! same run (see BENCHMARKS.md for results and the machine).
//!
//! `cargo bench -p roblox-inventory --bench client`

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use roblox_inventory::budget::LocalBudget;
use roblox_inventory::{Client, InventoryItem, Item, RetryConfig};
use roblox_inventory_sandbox::{Route, Sandbox, World};
use serde_json::Value;

const USER: u64 = 1_000;

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key("sandbox-key-builderman")
        .without_budget()
        .build()
        .expect("client")
}

/// The fastest of `runs` timings of `work`.
async fn best<F, Fut, T>(runs: usize, mut work: F) -> (Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut best: Option<(Duration, T)> = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = work().await;
        let elapsed = started.elapsed();
        if best.as_ref().is_none_or(|(b, _)| elapsed < *b) {
            best = Some((elapsed, value));
        }
    }
    best.expect("at least one run")
}

async fn decoding(sandbox: &Sandbox) {
    let http = reqwest::Client::new();
    let fetch = |path: String, key: bool| {
        let http = http.clone();
        let url = format!("{}{path}", sandbox.base_url());
        async move {
            let mut request = http.get(url);
            if key {
                request = request.header("x-api-key", "sandbox-key-builderman");
            }
            request
                .send()
                .await
                .expect("page")
                .bytes()
                .await
                .expect("body")
        }
    };
    let cloud = fetch(
        format!("/cloud/v2/users/{USER}/inventory-items?maxPageSize=100"),
        true,
    )
    .await;
    let collectibles = fetch(
        format!("/v1/users/{USER}/assets/collectibles?limit=100"),
        false,
    )
    .await;
    const ROUNDS: usize = 2_000;
    let time = |f: &dyn Fn()| {
        let mut fastest = Duration::MAX;
        for _ in 0..5 {
            let started = Instant::now();
            for _ in 0..ROUNDS {
                f();
            }
            fastest = fastest.min(started.elapsed());
        }
        fastest / ROUNDS as u32
    };
    let ours_cloud = time(&|| {
        let items: Vec<InventoryItem> =
            roblox_inventory::decode_inventory_items_page(&cloud).expect("decode");
        std::hint::black_box(items);
    });
    let value_cloud = time(&|| {
        std::hint::black_box(serde_json::from_slice::<Value>(&cloud).expect("decode"));
    });
    let ours_collectibles = time(&|| {
        let page = roblox_inventory::decode_collectibles_page(&collectibles).expect("decode");
        std::hint::black_box(page.expect("every collectible has its ids"));
    });
    let value_collectibles = time(&|| {
        std::hint::black_box(serde_json::from_slice::<Value>(&collectibles).expect("decode"));
    });
    println!(
        "1. decoding a 100-item page (µs per page; ratio ours / serde_json::Value, goal ≤ 1.0)"
    );
    println!(
        "   Open Cloud ({} B): ours {:.1} µs, Value {:.1} µs, ratio {:.2}",
        cloud.len(),
        ours_cloud.as_secs_f64() * 1e6,
        value_cloud.as_secs_f64() * 1e6,
        ours_cloud.as_secs_f64() / value_cloud.as_secs_f64()
    );
    println!(
        "   collectibles ({} B): ours {:.1} µs, Value {:.1} µs, ratio {:.2}",
        collectibles.len(),
        ours_collectibles.as_secs_f64() * 1e6,
        value_collectibles.as_secs_f64() * 1e6,
        ours_collectibles.as_secs_f64() / value_collectibles.as_secs_f64()
    );
}

async fn paging(sandbox: &Sandbox, items: usize) {
    let client = client(sandbox);
    let (ours, count) = best(3, || async {
        client
            .inventory_items(USER)
            .items()
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await
            .expect("dump")
    })
    .await;
    assert!(count >= items);
    let http = reqwest::Client::new();
    let (baseline, baseline_count) = best(3, || async {
        let mut token: Option<String> = None;
        let mut n = 0usize;
        loop {
            let mut url = format!(
                "{}/cloud/v2/users/{USER}/inventory-items?maxPageSize=100",
                sandbox.base_url()
            );
            if let Some(t) = &token {
                url.push_str("&pageToken=");
                url.push_str(t);
            }
            let body = http
                .get(url)
                .header("x-api-key", "sandbox-key-builderman")
                .send()
                .await
                .expect("page")
                .bytes()
                .await
                .expect("body");
            let page: Value = serde_json::from_slice(&body).expect("json");
            n += page["inventoryItems"].as_array().map(Vec::len).unwrap_or(0);
            match page["nextPageToken"].as_str() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break n,
            }
        }
    })
    .await;
    assert_eq!(count, baseline_count);
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "2. paging {count} items over loopback, client pacing off (items/s; goal ratio ≥ 0.9)"
    );
    println!(
        "   roblox-inventory {:.0} items/s, reqwest + serde_json loop {:.0} items/s, ratio {:.2}",
        rate(ours),
        rate(baseline),
        rate(ours) / rate(baseline)
    );
}

async fn ownership(sandbox: &Sandbox, world: &World) {
    let client = client(sandbox);
    let user = world.user(USER).expect("generated user");
    // 1,000 items: 400 assets the user owns, 400 it does not, 100 game passes, 100 badges.
    let mut items: Vec<Item> = user
        .assets
        .iter()
        .take(400)
        .map(|c| Item::Asset(c.asset_id))
        .collect();
    items.extend((0..400).map(|n| Item::Asset(80_000_000 + n)));
    items.extend((0..100).map(|n| Item::GamePass(if n % 2 == 0 { 1_111 } else { 70_000 + n })));
    items.extend((0..100).map(|n| {
        Item::Badge(if n % 2 == 0 {
            2_124_445_684
        } else {
            60_000 + n
        })
    }));
    let before = sandbox.requests(Route::ListInventoryItems) + sandbox.requests(Route::IsOwned);
    let started = Instant::now();
    let answers = client.owned(USER, &items).await.expect("owned");
    let batched_time = started.elapsed();
    let batched_requests =
        sandbox.requests(Route::ListInventoryItems) + sandbox.requests(Route::IsOwned) - before;
    let unique = answers.len();
    let anonymous = Client::builder()
        .base_url(sandbox.base_url())
        .without_budget()
        .build()
        .expect("client");
    let before = sandbox.requests(Route::IsOwned);
    let started = Instant::now();
    let mut one_by_one = Vec::new();
    for (item, _) in &answers {
        let (kind, id) = match *item {
            Item::Asset(id) => (roblox_inventory::models::OwnershipItemType::Asset, id),
            Item::GamePass(id) => (roblox_inventory::models::OwnershipItemType::GamePass, id),
            Item::Badge(id) => (roblox_inventory::models::OwnershipItemType::Badge, id),
            _ => continue,
        };
        // Unknown ids are a 400 on is-owned; count them as not owned.
        one_by_one.push(anonymous.is_owned(USER, kind, id).await.unwrap_or(false));
    }
    let single_time = started.elapsed();
    let single_requests = sandbox.requests(Route::IsOwned) - before;
    let agree = answers.iter().zip(&one_by_one).all(|((_, a), b)| a == b);
    println!(
        "3. ownership of {} items ({unique} distinct): owned() vs one is-owned per item",
        items.len()
    );
    println!(
        "   owned(): {batched_requests} requests, {:.0} ms; is-owned: {single_requests} requests, {:.0} ms; answers agree: {agree}",
        batched_time.as_secs_f64() * 1e3,
        single_time.as_secs_f64() * 1e3
    );
}

/// Peak resident memory since the last reset, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn current_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak (VmHWM) to the current RSS (Linux ≥ 4.0).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

async fn memory() {
    let mut growth = Vec::new();
    let mut controls = Vec::new();
    for items in [1_000usize, 100_000] {
        let world = World::generated(7, USER, items);
        let sandbox = Sandbox::builder()
            .world(world)
            .rate_limits(false)
            .start()
            .await
            .expect("sandbox");
        let client = client(&sandbox);
        // Warm up (connection, allocator), then measure the peak above the resting RSS.
        client
            .inventory_items(USER)
            .max_pages(2)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .expect("warm up");
        if !reset_peak() {
            println!(
                "4. memory: cannot reset the peak RSS here (needs Linux /proc/self/clear_refs)"
            );
            return;
        }
        let resting = current_rss_kib().unwrap_or(0);
        let count = client
            .inventory_items(USER)
            .items()
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await
            .expect("dump");
        let peak = peak_rss_kib().unwrap_or(0);
        growth.push((count, peak.saturating_sub(resting)));
        // Control: the same items collected into a Vec must show up as growth,
        // or the measurement could not see any.
        reset_peak();
        let resting = current_rss_kib().unwrap_or(0);
        let all: Vec<_> = client
            .inventory_items(USER)
            .items()
            .try_collect()
            .await
            .expect("collect");
        let collected = peak_rss_kib().unwrap_or(0).saturating_sub(resting);
        controls.push((all.len(), collected));
        drop(all);
        sandbox.shutdown().await;
    }
    println!("4. memory while streaming (peak RSS above the resting RSS; goal: 100k ≤ 1.5 × 1k)");
    for ((count, kib), (_, collected)) in growth.iter().zip(&controls) {
        println!("   {count} items: streamed +{kib} KiB (control, collected into a Vec: +{collected} KiB)");
    }
    if let ([(_, small), (_, large)], [_, (_, control)]) = (&growth[..], &controls[..]) {
        println!(
            "   growth for 100x the items: {small} KiB -> {large} KiB, {:.1}% of what collecting them costs",
            100.0 * *large as f64 / (*control).max(1) as f64
        );
    }
}

async fn ceiling() {
    // Both sides count 100 requests per API-key owner per "minute", shortened to 2 s.
    let minute = Duration::from_secs(2);
    let world = World::generated(3, USER, 3_000);
    let sandbox = Sandbox::builder()
        .world(world)
        .rate_limit_minute(minute)
        .start()
        .await
        .expect("sandbox");
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key("sandbox-key-builderman")
        .retry(RetryConfig::disabled())
        .request_budget(LocalBudget::with_minute(minute))
        .build()
        .expect("client");
    // The sandbox's windows are aligned to the clock: the first ends in `reset`.
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let reset = minute - Duration::from_nanos((since_epoch.as_nanos() % minute.as_nanos()) as u64);
    let started = Instant::now();
    let result = client
        .inventory_items(USER)
        .page_size(10)
        .items()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await;
    let elapsed = started.elapsed();
    let requests = sandbox.requests(Route::ListInventoryItems);
    // The n-th request may go at 0 while the first window has room, then one
    // window per 100: T(n) = reset + ⌊(n − 101) / 100⌋ · minute.
    let windows = requests.saturating_sub(101) / 100;
    let limit = reset + minute * windows as u32;
    println!("5. rate-limit ceiling: 100 requests per 2 s clock-aligned window enforced by the sandbox, default budget, retries off");
    println!(
        "   {requests} requests in {:.2} s; the windows allow the last at {:.2} s (first window ended after {:.2} s, then {windows} more); ratio {:.2}; 429s: {}",
        elapsed.as_secs_f64(),
        limit.as_secs_f64(),
        reset.as_secs_f64(),
        elapsed.as_secs_f64() / limit.as_secs_f64().max(0.001),
        if result.is_ok() { "0" } else { "some (the dump failed)" }
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let world = World::generated(1, USER, 10_000);
    let sandbox = Sandbox::builder()
        .world(world.clone())
        .rate_limits(false)
        .start()
        .await
        .expect("sandbox");
    decoding(&sandbox).await;
    paging(&sandbox, 10_000).await;
    ownership(&sandbox, &world).await;
    sandbox.shutdown().await;
    memory().await;
    ceiling().await;
}
