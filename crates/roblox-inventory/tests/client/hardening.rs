//! Issue 10 (hardening): each test is named `hardening_NN_…` after the item it covers.

use futures_util::TryStreamExt;
use roblox_inventory::{Client, Error, Item};
use roblox_inventory_sandbox::{Route, Sandbox};

use crate::{client, sandbox};

async fn list_one_page(client: &Client, user: u64) -> Result<(), Error> {
    client
        .inventory_items(user)
        .max_pages(1)
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .map(drop)
}

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
