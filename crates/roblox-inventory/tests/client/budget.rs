//! The request budget over real HTTP: a burst to what the window has left,
//! a wait for the reset, a 429 that holds back every caller on the key, and a
//! bounded wait that fails with a typed error instead of waiting on.

use std::time::Duration;

use futures_util::TryStreamExt;
use roblox_inventory::{Client, Error, RetryConfig};
use roblox_inventory_sandbox::{Route, Sandbox};

use crate::{list_one_page, sandbox};

#[tokio::test]
async fn a_window_goes_at_once_and_the_next_request_waits_for_its_reset() {
    // Real minutes: 100 requests per API-key owner per 60 s window.
    let sandbox = sandbox(Sandbox::builder().windows_from_start(true)).await;
    let cloud = Client::builder()
        .base_url(sandbox.base_url())
        .api_key("sandbox-key-builderman")
        .retry(RetryConfig::disabled())
        .max_budget_wait(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    // All 100 fit the window: none may wait (5 s is far less than the window).
    let burst = (0..100).map(|_| list_one_page(&cloud, 156));
    for result in futures_util::future::join_all(burst).await {
        result.expect("no wait, no 429");
    }
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 100);
    let outlook = cloud
        .budget_outlook(roblox_inventory::Operation::CloudListInventoryItems)
        .expect("the budget knows the window");
    assert_eq!(outlook.remaining, 0);
    // The 101st would have to wait for the reset (about a minute): refused at once.
    let error = list_one_page(&cloud, 156).await.unwrap_err();
    match error {
        Error::NoSlotBeforeDeadline {
            operation,
            ready_in,
        } => {
            assert_eq!(
                operation,
                roblox_inventory::Operation::CloudListInventoryItems
            );
            assert!(ready_in > Duration::from_secs(30), "{ready_in:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        100,
        "nothing sent past the budget"
    );
}

#[tokio::test]
async fn short_windows_wait_for_the_reset_and_never_see_a_429() {
    use roblox_inventory::budget::LocalBudget;
    // OAuth: 20 per "minute" of 500 ms; the sandbox sends resets in fractions.
    let minute = Duration::from_millis(500);
    let sandbox = sandbox(Sandbox::builder().rate_limit_minute(minute)).await;
    let oauth = Client::builder()
        .base_url(sandbox.base_url())
        .oauth_token("sandbox-oauth-shedletsky")
        .retry(RetryConfig::disabled())
        .request_budget(LocalBudget::with_minute(minute))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let calls = (0..70).map(|_| async {
        oauth
            .inventory_items(261)
            .max_pages(1)
            .pages()
            .try_collect::<Vec<_>>()
            .await
    });
    for result in futures_util::future::join_all(calls).await {
        result.expect("no 429 (retries are off)");
    }
    // 70 at 20 per window span at least three window boundaries.
    assert!(started.elapsed() >= 2 * minute, "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_429_holds_back_every_caller_sharing_the_budget() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "30")
                .set_body_string(r#"{"errors":[{"code":0,"message":"TooManyRequests"}]}"#),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let first = client
        .is_owned(1, roblox_inventory::models::OwnershipItemType::GamePass, 2)
        .await
        .unwrap_err();
    assert!(matches!(first, Error::RateLimited { .. }), "{first:?}");
    // Another caller on the same client (a clone shares the budget) is held back
    // for the 30 s Roblox asked for: with a 1 s bound it is refused unsent.
    let other = client.with_max_budget_wait(Some(Duration::from_secs(1)));
    let second = other
        .is_owned(3, roblox_inventory::models::OwnershipItemType::Badge, 4)
        .await
        .unwrap_err();
    assert!(
        matches!(second, Error::NoSlotBeforeDeadline { ready_in, .. } if ready_in > Duration::from_secs(25)),
        "{second:?}"
    );
    let deadline = client.with_budget_deadline(std::time::Instant::now() + Duration::from_secs(2));
    assert!(matches!(
        deadline
            .is_owned(3, roblox_inventory::models::OwnershipItemType::Badge, 4)
            .await,
        Err(Error::NoSlotBeforeDeadline { .. })
    ));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
