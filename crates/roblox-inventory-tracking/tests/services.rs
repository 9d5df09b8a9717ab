//! The store on a real PostgreSQL server the test starts itself
//! (`roblox_inventory_tests::PostgresServer`). `test = false` and the
//! `postgres` feature: `.ci/run` installs PostgreSQL and runs it by name
//! (`cargo test -p roblox-inventory-tracking --features postgres --test
//! services`), where a missing server fails it.

mod contract;

use std::sync::OnceLock;

use roblox_inventory_tests::PostgresServer;
use roblox_inventory_tracking::store::{SqlStore, Store};
use roblox_inventory_tracking::{Holding, HoldingId, Scope, Snapshot, View};

/// One server for the whole binary; each test gets a database of its own.
fn server() -> &'static PostgresServer {
    static SERVER: OnceLock<PostgresServer> = OnceLock::new();
    SERVER.get_or_init(PostgresServer::start)
}

#[tokio::test]
async fn a_poll_and_its_changes_commit_together_and_readers_resume_from_a_cursor() {
    contract::a_poll_and_its_changes_commit_together_and_readers_resume_from_a_cursor(
        &server().fresh_database(),
    )
    .await;
}

#[tokio::test]
async fn tracked_scopes_come_stalest_first_and_item_lists_are_one_scope_in_any_order() {
    contract::tracked_scopes_come_stalest_first_and_item_lists_are_one_scope_in_any_order(
        &server().fresh_database(),
    )
    .await;
}

#[tokio::test]
async fn due_scopes_come_a_page_at_a_time_stalest_first() {
    contract::due_scopes_come_a_page_at_a_time_stalest_first(&server().fresh_database()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_holds_each_churned_change_once_across_restarts() {
    contract::the_log_holds_each_churned_change_once_across_restarts(&server().fresh_database())
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_never_overlap_and_expired_leases_are_taken_over() {
    contract::claims_never_overlap_and_expired_leases_are_taken_over(&server().fresh_database())
        .await;
}

/// Several writers (separate pools, as separate processes would have) record
/// changes while a reader follows the log from its cursor: ids are handed out
/// in commit order, so the reader never steps past a change that commits
/// later, and it ends with every change exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_following_the_log_misses_nothing_while_writers_commit_concurrently() {
    let url = server().fresh_database();
    let writers = 6u64;
    let rounds = 25u64;
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let store = SqlStore::open(&url).await.unwrap();
            let mut logged = 0;
            for round in 0..=rounds {
                // Each round holds one new pass and loses the previous one.
                let snapshot = Snapshot {
                    user_id: 1_000 + writer,
                    scope: Scope::GamePasses,
                    observed_at: chrono::Utc::now(),
                    view: View::Holdings(vec![Holding::new(HoldingId::GamePass(round))]),
                };
                logged += store.record(&snapshot).await.unwrap().len();
            }
            logged
        }));
    }
    let reader = SqlStore::open(&url).await.unwrap();
    let mut cursor = 0;
    let mut read = Vec::new();
    let expected = (writers * rounds * 2) as usize;
    let mut writing = true;
    while writing || read.len() < expected {
        writing = tasks.iter().any(|t| !t.is_finished());
        for logged in reader.changes_after(cursor, 50).await.unwrap() {
            assert!(logged.id > cursor);
            cursor = logged.id;
            read.push(logged);
        }
        if !writing && read.len() < expected {
            // Everything is committed: one last read must find the rest.
            let rest = reader.changes_after(cursor, 10_000).await.unwrap();
            assert!(
                !rest.is_empty() || read.len() == expected,
                "{} of {expected}",
                read.len()
            );
            read.extend(rest);
            break;
        }
    }
    let mut written = 0;
    for task in tasks {
        written += task.await.unwrap();
    }
    assert_eq!(written, expected);
    assert_eq!(read.len(), expected, "every change once");
    let mut ids: Vec<_> = read.iter().map(|l| l.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), expected, "no change twice");
}
