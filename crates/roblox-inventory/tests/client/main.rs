//! The ergonomic client against the sandbox over loopback: every endpoint, the
//! credential rules, privacy, CSRF, retries, faults and paging.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::TryStreamExt;
use roblox_inventory::models::{AssetType, ItemDetails, OwnershipItemType, PlacesTab, SortOrder};
use roblox_inventory::{Client, Error, InventoryFilter, Item, RetryConfig};
use roblox_inventory_sandbox::{Fault, Route, Sandbox, SandboxBuilder, World};

mod budget;
mod escape_hatch;
mod hardening;
mod hardening2;
mod models;
#[cfg(feature = "oauth")]
mod oauth;
mod ownership;
mod paging;

async fn sandbox(builder: SandboxBuilder) -> Sandbox {
    builder.start().await.expect("sandbox starts")
}

async fn default_sandbox() -> Sandbox {
    sandbox(Sandbox::builder().rate_limits(false)).await
}

/// A client for `sandbox` with quick retries and no client-side pacing (most
/// sandboxes here enforce no limits; one test checks the pacing).
fn client(sandbox: &Sandbox) -> roblox_inventory::ClientBuilder {
    Client::builder()
        .base_url(sandbox.base_url())
        .without_budget()
        .retry(
            RetryConfig::default()
                .with_delays(Duration::from_millis(10), Duration::from_millis(50)),
        )
}

#[tokio::test]
async fn owns_checks_every_kind_with_the_fewest_requests() {
    let sandbox = default_sandbox().await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let items = [
        Item::GamePass(1111),
        Item::GamePass(3333),
        Item::Badge(2124445684),
        Item::Asset(1365767),
        Item::Asset(27112438),
        Item::PrivateServer(90001),
        Item::Bundle(192),
    ];
    let answers = cloud.owned(156, &items).await.unwrap();
    assert_eq!(
        answers.iter().map(|(_, owned)| *owned).collect::<Vec<_>>(),
        [true, false, true, true, false, true, true]
    );
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        1,
        "six items, one Open Cloud request"
    );
    assert_eq!(sandbox.requests(Route::IsOwned), 1, "bundles need is-owned");

    let anonymous = client(&sandbox).build().unwrap();
    assert!(anonymous.owns(156, Item::GamePass(2222)).await.unwrap());
    assert!(!anonymous.owns(261, Item::GamePass(2222)).await.unwrap());
    assert_eq!(sandbox.requests(Route::IsOwned), 3);
    assert!(matches!(
        anonymous.owns(156, Item::PrivateServer(90001)).await,
        Err(Error::MissingCredential { .. })
    ));
}

#[tokio::test]
async fn owned_batches_ids_into_filters() {
    let sandbox = default_sandbox().await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let mut items: Vec<Item> = (0..150).map(|n| Item::Asset(90_000_000 + n)).collect();
    items.push(Item::Asset(1028606));
    let answers = cloud.owned(156, &items).await.unwrap();
    assert_eq!(answers.iter().filter(|(_, owned)| *owned).count(), 1);
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        2,
        "151 ids in batches of 100"
    );
    assert_eq!(sandbox.requests(Route::IsOwned), 0);
}

#[tokio::test]
async fn private_inventories_are_a_typed_error_and_owns_falls_back() {
    let sandbox = default_sandbox().await;
    let stranger = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let error = stranger
        .inventory_items(261)
        .items()
        .try_next()
        .await
        .unwrap_err();
    let Error::InventoryPrivate {
        user_id, unlock, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*user_id, 261);
    assert!(unlock.contains("Inventory: Read") && unlock.contains("user.inventory-item:read"));
    assert_eq!(error.status(), Some(403));
    assert!(
        stranger.owns(261, Item::GamePass(3333)).await.unwrap(),
        "is-owned answers for private inventories"
    );

    let owner = client(&sandbox)
        .oauth_token("sandbox-oauth-shedletsky")
        .build()
        .unwrap();
    let items: Vec<_> = owner
        .inventory_items(261)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 4);
    let hidden = client(&sandbox)
        .build()
        .unwrap()
        .collectibles(261)
        .items()
        .try_next()
        .await
        .unwrap_err();
    assert!(
        matches!(hidden, Error::InventoryPrivate { user_id: 261, .. }),
        "{hidden:?}"
    );
    let own = client(&sandbox)
        .roblosecurity("sandbox-cookie-shedletsky")
        .build()
        .unwrap();
    assert_eq!(
        own.collectibles(261)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn missing_credentials_fail_before_any_request() {
    let sandbox = default_sandbox().await;
    let anonymous = client(&sandbox).build().unwrap();
    let error = anonymous
        .inventory_items(156)
        .items()
        .try_next()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::MissingCredential {
                operation: roblox_inventory::Operation::CloudListInventoryItems,
                ..
            }
        ),
        "{error}"
    );
    let error = anonymous
        .add_to_collection(Item::Asset(1028606))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::MissingCredential { .. }));
    let error = client(&sandbox)
        .api_key("k")
        .build()
        .unwrap()
        .inventory_items(1)
        .page_size(101)
        .items()
        .try_next()
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidArgument {
            name: "page_size",
            ..
        }
    ));
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems) + sandbox.requests(Route::AddToCollection),
        0
    );
}

#[tokio::test]
async fn paging_thousands_of_items_loses_and_repeats_nothing() {
    let world = World::generated(11, 4_000, 2_500);
    let sandbox = sandbox(Sandbox::builder().world(world).rate_limits(false)).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let items: Vec<_> = cloud
        .inventory_items(4_000)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2_500 + 2 + 3);
    let paths: HashSet<_> = items.iter().map(|i| i.path.clone()).collect();
    assert_eq!(paths.len(), items.len(), "no repeats");
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        26,
        "100 per page, the most allowed"
    );

    let first: Vec<_> = cloud
        .inventory_items(4_000)
        .max_items(150)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first.len(), 150);
    let pages: Vec<_> = cloud
        .inventory_items(4_000)
        .page_size(7)
        .max_pages(3)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [7, 7, 7]
    );

    let hats: Vec<_> = client(&sandbox)
        .build()
        .unwrap()
        .inventory(4_000, AssetType::Hat)
        .page_size(25)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(hats.len() > 100);
    let ids: HashSet<_> = hats.iter().map(|h| h.user_asset_id).collect();
    assert_eq!(ids.len(), hats.len());
    let descending: Vec<_> = client(&sandbox)
        .build()
        .unwrap()
        .collectibles(4_000)
        .sort(SortOrder::Desc)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(descending
        .windows(2)
        .all(|w| w[0].user_asset_id > w[1].user_asset_id));
}

#[tokio::test]
async fn the_empty_final_page_ends_the_stream() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false).empty_final_page(true)).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let filter = InventoryFilter::by_type()
        .all_asset_types()
        .badges()
        .game_passes();
    let items: Vec<_> = cloud
        .inventory_items(156)
        .filter(filter)
        .page_size(12)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 12);
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        2,
        "the empty page ends it"
    );
}

#[tokio::test]
async fn every_legacy_endpoint_answers() {
    let sandbox = default_sandbox().await;
    // A reqwest::ClientBuilder of your own can carry both hosts' requests.
    let http = reqwest::Client::builder().pool_max_idle_per_host(2);
    let anonymous = client(&sandbox).http_client(http).build().unwrap();
    assert!(anonymous
        .is_owned(156, OwnershipItemType::Badge, 2124445684)
        .await
        .unwrap());
    let error = anonymous
        .is_owned(156, OwnershipItemType::GamePass, 424242)
        .await
        .unwrap_err();
    assert_eq!(
        (
            error.status(),
            error.api_error().and_then(|e| e.legacy_code())
        ),
        (Some(400), Some(5))
    );
    use roblox_inventory::api::error_codes::GetV1UsersItemsIsOwnedError as IsOwned;
    let documented = error.api_error().and_then(|e| e.documented::<IsOwned>());
    assert_eq!(documented, Some(IsOwned::GamePassDoesNotExist));
    assert_eq!(
        documented.unwrap().message(),
        "The specified game pass does not exist! Are you using the new game pass ID?"
    );
    assert!(!anonymous.categories(156).await.unwrap().is_empty());
    let places: Vec<_> = anonymous
        .places(156, PlacesTab::Created)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(places[0].place_id, 1818);
    let purchased = anonymous
        .places(156, PlacesTab::Purchased)
        .items()
        .try_next()
        .await
        .unwrap_err();
    assert!(
        matches!(purchased, Error::InventoryPrivate { .. }),
        "{purchased:?}"
    );
    #[allow(deprecated)]
    let assets = anonymous.package_assets(607702162).await.unwrap();
    assert_eq!(assets, [607785314, 607784987]);
}

#[tokio::test]
async fn collections_run_the_csrf_exchange_and_survive_rotation() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false).csrf_rotate_every(1)).await;
    let me = client(&sandbox)
        .roblosecurity("sandbox-cookie-builderman")
        .build()
        .unwrap();
    me.add_to_collection(Item::Asset(1028606)).await.unwrap();
    me.remove_from_collection(Item::Asset(1028606))
        .await
        .unwrap();
    me.add_to_collection(Item::Bundle(192)).await.unwrap();
    let collection = sandbox.world().user(156).unwrap().collection.clone();
    assert_eq!(collection.len(), 2, "{collection:?}");
    let again = me.add_to_collection(Item::Bundle(192)).await.unwrap_err();
    use roblox_inventory::api::error_codes::PostV1CollectionsItemsError as Add;
    assert_eq!(
        again.api_error().and_then(|e| e.documented::<Add>()),
        Some(Add::ItemIsAlreadyInTheCollection)
    );
    sandbox.inject(Route::AddToCollection, Fault::OmitCsrfHeader, 1);
    sandbox.rotate_csrf_tokens();
    let csrf = me
        .add_to_collection(Item::Asset(1028606))
        .await
        .unwrap_err();
    assert!(matches!(csrf, Error::Csrf(_)), "{csrf:?}");
    let refused = me
        .add_to_collection(Item::GamePass(1111))
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        Error::InvalidArgument { name: "item", .. }
    ));
}

#[tokio::test]
async fn idempotent_requests_retry_and_writes_do_not() {
    let sandbox = default_sandbox().await;
    let anonymous = client(&sandbox).build().unwrap();
    sandbox.inject(Route::IsOwned, Fault::Status(503), 2);
    assert!(anonymous.owns(156, Item::GamePass(1111)).await.unwrap());
    assert_eq!(sandbox.requests(Route::IsOwned), 3);
    sandbox.inject(
        Route::IsOwned,
        Fault::TooManyRequests {
            retry_after: Some(1),
        },
        1,
    );
    let started = std::time::Instant::now();
    assert!(anonymous.owns(156, Item::GamePass(1111)).await.unwrap());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retry-after is honoured"
    );
    sandbox.inject(Route::Categories, Fault::DropConnection, 1);
    assert!(
        !anonymous.categories(1).await.unwrap().is_empty(),
        "a dropped connection is retried"
    );

    let no_retries = client(&sandbox)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    sandbox.inject(
        Route::IsOwned,
        Fault::TooManyRequests {
            retry_after: Some(3),
        },
        1,
    );
    let limited = no_retries
        .owns(156, Item::GamePass(1111))
        .await
        .unwrap_err();
    assert!(
        matches!(limited, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3)),
        "{limited:?}"
    );

    let me = client(&sandbox)
        .roblosecurity("sandbox-cookie-builderman")
        .build()
        .unwrap();
    me.add_to_collection(Item::Asset(1028606)).await.unwrap();
    let before = sandbox.requests(Route::RemoveFromCollection);
    sandbox.inject(Route::RemoveFromCollection, Fault::Status(503), 1);
    let error = me
        .remove_from_collection(Item::Asset(1028606))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(
        sandbox.requests(Route::RemoveFromCollection) - before,
        1,
        "a write is never repeated on its own"
    );
}

#[tokio::test]
async fn timeouts_and_broken_bodies_are_typed_errors() {
    let sandbox = default_sandbox().await;
    // Only stalled requests meet the short timeout: an answer that is merely
    // slow on a busy machine must not turn into a timeout where none is asserted.
    let impatient = client(&sandbox)
        .attempt_timeout(STALL_TIMEOUT)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    sandbox.inject(Route::Categories, stall(), 1);
    assert!(matches!(
        impatient.categories(1).await,
        Err(Error::Timeout(_))
    ));
    let patient = client(&sandbox)
        .attempt_timeout(STALL_TIMEOUT)
        .build()
        .unwrap();
    sandbox.inject(Route::Categories, stall(), 1);
    assert!(
        patient.categories(1).await.is_ok(),
        "a timed-out GET is retried"
    );
    let unretried = client(&sandbox)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    sandbox.inject(Route::Collectibles, Fault::TruncatedJson, 1);
    let truncated = unretried
        .collectibles(156)
        .items()
        .try_next()
        .await
        .unwrap_err();
    assert!(
        matches!(truncated, Error::Decode { status: 200, .. }),
        "{truncated:?}"
    );
    sandbox.inject(Route::Collectibles, Fault::MalformedJson, 1);
    let error = unretried
        .collectibles(156)
        .items()
        .try_next()
        .await
        .unwrap_err();
    let Error::Decode {
        status, excerpt, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 200);
    assert!(excerpt.starts_with("{\"data\""), "{excerpt}");
}

/// A client with the sandbox's API key and cookie, after calls on both hosts
/// that use each of them (Open Cloud listing, legacy listing, a collection
/// write with its CSRF exchange, batched ownership).
async fn use_every_credential(sandbox: &Sandbox) -> Client {
    let everything = client(sandbox)
        .api_key("sandbox-key-builderman")
        .roblosecurity("sandbox-cookie-builderman")
        .build()
        .unwrap();
    everything
        .inventory_items(156)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    everything
        .collectibles(156)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    everything
        .add_to_collection(Item::Asset(1028606))
        .await
        .unwrap();
    everything
        .owned(156, &[Item::GamePass(1111), Item::Bundle(192)])
        .await
        .unwrap();
    everything
}

#[tokio::test]
async fn credentials_go_only_to_their_host_and_never_print() {
    let sandbox = default_sandbox().await;
    let everything = use_every_credential(&sandbox).await;
    assert_eq!(sandbox.credential_violations(), Vec::<String>::new());
    let printed = format!("{everything:?}");
    assert!(
        !printed.contains("sandbox-key") && !printed.contains("sandbox-cookie"),
        "{printed}"
    );
    let error = client(&sandbox)
        .api_key("wrong-secret-key")
        .build()
        .unwrap()
        .inventory_items(156)
        .items()
        .try_next()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unauthorized(_)));
    assert!(!format!("{error} {error:?}").contains("wrong-secret-key"));
}

#[tokio::test]
async fn rate_limit_headers_are_exposed() {
    let sandbox = sandbox(Sandbox::builder()).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    cloud
        .inventory_items(156)
        .max_pages(1)
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let info = cloud.last_rate_limit().expect("headers seen");
    assert_eq!(
        info.operation,
        roblox_inventory::Operation::CloudListInventoryItems
    );
    assert_eq!(info.remaining, Some(99));
    assert_eq!(info.limit.as_deref(), Some("100, 100;w=60"));
}

#[tokio::test]
async fn items_are_an_enum() {
    let sandbox = default_sandbox().await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let items: Vec<_> = cloud
        .inventory_items(156)
        .items()
        .try_collect()
        .await
        .unwrap();
    let kinds: HashSet<&str> = items
        .iter()
        .map(|i| match &i.details {
            ItemDetails::Asset(_) => "asset",
            ItemDetails::Badge { .. } => "badge",
            ItemDetails::GamePass { .. } => "pass",
            ItemDetails::PrivateServer { .. } => "server",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, HashSet::from(["asset", "badge", "pass", "server"]));
    let limited = items.iter().find_map(|i| match &i.details {
        ItemDetails::Asset(a) if a.collectible.is_some() => Some(a.clone()),
        _ => None,
    });
    assert_eq!(
        limited.unwrap().collectible.unwrap().serial_number,
        Some(42)
    );
}

#[tokio::test]
async fn the_default_budget_never_exceeds_the_documented_limit() {
    use roblox_inventory::budget::LocalBudget;
    // Both sides count 100 requests per API-key owner per "minute" of 600 ms,
    // the sandbox's windows aligned to the clock wherever they fall.
    let minute = Duration::from_millis(600);
    let sandbox = sandbox(Sandbox::builder().rate_limit_minute(minute)).await;
    let cloud = Client::builder()
        .base_url(sandbox.base_url())
        .api_key("sandbox-key-builderman")
        .retry(RetryConfig::disabled())
        .request_budget(LocalBudget::with_minute(minute))
        .build()
        .unwrap();
    for _ in 0..250 {
        cloud
            .inventory_items(156)
            .max_pages(1)
            .pages()
            .try_collect::<Vec<_>>()
            .await
            .expect("never a 429 (retries are off, so one would fail here)");
    }
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 250);
}

/// Counts how often it is asked, and fails when told to.
struct CountingSource {
    calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    fail: bool,
}

impl roblox_inventory::auth::TokenSource for CountingSource {
    fn token(&self) -> roblox_inventory::auth::TokenFuture<'_> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let fail = self.fail;
        Box::pin(async move {
            if fail {
                Err("the refresh token was revoked".into())
            } else {
                Ok(secrecy::SecretString::from(
                    "sandbox-oauth-shedletsky".to_string(),
                ))
            }
        })
    }
}

#[tokio::test]
async fn oauth_tokens_come_from_the_source_for_every_request() {
    let sandbox = default_sandbox().await;
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let source = CountingSource {
        calls: calls.clone(),
        fail: false,
    };
    let oauth = client(&sandbox).oauth_token_source(source).build().unwrap();
    let items: Vec<_> = oauth
        .inventory_items(261)
        .page_size(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "asked once per page"
    );

    let broken = client(&sandbox)
        .oauth_token_source(CountingSource {
            calls: calls.clone(),
            fail: true,
        })
        .build()
        .unwrap();
    let before = sandbox.requests(Route::ListInventoryItems);
    let error = broken
        .inventory_items(261)
        .items()
        .try_next()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::TokenSource(_)), "{error:?}");
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        before,
        "nothing sent without a token"
    );
}

/// One page of `user`'s Open Cloud inventory, or the error.
async fn list_one_page(client: &Client, user: u64) -> Result<(), Error> {
    client
        .inventory_items(user)
        .max_pages(1)
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .map(drop)
}

/// A server on 127.0.0.1 that redirects one request to another loopback host
/// (127.0.0.2, a different host to the client), and whether anything arrived there.
fn redirector() -> (String, std::thread::JoinHandle<bool>) {
    use std::io::{Read, Write};
    let elsewhere = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
    let elsewhere_addr = elsewhere.local_addr().unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let redirector = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", redirector.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = redirector.accept().unwrap();
        let mut buffer = [0u8; 4096];
        let _ = stream.read(&mut buffer);
        let location = format!("http://{elsewhere_addr}/cloud/v2/users/156/inventory-items");
        write!(stream, "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").unwrap();
        drop(stream);
        std::thread::sleep(std::time::Duration::from_millis(200));
        elsewhere.accept().is_ok()
    });
    (base, server)
}

#[tokio::test]
async fn credentials_never_follow_a_redirect() {
    let (base, server) = redirector();
    let client = Client::builder()
        .base_url(base)
        .without_budget()
        .api_key("secret-key-never-elsewhere")
        .build()
        .unwrap();
    let error = list_one_page(&client, 156).await.unwrap_err();
    assert_eq!(error.status(), Some(302), "{error:?}");
    assert!(!server.join().unwrap(), "nothing reached the other host");
}

// ---------------------------------------------------------------- exact sequences (wiremock)

mod sequences {
    use roblox_inventory::{Client, Item, RetryConfig};
    use std::time::Duration;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    fn has_no_csrf_token(request: &Request) -> bool {
        !request.headers.contains_key("x-csrf-token")
    }

    #[tokio::test]
    async fn the_csrf_exchange_is_exactly_challenge_then_retry_then_reuse() {
        let server = MockServer::start().await;
        let challenge = ResponseTemplate::new(403)
            .insert_header("x-csrf-token", "tok-1")
            .set_body_string(r#"{"errors":[{"code":0,"message":"Token Validation Failed"}]}"#);
        Mock::given(method("POST"))
            .and(path("/v1/collections/items/Asset/1028606"))
            .and(has_no_csrf_token)
            .respond_with(challenge)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/collections/items/Asset/1028606"))
            .and(header("x-csrf-token", "tok-1"))
            .and(header("cookie", ".ROBLOSECURITY=cookie-value"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .expect(2)
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .without_budget()
            .roblosecurity("cookie-value")
            .build()
            .unwrap();
        client
            .add_to_collection(Item::Asset(1028606))
            .await
            .unwrap();
        client
            .add_to_collection(Item::Asset(1028606))
            .await
            .unwrap();
        let requests = server.received_requests().await.unwrap();
        assert_eq!(
            requests.len(),
            3,
            "challenge, retry, then the cached token straight away"
        );
        for request in &requests {
            assert!(
                !request.headers.contains_key("x-api-key")
                    && !request.headers.contains_key("api-version")
            );
        }
    }

    #[tokio::test]
    async fn a_get_is_retried_exactly_until_it_succeeds() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/users/1/items/1/7/is-owned"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(2)
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1/users/1/items/1/7/is-owned"))
            .respond_with(ResponseTemplate::new(200).set_body_string("true"))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .without_budget()
            .retry(
                RetryConfig::default()
                    .with_delays(Duration::from_millis(5), Duration::from_millis(20)),
            )
            .build()
            .unwrap();
        assert!(client.owns(1, Item::GamePass(7)).await.unwrap());
    }
}

// ---------------------------------------------------------------- secret hygiene

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_reaches_tracing_output_at_any_level_even_on_failures() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    // Global, not thread-local: tracing caches per-callsite interest across threads, so a
    // thread-local subscriber can miss events while other tests run. Other tests' events land
    // here too, which only widens the check.
    tracing::subscriber::set_global_default(subscriber)
        .expect("the only global subscriber in this binary");
    let sandbox = default_sandbox().await;
    let (key, token, cookie) = (
        "sandbox-key-builderman",
        "sandbox-oauth-shedletsky",
        "sandbox-cookie-builderman",
    );
    let everything = use_every_credential(&sandbox).await;
    sandbox.inject(Route::IsOwned, Fault::Status(503), 1);
    everything.owns(156, Item::Bundle(192)).await.unwrap();
    let _ = everything
        .add_to_collection(Item::Asset(27112438))
        .await
        .unwrap_err();
    let oauth = client(&sandbox).oauth_token(token).build().unwrap();
    oauth
        .inventory_items(261)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let wrong = client(&sandbox)
        .api_key("wrong-secret-key-777")
        .roblosecurity("wrong-secret-cookie-888")
        .build()
        .unwrap();
    let error = wrong
        .inventory_items(156)
        .items()
        .try_next()
        .await
        .unwrap_err();
    tracing::error!(%error, ?error, "logged by the application");
    let _ = wrong.add_to_collection(Item::Asset(1)).await.unwrap_err();
    // A proxy's password in the base URL (issue 19 item 13); nothing listens at port 1.
    let proxied = Client::builder()
        .base_url("http://relay:s3cret-proxy-999@127.0.0.1:1")
        .retry(
            RetryConfig::default().with_delays(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let error = proxied.owns(1, Item::GamePass(9)).await.unwrap_err();
    tracing::error!(%error, ?error, "logged by the application");
    // With the `oauth` feature (as `cargo test --workspace` builds it), the
    // OAuth flow's secrets too.
    #[cfg(feature = "oauth")]
    let (oauth_secrets, printed) = oauth::every_oauth_secret(&sandbox).await;
    #[cfg(not(feature = "oauth"))]
    let (oauth_secrets, printed): (Vec<String>, String) = (Vec::new(), String::new());
    for secret in &oauth_secrets {
        assert!(
            !printed.contains(secret.as_str()),
            "an OAuth secret in Debug or Display: {printed}"
        );
    }

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        output.contains("Cloud_ListInventoryItems") && output.contains("attempt"),
        "tracing saw the requests: {output}"
    );
    for secret in [
        key,
        token,
        cookie,
        "wrong-secret-key-777",
        "wrong-secret-cookie-888",
        "s3cret-proxy-999",
    ] {
        assert!(
            !output.contains(secret),
            "`{secret}` leaked into tracing output"
        );
    }
    for secret in &oauth_secrets {
        assert!(
            !output.contains(secret.as_str()),
            "an OAuth secret leaked into tracing output"
        );
    }
}

// ---------------------------------------------------------------- fault matrix

/// How long a client waits for a stalled answer: far less than [`stall`]
/// (which never answers in a test's lifetime), and given only to clients whose
/// requests are meant to stall or are retried when one is merely slow.
const STALL_TIMEOUT: Duration = Duration::from_millis(300);

/// A stall no client in these tests waits out.
fn stall() -> Fault {
    Fault::Stall(Duration::from_secs(3_600))
}

/// Every fault the sandbox injects, against every endpoint group.
#[tokio::test]
async fn fault_matrix() {
    let world = World::generated(21, 4_500, 250);
    let sandbox = sandbox(Sandbox::builder().world(world).rate_limits(false)).await;
    let patient = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    // Stalls meet the short timeout and are retried (so is an answer that was
    // merely slow); every other fault is met with the default timeout, so a busy
    // machine cannot turn a broken body into a timeout.
    let impatient = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .attempt_timeout(STALL_TIMEOUT)
        .build()
        .unwrap();
    let reader = &patient;
    let expected_items: Vec<_> = reader
        .inventory_items(4_500)
        .items()
        .try_collect()
        .await
        .unwrap();
    let expected_collectibles: Vec<_> = reader
        .collectibles(4_500)
        .page_size(10)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(expected_collectibles.len() > 10, "several pages");
    let expected_collectible_ids: Vec<_> = expected_collectibles
        .iter()
        .map(|c| c.user_asset_id)
        .collect();

    let recoverable = [
        Fault::Status(500),
        Fault::Status(502),
        Fault::Status(503),
        Fault::TooManyRequests {
            retry_after: Some(0),
        },
        Fault::TooManyRequests { retry_after: None },
        Fault::DropConnection,
        stall(),
    ];
    let broken_bodies = [Fault::TruncatedJson, Fault::MalformedJson];

    for fault in recoverable.iter().chain(&broken_bodies) {
        let recovers = recoverable.contains(fault);
        let reader = match fault {
            Fault::Stall(_) => &impatient,
            _ => &patient,
        };
        // Open Cloud stream, fault on the second page.
        let mut pages = reader.inventory_items(4_500).pages();
        let first = pages.try_next().await.unwrap().unwrap();
        sandbox.inject(Route::ListInventoryItems, fault.clone(), 1);
        let rest: Result<Vec<_>, _> = pages.try_collect().await;
        match rest {
            Ok(rest) => {
                assert!(recovers, "{fault:?} should not pass silently");
                let all: Vec<_> = first
                    .items
                    .into_iter()
                    .chain(rest.into_iter().flat_map(|p| p.items))
                    .collect();
                assert_eq!(all, expected_items, "{fault:?}: no item lost or repeated");
            }
            Err(error) => {
                assert!(!recovers, "{fault:?}: {error:?}");
                assert!(
                    matches!(error, Error::Decode { .. }),
                    "{fault:?}: {error:?}"
                );
            }
        }
        // Legacy paged stream, fault on the second page.
        let mut pages = reader.collectibles(4_500).page_size(10).pages();
        let first = pages.try_next().await.unwrap().unwrap();
        sandbox.inject(Route::Collectibles, fault.clone(), 1);
        match pages.try_collect::<Vec<_>>().await {
            Ok(rest) => {
                assert!(recovers, "{fault:?}");
                let all: Vec<_> = first
                    .items
                    .into_iter()
                    .chain(rest.into_iter().flat_map(|p| p.items))
                    .map(|c| c.user_asset_id)
                    .collect();
                assert_eq!(
                    all, expected_collectible_ids,
                    "{fault:?}: no item lost or repeated"
                );
            }
            Err(error) => assert!(
                !recovers && matches!(error, Error::Decode { .. }),
                "{fault:?}: {error:?}"
            ),
        }
        // Single GETs.
        sandbox.inject(Route::IsOwned, fault.clone(), 1);
        match reader
            .is_owned(156, OwnershipItemType::GamePass, 1111)
            .await
        {
            Ok(owned) => assert!(recovers && owned, "{fault:?}"),
            Err(error) => assert!(
                !recovers && matches!(error, Error::Decode { .. }),
                "{fault:?}: {error:?}"
            ),
        }
        sandbox.inject(Route::Categories, fault.clone(), 1);
        assert_eq!(reader.categories(156).await.is_ok(), recovers, "{fault:?}");
    }
}

/// Writes are never repeated on their own: every fault is one request and a typed error.
#[tokio::test]
async fn fault_matrix_for_writes() {
    let sandbox = default_sandbox().await;
    let patient = client(&sandbox)
        .roblosecurity("sandbox-cookie-builderman")
        .build()
        .unwrap();
    // Only the stall meets the short timeout (writes are never retried, so a
    // merely slow answer must not meet it).
    let impatient = client(&sandbox)
        .roblosecurity("sandbox-cookie-builderman")
        .attempt_timeout(STALL_TIMEOUT)
        .build()
        .unwrap();
    // Run the CSRF exchange once on each so the token is cached.
    for me in [&patient, &impatient] {
        me.add_to_collection(Item::Asset(1028606)).await.unwrap();
        me.remove_from_collection(Item::Asset(1028606))
            .await
            .unwrap();
    }
    for fault in [
        Fault::Status(500),
        Fault::Status(503),
        Fault::TooManyRequests {
            retry_after: Some(0),
        },
        Fault::DropConnection,
        stall(),
        Fault::MalformedJson,
        Fault::OmitCsrfHeader,
    ] {
        let me = match fault {
            Fault::Stall(_) => &impatient,
            _ => &patient,
        };
        let before = sandbox.requests(Route::AddToCollection);
        sandbox.inject(Route::AddToCollection, fault.clone(), 1);
        let result = me.add_to_collection(Item::Asset(1028606)).await;
        assert_eq!(
            sandbox.requests(Route::AddToCollection) - before,
            1,
            "{fault:?}: sent once"
        );
        match (&fault, &result) {
            (Fault::Status(s), Err(e)) => assert_eq!(e.status(), Some(*s)),
            (Fault::TooManyRequests { .. }, Err(e)) => {
                assert!(matches!(e, Error::RateLimited { .. }))
            }
            // The 200 status line arrived before the cut: the write happened, and
            // its body (declared optional) is not read.
            (Fault::DropConnection, Ok(())) => {}
            (Fault::Stall(_), Err(e)) => assert!(matches!(e, Error::Timeout(_)), "{e:?}"),
            (Fault::OmitCsrfHeader, Err(e)) => assert!(matches!(e, Error::Csrf(_)), "{e:?}"),
            // A malformed 200 still means the write happened: the body is not read.
            (Fault::MalformedJson, Ok(())) => {}
            (fault, result) => panic!("{fault:?}: {result:?}"),
        }
        // Put the world back for the next fault.
        let _ = me.remove_from_collection(Item::Asset(1028606)).await;
    }
    // A token rotated mid-run is exchanged again, transparently.
    sandbox.rotate_csrf_tokens();
    patient
        .add_to_collection(Item::Asset(1028606))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_concurrent_streams_share_one_client_without_429s() {
    use roblox_inventory::budget::LocalBudget;
    let minute = Duration::from_millis(400);
    let world = World::generated(5, 4_800, 400);
    let sandbox = sandbox(Sandbox::builder().world(world).rate_limit_minute(minute)).await;
    let shared = Client::builder()
        .base_url(sandbox.base_url())
        .api_key("sandbox-key-builderman")
        .retry(RetryConfig::disabled())
        .request_budget(LocalBudget::with_minute(minute))
        .build()
        .unwrap();
    let streams = (0..8).map(|_| {
        let client = shared.clone();
        tokio::spawn(async move {
            client
                .inventory_items(4_800)
                .page_size(25)
                .items()
                .try_collect::<Vec<_>>()
                .await
        })
    });
    for stream in streams {
        let items = stream.await.unwrap().expect("no error and no 429");
        assert_eq!(items.len(), 400 + 2 + 3);
    }
}
