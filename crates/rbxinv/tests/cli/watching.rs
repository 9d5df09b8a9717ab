//! `rbxinv watch` killed with SIGKILL in the middle of a cycle and started
//! again: every change the sandbox made is logged and printed exactly once,
//! and nothing else is.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use roblox_inventory_sandbox::{Population, Route, Sandbox, World};
use roblox_inventory_tests::{change_line, CollectibleTruth};

/// A change row (`--jsonl`) as a line of `CollectibleTruth::observe`.
fn reported(line: &str) -> String {
    let row: serde_json::Value = serde_json::from_str(line).unwrap();
    let (user, change) = (
        row["user"].as_u64().unwrap(),
        row["change"].as_str().unwrap(),
    );
    change_line(user, change, row["userAssetId"].as_u64())
}

/// A sandbox whose world is `world` (answers after 20 ms, no rate limits)
/// and a SQLite store in a temporary directory tracking the collectibles of
/// the world's generated users.
struct Tracker {
    sandbox: Sandbox,
    data: tempfile::TempDir,
    db: String,
    users: Vec<String>,
    /// Runs the sandbox (dropped last).
    _runtime: tokio::runtime::Runtime,
}

impl Tracker {
    fn new(world: World) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = runtime
            .block_on(
                Sandbox::builder()
                    .world(world)
                    .rate_limits(false)
                    .latency(Duration::from_millis(20))
                    .start(),
            )
            .unwrap();
        let data = tempfile::tempdir().unwrap();
        let db = data.path().join("tracking.db").display().to_string();
        let users = sandbox
            .world()
            .users
            .iter()
            .filter(|u| u.id >= Population::new(0, 0).first_user_id)
            .map(|u| u.id.to_string())
            .collect();
        let tracker = Self {
            sandbox,
            data,
            db,
            users,
            _runtime: runtime,
        };
        let mut track = vec!["track"];
        track.extend(tracker.users.iter().map(String::as_str));
        assert!(tracker.command(&track).output().unwrap().status.success());
        tracker
    }

    /// `rbxinv` on the sandbox and the store, rows as JSON lines.
    fn command(&self, args: &[&str]) -> Command {
        let base = self.sandbox.base_url();
        let mut command = Command::new(env!("CARGO_BIN_EXE_rbxinv"));
        command
            .args(["--base-url", &base, "--api-key", "sandbox-key-builderman"])
            .arg("--jsonl")
            .args(args)
            .args(["--db", &self.db])
            .env("RBXINV_CONFIG_DIR", self.data.path());
        command
    }
}

#[test]
fn a_watcher_killed_mid_cycle_and_restarted_reports_every_change_once() {
    let mut world = World::populated(&Population {
        assets: 30,
        ..Population::new(21, 16)
    });
    for asset in &mut world.assets {
        if asset.id % 3 == 0 {
            asset.limited = true;
        }
    }
    let tracker = Tracker::new(world);
    let (sandbox, users) = (&tracker.sandbox, &tracker.users);
    let command = |args: &[&str]| tracker.command(args);
    let baseline = command(&["sync"]).output().unwrap();
    assert!(baseline.status.success());
    assert_eq!(String::from_utf8_lossy(&baseline.stdout), "", "a baseline");

    let ids: Vec<u64> = users.iter().map(|u| u.parse().unwrap()).collect();
    let mut truth = CollectibleTruth::baseline(&ids, &sandbox.world());
    let made = sandbox.churn(7, 60);
    assert_eq!(made.len(), 60);
    let truth = truth.observe(&sandbox.world());
    assert!(truth.len() > 5, "{truth:?}");

    // A watcher, two scopes at a time, killed once a third of the users are
    // asked for: some scopes are recorded, some not, maybe one half-way.
    let asked = sandbox.requests(Route::Collectibles);
    let mut killed = command(&[
        "watch",
        "--interval",
        "0",
        "--concurrency",
        "2",
        "--after",
        "0",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while sandbox.requests(Route::Collectibles) < asked + users.len() as u64 / 3 {
        assert!(Instant::now() < deadline, "the watcher never got going");
        assert!(killed.try_wait().unwrap().is_none(), "it ended by itself");
        std::thread::sleep(Duration::from_millis(5));
    }
    killed.kill().unwrap(); // SIGKILL
    killed.wait().unwrap();
    let mut printed: Vec<String> = std::io::read_to_string(killed.stdout.take().unwrap())
        .unwrap()
        .lines()
        .map(reported)
        .collect();
    let reached = sandbox.requests(Route::Collectibles) - asked;
    assert!(
        reached < users.len() as u64,
        "killed mid-cycle ({reached} of {} users asked)",
        users.len()
    );

    // Started again with the consumer's cursor (the last id it printed: none).
    let mut restarted: Child = command(&[
        "watch",
        "--interval",
        "0",
        "--after",
        "0",
        "--progress",
        "1",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let progress = std::io::BufReader::new(restarted.stderr.take().unwrap());
    // The cycle takes at least 3 s (16 users at 4 per second): a line a
    // second says how far it got, then its own line.
    let (mut cycle_line, mut so_far) = (String::new(), Vec::new());
    for line in progress.lines() {
        let line = line.unwrap();
        if line.starts_with("cycle 1:") && line.ends_with("observed so far") {
            so_far.push(line);
        } else if line.starts_with("cycle 1:") {
            cycle_line = line;
            break;
        }
    }
    assert!(!so_far.is_empty(), "no progress before: {cycle_line}");
    assert!(
        cycle_line.contains(&format!("{} observed", users.len()))
            && cycle_line.contains("0 failed"),
        "{cycle_line}"
    );
    let stopped = Command::new("kill")
        .args(["-INT", &restarted.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let output = restarted.wait_with_output().unwrap();
    printed.extend(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(reported),
    );

    let once: BTreeSet<String> = printed.iter().cloned().collect();
    assert_eq!(once.len(), printed.len(), "printed twice: {printed:?}");
    assert_eq!(once, truth, "printed vs the world's changes");
    let logged = command(&["changes"]).output().unwrap();
    let logged: Vec<String> = String::from_utf8_lossy(&logged.stdout)
        .lines()
        .map(reported)
        .collect();
    assert_eq!(logged.len(), truth.len(), "logged once each: {logged:?}");
    assert_eq!(logged.into_iter().collect::<BTreeSet<_>>(), truth);
}

/// Two `watch --worker` processes on one store share the work: between them
/// every user is asked once, each by one of them.
#[test]
fn watchers_with_worker_names_share_the_users_between_them() {
    let tracker = Tracker::new(World::populated(&Population::new(5, 12)));
    let watchers: Vec<Child> = ["a", "b"]
        .iter()
        .map(|worker| {
            tracker
                .command(&["watch", "--interval", "3600", "--concurrency", "2"])
                .args(["--worker", worker, "--lease", "60"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut observed = 0;
    for mut watcher in watchers {
        let progress = std::io::BufReader::new(watcher.stderr.take().unwrap());
        let line = progress
            .lines()
            .map(Result::unwrap)
            .find(|l| l.starts_with("cycle 1:") && !l.ends_with("so far"))
            .expect("a first cycle");
        observed += line
            .trim_start_matches("cycle 1: ")
            .split(' ')
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap();
        watcher.kill().unwrap();
        watcher.wait().unwrap();
    }
    let users = tracker.users.len();
    assert_eq!(observed, users, "between them, every user once");
    let asked = tracker.sandbox.user_requests(Route::Collectibles);
    assert_eq!(asked.len(), users);
    assert!(asked.values().all(|times| times.len() == 1), "{asked:?}");
}
