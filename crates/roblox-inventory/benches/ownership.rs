//! Ownership at Roblox's rate limits: the wall time of whole jobs against the
//! sandbox with the documented limits and real (clock-aligned) minutes, beside
//! the limit computed from both hosts' windows (see BENCHMARKS.md).
//!
//! `cargo bench -p roblox-inventory --bench ownership`
//!
//! * W1: 2,000 users × 1 game pass.
//! * W2: 1 user × 12,000 assets (more than either host allows in one window).
//! * W3: 500 users × 5 mixed items (asset, game pass, badge, bundle, private server).
//!
//! Every answer is checked against the world; 429s are counted by the sandbox.

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use roblox_inventory::budget::{documented_limit, Counted, Limit};
use roblox_inventory::Operation;
use roblox_inventory::{Client, Error, Item, OwnershipAnswer};
use roblox_inventory_sandbox::{Population, Route, Sandbox, World};

/// A network's round trip, added by the sandbox to every answer.
const LATENCY: Duration = Duration::from_millis(25);
/// Requests in flight per host (the library's default).
const CONCURRENCY: usize = 32;
/// The API key's owner (sandbox default world).
const KEY_OWNER: u64 = 156;

struct Workload {
    name: &'static str,
    population: Population,
    users: Vec<u64>,
    items: Vec<Item>,
}

fn workloads() -> Vec<Workload> {
    let small = |seed, users| Population {
        assets: 10,
        others: 5,
        ..Population::new(seed, users)
    };
    let first = |p: &Population| p.first_user_id;
    let w1 = small(11, 2_000);
    let w2 = Population {
        assets: 12_000,
        others: 1,
        ..Population::new(12, 1)
    };
    let w3 = small(13, 500);
    vec![
        Workload {
            name: "W1: 2,000 users × 1 game pass",
            users: (first(&w1)..first(&w1) + 2_000).collect(),
            items: vec![Item::GamePass(Population::FIRST_GAME_PASS_ID)],
            population: w1,
        },
        Workload {
            name: "W2: 1 user × 12,000 assets",
            users: vec![first(&w2)],
            items: (0..12_000)
                .map(|n| Item::Asset(Population::FIRST_ASSET_ID + n))
                .collect(),
            population: w2,
        },
        Workload {
            name: "W3: 500 users × 5 mixed items",
            users: (first(&w3)..first(&w3) + 500).collect(),
            items: vec![
                Item::Asset(Population::FIRST_ASSET_ID),
                Item::GamePass(Population::FIRST_GAME_PASS_ID),
                Item::Badge(Population::FIRST_BADGE_ID),
                Item::Bundle(Population::FIRST_BUNDLE_ID),
                Item::PrivateServer(Population::FIRST_PRIVATE_SERVER_ID),
            ],
            population: w3,
        },
    ]
}

/// The answer Roblox gives: owned or not, or, for a private server of anyone
/// but the key's owner, the documented refusal (only the user's own key or
/// grant may ask about private servers).
fn right(world: &World, answer: &OwnershipAnswer) -> bool {
    let user = world.user(answer.user_id).expect("a user of the world");
    let truth = match answer.item {
        Item::Asset(id) => user.assets.iter().any(|a| a.asset_id == id),
        Item::GamePass(id) => user.game_passes.iter().any(|o| o.id == id),
        Item::Badge(id) => user.badges.iter().any(|o| o.id == id),
        Item::Bundle(id) => user.bundles.iter().any(|o| o.id == id),
        Item::PrivateServer(id) if user.id == KEY_OWNER => {
            user.private_servers.iter().any(|o| o.id == id)
        }
        Item::PrivateServer(_) => {
            return matches!(
                answer.owned.as_ref().map_err(|e| &**e),
                Err(Error::InventoryPrivate { .. })
            )
        }
    };
    answer.owned.as_ref().ok() == Some(&truth)
}

fn client(sandbox: &Sandbox, key: bool, limited: bool) -> Client {
    let mut builder = Client::builder().base_url(sandbox.base_url());
    if key {
        builder = builder.api_key("sandbox-key-builderman");
    }
    if !limited {
        builder = builder.without_budget();
    }
    builder.build().expect("client")
}

async fn sandbox(world: World, limits: bool) -> Sandbox {
    Sandbox::builder()
        .world(world)
        .rate_limits(limits)
        .latency(LATENCY)
        .start()
        .await
        .expect("sandbox")
}

/// Requests per second one host takes with no limit, at `CONCURRENCY`.
async fn throughput() -> (f64, f64) {
    let world = World::populated(&Population {
        assets: 6_400,
        others: 1,
        ..Population::new(1, 640)
    });
    let sandbox = sandbox(world, false).await;
    // is-owned: 640 users × 1 game pass, no key.
    let anonymous = client(&sandbox, false, false);
    let started = Instant::now();
    let users: Vec<u64> = (100_000..100_640).collect();
    let n = anonymous
        .ownership(users, &[Item::GamePass(Population::FIRST_GAME_PASS_ID)])
        .answers()
        .count()
        .await;
    let legacy = n as f64 / started.elapsed().as_secs_f64();
    // Open Cloud: 1 user × 6,400 assets = 64 filters of 100 ids.
    let keyed = client(&sandbox, true, false);
    let items: Vec<Item> = (0..6_400)
        .map(|n| Item::Asset(Population::FIRST_ASSET_ID + n))
        .collect();
    let before = sandbox.requests(Route::ListInventoryItems);
    let started = Instant::now();
    keyed.ownership([100_000], &items).answers().count().await;
    let filters = sandbox.requests(Route::ListInventoryItems) - before;
    let cloud = filters as f64 / started.elapsed().as_secs_f64();
    sandbox.shutdown().await;
    (cloud, legacy)
}

/// When the `n`-th request may go with `limit` per clock-aligned window, the
/// current one ending in `reset`: `0` if `n ≤ max`, else `reset + ⌊(n − max − 1)/max⌋ · window`.
fn window_time(limit: Limit, reset: Duration, n: u64) -> Duration {
    let max = u64::from(limit.max);
    if n <= max {
        Duration::ZERO
    } else {
        reset + limit.window * ((n - max - 1) / max) as u32
    }
}

fn reset_of(window: Duration) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let w = window.as_nanos();
    Duration::from_nanos((w - now.as_nanos() % w) as u64)
}

struct Figures {
    cloud: u64,
    legacy: u64,
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let cloud_limit =
        documented_limit(Operation::CloudListInventoryItems, Counted::ApiKey).expect("documented");
    let legacy_limit =
        documented_limit(Operation::GetV1UsersItemsIsOwned, Counted::Legacy).expect("documented");
    let (cloud_rate, legacy_rate) = throughput().await;
    println!(
        "unlimited throughput at {CONCURRENCY} in flight, {} ms latency: Open Cloud {cloud_rate:.0} req/s, is-owned {legacy_rate:.0} req/s\n",
        LATENCY.as_millis()
    );
    // The time the requests themselves take, both hosts in parallel.
    let work = |cloud: u64, legacy: u64| {
        Duration::from_secs_f64((cloud as f64 / cloud_rate).max(legacy as f64 / legacy_rate))
    };
    println!("| workload | first reset | ours | limit | ours / limit | requests (Open Cloud + is-owned) | 429s | right | Open Cloud only | is-owned only | one at a time |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for workload in workloads() {
        let world = World::populated(&workload.population);
        let sandbox = sandbox(world.clone(), true).await;
        let ours = client(&sandbox, true, true);
        let reset = reset_of(cloud_limit.window);
        let started = Instant::now();
        let answers: Vec<OwnershipAnswer> = ours
            .ownership(workload.users.clone(), &workload.items)
            .answers()
            .collect()
            .await;
        let elapsed = started.elapsed();
        let used = Figures {
            cloud: sandbox.requests(Route::ListInventoryItems),
            legacy: sandbox.requests(Route::IsOwned),
        };
        let refused =
            sandbox.rate_limited(Route::ListInventoryItems) + sandbox.rate_limited(Route::IsOwned);
        let right_count = answers.iter().filter(|a| right(&world, a)).count();
        let expected = workload.users.len() * workload.items.iter().collect::<HashSet<_>>().len();

        // The limit: the best split's window time plus the requests' own time.
        let users = workload.users.len() as u64;
        let count =
            |pred: fn(&Item) -> bool| workload.items.iter().filter(|i| pred(i)).count() as u64;
        let bundles = count(|i| matches!(i, Item::Bundle(_)));
        let servers = count(|i| matches!(i, Item::PrivateServer(_)));
        let either = count(|i| matches!(i, Item::Asset(_) | Item::GamePass(_) | Item::Badge(_)));
        let windows = |cloud: u64, legacy: u64| {
            window_time(cloud_limit, reset, cloud).max(window_time(legacy_limit, reset, legacy))
        };
        // Private servers need one filter per user, which carries the rest; then
        // every number of extra filters of 100 ids, the best one.
        let mandatory = users * servers.div_ceil(100);
        let riding = if servers > 0 {
            either.min(100 * servers.div_ceil(100) - servers)
        } else {
            0
        };
        // Each further filter takes up to 100 of one user's remaining items and
        // saves that many is-owned requests; largest first, every count tried.
        let rest = either - riding;
        let mut savings: Vec<u64> = (0..users)
            .flat_map(|_| (0..rest.div_ceil(100)).map(move |c| (rest - c * 100).min(100)))
            .collect();
        savings.sort_unstable_by(|a, b| b.cmp(a));
        let (mut cloud, mut legacy) = (mandatory, (rest + bundles) * users);
        let mut limit = windows(cloud, legacy) + work(cloud, legacy);
        for saved in savings {
            cloud += 1;
            legacy -= saved;
            limit = limit.min(windows(cloud, legacy) + work(cloud, legacy));
        }
        // Open Cloud for everything it can answer (bundles still need is-owned).
        let cloud_only = {
            let cloud = users * (either + servers).div_ceil(100);
            windows(cloud, bundles * users) + work(cloud, bundles * users)
        };
        // is-owned for everything it can answer (private servers still need Open Cloud).
        let legacy_only = {
            let legacy = users * (either + bundles);
            windows(mandatory, legacy) + work(mandatory, legacy)
        };
        // What peers do: one is-owned request at a time (one filter per user for
        // private servers), each a round trip, plus the window waits.
        let serial = {
            let legacy = users * (either + bundles);
            windows(mandatory, legacy) + LATENCY * (mandatory + legacy) as u32
        };
        println!(
            "| {} | {} | {} | {} | {:.2} | {} + {} | {} | {}/{} | {} | {} | {} |",
            workload.name,
            secs(reset),
            secs(elapsed),
            secs(limit),
            elapsed.as_secs_f64() / limit.as_secs_f64(),
            used.cloud,
            used.legacy,
            refused,
            right_count,
            expected,
            secs(cloud_only),
            secs(legacy_only),
            secs(serial),
        );
        assert_eq!(
            answers.len(),
            expected,
            "{}: one answer per (user, item)",
            workload.name
        );
        sandbox.shutdown().await;
    }
}
