//! OAuth 2.0 for apps: authorize a user, keep their tokens alive, read their
//! private inventory (feature `oauth`).
//!
//! Roblox's OAuth 2.0 (beta) has the authorization-code grant with PKCE and
//! refresh tokens (OAuth facts §1). Access tokens live 15 minutes; **refresh
//! tokens are single-use**: each refresh returns a new one, and a set that is
//! not saved before use is a session lost. So:
//!
//! 1. [`OAuthApp::authorize`] builds the authorization URL (PKCE S256 and a
//!    random `state` always; `nonce` and `prompt` optional) and a
//!    [`PendingAuthorization`] to keep until the user comes back (serde, so it
//!    can live in a session store).
//! 2. [`Callback::parse`] reads the redirect (`code` + `state`, or `error`);
//!    [`OAuthApp::exchange`] checks the state in constant time and trades the
//!    code for a [`TokenSet`].
//! 3. [`RefreshingTokenSource`] keeps the set alive for a
//!    [`Client`](crate::Client): it refreshes ahead of expiry, one refresh at a
//!    time however many calls wait, saves the rotated set through your
//!    [`TokenStore`] *before* using it, and refreshes once more when Open Cloud
//!    answers 401. The 20 requests/minute per grant are counted per client, not
//!    per (changing) access token.
//! 4. [`OAuthApp::revoke`] ends the authorization; [`OAuthApp::introspect`],
//!    [`OAuthApp::resources`] and [`OAuthApp::userinfo`] read about a token.
//!
//! ```
//! use roblox_inventory::oauth::{Callback, OAuthApp, Scope};
//!
//! # fn run() -> Result<(), roblox_inventory::oauth::OAuthError> {
//! let app = OAuthApp::confidential("my-client-id", "my-secret", "https://example.com/callback")
//!     .build()?;
//! let (url, pending) = app.authorize([Scope::OpenId, Scope::InventoryItemRead]).url();
//! assert!(url.as_str().contains("code_challenge_method=S256"));
//! // … send the user to `url`; keep `pending` (it serialises) until they return …
//! let callback = Callback::parse("https://example.com/callback?code=abc&state=forged")?;
//! # let _ = (pending, callback);
//! # Ok(())
//! # }
//! ```
//!
//! The authorization URL, PKCE, the state comparison and the token and
//! introspection endpoints use the maintained `oauth2` crate (without its HTTP
//! client: it runs over this crate's reqwest client, which never follows
//! redirects); its types stay inside. `/token/resources` and `/userinfo`, which
//! `oauth2` does not know, and revocation (`oauth2` requires an https URL for
//! it, which the sandbox on loopback is not) are plain form requests.

mod app;
mod authorize;
mod error;
mod info;
mod source;
mod tokens;

pub use app::{OAuthApp, OAuthAppBuilder, ROBLOX_OAUTH_BASE_URL};
pub use authorize::{AuthorizationRequest, Callback, PendingAuthorization, Prompt, Scope};
pub use error::OAuthError;
pub use info::{Introspection, ResourceOwner, Resources, UserInfo};
pub use source::{LoadFuture, LockFuture, RefreshingTokenSource, StoreFuture, TokenStore};
pub use tokens::TokenSet;
