//! Issue 19 (cancellation, concurrency and clocks): each test is named
//! `hardening2_NN_…` after the item it covers, so the list runs on its own
//! (`cargo test -p roblox-inventory --test client hardening2_`).

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use roblox_inventory::{Client, Error, Item};
use roblox_inventory_sandbox::{Population, Route, Sandbox, World};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A wiremock server for both hosts: the Open Cloud listing of user 1 answers
/// `items` (one page), and is-owned answers `true` for everything.
async fn listing_server(items: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cloud/v2/users/1/inventory-items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"inventoryItems": items, "nextPageToken": ""})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(
            r"^/v1/users/1/items/[A-Za-z0-9]+/\d+/is-owned$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(true))
        .mount(&server)
        .await;
    server
}

/// The sandbox `builder` makes, without rate limits, and a client with an API
/// key that reads every public inventory, without pacing.
async fn with_key(builder: roblox_inventory_sandbox::SandboxBuilder) -> (Sandbox, Client) {
    let sandbox = builder
        .rate_limits(false)
        .start()
        .await
        .expect("sandbox starts");
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .api_key("sandbox-key-builderman")
        .without_budget()
        .build()
        .unwrap();
    (sandbox, client)
}

/// A client with an API key for both hosts of `server`, without pacing.
fn key_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key("a-key")
        .without_budget()
        .build()
        .unwrap()
}

async fn is_owned_requests(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_string())
        .filter(|p| p.ends_with("/is-owned"))
        .collect()
}

#[tokio::test]
async fn hardening2_01_an_unreadable_listed_item_is_never_answered_not_owned() {
    // The listing shows a game pass whose id is empty: it may be the one asked
    // about. The old code answered `false`; is-owned now answers it. The
    // private server the same filter asked about cannot be that item (its
    // details are of another kind), so its `false` stands.
    let server = listing_server(serde_json::json!([
        {"path": "users/1/inventory-items/a", "gamePassDetails": {"gamePassId": ""}}
    ]))
    .await;
    let client = key_client(&server);
    let answers = client
        .owned(1, &[Item::PrivateServer(5), Item::GamePass(9)])
        .await
        .expect("answers");
    assert_eq!(
        answers,
        vec![(Item::PrivateServer(5), false), (Item::GamePass(9), true)]
    );
    assert_eq!(
        is_owned_requests(&server).await,
        ["/v1/users/1/items/1/9/is-owned"],
        "one is-owned request, for the game pass (item type 1)"
    );

    // Details of a kind this version does not know could be anything: the
    // private server, which only Open Cloud answers, is a typed error.
    let server = listing_server(serde_json::json!([
        {"path": "users/1/inventory-items/b", "somethingNewDetails": {"id": "5"}}
    ]))
    .await;
    let client = key_client(&server);
    let answers: HashMap<Item, Result<bool, String>> = client
        .ownership([1], &[Item::PrivateServer(5), Item::GamePass(9)])
        .answers()
        .map(|a| (a.item, a.owned.map_err(|e| e.to_string())))
        .collect()
        .await;
    assert_eq!(answers[&Item::GamePass(9)], Ok(true));
    let server_answer = answers[&Item::PrivateServer(5)].clone().unwrap_err();
    assert!(server_answer.contains("cannot read"), "{server_answer}");
    assert!(matches!(
        client.owns(1, Item::PrivateServer(5)).await,
        Err(Error::Decode { status: 200, .. })
    ));
}

#[tokio::test]
async fn hardening2_04_fallbacks_share_the_hosts_concurrency() {
    // Every inventory is private to the key: each user's filter falls back to
    // is-owned for its game passes. With a concurrency of 4, at most 4 is-owned
    // requests may be in flight, however many filters fall back at once (the
    // old code ran 4 fallbacks inside each of 4 filters: 16).
    let population = Population {
        private_percent: 100,
        ..Population::new(1, 8)
    };
    let (sandbox, client) = with_key(
        Sandbox::builder()
            .world(World::populated(&population))
            .latency(Duration::from_millis(40)),
    )
    .await;
    let mut items: Vec<Item> = (0..10)
        .map(|n| Item::GamePass(Population::FIRST_GAME_PASS_ID + n))
        .collect();
    items.push(Item::PrivateServer(Population::FIRST_PRIVATE_SERVER_ID));
    let users: Vec<u64> = (0..8).map(|n| population.first_user_id + n).collect();
    let answers: Vec<_> = client
        .ownership(users, &items)
        .concurrency(4)
        .answers()
        .collect()
        .await;
    assert_eq!(answers.len(), 8 * 11);
    assert_eq!(
        sandbox.requests(Route::IsOwned),
        8 * 10,
        "every pass fell back"
    );
    assert!(
        sandbox.max_in_flight(Route::IsOwned) <= 4,
        "{} is-owned requests were in flight at once",
        sandbox.max_in_flight(Route::IsOwned)
    );
    assert!(sandbox.max_in_flight(Route::ListInventoryItems) <= 4);
}

#[tokio::test]
async fn hardening2_03_resuming_continues_after_the_last_item_delivered() {
    use futures_util::TryStreamExt;
    use roblox_inventory::ResumePoint;
    // Over pages of 10. The old `resume_token` moved to the next
    // page's token as soon as a page arrived: a reader stopping after item 15
    // resumed at item 21 (5 lost), and `None` meant both "start" and "done".
    let (sandbox, client) = with_key(Sandbox::builder().world(World::generated(7, 7, 25))).await;
    let listing = || client.inventory_items(7).page_size(10);
    let everything: Vec<_> = listing().items().try_collect().await.unwrap();
    assert!(everything.len() > 20, "{} items", everything.len());
    let requests = || sandbox.requests(Route::ListInventoryItems);

    // Nothing read yet: the start.
    let untouched = listing().items();
    assert_eq!(untouched.resume_point(), ResumePoint::Start);

    // A reader that stops after 15 items (a `break`), and one capped at 15.
    let mut stopped = listing().items();
    let mut first = Vec::new();
    while first.len() < 15 {
        first.push(stopped.try_next().await.unwrap().expect("an item"));
    }
    let capped = listing().max_items(15).items();
    let capped_point = {
        let mut capped = capped;
        while capped.try_next().await.unwrap().is_some() {}
        capped.resume_point()
    };
    for point in [stopped.resume_point(), capped_point] {
        assert!(
            matches!(
                &point,
                ResumePoint::At {
                    token: Some(_),
                    skip: 5
                }
            ),
            "{point:?}"
        );
        let rest: Vec<_> = listing().resume(point).items().try_collect().await.unwrap();
        let mut both = first.clone();
        both.extend(rest);
        assert_eq!(
            both, everything,
            "every item exactly once over the two runs"
        );
    }

    // A page read to its last item points at the next page, not at a skip.
    let mut ten = listing().items();
    for _ in 0..10 {
        ten.try_next().await.unwrap();
    }
    assert!(matches!(
        ten.resume_point(),
        ResumePoint::At {
            token: Some(_),
            skip: 0
        }
    ));

    // Read to the end: done, and resuming from done asks for nothing.
    let mut all = listing().items();
    while all.try_next().await.unwrap().is_some() {}
    assert_eq!(all.resume_point(), ResumePoint::Done);
    let before = requests();
    let nothing: Vec<_> = listing()
        .resume(ResumePoint::Done)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(nothing.is_empty());
    assert_eq!(requests(), before, "no request for a finished listing");

    // The point survives a round trip through JSON (a job keeps it across runs).
    let point = stopped.resume_point();
    let kept: ResumePoint = serde_json::from_str(&serde_json::to_string(&point).unwrap()).unwrap();
    assert_eq!(kept, point);
}

#[cfg(feature = "oauth")]
#[tokio::test]
async fn hardening2_05_a_cancelled_caller_does_not_lose_the_session() {
    use roblox_inventory::auth::TokenSource;
    use secrecy::ExposeSecret;
    use wiremock::matchers::body_string_contains;

    // Roblox's refresh tokens are single-use: the first refresh with `r1`
    // answers (slowly) with a rotated set, any later use of `r1` is refused.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .and(body_string_contains("refresh_token=r1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(3))
                .set_body_json(serde_json::json!({
                    "access_token": "access-2", "refresh_token": "r2",
                    "token_type": "Bearer", "expires_in": 900, "scope": "openid"
                })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let (source, saved) = refreshing(
        &server,
        ResponseTemplate::new(400).set_body_json(
            serde_json::json!({"error": "invalid_grant", "error_description": "spent"}),
        ),
    )
    .await;

    // The caller gives up while Roblox is rotating the set (once the token
    // endpoint has the request, before it answers): its future is dropped.
    {
        let call = source.token();
        tokio::pin!(call);
        loop {
            tokio::select! {
                _ = &mut call => panic!("the refresh answered before the caller gave up"),
                _ = tokio::time::sleep(Duration::from_millis(5)) => {}
            }
            if !server
                .received_requests()
                .await
                .unwrap_or_default()
                .is_empty()
            {
                break;
            }
        }
    }
    let token = source.token().await.expect("the rotated set");
    assert_eq!(token.expose_secret(), "access-2");
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1,
        "exactly one refresh"
    );
    assert_eq!(
        *saved.lock().unwrap(),
        [Some("r2".to_string())],
        "the rotated set was saved"
    );
}

/// A token endpoint at `server` answering refreshes with `reply` (after any
/// mock mounted before), an app for it, and an expired set with refresh token
/// `r1`.
#[cfg(feature = "oauth")]
async fn token_endpoint(
    server: &MockServer,
    reply: ResponseTemplate,
) -> (
    roblox_inventory::oauth::OAuthApp,
    roblox_inventory::oauth::TokenSet,
) {
    use roblox_inventory::oauth::{OAuthApp, TokenSet};
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .respond_with(reply)
        .mount(server)
        .await;
    let app = OAuthApp::confidential("app", "app-secret", "http://localhost:8910/callback")
        .base_url(server.uri())
        .build()
        .unwrap();
    let expired: TokenSet = serde_json::from_value(serde_json::json!({
        "access_token": "access-1", "refresh_token": "r1",
        "expires_at": "2020-01-01T00:00:00Z", "scopes": ["openid"]
    }))
    .unwrap();
    (app, expired)
}

/// [`token_endpoint`], and a source for its expired set whose store keeps
/// each saved set's refresh token.
#[cfg(feature = "oauth")]
async fn refreshing(
    server: &MockServer,
    reply: ResponseTemplate,
) -> (
    roblox_inventory::oauth::RefreshingTokenSource,
    std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>>,
) {
    use roblox_inventory::oauth::{RefreshingTokenSource, TokenSet};
    use secrecy::ExposeSecret;
    let (app, expired) = token_endpoint(server, reply).await;
    let saved: std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>> = Default::default();
    let keep = std::sync::Arc::clone(&saved);
    let source = RefreshingTokenSource::new(app, expired, move |tokens: TokenSet| {
        let keep = std::sync::Arc::clone(&keep);
        async move {
            let refresh = tokens
                .refresh_token
                .as_ref()
                .map(|t| t.expose_secret().to_string());
            keep.lock().unwrap().push(refresh);
            Ok(())
        }
    });
    (source, saved)
}

#[cfg(feature = "oauth")]
#[tokio::test]
async fn hardening2_08_a_huge_expires_in_is_a_far_expiry_not_a_panic() {
    let server = MockServer::start().await;
    let (source, saved) = refreshing(
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "access-2", "refresh_token": "r2",
            "token_type": "Bearer", "expires_in": 1_000_000_000_000_000u64
        })),
    )
    .await;
    source.force_refresh().await.expect("a token, not a panic");
    let tokens = source.tokens().await;
    assert!(tokens.expires_at > chrono::Utc::now() + chrono::Duration::days(365 * 1000));
    assert_eq!(*saved.lock().unwrap(), [Some("r2".to_string())]);
}

#[cfg(feature = "oauth")]
#[tokio::test]
async fn hardening2_08_a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
    use secrecy::ExposeSecret;
    // RFC 6749 §6: the server may keep the refresh token valid and send none.
    let server = MockServer::start().await;
    let (source, saved) = refreshing(
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "access-2", "token_type": "Bearer", "expires_in": 900})),
    )
    .await;
    source.force_refresh().await.expect("the first refresh");
    let kept = source
        .tokens()
        .await
        .refresh_token
        .expect("the old refresh token kept");
    assert_eq!(kept.expose_secret(), "r1");
    source
        .force_refresh()
        .await
        .expect("a second refresh with it");
    let bodies: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(bodies.len(), 2);
    assert!(
        bodies.iter().all(|b| b.contains("refresh_token=r1")),
        "{bodies:?}"
    );
    assert_eq!(
        *saved.lock().unwrap(),
        [Some("r1".to_string()), Some("r1".to_string())]
    );
}

#[tokio::test]
async fn hardening2_08_a_fixed_token_refused_with_401_is_not_sent_again() {
    // A fixed token cannot be refreshed: resending it spends another of the
    // grant's 20 requests a minute for the same 401.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cloud/v2/users/1/inventory-items"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            serde_json::json!({"code": "UNAUTHENTICATED", "message": "Invalid token."}),
        ))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .oauth_token("a-fixed-token")
        .without_budget()
        .build()
        .unwrap();
    let listed: Result<Vec<_>, Error> =
        futures_util::TryStreamExt::try_collect(client.inventory_items(1).items()).await;
    assert!(matches!(listed, Err(Error::Unauthorized(_))), "{listed:?}");
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1,
        "the refused token was sent once"
    );
}

#[tokio::test]
async fn hardening2_13_passwords_in_base_urls_never_appear_in_debug_errors_or_logs() {
    // A proxy URL with user info; nothing listens at port 1, so the request fails.
    let url = "http://relay:s3cret-token@127.0.0.1:1";
    let builder = Client::builder().base_url(url).api_key("a-key");
    let client = builder.clone().build().expect("a loopback URL");
    let failed = client
        .owns(1, Item::GamePass(9))
        .await
        .expect_err("nothing listens");
    let refused = Client::builder()
        .base_url("http://relay:s3cret-token@example.com")
        .build()
        .expect_err("plain http to another host");
    let unparsable = Client::builder()
        .base_url("http://relay:s3cret-token@exa mple.com")
        .build()
        .expect_err("not a URL");
    for shown in [
        format!("{builder:?}"),
        format!("{client:?}"),
        failed.to_string(),
        format!("{failed:?}"),
        refused.to_string(),
        format!("{refused:?}"),
        unparsable.to_string(),
        format!("{unparsable:?}"),
    ] {
        assert!(!shown.contains("s3cret-token"), "{shown}");
    }
    assert!(failed.to_string().contains("127.0.0.1"), "{failed}");
}

/// Asks whether user 1 owns a pass through `budget`, with `timeout` for the
/// whole call, and expects the deadline to end it.
async fn past_its_deadline(
    budget: impl roblox_inventory::budget::RequestBudget,
    timeout: Duration,
) {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("a-key")
        .request_budget(budget)
        .operation_timeout(timeout)
        .build()
        .unwrap();
    let owned = bounded(client.owns(1, Item::GamePass(9))).await;
    assert!(
        matches!(owned, Err(Error::DeadlineExceeded { .. })),
        "{owned:?}"
    );
}

/// The error of the first page of `user`'s Open Cloud listing.
async fn first_error(client: &Client, user: u64) -> Error {
    futures_util::TryStreamExt::try_next(&mut client.inventory_items(user).items())
        .await
        .expect_err("the listing fails")
}

/// Fails the test instead of hanging it when `call` never ends.
async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), call)
        .await
        .expect("the call ended (operation_timeout bounds it)")
}

#[cfg(feature = "oauth")]
#[tokio::test]
async fn hardening2_09_operation_timeout_bounds_a_token_store_that_never_returns() {
    use roblox_inventory::oauth::{RefreshingTokenSource, TokenSet};
    let server = MockServer::start().await;
    let (app, expired) = token_endpoint(
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "access-2", "refresh_token": "r2",
            "token_type": "Bearer", "expires_in": 900
        })),
    )
    .await;
    // The database behind the store is down and its driver never times out.
    let source = RefreshingTokenSource::new(app, expired, |_: TokenSet| std::future::pending());
    let client = Client::builder()
        .base_url(server.uri())
        .oauth_token_source(source)
        .operation_timeout(Duration::from_secs(2))
        .without_budget()
        .build()
        .unwrap();
    let listed: Result<Vec<_>, Error> = bounded(futures_util::TryStreamExt::try_collect(
        client.inventory_items(1).items(),
    ))
    .await;
    assert!(
        matches!(listed, Err(Error::DeadlineExceeded { .. })),
        "{listed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn hardening2_09_operation_timeout_bounds_a_budget_that_ignores_its_deadline() {
    use roblox_inventory::budget::{BudgetKey, Permit, Report, RequestBudget};
    struct Stuck;
    impl RequestBudget for Stuck {
        fn acquire(&self, _: BudgetKey, _: Option<std::time::Instant>) -> Permit<'_> {
            Box::pin(std::future::pending())
        }
        fn report(&self, _: BudgetKey, _: Report) {}
    }
    past_its_deadline(Stuck, Duration::from_secs(5)).await;
}

#[tokio::test]
async fn hardening2_11_a_slot_granted_at_the_deadline_is_still_reported() {
    use roblox_inventory::budget::{BudgetKey, Permit, Report, RequestBudget};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    // A budget that grants its slot only once the operation's deadline has
    // passed (it blocks past it): the executor must give the slot back.
    #[derive(Default)]
    struct Late {
        granted: AtomicU32,
        reported: AtomicU32,
    }
    struct Shared(Arc<Late>);
    impl RequestBudget for Shared {
        fn acquire(&self, _: BudgetKey, _: Option<std::time::Instant>) -> Permit<'_> {
            Box::pin(async move {
                std::thread::sleep(Duration::from_millis(250));
                self.0.granted.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
        }
        fn report(&self, _: BudgetKey, _: Report) {
            self.0.reported.fetch_add(1, Ordering::SeqCst);
        }
    }
    let late = Arc::new(Late::default());
    past_its_deadline(Shared(Arc::clone(&late)), Duration::from_millis(100)).await;
    assert_eq!(late.granted.load(Ordering::SeqCst), 1);
    assert_eq!(
        late.reported.load(Ordering::SeqCst),
        1,
        "every granted slot is reported"
    );
}

#[tokio::test]
async fn hardening2_02_a_refused_credential_is_not_a_private_inventory() {
    let sandbox = Sandbox::builder()
        .rate_limits(false)
        .start()
        .await
        .expect("sandbox starts");
    let with = |key: &str| {
        Client::builder()
            .base_url(sandbox.base_url())
            .api_key(key)
            .without_budget()
            .build()
            .unwrap()
    };
    // A key without the Inventory permission is refused by the gateway
    // (`errors[]` shape), whoever's inventory it asks about.
    let refused = first_error(&with("sandbox-key-no-inventory-read"), 156).await;
    assert!(
        matches!(refused, Error::CredentialRefused { .. }),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("user.inventory-item:read"),
        "{refused}"
    );
    // Ownership does not quietly fall back for a refused key: the answers say why.
    let answers = with("sandbox-key-no-inventory-read")
        .owned(261, &[Item::PrivateServer(90001), Item::GamePass(3333)])
        .await;
    assert!(
        matches!(answers, Err(Error::CredentialRefused { .. })),
        "{answers:?}"
    );
    // Someone else's private inventory: the endpoint's own PERMISSION_DENIED.
    let private = first_error(&with("sandbox-key-builderman"), 261).await;
    assert!(
        matches!(private, Error::InventoryPrivate { user_id: 261, .. }),
        "{private:?}"
    );
}

#[tokio::test]
async fn hardening2_02_an_empty_403_says_both_possibilities() {
    // No body to tell the gateway from the endpoint: the error names both.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cloud/v2/users/1/inventory-items"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    let error = first_error(&key_client(&server), 1).await;
    assert!(
        matches!(error, Error::InventoryPrivate { user_id: 1, .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("private") && text.contains("permission"),
        "both possibilities: {text}"
    );
}

#[cfg(feature = "oauth")]
#[tokio::test]
async fn hardening2_07_a_set_another_process_saved_is_adopted_not_refreshed_again() {
    use roblox_inventory::auth::TokenSource;
    use roblox_inventory::oauth::{
        LoadFuture, LockFuture, RefreshingTokenSource, StoreFuture, TokenSet, TokenStore,
    };
    use secrecy::ExposeSecret;
    /// A store another process already wrote a rotated set to.
    struct Shared {
        latest: TokenSet,
    }
    impl TokenStore for Shared {
        fn save(&self, _: &TokenSet) -> StoreFuture<'_> {
            Box::pin(async { Err("nothing to save: the other process did".into()) })
        }
        fn lock(&self) -> LockFuture<'_> {
            Box::pin(async { Ok(Box::new(()) as Box<dyn Send>) })
        }
        fn load(&self) -> LoadFuture<'_> {
            let latest = self.latest.clone();
            Box::pin(async move { Ok(Some(latest)) })
        }
    }
    let server = MockServer::start().await;
    let (app, expired) = token_endpoint(&server, ResponseTemplate::new(500)).await;
    let latest: TokenSet = serde_json::from_value(serde_json::json!({
        "access_token": "access-from-the-other-process", "refresh_token": "r2",
        "expires_at": "2999-01-01T00:00:00Z", "scopes": ["openid"]
    }))
    .unwrap();
    let source = RefreshingTokenSource::new(app, expired, Shared { latest });
    let token = source.token().await.expect("the other process's set");
    assert_eq!(token.expose_secret(), "access-from-the-other-process");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "no refresh: the spent refresh token is not used again"
    );
    assert_eq!(source.refreshes(), 0);
}

/// A budget that lets everything go and records each key it was asked for.
#[cfg(feature = "oauth")]
#[derive(Clone, Default)]
struct Recording(std::sync::Arc<std::sync::Mutex<Vec<roblox_inventory::budget::BudgetKey>>>);

#[cfg(feature = "oauth")]
impl roblox_inventory::budget::RequestBudget for Recording {
    fn acquire(
        &self,
        key: roblox_inventory::budget::BudgetKey,
        _: Option<std::time::Instant>,
    ) -> roblox_inventory::budget::Permit<'_> {
        self.0.lock().unwrap().push(key);
        Box::pin(async { Ok(()) })
    }
    fn report(&self, _: roblox_inventory::budget::BudgetKey, _: roblox_inventory::budget::Report) {}
}

#[cfg(feature = "oauth")]
#[tokio::test]
async fn hardening2_10_one_grant_is_one_budget_scope_whatever_its_clones() {
    use roblox_inventory::oauth::{RefreshingTokenSource, TokenSet};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cloud/v2/users/1/inventory-items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"inventoryItems": [], "nextPageToken": ""})),
        )
        .mount(&server)
        .await;
    let source = |refresh: &str| {
        let tokens: TokenSet = serde_json::from_value(serde_json::json!({
            "access_token": format!("access-{refresh}"), "refresh_token": refresh,
            "expires_at": "2999-01-01T00:00:00Z", "scopes": ["openid"]
        }))
        .unwrap();
        let app =
            roblox_inventory::oauth::OAuthApp::public("app", "http://localhost:8910/callback")
                .base_url(server.uri())
                .build()
                .unwrap();
        RefreshingTokenSource::new(app, tokens, |_: TokenSet| async { Ok(()) })
    };
    let recording = Recording::default();
    let client_of = |source: RefreshingTokenSource| {
        Client::builder()
            .base_url(server.uri())
            .oauth_token_source(source)
            .request_budget(recording.clone())
            .build()
            .unwrap()
    };
    let one_grant = source("grant-a");
    let other_grant = source("grant-b");
    for client in [
        client_of(one_grant.clone()),
        client_of(one_grant),
        client_of(other_grant),
    ] {
        first_page(&client).await;
    }
    let keys = recording.0.lock().unwrap().clone();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys[0], keys[1], "two clones of one source are one grant");
    assert_ne!(keys[0], keys[2], "another grant has its own window");
}

#[cfg(feature = "oauth")]
async fn first_page(client: &Client) {
    futures_util::TryStreamExt::try_next(&mut client.inventory_items(1).items())
        .await
        .expect("a page");
}

#[tokio::test]
async fn hardening2_10_clients_can_share_one_budget() {
    use roblox_inventory::budget::LocalBudget;
    use roblox_inventory::Operation;
    // One client per OAuth user, all on one machine: the per-IP legacy limit
    // is one budget for all of them.
    let sandbox = Sandbox::builder().start().await.expect("sandbox starts");
    let shared = std::sync::Arc::new(LocalBudget::new());
    let client = || {
        Client::builder()
            .base_url(sandbox.base_url())
            .request_budget(std::sync::Arc::clone(&shared))
            .build()
            .unwrap()
    };
    let (first, second) = (client(), client());
    for _ in 0..3 {
        first.owns(156, Item::GamePass(1111)).await.unwrap();
    }
    let seen = |c: &Client| {
        c.budget_outlook(Operation::GetV1UsersItemsIsOwned)
            .expect("an outlook")
            .remaining
    };
    assert_eq!(
        seen(&second),
        seen(&first),
        "the second client sees the first's requests"
    );
    assert!(seen(&second) < 10_000 - 2, "{}", seen(&second));
}

/// Issue 19 item 14: refresh-ahead measured on tokio's (paused) clock, not
/// the wall clock: exactly when a quarter of the lifetime is left.
#[cfg(feature = "oauth")]
#[tokio::test(start_paused = true)]
async fn hardening2_14_refresh_ahead_follows_the_clock_exactly() {
    use roblox_inventory::auth::TokenSource;
    use roblox_inventory::oauth::{RefreshingTokenSource, TokenSet};
    use secrecy::ExposeSecret;
    let server = MockServer::start().await;
    let (app, _) = token_endpoint(
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "access-2", "refresh_token": "r2",
            "token_type": "Bearer", "expires_in": 900
        })),
    )
    .await;
    // A 4-s token: refreshed within its last second (a quarter of it).
    let fresh: TokenSet = serde_json::from_value(serde_json::json!({
        "access_token": "access-1", "refresh_token": "r1",
        "expires_at": (chrono::Utc::now() + chrono::Duration::seconds(4)).to_rfc3339(),
        "scopes": ["openid"]
    }))
    .unwrap();
    let source = RefreshingTokenSource::new(app, fresh, |_: TokenSet| async { Ok(()) });
    let token = || async { source.token().await.unwrap().expose_secret().to_string() };
    assert_eq!(token().await, "access-1");
    tokio::time::advance(Duration::from_millis(2_900)).await;
    assert_eq!(token().await, "access-1", "1.1 s left: not yet");
    tokio::time::advance(Duration::from_millis(200)).await;
    // The refresh itself goes over real loopback: let the clock run again.
    tokio::time::resume();
    assert_eq!(token().await, "access-2", "0.9 s left: refreshed ahead");
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}
