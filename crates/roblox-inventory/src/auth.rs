//! Credentials. Each lives in a `secrecy` type, prints as `[REDACTED]`, and is
//! only ever sent to the host that takes it: the API key and OAuth token to
//! `https://apis.roblox.com`, the `.ROBLOSECURITY` cookie to
//! `https://inventory.roblox.com`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// Why a credential cannot be sent as it is, or `None` when it can. Never
/// mentions the value.
fn unusable(value: &str, cookie: bool) -> Option<&'static str> {
    if value.is_empty() {
        Some("is empty")
    } else if reqwest::header::HeaderValue::from_str(value).is_err() {
        Some("contains characters an HTTP header cannot carry")
    } else if cookie && value.contains([';', ' ', ',']) {
        Some("contains characters a cookie value cannot carry (`;`, `,` or a space)")
    } else {
        None
    }
}

/// `raw` without surrounding whitespace (a trailing newline from a secret file)
/// and without `prefix` (a cookie pasted as `.ROBLOSECURITY=…`), or the reason
/// it cannot be used, naming the credential, never its value.
fn normalised(name: &'static str, raw: &str, prefix: &str) -> Result<SecretString, Error> {
    let trimmed = raw.trim();
    let value = trimmed.strip_prefix(prefix).unwrap_or(trimmed).trim();
    match unusable(value, !prefix.is_empty()) {
        None => Ok(SecretString::from(value.to_string())),
        Some(reason) => Err(Error::InvalidArgument {
            name,
            reason: reason.into(),
        }),
    }
}

/// An Open Cloud API key, sent as `x-api-key`.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Trimmed, or refused if empty or not a header value.
    pub(crate) fn normalised(&self) -> Result<Self, Error> {
        normalised("api_key", self.expose(), "").map(Self)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

/// A `.ROBLOSECURITY` session cookie, sent as `Cookie: .ROBLOSECURITY=…`.
///
/// Roblox advises against cookies in production; the legacy endpoints need one
/// only to write collections and to read your own hidden inventory.
#[derive(Clone)]
pub struct Roblosecurity(SecretString);

impl Roblosecurity {
    /// Wraps a cookie value (without the `.ROBLOSECURITY=` prefix).
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Trimmed and without a leading `.ROBLOSECURITY=`, or refused if empty or
    /// not a cookie value.
    pub(crate) fn normalised(&self) -> Result<Self, Error> {
        normalised("roblosecurity", self.expose(), ".ROBLOSECURITY=").map(Self)
    }
}

impl fmt::Debug for Roblosecurity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Roblosecurity([REDACTED])")
    }
}

/// The error a token source reports.
pub type TokenError = Box<dyn std::error::Error + Send + Sync>;

/// A future returned by [`TokenSource::token`].
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<SecretString, TokenError>> + Send + 'a>>;

/// Where OAuth 2.0 access tokens come from: a fixed token, or your refresh logic.
///
/// It is asked before every Open Cloud request that uses OAuth, so it can hand
/// out a cached token and refresh it when it is about to expire.
pub trait TokenSource: Send + Sync + 'static {
    /// The access token to send now.
    fn token(&self) -> TokenFuture<'_>;

    /// A fresh access token: Roblox refused the last one (HTTP 401), so a
    /// cached token must not be handed out again. The client asks this once per
    /// refused request and retries with its answer. By default the same as
    /// [`TokenSource::token`].
    fn refresh(&self) -> TokenFuture<'_> {
        self.token()
    }

    /// A fresh access token after Roblox refused `refused` (HTTP 401). The
    /// client calls this, not [`TokenSource::refresh`], so a source shared by
    /// many concurrent calls can refresh once: when its current token is no
    /// longer `refused`, another call already refreshed. By default
    /// [`TokenSource::refresh`].
    fn refresh_refused<'a>(&'a self, refused: &'a SecretString) -> TokenFuture<'a> {
        let _ = refused;
        self.refresh()
    }

    /// Which OAuth authorization (grant) the tokens belong to, stable across
    /// refreshes and clones: Roblox counts 20 requests a minute per grant, so
    /// budgets count every source with the same grant as one. It is hashed,
    /// never sent or shown. By default `None`: each source handed to a client
    /// counts as a grant of its own.
    fn grant(&self) -> Option<String> {
        None
    }
}

/// An OAuth 2.0 access token provider.
#[derive(Clone)]
pub struct OAuthToken(Source);

#[derive(Clone)]
enum Source {
    Fixed(SecretString),
    /// A source, and a number no other source gets in this process (its
    /// budget scope when it names no grant; never reused, unlike an address).
    Dynamic(Arc<dyn TokenSource>, u64),
}

impl OAuthToken {
    /// A fixed access token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Source::Fixed(SecretString::from(token.into())))
    }

    /// Tokens from `source` (for example a refresh-token flow).
    pub fn from_source(source: impl TokenSource) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let number = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self(Source::Dynamic(Arc::new(source), number))
    }

    /// A fixed token trimmed, or refused if empty or not a header value; a
    /// source's tokens are checked as they come ([`OAuthToken::get`]).
    pub(crate) fn normalised(&self) -> Result<Self, Error> {
        match &self.0 {
            Source::Fixed(token) => {
                normalised("oauth_token", token.expose_secret(), "").map(|t| Self(Source::Fixed(t)))
            }
            Source::Dynamic(..) => Ok(self.clone()),
        }
    }

    /// Whether asking again can give another token: a fixed token cannot, so
    /// a 401 for it is final (resending it would spend the grant's budget).
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(self.0, Source::Dynamic(..))
    }

    /// The token to send now (a fresh one after Roblox refused `refused`): trimmed; an empty one or one that is not a header
    /// value is the source's failure, never a request without a credential.
    pub(crate) async fn get(
        &self,
        refused: Option<&SecretString>,
    ) -> Result<SecretString, TokenError> {
        let token = match (&self.0, refused) {
            (Source::Fixed(token), _) => token.clone(),
            (Source::Dynamic(source, _), Some(refused)) => source.refresh_refused(refused).await?,
            (Source::Dynamic(source, _), None) => source.token().await?,
        };
        normalised("oauth_token", token.expose_secret(), "").map_err(|_| {
            "the token source returned an empty token or one that is not a valid header value"
                .into()
        })
    }
}

impl OAuthToken {
    /// Which grant requests with this token are counted against: the fixed
    /// token's fingerprint, or the source's grant (its tokens change; its
    /// grant does not), or one scope per source that names none.
    pub(crate) fn scope(&self) -> crate::budget::Scope {
        use crate::budget::Scope;
        match &self.0 {
            Source::Fixed(token) => Scope::of_secret("oauth", token.expose_secret()),
            Source::Dynamic(source, number) => match source.grant() {
                Some(grant) => Scope::of_secret("oauth-grant", &grant),
                None => Scope::of_secret("oauth-source", &number.to_string()),
            },
        }
    }
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OAuthToken([REDACTED])")
    }
}

/// Which credential an Open Cloud request uses.
#[derive(Debug, Clone)]
pub(crate) enum CloudCredential {
    ApiKey(ApiKey),
    OAuth(OAuthToken),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let printed = format!(
            "{:?} {:?} {:?} {:?}",
            ApiKey::new("key-123"),
            Roblosecurity::new("_|WARNING:-DO-NOT-SHARE-THIS.--cookie-456"),
            OAuthToken::new("token-789"),
            CloudCredential::ApiKey(ApiKey::new("key-123"))
        );
        for secret in ["key-123", "cookie-456", "token-789"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert_eq!(
            printed,
            "ApiKey([REDACTED]) Roblosecurity([REDACTED]) OAuthToken([REDACTED]) ApiKey(ApiKey([REDACTED]))"
        );
    }
}
