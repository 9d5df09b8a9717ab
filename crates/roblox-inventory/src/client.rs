//! The client: configuration, credentials per host, and the request executor
//! every generated operation goes through.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Request, Response};
use roblox_inventory_api::{ExecuteFuture, Hooks, RequestExecutor};
use secrecy::{ExposeSecret, SecretString};

use crate::auth::{ApiKey, CloudCredential, OAuthToken, Roblosecurity, TokenSource};
use crate::error::Error;
use crate::ratelimit::{Counted, DocumentedLimits, RequestBudget, Unlimited};
use crate::retry::{retry_after, retryable_status, RetryConfig};

/// The Open Cloud host.
pub const CLOUD_BASE_URL: &str = "https://apis.roblox.com";
/// The legacy inventory host.
pub const LEGACY_BASE_URL: &str = "https://inventory.roblox.com";

/// The rate-limit headers of the last response (facts §4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitInfo {
    /// The operation that got the response (snake_cased operationId).
    pub operation: &'static str,
    /// `x-ratelimit-limit`, as sent (`100, 100;w=60`).
    pub limit: Option<String>,
    /// `x-ratelimit-remaining`.
    pub remaining: Option<u64>,
    /// `x-ratelimit-reset`.
    pub reset: Option<Duration>,
}

/// Configures a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    oauth: Option<OAuthToken>,
    cookie: Option<Roblosecurity>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    cloud_base_url: String,
    legacy_base_url: String,
    http: Option<reqwest::Client>,
    retry: RetryConfig,
    budget: Arc<dyn RequestBudget>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("oauth", &self.oauth)
            .field("cookie", &self.cookie)
            .field("timeout", &self.timeout)
            .field("cloud_base_url", &self.cloud_base_url)
            .field("legacy_base_url", &self.legacy_base_url)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            oauth: None,
            cookie: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            user_agent: format!("roblox-inventory/{}", env!("CARGO_PKG_VERSION")),
            cloud_base_url: CLOUD_BASE_URL.into(),
            legacy_base_url: LEGACY_BASE_URL.into(),
            http: None,
            retry: RetryConfig::default(),
            budget: Arc::new(DocumentedLimits::default()),
        }
    }
}

impl ClientBuilder {
    /// An Open Cloud API key (sent only to the Open Cloud host, as `x-api-key`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(key));
        self
    }

    /// A fixed OAuth 2.0 access token (sent only to the Open Cloud host). With both
    /// an API key and OAuth, the API key is used.
    pub fn oauth_token(mut self, token: impl Into<String>) -> Self {
        self.oauth = Some(OAuthToken::new(token));
        self
    }

    /// OAuth 2.0 access tokens from your own source (refresh logic).
    pub fn oauth_token_source(mut self, source: impl TokenSource) -> Self {
        self.oauth = Some(OAuthToken::from_source(source));
        self
    }

    /// A `.ROBLOSECURITY` cookie (sent only to the legacy host).
    pub fn roblosecurity(mut self, cookie: impl Into<String>) -> Self {
        self.cookie = Some(Roblosecurity::new(cookie));
        self
    }

    /// Total time allowed per request attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Where Open Cloud requests go (default `https://apis.roblox.com`).
    pub fn cloud_base_url(mut self, url: impl Into<String>) -> Self {
        self.cloud_base_url = url.into();
        self
    }

    /// Where legacy requests go (default `https://inventory.roblox.com`).
    pub fn legacy_base_url(mut self, url: impl Into<String>) -> Self {
        self.legacy_base_url = url.into();
        self
    }

    /// Both hosts at one URL (a sandbox or a proxy that serves both).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.cloud_base_url(url.clone()).legacy_base_url(url)
    }

    /// Use your own `reqwest::Client` (its timeouts and user agent then apply).
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: Roblox's APIs
    /// do not redirect, and a followed redirect would carry the `x-api-key` header.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How requests are retried (default: 3 retries, 200 ms to 10 s, jittered).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Pace requests with `budget` instead of the documented limits (for example
    /// one budget shared by several processes).
    pub fn request_budget(mut self, budget: impl RequestBudget) -> Self {
        self.budget = Arc::new(budget);
        self
    }

    /// Turns the client-side rate limiter off (the default keeps each credential
    /// under Roblox's documented limits).
    pub fn without_rate_limiter(mut self) -> Self {
        self.budget = Arc::new(Unlimited);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        for (name, url) in [
            ("cloud_base_url", &self.cloud_base_url),
            ("legacy_base_url", &self.legacy_base_url),
        ] {
            let parsed = reqwest::Url::parse(url).map_err(|e| Error::InvalidArgument {
                name,
                reason: format!("`{url}`: {e}"),
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Error::InvalidArgument {
                    name,
                    reason: format!("`{url}` is not an http(s) URL"),
                });
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(&self.user_agent)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::Transport)?,
        };
        let cloud_credential = match (self.api_key, self.oauth) {
            (Some(key), _) => Some(CloudCredential::ApiKey(key)),
            (None, Some(token)) => Some(CloudCredential::OAuth(token)),
            (None, None) => None,
        };
        let shared = Arc::new(Shared {
            cloud_credential,
            cookie: self.cookie,
            oauth_now: Mutex::new(None),
            csrf: Mutex::new(None),
            last_rate_limit: Mutex::new(None),
            retry: self.retry,
            budget: self.budget,
        });
        let hooks = Hooks::with_executor(Arc::new(Executor {
            shared: Arc::clone(&shared),
        }));
        let trim = |url: &str| url.trim_end_matches('/').to_string();
        Ok(Client {
            cloud: roblox_inventory_api::Client::new_with_client(
                &trim(&self.cloud_base_url),
                http.clone(),
                hooks.clone(),
            ),
            legacy: roblox_inventory_api::Client::new_with_client(
                &trim(&self.legacy_base_url),
                http,
                hooks,
            ),
            shared,
        })
    }
}

/// State shared by a client and its executor.
pub(crate) struct Shared {
    pub(crate) cloud_credential: Option<CloudCredential>,
    pub(crate) cookie: Option<Roblosecurity>,
    /// The OAuth token fetched for the current Open Cloud call.
    oauth_now: Mutex<Option<SecretString>>,
    /// The cached X-CSRF-TOKEN.
    csrf: Mutex<Option<String>>,
    last_rate_limit: Mutex<Option<RateLimitInfo>>,
    retry: RetryConfig,
    budget: Arc<dyn RequestBudget>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A client for both Roblox hosts. Cheap to clone; clones share connections,
/// credentials and the X-CSRF-TOKEN.
#[derive(Clone)]
pub struct Client {
    pub(crate) cloud: roblox_inventory_api::Client,
    pub(crate) legacy: roblox_inventory_api::Client,
    pub(crate) shared: Arc<Shared>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use roblox_inventory_api::ClientInfo;
        f.debug_struct("Client")
            .field("cloud_base_url", &self.cloud.baseurl())
            .field("legacy_base_url", &self.legacy.baseurl())
            .field("cloud_credential", &self.shared.cloud_credential)
            .field("cookie", &self.shared.cookie)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with Roblox's hosts and no credentials.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The rate-limit headers of the most recent response.
    pub fn last_rate_limit(&self) -> Option<RateLimitInfo> {
        lock(&self.shared.last_rate_limit).clone()
    }

    /// Fails with [`Error::MissingCredential`] unless an Open Cloud credential is
    /// configured; fetches the OAuth token for the coming call.
    pub(crate) async fn prepare_cloud(&self, operation: &'static str) -> Result<(), Error> {
        match &self.shared.cloud_credential {
            None => Err(Error::MissingCredential {
                operation,
                needs: "an API key (ClientBuilder::api_key) or an OAuth token (ClientBuilder::oauth_token)",
            }),
            Some(CloudCredential::ApiKey(_)) => Ok(()),
            Some(CloudCredential::OAuth(source)) => {
                let token = source.get().await.map_err(Error::TokenSource)?;
                *lock(&self.shared.oauth_now) = Some(token);
                Ok(())
            }
        }
    }

    /// Fails with [`Error::MissingCredential`] unless a cookie is configured.
    pub(crate) fn require_cookie(&self, operation: &'static str) -> Result<(), Error> {
        match self.shared.cookie {
            Some(_) => Ok(()),
            None => Err(Error::MissingCredential {
                operation,
                needs: "a .ROBLOSECURITY cookie (ClientBuilder::roblosecurity)",
            }),
        }
    }

    /// Whether an Open Cloud credential is configured.
    pub fn has_cloud_credential(&self) -> bool {
        self.shared.cloud_credential.is_some()
    }
}

/// Adds credentials, runs the X-CSRF-TOKEN exchange and retries.
struct Executor {
    shared: Arc<Shared>,
}

fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some(value)
}

impl Executor {
    /// Puts the credential the host takes on the request, and nothing else.
    fn authorize(&self, request: &mut Request, cloud: bool) {
        let headers = request.headers_mut();
        // progenitor sends the spec's info.version as `api-version`; Roblox has no use for it.
        headers.remove("api-version");
        if cloud {
            match &self.shared.cloud_credential {
                Some(CloudCredential::ApiKey(key)) => {
                    if let Some(value) = sensitive(key.expose()) {
                        headers.insert(HeaderName::from_static("x-api-key"), value);
                    }
                }
                Some(CloudCredential::OAuth(_)) => {
                    let token = lock(&self.shared.oauth_now).clone();
                    if let Some(value) =
                        token.and_then(|t| sensitive(&format!("Bearer {}", t.expose_secret())))
                    {
                        headers.insert(reqwest::header::AUTHORIZATION, value);
                    }
                }
                None => {}
            }
        } else if let Some(cookie) = &self.shared.cookie {
            if let Some(value) = sensitive(&format!(".ROBLOSECURITY={}", cookie.expose())) {
                headers.insert(reqwest::header::COOKIE, value);
            }
        }
    }

    /// Which credential the operation's requests are counted against.
    fn counted(&self, operation: &str) -> Counted {
        match (
            operation.starts_with("cloud_"),
            &self.shared.cloud_credential,
        ) {
            (true, Some(CloudCredential::OAuth(_))) => Counted::OAuth,
            (true, _) => Counted::ApiKey,
            (false, _) => Counted::Legacy,
        }
    }

    fn record(&self, operation: &'static str, response: &Response) {
        let headers = response.headers();
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if headers.contains_key("x-ratelimit-limit")
            || headers.contains_key("x-ratelimit-remaining")
        {
            *lock(&self.shared.last_rate_limit) = Some(RateLimitInfo {
                operation,
                limit: text("x-ratelimit-limit"),
                remaining: text("x-ratelimit-remaining").and_then(|r| r.trim().parse().ok()),
                reset: text("x-ratelimit-reset")
                    .and_then(|r| r.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(Duration::from_secs_f64),
            });
        }
    }

    /// Sends with retries for idempotent requests.
    async fn send(
        &self,
        client: &reqwest::Client,
        request: Request,
        operation: &'static str,
    ) -> reqwest::Result<Response> {
        let idempotent = matches!(*request.method(), Method::GET | Method::HEAD);
        let mut delays = self.shared.retry.delays();
        let mut attempt = 1u32;
        loop {
            let Some(this) = request.try_clone() else {
                return client.execute(request).await;
            };
            self.shared
                .budget
                .acquire(operation, self.counted(operation))
                .await;
            let started = Instant::now();
            let mut result = client.execute(this).await;
            if idempotent {
                // Read the body here, so a connection cut mid-body is retried like any
                // other failure instead of surfacing in the generated decoder.
                result = match result {
                    Ok(response) => buffered(response).await,
                    Err(error) => Err(error),
                };
            }
            let hint = match &result {
                Ok(response) => {
                    self.record(operation, response);
                    tracing::debug!(
                        operation,
                        attempt,
                        status = response.status().as_u16(),
                        latency_ms = started.elapsed().as_millis() as u64,
                        "roblox request"
                    );
                    retryable_status(response.status().as_u16())
                        .then(|| retry_after(response.headers()))
                }
                Err(error) => {
                    tracing::debug!(operation, attempt, error = %error, latency_ms = started.elapsed().as_millis() as u64, "roblox request failed");
                    (error.is_connect()
                        || error.is_timeout()
                        || error.is_body()
                        || error.is_decode())
                    .then_some(None)
                }
            };
            let Some(hint) = hint.filter(|_| idempotent) else {
                return result;
            };
            let Some(backoff) = delays.next() else {
                return result;
            };
            let delay = match hint {
                Some(asked) if asked > self.shared.retry.max_retry_after => return result,
                Some(asked) => asked,
                None => backoff,
            };
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn execute_inner(
        &self,
        client: &reqwest::Client,
        mut request: Request,
        operation: &'static str,
    ) -> reqwest::Result<Response> {
        let cloud = operation.starts_with("cloud_");
        self.authorize(&mut request, cloud);
        let csrf = !cloud
            && self.shared.cookie.is_some()
            && matches!(*request.method(), Method::POST | Method::DELETE);
        if !csrf {
            return self.send(client, request, operation).await;
        }
        // Cookie-authenticated writes: send the cached X-CSRF-TOKEN; on a 403 that
        // carries a new one, store it and retry once (facts §4.3). Keyed on the header.
        if let Some(token) = lock(&self.shared.csrf)
            .clone()
            .and_then(|t| HeaderValue::from_str(&t).ok())
        {
            request.headers_mut().insert("x-csrf-token", token);
        }
        let retry = request.try_clone();
        let response = self.send(client, request, operation).await?;
        let fresh = response
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        match (response.status().as_u16(), fresh, retry) {
            (403, Some(token), Some(mut again)) => {
                *lock(&self.shared.csrf) = Some(token.clone());
                if let Ok(value) = HeaderValue::from_str(&token) {
                    again.headers_mut().insert("x-csrf-token", value);
                }
                self.send(client, again, operation).await
            }
            _ => Ok(response),
        }
    }
}

/// The same response with its body read into memory.
async fn buffered(response: Response) -> reqwest::Result<Response> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(Response::from(rebuilt))
}

impl RequestExecutor for Executor {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        operation_id: &'static str,
    ) -> ExecuteFuture<'a> {
        use tracing::Instrument;
        // One span per operation call; its events carry attempt, status and
        // latency. Nothing from headers is recorded, so no credential can leak.
        let span =
            tracing::debug_span!("roblox", operation = operation_id, method = %request.method());
        Box::pin(
            self.execute_inner(client, request, operation_id)
                .instrument(span),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_builder_and_client_is_redacted() {
        let builder = Client::builder()
            .api_key("key-secret-1")
            .oauth_token("oauth-secret-2")
            .roblosecurity("cookie-secret-3");
        let client = builder
            .clone()
            .base_url("http://127.0.0.1:1")
            .build()
            .unwrap();
        let printed = format!("{builder:?}\n{client:?}");
        for secret in ["key-secret-1", "oauth-secret-2", "cookie-secret-3"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(
            printed.contains("ApiKey([REDACTED])") && printed.contains("Roblosecurity([REDACTED])"),
            "{printed}"
        );
    }

    /// The redacted Debug output, reviewed as a snapshot (aws-sdk-rust's `debug_impl` idea).
    #[test]
    fn debug_output_snapshot() {
        let builder = Client::builder()
            .api_key("key-secret-1")
            .oauth_token("oauth-secret-2")
            .roblosecurity("cookie-secret-3")
            .base_url("http://127.0.0.1:1");
        let client = builder.clone().build().unwrap();
        insta::assert_snapshot!("client_builder_debug", format!("{builder:#?}"));
        insta::assert_snapshot!("client_debug", format!("{client:#?}"));
    }

    #[test]
    fn bad_base_urls_are_refused() {
        assert!(matches!(
            Client::builder().cloud_base_url("not a url").build(),
            Err(Error::InvalidArgument {
                name: "cloud_base_url",
                ..
            })
        ));
        assert!(Client::builder()
            .legacy_base_url("ftp://example.com")
            .build()
            .is_err());
    }
}
