//! Issue 12: OAuth 2.0 for apps, against the sandbox's authorization server.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::TryStreamExt;
use roblox_inventory::oauth::{
    Callback, OAuthApp, OAuthError, PendingAuthorization, RefreshingTokenSource, Scope, TokenSet,
};
use roblox_inventory::{Client, Error};
use roblox_inventory_sandbox::{Route, Sandbox};
use secrecy::{ExposeSecret, SecretString};

use crate::{client, sandbox};

const REDIRECT: &str = "http://localhost:8910/callback";
const SHEDLETSKY_COOKIE: &str = "sandbox-cookie-shedletsky";

pub(crate) fn confidential(sandbox: &Sandbox) -> OAuthApp {
    OAuthApp::confidential("sandbox-app", "sandbox-app-secret", REDIRECT)
        .base_url(sandbox.base_url())
        .build()
        .unwrap()
}

fn public(sandbox: &Sandbox) -> OAuthApp {
    OAuthApp::public("sandbox-public-app", REDIRECT)
        .base_url(sandbox.base_url())
        .build()
        .unwrap()
}

/// What the browser does: follow the authorization URL signed in with `cookie`,
/// and return where the sandbox redirects to.
pub(crate) async fn consent(url: &url::Url, cookie: Option<&str>) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = http.get(url.as_str());
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!(".ROBLOSECURITY={cookie}"));
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 302, "{:?}", response.text().await);
    response.headers()["location"].to_str().unwrap().to_string()
}

/// Authorize as Shedletsky (261, private inventory) and exchange the code.
pub(crate) async fn authorized(app: &OAuthApp) -> (TokenSet, PendingAuthorization, String) {
    let (url, pending) = app
        .authorize([Scope::OpenId, Scope::InventoryItemRead])
        .nonce()
        .url();
    assert!(url.as_str().contains("code_challenge_method=S256"));
    assert!(url.as_str().contains("state="));
    let location = consent(&url, Some(SHEDLETSKY_COOKIE)).await;
    assert!(location.starts_with(REDIRECT), "{location}");
    let callback = Callback::parse(&location).unwrap();
    let tokens = app.exchange(&pending, &callback).await.unwrap();
    (tokens, pending, location)
}

/// A store that keeps what it saved and can be told to fail.
#[derive(Clone, Default)]
struct Store {
    saved: Arc<Mutex<Vec<TokenSet>>>,
    failing: Arc<AtomicBool>,
}

impl Store {
    fn source(&self, app: OAuthApp, tokens: TokenSet) -> RefreshingTokenSource {
        let store = self.clone();
        RefreshingTokenSource::new(app, tokens, move |tokens: TokenSet| {
            let store = store.clone();
            async move {
                if store.failing.load(Ordering::SeqCst) {
                    return Err("the database is down".into());
                }
                store.saved.lock().unwrap().push(tokens);
                Ok(())
            }
        })
        .refresh_margin(Duration::ZERO)
    }
}

fn oauth_client(sandbox: &Sandbox, source: &RefreshingTokenSource) -> Client {
    client(sandbox)
        .oauth_token_source(source.clone())
        .build()
        .unwrap()
}

async fn list_private(client: &Client) -> Result<usize, Error> {
    let items: Vec<_> = client.inventory_items(261).items().try_collect().await?;
    Ok(items.len())
}

fn invalid_grant(error: &Error) -> bool {
    match error {
        Error::TokenSource(source) => source
            .downcast_ref::<OAuthError>()
            .is_some_and(OAuthError::needs_reauthorization),
        _ => false,
    }
}

async fn whole_flow(app: OAuthApp, sandbox: &Sandbox) {
    let (tokens, _, _) = authorized(&app).await;
    assert!(tokens.has_scope(&Scope::InventoryItemRead));
    assert!(tokens.id_token.is_some(), "openid gives an ID token");
    let first_refresh = tokens.refresh_token.clone().unwrap();
    let store = Store::default();
    let source = store.source(app.clone(), tokens);
    let client = oauth_client(sandbox, &source);

    // The consenting user's private inventory is visible to the grant.
    assert!(list_private(&client).await.unwrap() > 0);
    assert_eq!(source.refreshes(), 0);

    // Expiry: the next call refreshes, saves the rotated set, and goes on.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert!(list_private(&client).await.unwrap() > 0);
    assert_eq!(source.refreshes(), 1);
    let saved = store.saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 1, "the rotated set was saved");
    let rotated = saved[0].refresh_token.clone().unwrap();
    assert_ne!(rotated.expose_secret(), first_refresh.expose_secret());

    // The old refresh token is spent.
    let reused = app.refresh(&first_refresh, &[]).await.unwrap_err();
    assert!(reused.needs_reauthorization(), "{reused:?}");

    // Revoke: the whole grant ends; the client's next call is refused and the
    // refresh it tries says the user must authorize again.
    app.revoke(&rotated).await.unwrap();
    let error = list_private(&client).await.unwrap_err();
    assert!(invalid_grant(&error), "{error:?}");
    let error = app.refresh(&rotated, &[]).await.unwrap_err();
    assert!(
        matches!(error, OAuthError::InvalidGrant { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_whole_flow_for_a_confidential_app() {
    let sandbox = sandbox(Sandbox::builder().oauth_token_lifetime(Duration::from_secs(2))).await;
    whole_flow(confidential(&sandbox), &sandbox).await;
}

#[tokio::test]
async fn the_whole_flow_for_a_public_app() {
    let sandbox = sandbox(Sandbox::builder().oauth_token_lifetime(Duration::from_secs(2))).await;
    whole_flow(public(&sandbox), &sandbox).await;
}

#[tokio::test]
async fn the_secret_can_go_in_the_body_and_a_wrong_one_is_invalid_client() {
    let sandbox = sandbox(Sandbox::builder()).await;
    let body = OAuthApp::confidential("sandbox-app", "sandbox-app-secret", REDIRECT)
        .base_url(sandbox.base_url())
        .secret_in_body()
        .build()
        .unwrap();
    let (tokens, _, _) = authorized(&body).await;
    let info = body.userinfo(&tokens.access_token).await.unwrap();
    assert_eq!(info.user_id(), Some(261));
    let introspection = body.introspect(&tokens.access_token).await.unwrap();
    assert!(introspection.active);
    assert_eq!(introspection.subject.as_deref(), Some("261"));
    let resources = body.resources(&tokens.access_token).await.unwrap();
    assert_eq!(resources.owners[0].id, "261");

    let wrong = OAuthApp::confidential("sandbox-app", "not-the-secret", REDIRECT)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let error = wrong
        .refresh(tokens.refresh_token.as_ref().unwrap(), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(error, OAuthError::InvalidClient { .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("not-the-secret"));
}

#[tokio::test]
async fn codes_are_single_use_and_bound_to_verifier_and_redirect_uri() {
    let sandbox = sandbox(Sandbox::builder()).await;
    let app = confidential(&sandbox);
    let (_, pending, location) = authorized(&app).await;
    // The same code again: invalid_grant, the typed "authorize again".
    let callback = Callback::parse(&location).unwrap();
    let error = app.exchange(&pending, &callback).await.unwrap_err();
    assert!(error.needs_reauthorization(), "{error:?}");

    // Another authorization's verifier: refused.
    let (url, _) = app.authorize([Scope::InventoryItemRead]).url();
    let (_, other_pending) = app.authorize([Scope::InventoryItemRead]).url();
    let location = consent(&url, Some(SHEDLETSKY_COOKIE)).await;
    let callback = Callback::parse(&location).unwrap();
    // Its state is not ours either: refused before anything is sent.
    let error = app.exchange(&other_pending, &callback).await.unwrap_err();
    assert!(matches!(error, OAuthError::StateMismatch), "{error:?}");
    assert_eq!(
        sandbox.oauth_token_counts(),
        (1, 0),
        "only the first exchange went through"
    );

    // The right state with another verifier (PKCE): refused by the server.
    let (url, pending) = app.authorize([Scope::InventoryItemRead]).url();
    let mut tampered = serde_json::to_value(&pending).unwrap();
    tampered["verifier"] = "a-verifier-of-43-characters-or-more-0123456789".into();
    let tampered: PendingAuthorization = serde_json::from_value(tampered).unwrap();
    let callback = Callback::parse(&consent(&url, Some(SHEDLETSKY_COOKIE)).await).unwrap();
    let error = app.exchange(&tampered, &callback).await.unwrap_err();
    assert!(error.needs_reauthorization(), "{error:?}");
    assert!(error.to_string().contains("code_verifier"), "{error}");

    // A redirect URI the app did not register: the authorize page refuses it.
    let stranger = OAuthApp::confidential(
        "sandbox-app",
        "sandbox-app-secret",
        "http://localhost:9999/x",
    )
    .base_url(sandbox.base_url())
    .build()
    .unwrap();
    let (url, _) = stranger.authorize([Scope::InventoryItemRead]).url();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url.as_str())
        .header("cookie", format!(".ROBLOSECURITY={SHEDLETSKY_COOKIE}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn a_forged_callback_or_an_error_callback_is_refused_with_its_type() {
    let sandbox = sandbox(Sandbox::builder()).await;
    let app = confidential(&sandbox);
    let (url, pending) = app.authorize([Scope::InventoryItemRead]).url();
    // Nobody signed in: the sandbox redirects with an error and our state.
    let location = consent(&url, None).await;
    let callback = Callback::parse(&location).unwrap();
    let error = app.exchange(&pending, &callback).await.unwrap_err();
    assert!(
        matches!(&error, OAuthError::Denied { code, .. } if code == "login_required"),
        "{error:?}"
    );
    let forged = Callback::parse(&format!("{REDIRECT}?code=stolen&state=guessed")).unwrap();
    let error = app.exchange(&pending, &forged).await.unwrap_err();
    assert!(matches!(error, OAuthError::StateMismatch), "{error:?}");
    assert!(matches!(
        Callback::parse("https://example.com/callback?nothing=here"),
        Err(OAuthError::InvalidCallback(_))
    ));
    assert_eq!(sandbox.oauth_token_counts(), (0, 0));
}

/// A client whose stored access token (1-s lifetime, no rate limits) has just expired.
struct Expired {
    sandbox: Sandbox,
    tokens: TokenSet,
    store: Store,
    source: RefreshingTokenSource,
    client: Client,
}

async fn expired() -> Expired {
    let sandbox = sandbox(
        Sandbox::builder()
            .rate_limits(false)
            .oauth_token_lifetime(Duration::from_secs(1)),
    )
    .await;
    let app = confidential(&sandbox);
    let (tokens, _, _) = authorized(&app).await;
    let store = Store::default();
    let source = store.source(app, tokens.clone());
    let client = oauth_client(&sandbox, &source);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    Expired {
        sandbox,
        tokens,
        store,
        source,
        client,
    }
}

#[tokio::test]
async fn fifty_concurrent_calls_across_an_expiry_refresh_exactly_once() {
    let Expired {
        sandbox,
        store,
        source,
        client,
        ..
    } = expired().await;
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { list_private(&client).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().unwrap() > 0);
    }
    assert_eq!(source.refreshes(), 1);
    assert_eq!(
        sandbox.oauth_token_counts().1,
        1,
        "the server saw one refresh"
    );
    assert_eq!(store.saved.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_failing_store_keeps_the_rotated_tokens_unused_until_they_are_saved() {
    let Expired {
        sandbox,
        tokens,
        store,
        source,
        client,
    } = expired().await;
    store.failing.store(true, Ordering::SeqCst);
    let before = sandbox.requests(Route::ListInventoryItems);
    let error = list_private(&client).await.unwrap_err();
    match &error {
        Error::TokenSource(source) => assert!(
            matches!(
                source.downcast_ref::<OAuthError>(),
                Some(OAuthError::Store(_))
            ),
            "{error:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        before,
        "no request went out with the unsaved token"
    );
    assert_eq!(
        source.tokens().await.access_token.expose_secret(),
        tokens.access_token.expose_secret(),
        "the unsaved set is not the current one"
    );
    // The store recovers: the kept set is saved and used, with no second refresh
    // (the first refresh token is spent).
    store.failing.store(false, Ordering::SeqCst);
    assert!(list_private(&client).await.unwrap() > 0);
    assert_eq!(source.refreshes(), 1);
    assert_eq!(sandbox.oauth_token_counts().1, 1);
    assert_eq!(store.saved.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_401_forces_one_refresh_and_one_retry() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let app = confidential(&sandbox);
    let (tokens, _, _) = authorized(&app).await;
    // The source believes its token is fresh; the server does not take it (the
    // set was rotated elsewhere and this copy kept a dead access token).
    let elsewhere = app
        .refresh(tokens.refresh_token.as_ref().unwrap(), &[])
        .await
        .unwrap();
    let mut stale = tokens.clone();
    stale.access_token = SecretString::from("sandbox-access-no-longer-taken");
    stale.refresh_token = elsewhere.refresh_token.clone();
    let saves = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&saves);
    let source = RefreshingTokenSource::new(app, stale, move |_: TokenSet| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok(()) }
    });
    let client = oauth_client(&sandbox, &source);
    assert!(list_private(&client).await.unwrap() > 0);
    assert_eq!(source.refreshes(), 1);
    assert_eq!(saves.load(Ordering::SeqCst), 1);
}

/// Runs a flow that touches every OAuth secret (client secret, code, verifier,
/// access, refresh and ID tokens) and fails in a few ways; returns those secrets
/// and the errors' and values' printed forms, for the hygiene test.
pub(crate) async fn every_oauth_secret(sandbox: &Sandbox) -> (Vec<String>, String) {
    let app = confidential(sandbox);
    let (tokens, pending, location) = authorized(&app).await;
    let callback = Callback::parse(&location).unwrap();
    let code = match &callback {
        Callback::Code { code, .. } => code.expose_secret().to_string(),
        other => panic!("{other:?}"),
    };
    let verifier = serde_json::to_value(&pending).unwrap()["verifier"]
        .as_str()
        .unwrap()
        .to_string();
    let mut printed = format!("{app:?} {pending:?} {callback:?} {tokens:?}");
    let reused = app.exchange(&pending, &callback).await.unwrap_err();
    printed.push_str(&format!("{reused} {reused:?}"));
    let source = Store::default().source(app.clone(), tokens.clone());
    printed.push_str(&format!("{source:?}"));
    app.revoke(tokens.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    let after = source.force_refresh().await.unwrap_err();
    printed.push_str(&format!("{after} {after:?}"));
    tracing::error!(error = %after, ?after, "logged by the application");
    let secrets = vec![
        "sandbox-app-secret".to_string(),
        code,
        verifier,
        tokens.access_token.expose_secret().to_string(),
        tokens.refresh_token.unwrap().expose_secret().to_string(),
        tokens.id_token.unwrap().expose_secret().to_string(),
    ];
    (secrets, printed)
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry_but_not_on_every_call() {
    let sandbox = sandbox(
        Sandbox::builder()
            .rate_limits(false)
            .oauth_token_lifetime(Duration::from_secs(4)),
    )
    .await;
    let app = confidential(&sandbox);
    let (tokens, _, _) = authorized(&app).await;
    let expires = tokens.expires_at;
    // The default 60-s margin, capped at a quarter of a 4-s lifetime: 1 s.
    let refreshed_at = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&refreshed_at);
    let source = RefreshingTokenSource::new(app, tokens, move |_: TokenSet| {
        *seen.lock().unwrap() = Some(chrono::Utc::now());
        async { Ok(()) }
    });
    let client = oauth_client(&sandbox, &source);
    list_private(&client).await.unwrap();
    list_private(&client).await.unwrap();
    assert_eq!(source.refreshes(), 0, "a fresh token is not refreshed");
    // Inside the last second: 0.7 s before the expiry the server gave.
    let until = (expires - chrono::Utc::now() - chrono::Duration::milliseconds(700))
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(until).await;
    list_private(&client).await.unwrap();
    assert_eq!(source.refreshes(), 1);
    let at = refreshed_at
        .lock()
        .unwrap()
        .expect("the rotated set was saved");
    assert!(at < expires, "refreshed before the old token expired");
}

#[tokio::test]
async fn the_per_grant_limit_is_counted_across_refreshes() {
    // Windows from the sandbox's start: the three calls, 2.2 s apart at most,
    // fall in its first 60-s window (2.2 s).
    let sandbox = sandbox(
        Sandbox::builder()
            .windows_from_start(true)
            .oauth_token_lifetime(Duration::from_secs(2)),
    )
    .await;
    let app = confidential(&sandbox);
    let (tokens, _, _) = authorized(&app).await;
    let source = RefreshingTokenSource::new(app, tokens, |_: TokenSet| async { Ok(()) })
        .refresh_margin(Duration::ZERO);
    let client = oauth_client(&sandbox, &source);
    let remaining = |client: &Client| client.last_rate_limit().and_then(|r| r.remaining);
    list_private(&client).await.unwrap();
    assert_eq!(remaining(&client), Some(19), "20 per minute per grant");
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    list_private(&client).await.unwrap();
    list_private(&client).await.unwrap();
    assert_eq!(source.refreshes(), 1, "a new access token");
    assert_eq!(
        remaining(&client),
        Some(17),
        "the new token spends the same grant's budget, not a fresh 20"
    );
}
