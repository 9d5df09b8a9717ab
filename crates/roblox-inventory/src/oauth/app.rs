//! The app: its configuration, and its calls to the token, revocation,
//! introspection, resources and userinfo endpoints.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::Duration;

use oauth2::basic::{BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenType};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet, EndpointSet,
    ExtraTokenFields, IntrospectionUrl, PkceCodeVerifier, RedirectUrl, RefreshToken, RevocationUrl,
    StandardRevocableToken, StandardTokenIntrospectionResponse, StandardTokenResponse,
    TokenIntrospectionResponse, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{
    AuthorizationRequest, Callback, Introspection, OAuthError, PendingAuthorization, ResourceOwner,
    Resources, Scope, TokenSet, UserInfo,
};

/// Roblox's OAuth host (document: authorization and token URLs under it).
pub const ROBLOX_OAUTH_BASE_URL: &str = "https://apis.roblox.com";
/// How long an access token lives when a response leaves out `expires_in`.
const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(899);
/// The largest OAuth response body read.
const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// Configures an [`OAuthApp`].
#[must_use = "call .build()"]
pub struct OAuthAppBuilder {
    client_id: String,
    secret: Option<SecretString>,
    redirect_uri: String,
    base_url: String,
    secret_in_body: bool,
    allow_insecure_http: bool,
    timeout: Duration,
}

impl fmt::Debug for OAuthAppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthAppBuilder")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "[REDACTED]"))
            .field("redirect_uri", &self.redirect_uri)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl OAuthAppBuilder {
    /// The host serving `/oauth/v1/…` (default `https://apis.roblox.com`): the
    /// sandbox, or a proxy.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Send the client secret in the form body instead of HTTP Basic (both are
    /// documented; Basic is the default).
    pub fn secret_in_body(mut self) -> Self {
        self.secret_in_body = true;
        self
    }

    /// Allow a plain-http OAuth host that is not loopback (never needed for Roblox).
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// The timeout of each OAuth request attempt (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The old name of [`attempt_timeout`](Self::attempt_timeout).
    #[deprecated(
        since = "0.2.0",
        note = "renamed `attempt_timeout`, as on `ClientBuilder`"
    )]
    pub fn timeout(self, timeout: Duration) -> Self {
        self.attempt_timeout(timeout)
    }

    /// The app, or why its configuration is refused.
    pub fn build(self) -> Result<OAuthApp, OAuthError> {
        let invalid = |name: &'static str| {
            move |e: crate::Error| OAuthError::Invalid {
                name,
                reason: e.to_string(),
            }
        };
        let base = crate::client::checked_url("base_url", &self.base_url, self.allow_insecure_http)
            .map_err(invalid("base_url"))?;
        let base = base.as_str().trim_end_matches('/').to_string();
        let redirect =
            RedirectUrl::new(self.redirect_uri.clone()).map_err(|e| OAuthError::Invalid {
                name: "redirect_uri",
                reason: e.to_string(),
            })?;
        if self.client_id.trim().is_empty() {
            return Err(OAuthError::Invalid {
                name: "client_id",
                reason: "is empty".into(),
            });
        }
        if self
            .secret
            .as_ref()
            .is_some_and(|s| s.expose_secret().trim().is_empty())
        {
            return Err(OAuthError::Invalid {
                name: "client_secret",
                reason: "is empty (a public app has none: use OAuthApp::public)".into(),
            });
        }
        let http = crate::tls::configure(
            reqwest::Client::builder()
                .timeout(self.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("roblox-inventory/", env!("CARGO_PKG_VERSION"))),
        )
        .map_err(|reason| OAuthError::Invalid {
            name: "tls",
            reason,
        })?
        .build()
        .map_err(OAuthError::Transport)?;
        let url = |path: &str| format!("{base}/oauth/v1/{path}");
        let oauth = oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(AuthUrl::new(url("authorize")).map_err(bad_url)?)
            .set_token_uri(TokenUrl::new(url("token")).map_err(bad_url)?)
            .set_revocation_url(RevocationUrl::new(url("token/revoke")).map_err(bad_url)?)
            .set_introspection_url(IntrospectionUrl::new(url("token/introspect")).map_err(bad_url)?)
            .set_redirect_uri(redirect)
            .set_auth_type(if self.secret_in_body {
                oauth2::AuthType::RequestBody
            } else {
                oauth2::AuthType::BasicAuth
            });
        let oauth = match &self.secret {
            Some(secret) => {
                oauth.set_client_secret(ClientSecret::new(secret.expose_secret().to_string()))
            }
            None => oauth,
        };
        Ok(OAuthApp {
            inner: Arc::new(Inner {
                client_id: self.client_id,
                secret: self.secret,
                secret_in_body: self.secret_in_body,
                redirect_uri: self.redirect_uri,
                base,
                http,
                oauth,
            }),
        })
    }
}

fn bad_url(e: url::ParseError) -> OAuthError {
    OAuthError::Invalid {
        name: "base_url",
        reason: e.to_string(),
    }
}

/// The `id_token` Roblox adds to token responses when `openid` is granted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct IdToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl ExtraTokenFields for IdToken {}

type TokenReply = StandardTokenResponse<IdToken, BasicTokenType>;
type Introspected =
    StandardTokenIntrospectionResponse<oauth2::EmptyExtraTokenFields, BasicTokenType>;
pub(super) type OAuth2Client = oauth2::Client<
    BasicErrorResponse,
    TokenReply,
    Introspected,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointSet,
    EndpointSet,
    EndpointSet,
>;

struct Inner {
    client_id: String,
    secret: Option<SecretString>,
    secret_in_body: bool,
    redirect_uri: String,
    base: String,
    http: reqwest::Client,
    oauth: OAuth2Client,
}

/// A registered OAuth 2.0 app: confidential (client id and secret) or public
/// (client id and PKCE only). Cheap to clone.
#[derive(Clone)]
pub struct OAuthApp {
    inner: Arc<Inner>,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.inner.client_id)
            .field("public", &self.is_public())
            .field("redirect_uri", &self.inner.redirect_uri)
            .field("base_url", &self.inner.base)
            .finish_non_exhaustive()
    }
}

/// The HTTP status of the last response an adapter saw (oauth2's errors do not
/// carry it).
type StatusCell = Arc<AtomicU16>;
type HttpFuture =
    Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, reqwest::Error>> + Send>>;

impl OAuthApp {
    /// A confidential app: client id and secret (sent with HTTP Basic by default).
    pub fn confidential(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> OAuthAppBuilder {
        let mut builder = Self::public(client_id, redirect_uri);
        builder.secret = Some(SecretString::from(client_secret.into()));
        builder
    }

    /// A public app (a CLI, a native app): client id and PKCE, no secret.
    pub fn public(
        client_id: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> OAuthAppBuilder {
        OAuthAppBuilder {
            client_id: client_id.into(),
            secret: None,
            redirect_uri: redirect_uri.into(),
            base_url: ROBLOX_OAUTH_BASE_URL.into(),
            secret_in_body: false,
            allow_insecure_http: false,
            timeout: Duration::from_secs(30),
        }
    }

    /// oauth2's client, for the authorization URL.
    pub(super) fn oauth(&self) -> &OAuth2Client {
        &self.inner.oauth
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// The registered redirect URI.
    pub fn redirect_uri(&self) -> &str {
        &self.inner.redirect_uri
    }

    /// Whether the app has no secret.
    pub fn is_public(&self) -> bool {
        self.inner.secret.is_none()
    }

    /// Starts an authorization for `scopes`.
    pub fn authorize(&self, scopes: impl IntoIterator<Item = Scope>) -> AuthorizationRequest<'_> {
        AuthorizationRequest::new(self, scopes.into_iter().collect())
    }

    /// An adapter running oauth2's requests over this app's reqwest client.
    fn adapter(
        &self,
        status: StatusCell,
    ) -> impl Fn(oauth2::HttpRequest) -> HttpFuture + Send + Sync {
        let http = self.inner.http.clone();
        move |request: oauth2::HttpRequest| {
            let (http, status) = (http.clone(), Arc::clone(&status));
            Box::pin(async move {
                let request = reqwest::Request::try_from(request)?;
                let response = http.execute(request).await?;
                status.store(response.status().as_u16(), Ordering::Relaxed);
                let (code, headers) = (response.status(), response.headers().clone());
                let body = read_capped(response).await?;
                let mut reply = http::Response::new(body);
                *reply.status_mut() = code;
                *reply.headers_mut() = headers;
                Ok(reply)
            }) as HttpFuture
        }
    }

    /// Trades the callback's code for tokens, after checking that its `state`
    /// is the pending authorization's (in constant time). An error callback
    /// becomes [`OAuthError::Denied`]; a used or expired code
    /// [`OAuthError::InvalidGrant`].
    pub async fn exchange(
        &self,
        pending: &PendingAuthorization,
        callback: &Callback,
    ) -> Result<TokenSet, OAuthError> {
        let (code, state) = match callback {
            Callback::Code { code, state } => (code, state),
            Callback::Error {
                error,
                description,
                state,
            } => {
                pending.check_state(state.as_deref())?;
                return Err(OAuthError::Denied {
                    code: error.clone(),
                    description: description.clone().unwrap_or_default(),
                });
            }
        };
        pending.check_state(Some(state))?;
        let status = StatusCell::default();
        let adapter = self.adapter(Arc::clone(&status));
        let reply = self
            .inner
            .oauth
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_string()))
            .set_pkce_verifier(PkceCodeVerifier::new(
                pending.verifier.expose_secret().to_string(),
            ))
            .request_async(&adapter)
            .await
            .map_err(|e| token_error(e, &status))?;
        token_set(reply, &pending.scopes)
    }

    /// Trades a refresh token for a new set (the old refresh token is then
    /// spent: save the new set before using it). `granted` are the scopes to
    /// record if the response leaves them out.
    pub async fn refresh(
        &self,
        refresh_token: &SecretString,
        granted: &[Scope],
    ) -> Result<TokenSet, OAuthError> {
        let status = StatusCell::default();
        let adapter = self.adapter(Arc::clone(&status));
        let token = RefreshToken::new(refresh_token.expose_secret().to_string());
        let reply = self
            .inner
            .oauth
            .exchange_refresh_token(&token)
            .request_async(&adapter)
            .await
            .map_err(|e| token_error(e, &status))?;
        token_set(reply, granted)
    }

    /// Ends the authorization the refresh token belongs to (Roblox revokes the
    /// whole session). RFC 7009 by hand: oauth2 insists on an https revocation
    /// URL, which the sandbox on loopback is not.
    pub async fn revoke(&self, refresh_token: &SecretString) -> Result<(), OAuthError> {
        let response = self
            .form_request(
                "token/revoke",
                &[
                    ("token", refresh_token.expose_secret()),
                    ("token_type_hint", "refresh_token"),
                ],
            )
            .send()
            .await
            .map_err(OAuthError::Transport)?;
        success_body(response).await.map(drop)
    }

    /// What the server says about a token. Roblox checks lifetimes only: a
    /// revoked access token stays `active` until it expires (use
    /// [`OAuthApp::resources`] to see revocation).
    pub async fn introspect(&self, token: &SecretString) -> Result<Introspection, OAuthError> {
        let status = StatusCell::default();
        let adapter = self.adapter(Arc::clone(&status));
        let access = oauth2::AccessToken::new(token.expose_secret().to_string());
        let reply = self
            .inner
            .oauth
            .introspect(&access)
            .request_async(&adapter)
            .await
            .map_err(|e| token_error(e, &status))?;
        Ok(Introspection {
            active: reply.active(),
            subject: reply.sub().map(str::to_string),
            client_id: reply.client_id().map(|c| c.to_string()),
            scopes: reply
                .scopes()
                .map(|s| {
                    s.iter()
                        .map(|s| s.parse().unwrap_or_else(|never| match never {}))
                        .collect()
                })
                .unwrap_or_default(),
            expires_at: reply.exp(),
        })
    }

    /// The resources an access token reaches (Roblox's stateful check: a
    /// revoked authorization is refused here).
    pub async fn resources(&self, access_token: &SecretString) -> Result<Resources, OAuthError> {
        let value = self
            .post_form(
                "token/resources",
                &[("token", access_token.expose_secret())],
            )
            .await?;
        let owners = value
            .get("resource_infos")
            .and_then(|v| v.as_array())
            .map(|infos| {
                infos
                    .iter()
                    .filter_map(|info| {
                        let owner = info.get("owner")?;
                        let text = |v: Option<&serde_json::Value>| match v {
                            Some(serde_json::Value::String(s)) => s.clone(),
                            Some(serde_json::Value::Number(n)) => n.to_string(),
                            _ => String::new(),
                        };
                        Some(ResourceOwner {
                            id: text(owner.get("id")),
                            kind: text(owner.get("type")),
                            resources: info.get("resources").cloned().unwrap_or_default(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Resources { owners })
    }

    /// The user an access token belongs to (`sub` always; names with `profile`).
    pub async fn userinfo(&self, access_token: &SecretString) -> Result<UserInfo, OAuthError> {
        let response = self
            .inner
            .http
            .get(format!("{}/oauth/v1/userinfo", self.inner.base))
            .bearer_auth(access_token.expose_secret())
            .send()
            .await
            .map_err(OAuthError::Transport)?;
        let value = json_body(response).await?;
        serde_json::from_value(value).map_err(|e| OAuthError::Decode(e.to_string()))
    }

    /// A form POST to `/oauth/v1/{path}` with this app's client authentication,
    /// its JSON answer read.
    async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<serde_json::Value, OAuthError> {
        let response = self
            .form_request(path, form)
            .send()
            .await
            .map_err(OAuthError::Transport)?;
        json_body(response).await
    }

    /// A form POST to `/oauth/v1/{path}` with this app's client authentication
    /// (HTTP Basic, or the body), not yet sent.
    fn form_request(&self, path: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        let mut request = self
            .inner
            .http
            .post(format!("{}/oauth/v1/{path}", self.inner.base));
        match (&self.inner.secret, self.inner.secret_in_body) {
            (Some(secret), false) => {
                // RFC 6749 §2.3.1: both halves form-encoded inside Basic.
                let encode = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                request = request.basic_auth(
                    encode(&self.inner.client_id),
                    Some(encode(secret.expose_secret())),
                );
            }
            (Some(secret), true) => {
                fields.push(("client_id", &self.inner.client_id));
                fields.push(("client_secret", secret.expose_secret()));
            }
            (None, _) => fields.push(("client_id", &self.inner.client_id)),
        }
        request
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form_body(&fields))
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        out.append_pair(k, v);
    }
    out.finish()
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A success body, or the error the response stands for.
async fn success_body(response: reqwest::Response) -> Result<Vec<u8>, OAuthError> {
    let status = response.status().as_u16();
    let body = read_capped(response).await.map_err(OAuthError::Transport)?;
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(OAuthError::from_response(status, &body))
    }
}

/// A JSON success body, or the error the response stands for.
async fn json_body(response: reqwest::Response) -> Result<serde_json::Value, OAuthError> {
    let body = success_body(response).await?;
    serde_json::from_slice(&body).map_err(|e| OAuthError::Decode(e.to_string()))
}

/// oauth2's error as ours, with the status the adapter saw.
fn token_error<RE>(
    error: oauth2::RequestTokenError<reqwest::Error, RE>,
    status: &StatusCell,
) -> OAuthError
where
    RE: oauth2::ErrorResponse + Serialize,
{
    let status = status.load(Ordering::Relaxed);
    match error {
        oauth2::RequestTokenError::ServerResponse(response) => {
            let body = serde_json::to_vec(&response).unwrap_or_default();
            OAuthError::from_response(status, &body)
        }
        oauth2::RequestTokenError::Request(e) => OAuthError::Transport(e),
        oauth2::RequestTokenError::Parse(e, body) => {
            if (200..300).contains(&status) {
                OAuthError::Decode(e.to_string())
            } else {
                OAuthError::from_response(status, &body)
            }
        }
        oauth2::RequestTokenError::Other(message) => {
            if (200..300).contains(&status) {
                OAuthError::Decode(message)
            } else {
                OAuthError::Gateway { status, message }
            }
        }
    }
}

fn token_set(reply: TokenReply, requested: &[Scope]) -> Result<TokenSet, OAuthError> {
    let expires_in = reply.expires_in().unwrap_or(DEFAULT_EXPIRES_IN);
    // A lifetime past what a timestamp holds is the farthest expiry, not a panic.
    let expires_at = chrono::Duration::from_std(expires_in)
        .ok()
        .and_then(|lifetime| chrono::Utc::now().checked_add_signed(lifetime))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    if reply.access_token().secret().is_empty() {
        return Err(OAuthError::Missing("access token"));
    }
    Ok(TokenSet {
        access_token: SecretString::from(reply.access_token().secret().clone()),
        refresh_token: reply
            .refresh_token()
            .map(|t| SecretString::from(t.secret().clone())),
        id_token: reply
            .extra_fields()
            .id_token
            .clone()
            .map(SecretString::from),
        expires_at,
        scopes: match reply.scopes() {
            Some(scopes) => scopes
                .iter()
                .map(|s| s.parse().unwrap_or_else(|never| match never {}))
                .collect(),
            None => requested.to_vec(),
        },
    })
}
