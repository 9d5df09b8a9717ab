//! `rbxinv` with what only CI installs: a `redis-server` of the test's own
//! (`roblox_inventory_tests::RedisServer`). `test = false` in Cargo.toml, so
//! `cargo test --workspace` leaves it out on a machine with only cargo; `.ci/run`
//! runs it by name (`cargo test -p roblox-inventory-tests -p rbxinv --test
//! services`), where a missing `redis-server` fails it.

use std::process::Command;

#[test]
fn budget_redis_shares_the_budget_through_redis() {
    let server = roblox_inventory_tests::RedisServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(roblox_inventory_sandbox::Sandbox::builder().start())
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_rbxinv"))
        .args([
            "--base-url",
            &sandbox.base_url(),
            "--api-key",
            "sandbox-key-builderman",
        ])
        .args([
            "--budget-id",
            "fleet-7",
            "--jsonl",
            "items",
            "156",
            "--game-passes",
        ])
        .env("ROBLOX_BUDGET_REDIS", server.url())
        .env("RBXINV_CONFIG_DIR", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let keys = server.keys("rbxinv:v3:*");
    assert!(
        keys.iter()
            .any(|k| k.contains("id-fleet-7") && k.contains("Cloud_ListInventoryItems")),
        "{keys:?}"
    );
    runtime.block_on(sandbox.shutdown());
}

#[test]
fn doctor_says_whether_the_redis_budget_answers() {
    let server = roblox_inventory_tests::RedisServer::start();
    let output = Command::new(env!("CARGO_BIN_EXE_rbxinv"))
        .args(["--sandbox", "--budget-redis", &server.url(), "doctor"])
        .env("RBXINV_CONFIG_DIR", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("ok    Redis budget       answers PING"),
        "{stdout}"
    );
}
