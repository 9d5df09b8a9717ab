//! Sandbox throughput on loopback for 100-item pages, against a baseline server
//! in the same run that answers the same bytes from memory. The ratio says how
//! much of a client benchmark's time the sandbox itself could take.
//!
//! `cargo bench -p roblox-inventory-sandbox --bench throughput`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use roblox_inventory_sandbox::{Sandbox, World};

const CONCURRENCY: usize = 4;
const DURATION: Duration = Duration::from_secs(3);

/// Requests per second that `CONCURRENCY` clients get from `url` in `DURATION`.
async fn measure(url: &str, headers: &[(&'static str, &'static str)]) -> f64 {
    let http = reqwest::Client::new();
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (http, done, url) = (http.clone(), Arc::clone(&done), url.to_string());
        let headers = headers.to_vec();
        tasks.push(tokio::spawn(async move {
            while start.elapsed() < DURATION {
                let mut request = http.get(&url);
                for (name, value) in &headers {
                    request = request.header(*name, *value);
                }
                let response = request.send().await.expect("request");
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().await.expect("body");
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for task in tasks {
        task.await.expect("client task");
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// A server that answers every request with `body`, as fast as axum can.
async fn baseline(body: bytes::Bytes) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let router = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { ([("content-type", "application/json")], body) }
    });
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let world = World::generated(1, 1_000, 10_000);
    let sandbox = Sandbox::builder()
        .world(world)
        .rate_limits(false)
        .start()
        .await
        .expect("sandbox");
    let key = [("x-api-key", "sandbox-key-builderman")];
    let cases = [
        (
            "Open Cloud list, 100 items",
            "/cloud/v2/users/1000/inventory-items?maxPageSize=100",
            &key[..],
        ),
        (
            "legacy v2 inventory, 100 items",
            "/v2/users/1000/inventory/8?limit=100",
            &[][..],
        ),
    ];
    println!("| page | sandbox req/s | baseline req/s (same bytes from memory) | sandbox / baseline | body bytes |");
    println!("|---|---|---|---|---|");
    for (name, path, headers) in cases {
        let url = format!("{}{path}", sandbox.base_url());
        let mut request = reqwest::Client::new().get(&url);
        for (n, v) in headers {
            request = request.header(*n, *v);
        }
        let body = request
            .send()
            .await
            .expect("sample")
            .bytes()
            .await
            .expect("sample body");
        let base_url = baseline(body.clone()).await;
        let ours = measure(&url, headers).await;
        let theirs = measure(&format!("{base_url}{path}"), headers).await;
        println!(
            "| {name} | {ours:.0} | {theirs:.0} | {:.2} | {} |",
            ours / theirs,
            body.len()
        );
    }
    sandbox.shutdown().await;
}
