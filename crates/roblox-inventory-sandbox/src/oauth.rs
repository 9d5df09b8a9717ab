//! Roblox's OAuth 2.0 authorization server, as documented (OAuth facts §1):
//! `/oauth/v1/authorize`, `/oauth/v1/token`, `/oauth/v1/token/revoke`,
//! `/oauth/v1/token/introspect`, `/oauth/v1/token/resources`,
//! `/oauth/v1/userinfo` and `/oauth/.well-known/openid-configuration`.
//!
//! The authorize page consents at once as the user signed in by the request's
//! `.ROBLOSECURITY` cookie and redirects (302) to the registered URI with
//! `code` and `state`, or with `error` and `error_description`. Codes are
//! single-use and live one sandbox minute; PKCE S256 is checked (and required
//! of public apps); clients authenticate with HTTP Basic or the form body;
//! access tokens live `expires_in` seconds (899 by default); refresh tokens are
//! single-use and rotate on every refresh; revoking ends the whole grant. Errors
//! are RFC 6749 bodies (`{"error":"invalid_grant","error_description":…}`).
//! Access tokens it issues are accepted by the Open Cloud inventory endpoint
//! with the granted scopes, counted per grant.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::world::{OAuthApp, World};

/// Scopes the sandbox grants (Roblox lists more, not all open to third-party apps).
const SCOPES: [&str; 3] = ["openid", "profile", crate::server::INVENTORY_READ_SCOPE];
/// The largest form body the token endpoints read.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// A grant: one user's consent to one app, alive until revoked.
#[derive(Debug, Clone)]
struct Grant {
    client_id: String,
    user_id: u64,
    scopes: Vec<String>,
    revoked: bool,
}

#[derive(Debug)]
struct Code {
    grant: u64,
    redirect_uri: String,
    challenge: Option<String>,
    issued: Instant,
    used: bool,
}

#[derive(Debug)]
struct Access {
    grant: u64,
    expires: Instant,
}

#[derive(Debug)]
struct Refresh {
    grant: u64,
    used: bool,
}

#[derive(Debug, Default)]
struct Tables {
    next: u64,
    grants: HashMap<u64, Grant>,
    codes: HashMap<String, Code>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
    /// Successful exchanges and refreshes, for tests.
    issued: u64,
    refreshed: u64,
}

impl Tables {
    fn token(&mut self, kind: &str) -> String {
        self.next += 1;
        // Unguessable enough for a test server, and never reused.
        let noise = std::collections::hash_map::RandomState::new();
        let mut hasher = std::hash::BuildHasher::build_hasher(&noise);
        std::hash::Hasher::write_u64(&mut hasher, self.next);
        format!(
            "sandbox-{kind}-{}-{:016x}",
            self.next,
            std::hash::Hasher::finish(&hasher)
        )
    }
}

/// What an access token stands for, for the Open Cloud endpoints.
pub(crate) struct Bearer {
    pub grant: u64,
    pub user_id: u64,
    pub scopes: Vec<String>,
}

/// The authorization server's state.
#[derive(Debug)]
pub(crate) struct OAuthServer {
    tables: Mutex<Tables>,
    /// How long a code lives: one sandbox minute.
    code_lifetime: Duration,
    /// How long an access token lives (`expires_in`).
    token_lifetime: Duration,
}

/// An RFC 6749 error reply.
fn error(status: u16, code: &str, description: &str) -> Response {
    json_reply(
        status,
        &json!({"error": code, "error_description": description}),
    )
}

fn json_reply(status: u16, value: &Value) -> Response {
    let mut response = Response::new(Body::from(serde_json::to_vec(value).unwrap_or_default()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn redirect(location: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(value) = header::HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{query}")
}

/// `BASE64URL(SHA256(verifier))`, the S256 challenge (RFC 7636).
pub(crate) fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl OAuthServer {
    pub(crate) fn new(code_lifetime: Duration, token_lifetime: Duration) -> Self {
        Self {
            tables: Mutex::new(Tables::default()),
            code_lifetime,
            token_lifetime: token_lifetime.max(Duration::from_secs(1)),
        }
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// (exchanges, refreshes) answered with new tokens so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        let tables = self.tables();
        (tables.issued, tables.refreshed)
    }

    /// The grant behind a live access token (not expired, grant not revoked).
    pub(crate) fn bearer(&self, token: &str) -> Option<Bearer> {
        let tables = self.tables();
        let access = tables.access.get(token)?;
        let grant = tables.grants.get(&access.grant)?;
        (Instant::now() < access.expires && !grant.revoked).then(|| Bearer {
            grant: access.grant,
            user_id: grant.user_id,
            scopes: grant.scopes.clone(),
        })
    }

    /// Serves `/oauth/…`, or `None` when the path is not one of its endpoints.
    pub(crate) fn handle(
        &self,
        world: &World,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Option<Response> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
        let endpoint = match segments.as_slice() {
            ["oauth", ".well-known", "openid-configuration"] => "discovery",
            ["oauth", "v1", "authorize"] => "authorize",
            ["oauth", "v1", "token"] => "token",
            ["oauth", "v1", "token", "revoke"] => "revoke",
            ["oauth", "v1", "token", "introspect"] => "introspect",
            ["oauth", "v1", "token", "resources"] => "resources",
            ["oauth", "v1", "userinfo"] => "userinfo",
            ["oauth", ..] => return Some(error(404, "not_found", "no such endpoint")),
            _ => return None,
        };
        let expected = match endpoint {
            "discovery" | "authorize" | "userinfo" => Method::GET,
            _ => Method::POST,
        };
        if *method != expected {
            return Some(error(
                405,
                "invalid_request",
                &format!("{endpoint} takes {expected}"),
            ));
        }
        if body.len() > MAX_FORM_BYTES {
            return Some(error(413, "invalid_request", "the body is too large"));
        }
        let Ok(form) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
            return Some(error(400, "invalid_request", "the body is not a form"));
        };
        Some(match endpoint {
            "discovery" => discovery(headers),
            "authorize" => self.authorize(world, query, headers),
            "userinfo" => self.userinfo(world, headers),
            _ => match client(world, headers, &form) {
                Err(response) => *response,
                Ok(app) => match endpoint {
                    "token" => self.token(app, &form),
                    "revoke" => self.revoke(app, &form),
                    "introspect" => self.introspect(app, &form),
                    _ => self.resources(app, &form),
                },
            },
        })
    }

    fn authorize(
        &self,
        world: &World,
        query: &[(String, String)],
        headers: &HeaderMap,
    ) -> Response {
        // Until client and redirect URI are known good, errors are pages, not redirects.
        let Some(app) = param(query, "client_id")
            .and_then(|id| world.oauth_apps.iter().find(|a| a.client_id == id))
        else {
            return error(400, "invalid_client", "unknown client_id");
        };
        let Some(redirect_uri) =
            param(query, "redirect_uri").filter(|uri| app.redirect_uris.iter().any(|r| r == uri))
        else {
            return error(
                400,
                "invalid_request",
                "redirect_uri is not registered for this app",
            );
        };
        let state = param(query, "state").unwrap_or_default();
        let fail = |code: &str, description: &str| {
            let mut pairs = vec![("error", code), ("error_description", description)];
            if !state.is_empty() {
                pairs.push(("state", state));
            }
            redirect(&with_query(redirect_uri, &pairs))
        };
        if param(query, "response_type").map(str::to_ascii_lowercase) != Some("code".into()) {
            return fail("unsupported_response_type", "response_type must be code");
        }
        let scopes: Vec<String> = param(query, "scope")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if scopes.is_empty() || scopes.iter().any(|s| !SCOPES.contains(&s.as_str())) {
            return fail("invalid_scope", "unknown or missing scope");
        }
        if scopes.iter().any(|s| s == "profile") && !scopes.iter().any(|s| s == "openid") {
            return fail("invalid_scope", "profile requires openid");
        }
        let challenge = param(query, "code_challenge").map(str::to_string);
        match (&challenge, param(query, "code_challenge_method")) {
            (Some(_), Some("S256")) => {}
            (Some(_), _) => return fail("invalid_request", "code_challenge_method must be S256"),
            (None, _) if app.client_secret.is_none() => {
                return fail("invalid_request", "public clients must use PKCE")
            }
            (None, _) => {}
        }
        let Some(user_id) = crate::server::cookie_user(world, headers) else {
            return fail("login_required", "no signed-in user");
        };
        let mut tables = self.tables();
        tables.next += 1;
        let grant = tables.next;
        tables.grants.insert(
            grant,
            Grant {
                client_id: app.client_id.clone(),
                user_id,
                scopes,
                revoked: false,
            },
        );
        let code = tables.token("code");
        tables.codes.insert(
            code.clone(),
            Code {
                grant,
                redirect_uri: redirect_uri.to_string(),
                challenge,
                issued: Instant::now(),
                used: false,
            },
        );
        let mut pairs = vec![("code", code.as_str())];
        if !state.is_empty() {
            pairs.push(("state", state));
        }
        redirect(&with_query(redirect_uri, &pairs))
    }

    fn token(&self, app: &OAuthApp, form: &[(String, String)]) -> Response {
        let mut tables = self.tables();
        let grant = match param(form, "grant_type") {
            Some("authorization_code") => {
                let Some(code) = param(form, "code").and_then(|c| tables.codes.get_mut(c)) else {
                    return error(400, "invalid_grant", "unknown authorization code");
                };
                if code.used {
                    return error(
                        400,
                        "invalid_grant",
                        "the authorization code was already used",
                    );
                }
                code.used = true;
                if code.issued.elapsed() > self.code_lifetime {
                    return error(400, "invalid_grant", "the authorization code expired");
                }
                if param(form, "redirect_uri").is_some_and(|uri| uri != code.redirect_uri) {
                    return error(400, "invalid_grant", "redirect_uri does not match");
                }
                match (&code.challenge, param(form, "code_verifier")) {
                    (Some(challenge), Some(verifier)) if s256(verifier) == *challenge => {}
                    (Some(_), Some(_)) => {
                        return error(400, "invalid_grant", "code_verifier does not match")
                    }
                    (Some(_), None) => {
                        return error(400, "invalid_request", "code_verifier is missing")
                    }
                    (None, _) => {}
                }
                let grant = code.grant;
                tables.issued += 1;
                grant
            }
            Some("refresh_token") => {
                let Some(refresh) =
                    param(form, "refresh_token").and_then(|t| tables.refresh.get_mut(t))
                else {
                    return error(400, "invalid_grant", "unknown refresh token");
                };
                if refresh.used {
                    return error(400, "invalid_grant", "the refresh token was already used");
                }
                refresh.used = true;
                let grant = refresh.grant;
                tables.refreshed += 1;
                grant
            }
            Some(other) => {
                return error(
                    400,
                    "unsupported_grant_type",
                    &format!("grant_type {other} is not supported"),
                )
            }
            None => return error(400, "invalid_request", "grant_type is missing"),
        };
        let Some(record) = tables.grants.get(&grant).cloned() else {
            return error(400, "invalid_grant", "unknown grant");
        };
        if record.client_id != app.client_id {
            return error(400, "invalid_grant", "issued to another client");
        }
        if record.revoked {
            return error(400, "invalid_grant", "the authorization was revoked");
        }
        let access = tables.token("access");
        let refresh = tables.token("refresh");
        tables.access.insert(
            access.clone(),
            Access {
                grant,
                expires: Instant::now() + self.token_lifetime,
            },
        );
        tables
            .refresh
            .insert(refresh.clone(), Refresh { grant, used: false });
        let mut body = json!({
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime.as_secs(),
            "scope": record.scopes.join(" "),
        });
        if record.scopes.iter().any(|s| s == "openid") {
            let id_token = tables.token("id");
            body["id_token"] = Value::String(id_token);
        }
        json_reply(200, &body)
    }

    fn grant_of(tables: &Tables, token: &str) -> Option<u64> {
        tables
            .access
            .get(token)
            .map(|a| a.grant)
            .or_else(|| tables.refresh.get(token).map(|r| r.grant))
    }

    fn revoke(&self, app: &OAuthApp, form: &[(String, String)]) -> Response {
        let mut tables = self.tables();
        let grant = param(form, "token").and_then(|t| Self::grant_of(&tables, t));
        if let Some(grant) = grant.and_then(|g| tables.grants.get_mut(&g)) {
            if grant.client_id == app.client_id {
                grant.revoked = true;
            }
        }
        // RFC 7009: an unknown token is not an error.
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::OK;
        response
    }

    fn introspect(&self, app: &OAuthApp, form: &[(String, String)]) -> Response {
        let tables = self.tables();
        let token = param(form, "token").unwrap_or_default();
        // Roblox: introspection checks lifetimes only, so a revoked access token
        // stays `active` until it expires (OAuth facts §1, "Introspection caveat").
        let live = match (tables.access.get(token), tables.refresh.get(token)) {
            (Some(access), _) => (Instant::now() < access.expires).then_some(access.grant),
            (None, Some(refresh)) => {
                let revoked = tables.grants.get(&refresh.grant).is_none_or(|g| g.revoked);
                (!refresh.used && !revoked).then_some(refresh.grant)
            }
            (None, None) => None,
        };
        match live.and_then(|g| tables.grants.get(&g)) {
            Some(grant) if grant.client_id == app.client_id => json_reply(
                200,
                &json!({
                    "active": true,
                    "iss": "https://apis.roblox.com/oauth/",
                    "token_type": if tables.access.contains_key(token) { "access_token" } else { "refresh_token" },
                    "client_id": grant.client_id,
                    "sub": grant.user_id.to_string(),
                    "scope": grant.scopes.join(" "),
                }),
            ),
            _ => json_reply(200, &json!({"active": false})),
        }
    }

    fn resources(&self, app: &OAuthApp, form: &[(String, String)]) -> Response {
        let token = param(form, "token").unwrap_or_default();
        match self.bearer(token) {
            Some(bearer)
                if self
                    .tables()
                    .grants
                    .get(&bearer.grant)
                    .is_some_and(|g| g.client_id == app.client_id) =>
            {
                json_reply(
                    200,
                    &json!({"resource_infos": [{
                        "owner": {"id": bearer.user_id.to_string(), "type": "User"},
                        "resources": {},
                    }]}),
                )
            }
            _ => error(401, "invalid_token", "the token is not active"),
        }
    }

    fn userinfo(&self, world: &World, headers: &HeaderMap) -> Response {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let Some(bearer) = self.bearer(token) else {
            return error(401, "invalid_token", "the access token is not active");
        };
        let mut body = json!({"sub": bearer.user_id.to_string()});
        if bearer.scopes.iter().any(|s| s == "profile") {
            let name = world
                .users
                .iter()
                .find(|u| u.id == bearer.user_id)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            body["name"] = Value::String(name.clone());
            body["nickname"] = Value::String(name.clone());
            body["preferred_username"] = Value::String(name);
            body["created_at"] = Value::from(1_136_073_600);
            body["profile"] = Value::String(format!(
                "https://www.roblox.com/users/{}/profile",
                bearer.user_id
            ));
            body["picture"] = Value::Null;
        }
        json_reply(200, &body)
    }
}

/// The discovery document, with endpoints on the host the request came to.
fn discovery(headers: &HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let base = format!("http://{host}/oauth");
    json_reply(
        200,
        &json!({
            "issuer": "https://apis.roblox.com/oauth/",
            "authorization_endpoint": format!("{base}/v1/authorize"),
            "token_endpoint": format!("{base}/v1/token"),
            "introspection_endpoint": format!("{base}/v1/token/introspect"),
            "revocation_endpoint": format!("{base}/v1/token/revoke"),
            "resources_endpoint": format!("{base}/v1/token/resources"),
            "userinfo_endpoint": format!("{base}/v1/userinfo"),
            "jwks_uri": format!("{base}/v1/certs"),
            "registration_endpoint": "https://create.roblox.com/dashboard/credentials",
            "scopes_supported": SCOPES,
            "response_types_supported": ["none", "code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "id_token_signing_alg_values_supported": ["ES256"],
        }),
    )
}

/// The app a token-endpoint request authenticates as: Basic or form body for a
/// confidential app (its secret must match), the client id alone for a public one.
fn client<'w>(
    world: &'w World,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<&'w OAuthApp, Box<Response>> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let (id, secret) = text.split_once(':')?;
            // RFC 6749 §2.3.1: both parts are form-urlencoded inside Basic.
            let decode = |s: &str| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
                    .ok()
                    .and_then(|mut v| v.pop())
                    .map(|(_, v)| v)
            };
            Some((decode(id)?, decode(secret)?))
        });
    let (client_id, secret) = match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            param(form, "client_id").map(str::to_string),
            param(form, "client_secret").map(str::to_string),
        ),
    };
    let unauthorized = || Box::new(error(401, "invalid_client", "client authentication failed"));
    let app = client_id
        .and_then(|id| world.oauth_apps.iter().find(|a| a.client_id == id))
        .ok_or_else(unauthorized)?;
    match (&app.client_secret, secret) {
        (Some(expected), Some(given)) if *expected == given => Ok(app),
        (None, None) => Ok(app),
        (None, Some(given)) if given.is_empty() => Ok(app),
        _ => Err(unauthorized()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
