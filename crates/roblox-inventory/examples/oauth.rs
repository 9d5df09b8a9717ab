//! OAuth 2.0 for an app: authorize a user, exchange the code, list their
//! private inventory with tokens that refresh themselves, then revoke.
//!
//! `cargo run -p roblox-inventory --features oauth --example oauth` (embedded sandbox, no network:
//! the "browser" is a request signed in as Shedletsky, whose inventory is private).

use std::time::Duration;

use futures_util::TryStreamExt;
use roblox_inventory::oauth::{Callback, OAuthApp, RefreshingTokenSource, Scope, TokenSet};
use roblox_inventory::Client;
use roblox_inventory_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Access tokens that live 2 s, so the refresh shows.
    let sandbox = Sandbox::builder()
        .oauth_token_lifetime(Duration::from_secs(2))
        .start()
        .await?;
    // Against Roblox: leave out base_url, and use your app's id, secret and redirect URI.
    let app = OAuthApp::confidential(
        "sandbox-app",
        "sandbox-app-secret",
        "http://localhost:8910/callback",
    )
    .base_url(sandbox.base_url())
    .build()?;

    // 1. Send the user to the authorization URL; keep `pending` (it serialises).
    let (url, pending) = app
        .authorize([Scope::OpenId, Scope::InventoryItemRead])
        .url();
    println!("authorize at: {url}");

    // 2. The user consents; Roblox redirects to the callback. (Here: what a browser
    //    signed in as Shedletsky would get, from a reqwest client of the example's
    //    own: this program gives reqwest no TLS provider of its own, so it asks
    //    for one first.)
    roblox_inventory::ensure_tls_provider();
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .get(url.as_str())
        .header("cookie", ".ROBLOSECURITY=sandbox-cookie-shedletsky")
        .send()
        .await?;
    let location = redirect.headers()["location"].to_str()?.to_string();
    let tokens = app.exchange(&pending, &Callback::parse(&location)?).await?;
    let user = app.userinfo(&tokens.access_token).await?;
    println!("authorized by user {} ({tokens:?})", user.subject);

    // 3. Tokens that stay alive: every rotated set is saved before it is used.
    let source = RefreshingTokenSource::new(app.clone(), tokens, |tokens: TokenSet| async move {
        // A real app writes this to its database, keyed by user.
        println!("saving rotated tokens, valid until {}", tokens.expires_at);
        Ok(())
    });
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .oauth_token_source(source.clone())
        .build()?;
    let user_id = user.user_id().unwrap_or_default();
    for round in 1..=2 {
        let items: Vec<_> = client
            .inventory_items(user_id)
            .items()
            .try_collect()
            .await?;
        println!(
            "round {round}: {} items in the private inventory",
            items.len()
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    println!("refreshes: {}", source.refreshes());

    // 4. Logout: revoke the authorization.
    if let Some(refresh) = source.tokens().await.refresh_token {
        app.revoke(&refresh).await?;
        println!("revoked");
    }
    sandbox.shutdown().await;
    Ok(())
}
