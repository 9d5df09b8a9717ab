//! Issue 10 (hardening): each test is named `hardening_NN_…` after the item it covers.

use futures_util::TryStreamExt;
use roblox_inventory::{Client, Error, Item};
use roblox_inventory_sandbox::{Route, Sandbox};

use crate::{client, list_one_page, redirector, sandbox};

#[tokio::test]
async fn hardening_02_credentials_are_normalised_or_refused_never_dropped() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    // A trailing newline from a secret file, surrounding spaces: trimmed.
    let key = client(&sandbox)
        .api_key("  sandbox-key-builderman\n")
        .build()
        .unwrap();
    list_one_page(&key, 156)
        .await
        .expect("the trimmed key is sent");
    // A cookie pasted with its name: the name is stripped.
    let me = client(&sandbox)
        .roblosecurity(".ROBLOSECURITY=sandbox-cookie-builderman\n")
        .build()
        .unwrap();
    me.add_to_collection(Item::Asset(1028606))
        .await
        .expect("the cookie value is sent");
    let token = client(&sandbox)
        .oauth_token("sandbox-oauth-shedletsky\r\n")
        .build()
        .unwrap();
    list_one_page(&token, 261)
        .await
        .expect("the trimmed token is sent");

    // Empty or not a header value: refused at build, naming the credential, never its value.
    for (builder, name) in [
        (Client::builder().api_key(""), "api_key"),
        (Client::builder().api_key(" \n"), "api_key"),
        (Client::builder().api_key("secret-1\u{7f}x"), "api_key"),
        (
            Client::builder().roblosecurity(".ROBLOSECURITY="),
            "roblosecurity",
        ),
        (
            Client::builder().roblosecurity("secret-2\nx"),
            "roblosecurity",
        ),
        (Client::builder().oauth_token("secret-3\0"), "oauth_token"),
    ] {
        match builder.build() {
            Err(Error::InvalidArgument { name: got, reason }) => {
                assert_eq!(got, name);
                for secret in ["secret-1", "secret-2", "secret-3"] {
                    assert!(!reason.contains(secret), "{reason}");
                }
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(sandbox.credential_violations().is_empty());
}

#[tokio::test]
async fn hardening_02_a_token_source_that_returns_no_usable_token_sends_nothing() {
    struct Blank;
    impl roblox_inventory::auth::TokenSource for Blank {
        fn token(&self) -> roblox_inventory::auth::TokenFuture<'_> {
            Box::pin(async { Ok(secrecy::SecretString::from("  ".to_string())) })
        }
    }
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let oauth = client(&sandbox).oauth_token_source(Blank).build().unwrap();
    let error = list_one_page(&oauth, 156).await.unwrap_err();
    assert!(matches!(error, Error::TokenSource(_)), "{error:?}");
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        0,
        "never sent anonymous"
    );
}

#[tokio::test]
async fn hardening_04_your_own_http_client_never_follows_a_redirect_with_a_key() {
    let (base, server) = redirector();
    // reqwest's default policy follows redirects; the client turns it off.
    let client = Client::builder()
        .base_url(base)
        .without_budget()
        .http_client(reqwest::Client::builder())
        .api_key("secret-key-never-elsewhere")
        .build()
        .unwrap();
    let _ = list_one_page(&client, 156).await;
    assert!(!server.join().unwrap(), "the key reached another host");
}

#[test]
fn hardening_04_plain_http_only_on_loopback_unless_allowed() {
    for url in [
        "http://127.0.0.1:1",
        "http://127.5.6.7:1",
        "http://localhost:1",
        "http://[::1]:1",
        "https://example.com",
    ] {
        assert!(Client::builder().base_url(url).build().is_ok(), "{url}");
    }
    for url in [
        "http://example.com",
        "http://10.0.0.1:8080",
        "http://apis.roblox.com",
    ] {
        assert!(
            matches!(
                Client::builder().cloud_base_url(url).build(),
                Err(Error::InvalidArgument {
                    name: "cloud_base_url",
                    ..
                })
            ),
            "{url}"
        );
        assert!(
            Client::builder()
                .legacy_base_url(url)
                .allow_insecure_http()
                .build()
                .is_ok(),
            "{url}"
        );
    }
}

#[tokio::test]
async fn hardening_01_absurd_rate_limit_headers_never_panic_the_caller() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    for (status, reset, retry_after, remaining) in [
        (429, "1e20", "1e300", "0"),
        (503, "18446744073709551616", "-3", "-5"),
        (200, "1e20", "NaN", "0"),
        (429, "inf", "99999999999999999999", "lots"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("x-ratelimit-reset", reset)
                    .insert_header("x-ratelimit-remaining", remaining)
                    .insert_header("x-ratelimit-limit", "100, 100;w=60")
                    .insert_header("retry-after", retry_after)
                    .set_body_string("true"),
            )
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .retry(roblox_inventory::RetryConfig::default().with_delays(
                std::time::Duration::from_millis(1),
                std::time::Duration::from_millis(5),
            ))
            .max_budget_wait(Some(std::time::Duration::from_millis(200)))
            .build()
            .unwrap();
        let result = client
            .is_owned(1, roblox_inventory::models::OwnershipItemType::GamePass, 2)
            .await;
        if status == 200 {
            assert!(result.unwrap());
        } else {
            assert!(result.is_err());
        }
    }
}

#[tokio::test]
async fn hardening_09_a_challenge_is_a_typed_error_that_says_what_happened() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("rblx-challenge-id", "0f1e2d3c")
                .insert_header("rblx-challenge-type", "captcha")
                .insert_header("rblx-challenge-metadata", "eyJ9")
                .set_body_string(
                    r#"{"errors":[{"code":0,"message":"Challenge is required to authorize the request"}]}"#,
                ),
        )
        .mount(&server)
        .await;
    let me = Client::builder()
        .base_url(server.uri())
        .roblosecurity("cookie")
        .build()
        .unwrap();
    let error = me.add_to_collection(Item::Asset(1)).await.unwrap_err();
    match &error {
        Error::Challenge {
            challenge_type,
            error,
        } => {
            assert_eq!(challenge_type.as_deref(), Some("captcha"));
            assert_eq!(error.status, 403);
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("captcha"), "{error}");
    assert_eq!(error.status(), Some(403));
}

#[tokio::test]
async fn hardening_10_ids_beyond_i64_are_refused_not_wrapped() {
    use roblox_inventory::models::{AssetType, OwnershipItemType};
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let client = client(&sandbox)
        .roblosecurity("sandbox-cookie-builderman")
        .build()
        .unwrap();
    let huge = u64::MAX;
    let refused = |result: Result<(), Error>| {
        assert!(
            matches!(&result, Err(Error::InvalidArgument { reason, .. }) if reason.contains("18446744073709551615")),
            "{result:?}"
        );
    };
    refused(
        client
            .is_owned(huge, OwnershipItemType::Badge, 1)
            .await
            .map(drop),
    );
    refused(
        client
            .is_owned(156, OwnershipItemType::Badge, huge)
            .await
            .map(drop),
    );
    refused(client.categories(huge).await.map(drop));
    refused(client.add_to_collection(Item::Asset(huge)).await);
    refused(
        client
            .collectibles(huge)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
    );
    refused(
        client
            .inventory(huge, AssetType::Hat)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
    );
    assert_eq!(
        sandbox.requests(Route::IsOwned)
            + sandbox.requests(Route::Categories)
            + sandbox.requests(Route::Collectibles)
            + sandbox.requests(Route::InventoryByAssetType)
            + sandbox.requests(Route::AddToCollection),
        0,
        "nothing sent"
    );
}

#[tokio::test]
async fn hardening_08_a_body_past_the_cap_is_a_typed_error() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let big = format!("[{}]", vec!["1"; 600_000].join(","));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(big))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .max_body_bytes(1 << 20)
        .build()
        .unwrap();
    let error = client.categories(1).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::BodyTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn hardening_08_one_deadline_covers_every_attempt_and_wait() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry(roblox_inventory::RetryConfig::default().with_max_retries(10))
        .operation_timeout(std::time::Duration::from_millis(1_500))
        .build()
        .unwrap();
    let error = client.categories(1).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::DeadlineExceeded {
                operation: roblox_inventory::Operation::GetV1UsersCategories,
                ..
            }
        ),
        "{error:?}"
    );
    // Attempts at 0 s and 1 s (the server's retry-after) on a quick machine,
    // only the first if its answer took over half a second on a busy one; never
    // a third, which would start after the deadline (without one deadline over
    // every attempt and wait, all 11 are sent).
    let sent = server.received_requests().await.unwrap().len();
    assert!((1..=2).contains(&sent), "{sent} requests");
}

/// Hands out `first` until refreshed, then `refreshed`; counts both.
struct Rotating {
    first: &'static str,
    refreshed: &'static str,
    asked: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    refreshes: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl roblox_inventory::auth::TokenSource for Rotating {
    fn token(&self) -> roblox_inventory::auth::TokenFuture<'_> {
        self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let token = if self.refreshes.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            self.refreshed
        } else {
            self.first
        };
        Box::pin(async move { Ok(secrecy::SecretString::from(token.to_string())) })
    }

    fn refresh(&self) -> roblox_inventory::auth::TokenFuture<'_> {
        self.refreshes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.token()
    }
}

fn rotating(
    first: &'static str,
    refreshed: &'static str,
) -> (
    Rotating,
    [std::sync::Arc<std::sync::atomic::AtomicUsize>; 2],
) {
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let refreshes = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    (
        Rotating {
            first,
            refreshed,
            asked: asked.clone(),
            refreshes: refreshes.clone(),
        },
        [asked, refreshes],
    )
}

#[tokio::test]
async fn hardening_03_every_attempt_asks_the_token_source() {
    use roblox_inventory_sandbox::Fault;
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    sandbox.inject(Route::ListInventoryItems, Fault::Status(503), 1);
    let (source, [asked, _]) = rotating("sandbox-oauth-shedletsky", "sandbox-oauth-shedletsky");
    let oauth = client(&sandbox).oauth_token_source(source).build().unwrap();
    list_one_page(&oauth, 261).await.unwrap();
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 2);
    assert_eq!(
        asked.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the retry asked for a token again"
    );
}

#[tokio::test]
async fn hardening_03_a_401_asks_the_source_to_refresh_once_and_retries() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let (source, [_, refreshes]) = rotating("sandbox-oauth-expired", "sandbox-oauth-shedletsky");
    let oauth = client(&sandbox).oauth_token_source(source).build().unwrap();
    list_one_page(&oauth, 261)
        .await
        .expect("the refreshed token works");
    assert_eq!(refreshes.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 2);
    // A refreshed token that is refused too is the caller's Unauthorized, after one retry.
    let (source, [_, refreshes]) = rotating("sandbox-oauth-expired", "sandbox-oauth-revoked");
    let stale = client(&sandbox).oauth_token_source(source).build().unwrap();
    assert!(matches!(
        list_one_page(&stale, 261).await,
        Err(Error::Unauthorized(_))
    ));
    assert_eq!(refreshes.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 4);
}

#[tokio::test]
async fn hardening_07_a_listing_that_fails_on_page_90_resumes_and_loses_nothing() {
    use futures_util::StreamExt;
    use roblox_inventory_sandbox::{Fault, World};
    let world = World::generated(9, 4_000, 995);
    let sandbox = sandbox(Sandbox::builder().world(world).rate_limits(false)).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let listing = || cloud.inventory_items(4_000).page_size(10);
    let everything: Vec<_> = listing().items().try_collect().await.unwrap();
    assert!(everything.len() > 990, "{}", everything.len());

    // Page 90 fails past every retry (the first attempt and 3 retries).
    let mut first: Vec<_> = Vec::new();
    let mut pages = listing().pages();
    let mut last_next = None;
    let failure = loop {
        match pages.next().await {
            Some(Ok(page)) => {
                assert_eq!(
                    page.token, last_next,
                    "each page says which token fetched it"
                );
                last_next = page.next.clone();
                first.extend(page.items);
                if first.len() == 890 {
                    sandbox.inject(Route::ListInventoryItems, Fault::Status(500), 4);
                }
            }
            Some(Err(error)) => break error,
            None => panic!("the listing ended without the injected failure"),
        }
    };
    assert_eq!(failure.status(), Some(500), "{failure:?}");
    let resume = pages.resume_point();
    assert_eq!(
        resume,
        roblox_inventory::ResumePoint::At {
            token: last_next,
            skip: 0
        },
        "the failed page's token"
    );

    let rest: Vec<_> = listing()
        .resume(resume)
        .items()
        .try_collect()
        .await
        .unwrap();
    let mut both = first;
    both.extend(rest);
    assert_eq!(
        both, everything,
        "every item exactly once, in order, over the two runs"
    );
}

#[tokio::test]
async fn hardening_06_places_send_no_first_cursor_opaque_cursors_and_unknown_tabs_as_numbers() {
    use roblox_inventory::models::PlacesTab;
    use wiremock::matchers::{method, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("cursor", "opaque-2_of_2"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"previousPageCursor":null,"nextPageCursor":null,"data":[{"placeId":2}]}"#,
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"previousPageCursor":null,"nextPageCursor":"opaque-2_of_2","data":[{"placeId":1}]}"#,
        ))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let places: Vec<_> = client
        .places(156, PlacesTab::from_number(4))
        .items()
        .try_collect()
        .await
        .expect("an opaque cursor is carried as it came");
    assert_eq!(places.len(), 2);
    let requests = server.received_requests().await.unwrap();
    let query = |i: usize| requests[i].url.query().unwrap_or_default().to_string();
    assert!(
        !query(0).contains("cursor"),
        "no cursor on the first page: {}",
        query(0)
    );
    assert!(
        query(0).contains("placesTab=4"),
        "an unknown tab goes out as its number: {}",
        query(0)
    );
    assert!(query(1).contains("cursor=opaque-2_of_2"), "{}", query(1));
}
