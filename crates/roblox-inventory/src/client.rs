//! The client: configuration and credentials per host. Requests go through
//! the executor (`executor.rs`).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use roblox_inventory_api::operations::{Host, Operation};
use roblox_inventory_api::Hooks;

use crate::auth::{ApiKey, CloudCredential, OAuthToken, Roblosecurity, TokenSource};
use crate::budget::{LocalBudget, Outlook, RequestBudget, Scope, Unlimited};
use crate::error::Error;
use crate::executor::{BudgetWait, Executor};
use crate::retry::RetryConfig;

/// The Open Cloud host (the spec's server for its operations).
pub const CLOUD_BASE_URL: &str = Host::Cloud.default_base_url();
/// The legacy inventory host (the spec's server for its operations).
pub const LEGACY_BASE_URL: &str = Host::Legacy.default_base_url();

/// The rate-limit headers of the last response (facts §4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitInfo {
    /// The operation that got the response.
    pub operation: Operation,
    /// `x-ratelimit-limit`, as sent (`100, 100;w=60`).
    pub limit: Option<String>,
    /// `x-ratelimit-remaining`.
    pub remaining: Option<u64>,
    /// `x-ratelimit-reset`.
    pub reset: Option<Duration>,
}

/// Requests sent per operation ([`Client::requests_sent`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestsSent {
    counts: std::collections::BTreeMap<Operation, u64>,
}

impl RequestsSent {
    /// Requests sent for `operation`.
    pub fn get(&self, operation: Operation) -> u64 {
        self.counts.get(&operation).copied().unwrap_or(0)
    }

    /// Every operation with at least one request, in the spec's order.
    pub fn iter(&self) -> impl Iterator<Item = (Operation, u64)> + '_ {
        self.counts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(op, n)| (*op, *n))
    }

    /// Requests sent to `host`, all its operations together.
    pub fn to_host(&self, host: Host) -> u64 {
        self.iter()
            .filter(|(op, _)| op.host() == host)
            .map(|(_, n)| n)
            .sum()
    }

    /// The requests sent since `earlier` (a count taken before).
    pub fn since(&self, earlier: &RequestsSent) -> RequestsSent {
        RequestsSent {
            counts: self
                .counts
                .iter()
                .map(|(op, n)| (*op, n.saturating_sub(earlier.get(*op))))
                .filter(|(_, n)| *n > 0)
                .collect(),
        }
    }

    pub(crate) fn count(&mut self, operation: Operation) {
        *self.counts.entry(operation).or_insert(0) += 1;
    }
}

/// How long one request waits for the request budget by default: a little more
/// than two of Roblox's one-minute windows.
pub const DEFAULT_MAX_BUDGET_WAIT: Duration = Duration::from_secs(150);

/// How long one operation call may take in all by default: every attempt, every
/// retry wait and every wait for the request budget.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(180);

/// The largest response body read by default (Roblox's pages are ~25 KB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;

/// Configures a [`Client`].
#[derive(Clone)]
#[must_use = "call .build() to make the client"]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    oauth: Option<OAuthToken>,
    cookie: Option<Roblosecurity>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    cloud_base_url: String,
    legacy_base_url: String,
    /// Your HTTP client, built with redirects off, or why it could not be built.
    http: Option<Result<reqwest::Client, String>>,
    allow_insecure_http: bool,
    retry: RetryConfig,
    budget: Arc<dyn RequestBudget>,
    max_budget_wait: Option<Duration>,
    operation_timeout: Duration,
    max_body_bytes: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("oauth", &self.oauth)
            .field("cookie", &self.cookie)
            .field("timeout", &self.timeout)
            .field("cloud_base_url", &redacted_url(&self.cloud_base_url))
            .field("legacy_base_url", &redacted_url(&self.legacy_base_url))
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
            allow_insecure_http: false,
            retry: RetryConfig::default(),
            budget: Arc::new(LocalBudget::default()),
            max_budget_wait: Some(DEFAULT_MAX_BUDGET_WAIT),
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
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

    /// Total time allowed per request attempt (default 30 s); a call's
    /// attempts, retries and waits together are bounded by
    /// [`operation_timeout`](Self::operation_timeout).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The old name of [`attempt_timeout`](Self::attempt_timeout).
    #[deprecated(
        since = "0.2.0",
        note = "renamed `attempt_timeout` (it bounds each attempt)"
    )]
    pub fn timeout(self, timeout: Duration) -> Self {
        self.attempt_timeout(timeout)
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

    /// Build the HTTP client from your own `reqwest::ClientBuilder` (proxies, TLS
    /// roots, timeouts, user agent: yours then apply). Redirects are turned off
    /// whatever the builder said: Roblox's APIs do not redirect, and reqwest
    /// would carry the `x-api-key` header to wherever a redirect points.
    /// (Its TLS is yours too: see [`ensure_tls_provider`](crate::ensure_tls_provider).)
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        crate::tls::ensure_tls_provider();
        let built = builder.redirect(reqwest::redirect::Policy::none()).build();
        self.http = Some(built.map_err(|e| e.to_string()));
        self
    }

    /// Allow plain `http://` base URLs that are not loopback (credentials then
    /// cross the network in clear text). Without it, such URLs are refused.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// How requests are retried (default: 3 retries, 200 ms to 10 s, jittered).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Pace requests with `budget` instead of a [`LocalBudget`] with the
    /// documented limits (for example one budget shared by several processes).
    pub fn request_budget(mut self, budget: impl RequestBudget) -> Self {
        self.budget = Arc::new(budget);
        self
    }

    /// Turns the request budget off: requests go as fast as they are made (the
    /// default budget keeps each credential under Roblox's documented limits).
    pub fn without_budget(mut self) -> Self {
        self.budget = Arc::new(Unlimited);
        self
    }

    /// The old name of [`without_budget`](Self::without_budget).
    #[deprecated(
        since = "0.2.0",
        note = "renamed `without_budget` (one word for it: budget)"
    )]
    pub fn without_rate_limiter(self) -> Self {
        self.without_budget()
    }

    /// How long one operation call may take in all: every attempt, retry wait
    /// and budget wait (default [`DEFAULT_OPERATION_TIMEOUT`]). Past it the call
    /// fails with [`Error::DeadlineExceeded`]; an attempt in flight is cut off.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// The largest response body the client reads (default
    /// [`DEFAULT_MAX_BODY_BYTES`]); a larger one is [`Error::BodyTooLarge`].
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The longest one request may wait for the request budget (default
    /// [`DEFAULT_MAX_BUDGET_WAIT`]); past it the call fails with
    /// [`Error::NoSlotBeforeDeadline`] without sending. `None` waits as long as
    /// the budget says. See also [`Client::with_budget_deadline`].
    pub fn max_budget_wait(mut self, wait: Option<Duration>) -> Self {
        self.max_budget_wait = wait;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        for (name, url) in [
            ("cloud_base_url", &self.cloud_base_url),
            ("legacy_base_url", &self.legacy_base_url),
        ] {
            checked_url(name, url, self.allow_insecure_http)?;
        }
        let http = match self.http {
            Some(Ok(http)) => http,
            Some(Err(reason)) => {
                return Err(Error::InvalidArgument {
                    name: "http_client",
                    reason,
                })
            }
            None => {
                let builder = reqwest::Client::builder()
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .user_agent(&self.user_agent)
                    .redirect(reqwest::redirect::Policy::none());
                crate::tls::configure(builder)
                    .map_err(|reason| Error::InvalidArgument {
                        name: "tls",
                        reason,
                    })?
                    .build()
                    .map_err(Error::Transport)?
            }
        };
        // A credential that cannot be sent is refused here, never dropped later.
        let api_key = self.api_key.as_ref().map(ApiKey::normalised).transpose()?;
        let oauth = self
            .oauth
            .as_ref()
            .map(OAuthToken::normalised)
            .transpose()?;
        let cookie = self
            .cookie
            .as_ref()
            .map(Roblosecurity::normalised)
            .transpose()?;
        let cloud_credential = match (api_key, oauth) {
            (Some(key), _) => Some(CloudCredential::ApiKey(key)),
            (None, Some(token)) => Some(CloudCredential::OAuth(token)),
            (None, None) => None,
        };
        let cloud_scope = match &cloud_credential {
            Some(CloudCredential::ApiKey(key)) => Scope::of_secret("api-key", key.expose()),
            Some(CloudCredential::OAuth(token)) => token.scope(),
            None => Scope::NONE,
        };
        let legacy_scope = cookie
            .as_ref()
            .map_or(Scope::NONE, |c| Scope::of_secret("cookie", c.expose()));
        let shared = Arc::new(Shared {
            cloud_credential,
            cloud_scope,
            legacy_scope,
            cookie,
            csrf: Mutex::new(None),
            last_rate_limit: Mutex::new(None),
            sent: Mutex::new(RequestsSent::default()),
            retry: self.retry,
            budget: self.budget,
            attempt_timeout: self.timeout,
            operation_timeout: self.operation_timeout,
            max_body_bytes: self.max_body_bytes,
        });
        let trim = |url: &str| url.trim_end_matches('/').to_string();
        Ok(Client::wired(
            &trim(&self.cloud_base_url),
            &trim(&self.legacy_base_url),
            http,
            shared,
            BudgetWait {
                max_wait: self.max_budget_wait,
                deadline: None,
            },
        ))
    }
}

/// `url` parsed, if it is http(s) and plain http only to loopback (unless
/// `allow_insecure`): credentials never cross the network in clear text.
pub(crate) fn checked_url(
    name: &'static str,
    raw: &str,
    allow_insecure: bool,
) -> Result<reqwest::Url, Error> {
    let shown = redacted_url(raw);
    let url = shown.as_str();
    let parsed = reqwest::Url::parse(raw).map_err(|e| Error::InvalidArgument {
        name,
        reason: format!("`{url}`: {e}"),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::InvalidArgument {
            name,
            reason: format!("`{url}` is not an http(s) URL"),
        });
    }
    let host = parsed.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if parsed.scheme() == "http" && !loopback && !allow_insecure {
        return Err(Error::InvalidArgument {
            name,
            reason: format!(
                "`{url}` is plain http to a host that is not loopback: credentials would \
                 cross the network in clear text (use https, or allow_insecure_http())"
            ),
        });
    }
    Ok(parsed)
}

/// `url` as it may be shown (Debug, errors, logs): a user name and password
/// (`https://user:token@proxy`) become `***`; text that is not a URL keeps
/// nothing between its scheme and its last `@`.
pub(crate) fn redacted_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            // Both only fail for URLs that cannot have user info.
            let _ = parsed.set_password(None);
            let _ = parsed.set_username("***");
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        Err(_) => match (url.find("://"), url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                format!("{}***{}", &url[..scheme + 3], &url[at..])
            }
            (None, Some(at)) => format!("***{}", &url[at..]),
            _ => url.to_string(),
        },
    }
}

/// State shared by a client and its executor.
pub(crate) struct Shared {
    pub(crate) cloud_credential: Option<CloudCredential>,
    /// Which credential Open Cloud requests are counted against (a fingerprint).
    pub(crate) cloud_scope: Scope,
    /// Which cookie legacy requests are counted against ([`Scope::NONE`]: per address).
    pub(crate) legacy_scope: Scope,
    pub(crate) cookie: Option<Roblosecurity>,
    /// The cached X-CSRF-TOKEN.
    pub(crate) csrf: Mutex<Option<String>>,
    pub(crate) last_rate_limit: Mutex<Option<RateLimitInfo>>,
    /// Requests sent so far, per operation (every attempt that got a slot).
    pub(crate) sent: Mutex<RequestsSent>,
    pub(crate) retry: RetryConfig,
    pub(crate) budget: Arc<dyn RequestBudget>,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Duration,
    pub(crate) max_body_bytes: usize,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A client for both Roblox hosts. Cheap to clone; clones share connections,
/// credentials and the X-CSRF-TOKEN.
#[derive(Clone)]
pub struct Client {
    pub(crate) cloud: roblox_inventory_api::CloudClient,
    pub(crate) legacy: roblox_inventory_api::LegacyClient,
    /// The connection pool both share.
    http: reqwest::Client,
    pub(crate) shared: Arc<Shared>,
    pub(crate) wait: BudgetWait,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("cloud_base_url", &redacted_url(self.cloud.baseurl()))
            .field("legacy_base_url", &redacted_url(self.legacy.baseurl()))
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

    /// The generated clients for both hosts, wired through one executor.
    fn wired(
        cloud_base_url: &str,
        legacy_base_url: &str,
        http: reqwest::Client,
        shared: Arc<Shared>,
        wait: BudgetWait,
    ) -> Client {
        let executor = Arc::new(Executor {
            shared: Arc::clone(&shared),
            wait,
        });
        // Each generated client serves one host: its type has only that host's
        // operations, and its hooks are bound to the host, so the executor
        // refuses any other host's operation that reaches it anyway.
        let bound = |url: &str, host: Host| {
            roblox_inventory_api::Client::new_with_client(
                url,
                http.clone(),
                Hooks::bound_to(host, executor.clone()),
            )
        };
        Client {
            cloud: roblox_inventory_api::CloudClient::new(bound(cloud_base_url, Host::Cloud)),
            legacy: roblox_inventory_api::LegacyClient::new(bound(legacy_base_url, Host::Legacy)),
            http,
            shared,
            wait,
        }
    }

    fn with_wait(&self, wait: BudgetWait) -> Client {
        Client::wired(
            self.cloud.baseurl(),
            self.legacy.baseurl(),
            self.http.clone(),
            Arc::clone(&self.shared),
            wait,
        )
    }

    /// A client that shares everything with this one (connections, credentials,
    /// budget) but never waits for the request budget past `deadline`: a call
    /// that would fails with [`Error::NoSlotBeforeDeadline`] instead, without
    /// sending. Use it to bound a whole job, e.g. a check at game join.
    pub fn with_budget_deadline(&self, deadline: Instant) -> Client {
        self.with_wait(BudgetWait {
            deadline: Some(deadline),
            ..self.wait
        })
    }

    /// A client like this one whose requests wait at most `wait` each for the
    /// request budget (`None`: as long as it takes).
    pub fn with_max_budget_wait(&self, wait: Option<Duration>) -> Client {
        self.with_wait(BudgetWait {
            max_wait: wait,
            ..self.wait
        })
    }

    /// What the request budget expects of the current window for `operation`
    /// with this client's credential, if it knows.
    pub fn budget_outlook(&self, operation: Operation) -> Option<Outlook> {
        let key = self.shared.budget_key(operation);
        self.shared.budget.outlook(key)
    }

    /// How many requests this client (and its clones) has sent, per operation:
    /// every attempt the request budget let go, retries included. Take it
    /// before and after a job and subtract ([`RequestsSent::since`]) to know
    /// what the job cost against each operation's limit.
    pub fn requests_sent(&self) -> RequestsSent {
        lock(&self.shared.sent).clone()
    }

    /// The rate-limit headers of the most recent response.
    pub fn last_rate_limit(&self) -> Option<RateLimitInfo> {
        lock(&self.shared.last_rate_limit).clone()
    }

    /// Fails with [`Error::MissingCredential`] unless this client has a
    /// credential `operation` accepts (or it needs none).
    pub(crate) fn require_credential(&self, operation: Operation) -> Result<(), Error> {
        self.shared.require_credential(operation)
    }

    /// Whether an Open Cloud credential is configured.
    pub fn has_cloud_credential(&self) -> bool {
        self.shared.cloud_credential.is_some()
    }

    /// The generated low-level client for Open Cloud (`https://apis.roblox.com`),
    /// wired through this client's executor: the API key or OAuth token, retries,
    /// the request budget, the operation deadline and tracing all apply.
    ///
    /// The escape hatch for operations this crate does not wrap yet (one Roblox
    /// added, regenerated the same day). Its methods are the Open Cloud
    /// operations and no others: a legacy operation cannot be written against it,
    /// so the API key or OAuth token cannot reach the legacy host by way of it.
    /// Convert errors with [`Error::from_api`] to get what the client decided,
    /// typed.
    ///
    /// ```no_run
    /// # async fn run(client: roblox_inventory::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let page = client
    ///     .cloud_api()
    ///     .cloud_list_inventory_items()
    ///     .user_id("156")
    ///     .max_page_size(10)
    ///     .send()
    ///     .await?
    ///     .into_inner();
    /// println!("{} items", page.inventory_items.len());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A legacy operation does not compile against it:
    ///
    /// ```compile_fail,E0599
    /// # async fn run(client: roblox_inventory::Client) {
    /// use roblox_inventory::api::prelude::*;
    /// let _ = client.cloud_api().get_v1_users_categories().user_id(156).send().await;
    /// # }
    /// ```
    pub fn cloud_api(&self) -> &roblox_inventory_api::CloudClient {
        &self.cloud
    }

    /// The generated low-level client for the legacy host
    /// (`https://inventory.roblox.com`), wired like [`Client::cloud_api`]: the
    /// cookie, the X-CSRF-TOKEN exchange, retries, budget, deadline and tracing.
    /// Its methods are the legacy operations and no others, so the cookie cannot
    /// reach the Open Cloud host by way of it:
    ///
    /// ```compile_fail,E0599
    /// # async fn run(client: roblox_inventory::Client) {
    /// use roblox_inventory::api::prelude::*;
    /// let _ = client.legacy_api().cloud_list_inventory_items().user_id("156").send().await;
    /// # }
    /// ```
    pub fn legacy_api(&self) -> &roblox_inventory_api::LegacyClient {
        &self.legacy
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

    /// Behind the host-bound types: a generated client whose hooks are bound to
    /// one host refuses the other host's operations before anything is sent,
    /// and neither server sees the other host's credential (issue 17).
    #[tokio::test]
    async fn a_client_bound_to_one_host_refuses_the_others_operations() {
        use roblox_inventory_api::enums::OwnershipItemType;
        use roblox_inventory_api::prelude::{ClientCloudExt, ClientLegacyExt};
        use wiremock::matchers::any;
        use wiremock::{Mock, MockServer, ResponseTemplate};

        let (cloud_host, legacy_host) = (MockServer::start().await, MockServer::start().await);
        for server in [&cloud_host, &legacy_host] {
            Mock::given(any())
                .respond_with(ResponseTemplate::new(200).set_body_string("true"))
                .mount(server)
                .await;
        }
        let client = Client::builder()
            .cloud_base_url(cloud_host.uri())
            .legacy_base_url(legacy_host.uri())
            .api_key("key-for-open-cloud-only")
            .roblosecurity("cookie-for-the-legacy-host-only")
            .without_budget()
            .build()
            .unwrap();
        // The generated clients as the host-bound types wrap them: the raw one
        // has both hosts' methods.
        let executor = Arc::new(Executor {
            shared: Arc::clone(&client.shared),
            wait: client.wait,
        });
        let raw = |url: String, host: Host| {
            roblox_inventory_api::Client::new_with_client(
                &url,
                client.http.clone(),
                Hooks::bound_to(host, executor.clone()),
            )
        };
        let (cloud, legacy) = (
            raw(cloud_host.uri(), Host::Cloud),
            raw(legacy_host.uri(), Host::Legacy),
        );
        // builderman's game pass 1111, through a raw generated client.
        async fn is_owned_pass(
            api: &roblox_inventory_api::Client,
        ) -> Result<
            roblox_inventory_api::ResponseValue<bool>,
            roblox_inventory_api::Error<roblox_inventory_api::ByteStream>,
        > {
            api.get_v1_users_items_is_owned()
                .user_id(156)
                .item_type(OwnershipItemType::GamePass)
                .item_target_id(1111)
                .send()
                .await
        }
        let through_legacy = legacy
            .cloud_list_inventory_items()
            .user_id("156")
            .send()
            .await
            .map(|_| ())
            .unwrap_err();
        let through_cloud = is_owned_pass(&cloud).await.map(|_| ()).unwrap_err();
        assert!(matches!(
            Error::from_api(through_legacy).await,
            Error::WrongHost {
                operation: Operation::CloudListInventoryItems,
                client: Host::Legacy
            }
        ));
        assert!(matches!(
            Error::from_api(through_cloud).await,
            Error::WrongHost {
                operation: Operation::GetV1UsersItemsIsOwned,
                client: Host::Cloud
            }
        ));
        // Right-host calls through the same raw clients go, with their own credential.
        assert!(is_owned_pass(&legacy).await.unwrap().into_inner());
        // A client whose hooks name no host gets no credential at all.
        let unbound = roblox_inventory_api::Client::new_with_client(
            &legacy_host.uri(),
            client.http.clone(),
            Hooks::with_executor(executor.clone()),
        );
        let refused = is_owned_pass(&unbound).await.map(|_| ()).unwrap_err();
        assert!(matches!(
            Error::from_api(refused).await,
            Error::InvalidArgument {
                name: "operation",
                ..
            }
        ));
        let legacy_saw = legacy_host.received_requests().await.unwrap();
        assert_eq!(legacy_saw.len(), 1, "only the right-host call");
        assert!(legacy_saw[0].headers.get("x-api-key").is_none());
        assert!(cloud_host.received_requests().await.unwrap().is_empty());
    }
}
