//! Keeping one authorization's tokens alive for a [`Client`](crate::Client).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::{OAuthApp, OAuthError, TokenSet};
use crate::auth::{TokenError, TokenFuture, TokenSource};

/// A future returned by [`TokenStore::save`].
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<(), TokenError>> + Send + 'a>>;

/// A future returned by [`TokenStore::lock`]: a guard held until the refresh
/// it covers is saved (dropping it releases the lock).
pub type LockFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Box<dyn Send>, TokenError>> + Send + 'a>>;

/// A future returned by [`TokenStore::load`].
pub type LoadFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<TokenSet>, TokenError>> + Send + 'a>>;

/// Where rotated tokens are saved. Mandatory: refresh tokens are single-use, so
/// a rotated set that is not saved is a session lost at the next restart.
///
/// Any `Fn(TokenSet) -> impl Future<Output = Result<(), TokenError>>` is one.
///
/// A store shared by several processes (a file, a database row) also
/// implements [`lock`](Self::lock) and [`load`](Self::load): the source then
/// refreshes only under the lock and after reading the latest saved set, so
/// two processes never spend the same refresh token (the second adopts what
/// the first saved).
pub trait TokenStore: Send + Sync + 'static {
    /// Saves `tokens`; the source uses them only after this succeeds.
    fn save(&self, tokens: &TokenSet) -> StoreFuture<'_>;

    /// Takes the store's lock (across processes) for one "read the latest set,
    /// refresh, save": held until the guard is dropped. By default there is
    /// none (one process per store).
    fn lock(&self) -> LockFuture<'_> {
        Box::pin(async { Ok(Box::new(()) as Box<dyn Send>) })
    }

    /// The latest set saved (perhaps by another process), if the store can
    /// read it back. By default it cannot.
    fn load(&self) -> LoadFuture<'_> {
        Box::pin(async { Ok(None) })
    }
}

impl<F, Fut> TokenStore for F
where
    F: Fn(TokenSet) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), TokenError>> + Send + 'static,
{
    fn save(&self, tokens: &TokenSet) -> StoreFuture<'_> {
        Box::pin(self(tokens.clone()))
    }
}

struct Current {
    tokens: TokenSet,
    /// How long the current access token had left when it was adopted: the
    /// margin never exceeds a quarter of it (a short-lived token is not
    /// refreshed on every call).
    lifetime: Duration,
    /// When the current access token expires, on tokio's monotonic clock:
    /// read from `expires_at` once, when the set is adopted, so a jump of the
    /// wall clock does not move it (and tests can pause the clock).
    expires: tokio::time::Instant,
    /// A rotated set whose save failed: not used until it is saved (its
    /// predecessor's refresh token is already spent, so it is kept, not dropped).
    unsaved: Option<TokenSet>,
}

impl Current {
    /// `tokens` as the current set, nothing pending.
    fn holding(tokens: TokenSet) -> Self {
        let lifetime = remaining(&tokens);
        Self {
            lifetime,
            expires: tokio::time::Instant::now() + lifetime,
            tokens,
            unsaved: None,
        }
    }

    /// Uses `tokens` from now on (its lifetime and expiry read once, now).
    fn adopt(&mut self, tokens: TokenSet) {
        let unsaved = self.unsaved.take();
        *self = Self {
            unsaved,
            ..Self::holding(tokens)
        };
    }
}

struct State {
    app: OAuthApp,
    /// The grant's identity, shared by every clone: a fingerprint of the app
    /// and the refresh token the source began with (never the token itself).
    grant: String,
    current: tokio::sync::Mutex<Current>,
    store: Box<dyn TokenStore>,
    margin_ms: AtomicU64,
    refreshes: AtomicU64,
}

/// A [`TokenSource`] that keeps one authorization alive: it refreshes the
/// access token ahead of expiry (default: within 60 s of it, at most a quarter
/// of its lifetime), one refresh at a
/// time however many calls wait, saves each rotated set through the
/// [`TokenStore`] before using it, and refreshes once more when Open Cloud
/// refuses a token (401). Cheap to clone; clones share the tokens.
///
/// Plug it into a client with
/// [`ClientBuilder::oauth_token_source`](crate::ClientBuilder::oauth_token_source);
/// keep a clone to read the current set ([`RefreshingTokenSource::tokens`]) or
/// to revoke it at logout.
#[derive(Clone)]
pub struct RefreshingTokenSource {
    state: Arc<State>,
}

impl fmt::Debug for RefreshingTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingTokenSource")
            .field("app", &self.state.app)
            .field("refreshes", &self.refreshes())
            .finish_non_exhaustive()
    }
}

impl RefreshingTokenSource {
    /// Keeps `tokens` (from [`OAuthApp::exchange`] or your store) alive with
    /// `app`, saving every rotated set to `store`.
    pub fn new(app: OAuthApp, tokens: TokenSet, store: impl TokenStore) -> Self {
        let first = tokens
            .refresh_token
            .as_ref()
            .unwrap_or(&tokens.access_token);
        let grant = crate::budget::Scope::of_secret(
            &format!("oauth-grant:{}", app.client_id()),
            first.expose_secret(),
        )
        .to_string();
        Self {
            state: Arc::new(State {
                grant,
                app,
                current: tokio::sync::Mutex::new(Current::holding(tokens)),
                store: Box::new(store),
                margin_ms: AtomicU64::new(60_000),
                refreshes: AtomicU64::new(0),
            }),
        }
    }

    /// Refresh when the access token expires within `margin` (default 60 s; at
    /// most a quarter of the token's lifetime).
    pub fn refresh_margin(self, margin: Duration) -> Self {
        let ms = u64::try_from(margin.as_millis()).unwrap_or(u64::MAX);
        self.state.margin_ms.store(ms, Ordering::Relaxed);
        self
    }

    /// The current token set (the last one saved).
    pub async fn tokens(&self) -> TokenSet {
        self.state.current.lock().await.tokens.clone()
    }

    /// How many refreshes this source has made.
    pub fn refreshes(&self) -> u64 {
        self.state.refreshes.load(Ordering::Relaxed)
    }

    /// Refreshes now, whatever the expiry says, and returns the new access token.
    pub async fn force_refresh(&self) -> Result<SecretString, OAuthError> {
        self.detached(Need::Rotated).await
    }

    async fn access_token(
        &self,
        refused: Option<&SecretString>,
    ) -> Result<SecretString, OAuthError> {
        // The common case, with nothing to refresh or save, answers here.
        {
            let current = self.state.current.lock().await;
            if current.unsaved.is_none() && !self.state.stale(&current, refused) {
                return Ok(current.tokens.access_token.clone());
            }
        }
        self.detached(match refused {
            Some(refused) => Need::Replacing(refused.clone()),
            None => Need::Fresh,
        })
        .await
    }

    /// Refreshing and saving run in a task of their own, not in the caller's
    /// future: a caller dropped mid-refresh (a timeout, a closed request, a
    /// Ctrl-C of one of several calls) cannot abort them after Roblox has
    /// rotated the single-use refresh token, and whoever asks next (or was
    /// waiting) gets the saved set.
    async fn detached(&self, need: Need) -> Result<SecretString, OAuthError> {
        let state = Arc::clone(&self.state);
        tokio::spawn(async move { state.settle(need).await })
            .await
            .unwrap_or_else(|ended| Err(OAuthError::Interrupted(ended.to_string())))
    }
}

/// What a caller needs of the source.
enum Need {
    /// A token that does not expire within the margin.
    Fresh,
    /// Another token than this one, which Open Cloud refused.
    Replacing(SecretString),
    /// A new set, whatever the expiry says.
    Rotated,
}

impl State {
    /// Whether the current access token must be replaced: it expires within
    /// the margin, or it is the one refused.
    fn stale(&self, current: &Current, refused: Option<&SecretString>) -> bool {
        let margin =
            Duration::from_millis(self.margin_ms.load(Ordering::Relaxed)).min(current.lifetime / 4);
        match refused {
            // Refused: refresh, unless another call already replaced that token.
            Some(refused) => current.tokens.access_token.expose_secret() == refused.expose_secret(),
            None => {
                current
                    .expires
                    .saturating_duration_since(tokio::time::Instant::now())
                    <= margin
            }
        }
    }

    /// Under the lock: a rotated set waiting for its save goes first (the old
    /// refresh token is spent), then a refresh if `need` still calls for one.
    async fn settle(&self, need: Need) -> Result<SecretString, OAuthError> {
        let mut current = self.current.lock().await;
        let rotate = match &need {
            Need::Rotated => true,
            Need::Fresh | Need::Replacing(_) => {
                self.adopt(&mut current).await?;
                let refused = match &need {
                    Need::Replacing(refused) => Some(refused),
                    _ => None,
                };
                self.stale(&current, refused)
            }
        };
        if rotate {
            self.rotate(&mut current, &need).await?;
        }
        Ok(current.tokens.access_token.clone())
    }

    /// A pending unsaved set saved and adopted, or a new one fetched, saved and
    /// adopted: under the store's lock, after adopting a newer set another
    /// process saved (`need` says whether that set serves without a refresh).
    async fn rotate(&self, current: &mut Current, need: &Need) -> Result<(), OAuthError> {
        if current.unsaved.is_some() {
            return self.adopt(current).await;
        }
        let _lock = self.store.lock().await.map_err(OAuthError::Store)?;
        let latest = self.store.load().await.map_err(OAuthError::Store)?;
        if let Some(latest) = latest.filter(|l| {
            l.access_token.expose_secret() != current.tokens.access_token.expose_secret()
        }) {
            // Someone else rotated the set: its refresh token is the live one.
            current.adopt(latest);
            let still_needed = match need {
                Need::Rotated => true,
                Need::Fresh => self.stale(current, None),
                Need::Replacing(refused) => self.stale(current, Some(refused)),
            };
            if !still_needed {
                return Ok(());
            }
        }
        {
            let refresh = current
                .tokens
                .refresh_token
                .clone()
                .ok_or(OAuthError::Missing("refresh token"))?;
            let mut fresh = self.app.refresh(&refresh, &current.tokens.scopes).await?;
            self.refreshes.fetch_add(1, Ordering::Relaxed);
            // No new refresh token: the server kept the old one valid (RFC 6749 §6).
            if fresh.refresh_token.is_none() {
                fresh.refresh_token = Some(refresh);
            }
            current.unsaved = Some(fresh);
        }
        self.adopt(current).await
    }

    /// Saves the unsaved set, then uses it.
    async fn adopt(&self, current: &mut Current) -> Result<(), OAuthError> {
        if let Some(fresh) = &current.unsaved {
            self.store.save(fresh).await.map_err(OAuthError::Store)?;
            if let Some(fresh) = current.unsaved.take() {
                current.adopt(fresh);
            }
        }
        Ok(())
    }
}

/// How long until `tokens`' access token expires (zero if it has).
fn remaining(tokens: &TokenSet) -> Duration {
    (tokens.expires_at - chrono::Utc::now())
        .to_std()
        .unwrap_or(Duration::ZERO)
}

impl TokenSource for RefreshingTokenSource {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move { self.access_token(None).await.map_err(TokenError::from) })
    }

    fn refresh(&self) -> TokenFuture<'_> {
        Box::pin(async move { self.force_refresh().await.map_err(TokenError::from) })
    }

    fn refresh_refused<'a>(&'a self, refused: &'a SecretString) -> TokenFuture<'a> {
        Box::pin(async move {
            self.access_token(Some(refused))
                .await
                .map_err(TokenError::from)
        })
    }

    fn grant(&self) -> Option<String> {
        Some(self.state.grant.clone())
    }
}
