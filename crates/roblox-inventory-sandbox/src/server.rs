//! The HTTP side: one handler that routes all 9 operations by hand, so every
//! answer, including wrong methods, unknown paths and malformed input, has
//! Roblox's shape instead of a framework's default rejection.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};

use crate::faults::{Fault, Faults, Route};
use crate::filter::{self, AssetTypes, Filter};
use crate::ratelimit::{Limit, RateLimiter};
use crate::world::{CollectionEntry, CollectionKind, PlacesTab, User, UserAsset, World};
use roblox_inventory_api::enums::AssetType;
use roblox_inventory_api::operations::{Operation, Per};

/// The OAuth scope that unlocks private inventories (document; facts §1.1).
pub const INVENTORY_READ_SCOPE: &str = "user.inventory-item:read";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Whether the collectibles endpoint accepts asset type `n`: one of the values
/// the spec's `AssetType` enum lists.
fn is_asset_type(n: i64) -> bool {
    AssetType::ALL.iter().any(|t| t.number() == Some(n))
}

/// Behaviour switches from the builder.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Successful collection writes before a user's X-CSRF-TOKEN rotates.
    pub csrf_rotate_every: u32,
    /// Reproduce Roblox's empty final Open Cloud page (facts §3).
    pub empty_final_page: bool,
    pub pages_per_field: bool,
    pub latency: std::time::Duration,
    /// How long a code of the authorization server lives (a sandbox minute).
    pub oauth_code_lifetime: Duration,
    /// How long its access tokens live (`expires_in`).
    pub oauth_token_lifetime: Duration,
}

/// Shared server state.
pub struct AppState {
    pub(crate) world: RwLock<World>,
    users: HashMap<u64, usize>,
    assets: HashMap<u64, usize>,
    pub(crate) limiter: Option<RateLimiter>,
    pub(crate) faults: Faults,
    csrf: Mutex<HashMap<u64, (String, u32)>>,
    csrf_counter: AtomicU64,
    csrf_rotate_every: u32,
    empty_final_page: bool,
    pages_per_field: bool,
    pub(crate) requests: Mutex<HashMap<Route, u64>>,
    /// Requests refused with 429 by the rate limiter.
    pub(crate) rate_limited: Mutex<HashMap<Route, u64>>,
    /// How long every answer waits before it is sent (a network's round trip).
    latency: std::time::Duration,
    pub(crate) violations: Mutex<Vec<String>>,
    /// Every violation, also those past the kept ones.
    pub(crate) violation_count: AtomicU64,
    /// The OAuth 2.0 authorization server.
    pub(crate) oauth: crate::oauth::OAuthServer,
}

impl AppState {
    pub(crate) fn new(world: World, limiter: Option<RateLimiter>, options: Options) -> Self {
        let users = world
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id, i))
            .collect();
        let assets = world
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i))
            .collect();
        Self {
            world: RwLock::new(world),
            users,
            assets,
            limiter,
            faults: Faults::default(),
            csrf: Mutex::new(HashMap::new()),
            csrf_counter: AtomicU64::new(1),
            csrf_rotate_every: options.csrf_rotate_every.max(1),
            empty_final_page: options.empty_final_page,
            pages_per_field: options.pages_per_field,
            requests: Mutex::new(HashMap::new()),
            rate_limited: Mutex::new(HashMap::new()),
            latency: options.latency,
            violations: Mutex::new(Vec::new()),
            violation_count: AtomicU64::new(0),
            oauth: crate::oauth::OAuthServer::new(
                options.oauth_code_lifetime,
                options.oauth_token_lifetime,
            ),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(|e| e.into_inner())
    }

    fn user<'w>(&self, world: &'w World, id: u64) -> Option<&'w User> {
        self.users.get(&id).and_then(|&i| world.users.get(i))
    }

    /// The user whose id is `text`, if it is a number and such a user exists.
    fn user_text<'w>(&self, world: &'w World, text: &str) -> Option<&'w User> {
        text.parse::<u64>().ok().and_then(|id| self.user(world, id))
    }

    fn asset<'w>(&self, world: &'w World, id: u64) -> Option<&'w crate::world::Asset> {
        self.assets.get(&id).and_then(|&i| world.assets.get(i))
    }

    fn violation(&self, message: String) {
        self.violation_count.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.violations.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < crate::MAX_VIOLATIONS_KEPT {
            kept.push(message);
        }
    }
}

/// A response before faults and rate-limit headers are applied.
struct Reply {
    status: StatusCode,
    body: Vec<u8>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    fn json(status: StatusCode, value: &Value) -> Self {
        Self {
            status,
            body: serde_json::to_vec(value).unwrap_or_default(),
            headers: Vec::new(),
        }
    }

    fn ok(value: &Value) -> Self {
        Self::json(StatusCode::OK, value)
    }

    /// The legacy (BEDEV1) error body `{"errors":[{"code":…,"message":…}]}` (facts §4.1).
    fn legacy(status: u16, code: i64, message: &str) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        Self::json(
            status,
            &json!({"errors": [{"code": code, "message": message}]}),
        )
    }

    /// The legacy error body with the message the spec documents for
    /// `operation`'s `status` and `code` (or for another operation on the same
    /// path: the collection writes share theirs).
    fn documented(operation: Operation, status: u16, code: Option<i64>) -> Self {
        let documented = std::iter::once(operation)
            .chain(
                Operation::ALL
                    .iter()
                    .copied()
                    .filter(|o| o.path() == operation.path()),
            )
            .find_map(|o| {
                o.error_codes()
                    .iter()
                    .find(|c| c.status == status && (c.code == code || c.code.is_none()))
            });
        match documented {
            Some(documented) => Self::legacy(status, code.unwrap_or(0), documented.message),
            None => Self::legacy(status, code.unwrap_or(0), "An undocumented error."),
        }
    }

    /// The Open Cloud v2 error body `{"code":…,"message":…,"details":[]}` (facts §4.2).
    fn cloud(status: u16, code: &str, message: &str) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        Self::json(
            status,
            &json!({"code": code, "message": message, "details": []}),
        )
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((HeaderName::from_static(name), value));
        }
        self
    }
}

/// Where a request goes, with its path parameters.
fn route(method: &Method, path: &str) -> Result<(Route, Vec<String>), Reply> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let (route, allowed, params): (Route, &[Method], Vec<&str>) = match segments.as_slice() {
        ["cloud", "v2", "users", user, "inventory-items"] => {
            (Route::ListInventoryItems, &[Method::GET], vec![*user])
        }
        ["v1", "collections", "items", kind, id] => {
            let route = if method == Method::DELETE {
                Route::RemoveFromCollection
            } else {
                Route::AddToCollection
            };
            (route, &[Method::POST, Method::DELETE], vec![*kind, *id])
        }
        ["v1", "packages", id, "assets"] => (Route::PackageAssets, &[Method::GET], vec![*id]),
        ["v1", "users", user, "assets", "collectibles"] => {
            (Route::Collectibles, &[Method::GET], vec![*user])
        }
        ["v1", "users", user, "categories"] => (Route::Categories, &[Method::GET], vec![*user]),
        ["v1", "users", user, "items", kind, id, "is-owned"] => {
            (Route::IsOwned, &[Method::GET], vec![*user, *kind, *id])
        }
        ["v1", "users", user, "places", "inventory"] => {
            (Route::PlacesInventory, &[Method::GET], vec![*user])
        }
        ["v2", "users", user, "inventory", kind] => (
            Route::InventoryByAssetType,
            &[Method::GET],
            vec![*user, *kind],
        ),
        _ => return Err(Reply::legacy(404, 0, "NotFound")),
    };
    if !allowed.contains(method) {
        let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
        return Err(Reply::legacy(
            405,
            0,
            &format!("The requested resource does not support http method '{method}'."),
        )
        .header("allow", &allow.join(", ")));
    }
    Ok((route, params.into_iter().map(str::to_string).collect()))
}

/// The credential a request carries, as far as the sandbox is concerned.
enum CloudCaller {
    ApiKey {
        owner: u64,
        inventory_read: bool,
    },
    OAuth {
        user: u64,
        scopes: Vec<String>,
        token: String,
    },
}

impl CloudCaller {
    /// Who the request is counted against, and the spec's limit for that.
    fn rate_key(&self, route: Route) -> (String, Limit) {
        match self {
            CloudCaller::ApiKey { owner, .. } => (
                format!("owner:{owner}"),
                documented_limit(route, Per::ApiKeyOwner),
            ),
            CloudCaller::OAuth { token, .. } => (
                format!("oauth:{token}"),
                documented_limit(route, Per::Oauth2Authorization),
            ),
        }
    }

    fn can_read_private(&self, user: u64) -> bool {
        match self {
            CloudCaller::ApiKey {
                owner,
                inventory_read,
            } => *owner == user && *inventory_read,
            CloudCaller::OAuth {
                user: who, scopes, ..
            } => *who == user && scopes.iter().any(|s| s == INVENTORY_READ_SCOPE),
        }
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == ".ROBLOSECURITY").then(|| value.to_string())
        })
}

fn cloud_caller(
    state: &AppState,
    world: &World,
    headers: &HeaderMap,
) -> Result<CloudCaller, Reply> {
    if let Some(key) = header_str(headers, "x-api-key") {
        return world
            .api_keys
            .iter()
            .find(|k| k.key == key)
            .map(|k| CloudCaller::ApiKey {
                owner: k.owner_user_id,
                inventory_read: k.inventory_read,
            })
            .ok_or_else(|| Reply::legacy(401, 0, "Invalid API Key"));
    }
    if let Some(auth) = header_str(headers, "authorization") {
        let token = auth.strip_prefix("Bearer ").unwrap_or_default();
        let fixed = world
            .oauth_tokens
            .iter()
            .find(|t| t.token == token)
            .map(|t| CloudCaller::OAuth {
                user: t.user_id,
                scopes: t.scopes.clone(),
                token: t.token.clone(),
            });
        // Tokens the authorization server issued count per grant, not per token:
        // a refresh does not reset the 20/minute (document: perOauth2Authorization).
        let issued = || {
            state.oauth.bearer(token).map(|b| CloudCaller::OAuth {
                user: b.user_id,
                scopes: b.scopes,
                token: format!("grant-{}", b.grant),
            })
        };
        return fixed
            .or_else(issued)
            .ok_or_else(|| Reply::legacy(401, 0, "Invalid OAuth token"));
    }
    Err(Reply::legacy(401, 0, "Invalid API Key"))
}

/// The signed-in user of a legacy request: `Ok(None)` anonymous, `Err` for a cookie that is not valid.
fn legacy_caller(world: &World, headers: &HeaderMap) -> Result<Option<u64>, ()> {
    match cookie(headers) {
        None => Ok(None),
        Some(value) => world
            .cookies
            .iter()
            .find(|c| c.value == value)
            .map(|c| Some(c.user_id))
            .ok_or(()),
    }
}

/// The user the request's `.ROBLOSECURITY` cookie signs in, if it is a valid one.
pub(crate) fn cookie_user(world: &World, headers: &HeaderMap) -> Option<u64> {
    legacy_caller(world, headers).ok().flatten()
}

/// Whether a legacy request may see `user`'s inventory: it is public, or the
/// request carries the user's own cookie.
fn may_view(world: &World, headers: &HeaderMap, user: &User) -> bool {
    user.inventory_public || legacy_caller(world, headers).ok().flatten() == Some(user.id)
}

/// Records credentials sent to a host that does not take them (secret-hygiene tests read these).
fn check_hygiene(state: &AppState, route: Route, headers: &HeaderMap) {
    if route.is_open_cloud() {
        if cookie(headers).is_some() {
            state.violation(format!(
                "{}: .ROBLOSECURITY cookie sent to the Open Cloud host",
                route.operation_id()
            ));
        }
    } else {
        if headers.contains_key("x-api-key") {
            state.violation(format!(
                "{}: x-api-key sent to the legacy host",
                route.operation_id()
            ));
        }
        if headers.contains_key(header::AUTHORIZATION) {
            state.violation(format!(
                "{}: Authorization sent to the legacy host",
                route.operation_id()
            ));
        }
    }
}

/// The limit the spec documents for `route`, counted per `per` (the tightest of
/// the operation's limits when it lists none counted that way).
fn documented_limit(route: Route, per: Per) -> Limit {
    let limits = route.operation().rate_limits();
    let chosen = limits.iter().find(|l| l.per == per).or_else(|| {
        limits
            .iter()
            .min_by(|a, b| (a.max, a.period).cmp(&(b.max, b.period)))
    });
    match chosen {
        Some(limit) => Limit {
            max: u64::from(limit.max),
            period: limit.period,
        },
        // Every operation has one: the operation table refuses a spec without.
        None => Limit {
            max: u64::MAX,
            period: Duration::from_secs(60),
        },
    }
}

/// The most header bytes a request may carry.
const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The single entry point.
pub async fn handle(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    // A query that cannot be read is a 400, never "no parameters" (which would
    // mean "no filter", the whole inventory).
    let Ok(query) =
        serde_urlencoded::from_str::<Vec<(String, String)>>(request.uri().query().unwrap_or(""))
    else {
        return finish(Reply::legacy(400, 0, "The request is invalid."), None);
    };
    let headers = request.headers().clone();
    if path == "/oauth" || path.starts_with("/oauth/") {
        let body = axum::body::to_bytes(request.into_body(), 64 * 1024)
            .await
            .unwrap_or_default();
        let world = state.read();
        if let Some(response) = state
            .oauth
            .handle(&world, &method, &path, &query, &headers, &body)
        {
            return response;
        }
        return finish(Reply::legacy(404, 0, "NotFound"), None);
    }
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    drop(request);

    // Kestrel, which serves Roblox's legacy APIs, refuses more than 32 KiB of headers by default.
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return finish(
            Reply::legacy(431, 0, "Request Header Fields Too Large"),
            None,
        );
    }
    let (route, params) = match route(&method, &path) {
        Ok(found) => found,
        Err(reply) => return finish(reply, None),
    };
    *state
        .requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(route)
        .or_default() += 1;
    check_hygiene(&state, route, &headers);

    let fault = state.faults.next(route);
    match &fault {
        Some(Fault::Status(code)) => {
            let reply = if route.is_open_cloud() {
                Reply::cloud(
                    *code,
                    if *code == 503 {
                        "UNAVAILABLE"
                    } else {
                        "INTERNAL"
                    },
                    "Injected server error.",
                )
            } else {
                Reply::legacy(*code, 0, "InternalServerError")
            };
            return finish(reply, None);
        }
        Some(Fault::TooManyRequests { retry_after }) => {
            let mut reply = if route.is_open_cloud() {
                Reply::cloud(429, "RESOURCE_EXHAUSTED", "Too many requests.")
            } else {
                Reply::legacy(429, 0, "TooManyRequests")
            };
            if let Some(secs) = retry_after {
                reply = reply.header("retry-after", &secs.to_string());
            }
            return finish(reply, None);
        }
        Some(Fault::Stall(duration)) => tokio::time::sleep(*duration).await,
        _ => {}
    }

    let query: HashMap<String, String> = query.into_iter().rev().collect();
    let (reply, limit_headers) = dispatch(
        &state,
        route,
        Incoming {
            method: &method,
            params: &params,
            query: &query,
            headers: &headers,
            peer,
        },
        fault.as_ref(),
    );
    if limit_headers.as_ref().is_some_and(|d| !d.allowed) {
        *state
            .rate_limited
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(route)
            .or_default() += 1;
    }
    if !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    let reply = match fault {
        Some(Fault::MalformedJson) => Reply {
            status: StatusCode::OK,
            body: b"{\"data\": [ this is not json".to_vec(),
            headers: Vec::new(),
        },
        Some(Fault::TruncatedJson) => {
            let cut = reply.body.len() / 2;
            Reply {
                body: reply.body[..cut].to_vec(),
                ..reply
            }
        }
        Some(Fault::DropConnection) => return dropped(reply),
        _ => reply,
    };
    finish(reply, limit_headers)
}

/// Answers with the headers and half the body, then fails the body stream so
/// the connection is cut mid-body. The pause lets the head and the first half
/// reach the client before the cut.
fn dropped(reply: Reply) -> Response {
    let total = reply.body.len();
    let half = reply.body[..total / 2].to_vec();
    let stream = futures_util::stream::unfold(Some(half), |state| async move {
        match state {
            Some(half) => Some((Ok::<Vec<u8>, std::io::Error>(half), None)),
            None => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Some((
                    Err(std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "injected drop",
                    )),
                    None,
                ))
            }
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = reply.status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    response
}

fn finish(reply: Reply, limit: Option<crate::ratelimit::Decision>) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    for (name, value) in reply.headers {
        headers.insert(name, value);
    }
    if let Some(decision) = limit {
        if let Ok(value) = HeaderValue::from_str(&decision.limit) {
            headers.insert("x-ratelimit-limit", value);
        }
        headers.insert(
            "x-ratelimit-remaining",
            HeaderValue::from(decision.remaining),
        );
        if let Ok(value) = HeaderValue::from_str(&decision.reset_header()) {
            headers.insert("x-ratelimit-reset", value);
        }
    }
    response
}

type Query = HashMap<String, String>;

/// One request as the handlers see it.
struct Incoming<'a> {
    method: &'a Method,
    params: &'a [String],
    query: &'a Query,
    headers: &'a HeaderMap,
    /// The client's address (legacy reads are counted per address).
    peer: Option<std::net::IpAddr>,
}

fn dispatch(
    state: &AppState,
    route: Route,
    incoming: Incoming<'_>,
    fault: Option<&Fault>,
) -> (Reply, Option<crate::ratelimit::Decision>) {
    let Incoming {
        method,
        params,
        query,
        headers,
        peer,
    } = incoming;
    // Writes take the world mutably; everything else reads.
    if matches!(route, Route::AddToCollection | Route::RemoveFromCollection) {
        return collections(state, route, method, params, headers, fault);
    }
    let world = state.read();
    let (key, limit) = if route.is_open_cloud() {
        match cloud_caller(state, &world, headers) {
            Ok(caller) => caller.rate_key(route),
            Err(reply) => return (reply, None),
        }
    } else {
        // Legacy reads are counted per client address (OAS-2025's perIp), the
        // budget is-owned's 10,000 per minute is documented for.
        let who = match peer {
            Some(ip) => format!("ip:{ip}"),
            None => "client".into(),
        };
        (who, documented_limit(route, Per::Ip))
    };
    let decision = state
        .limiter
        .as_ref()
        .map(|l| l.check(route.operation_id(), key, limit));
    if let Some(d) = &decision {
        if !d.allowed {
            let reply = if route.is_open_cloud() {
                Reply::cloud(429, "RESOURCE_EXHAUSTED", "Too many requests.")
            } else {
                Reply::legacy(429, 0, "TooManyRequests")
            };
            return (reply.header("retry-after", &d.reset_header()), decision);
        }
    }
    let reply = match route {
        Route::ListInventoryItems => {
            list_inventory_items(state, &world, &params[0], query, headers)
        }
        Route::PackageAssets => package_assets(&world, &params[0]),
        Route::Collectibles => collectibles(state, &world, &params[0], query, headers),
        Route::Categories => categories(&params[0]),
        Route::IsOwned => is_owned(state, &world, &params[0], &params[1], &params[2]),
        Route::PlacesInventory => places_inventory(state, &world, &params[0], query, headers),
        Route::InventoryByAssetType => {
            inventory_by_asset_type(state, &world, &params[0], &params[1], query, headers)
        }
        Route::AddToCollection | Route::RemoveFromCollection => {
            Reply::legacy(500, 0, "InternalServerError")
        }
    };
    (reply, decision)
}

fn hash_of(parts: &[&str]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

/// An opaque token for `position`, bound to `binding` (the user and the other parameters).
fn token(prefix: &str, position: usize, binding: u64) -> String {
    B64.encode(format!("{prefix}/{position}/{binding:x}"))
}

/// Reads a token back: `Err(())` if it is not one of ours; `Ok(None)` if it is
/// bound to other parameters.
fn read_token(prefix: &str, text: &str, binding: u64) -> Result<Option<usize>, ()> {
    let raw = B64.decode(text.trim()).map_err(|_| ())?;
    let raw = String::from_utf8(raw).map_err(|_| ())?;
    let mut parts = raw.split('/');
    if parts.next() != Some(prefix) {
        return Err(());
    }
    let position = parts.next().and_then(|p| p.parse().ok()).ok_or(())?;
    let bound = parts
        .next()
        .and_then(|b| u64::from_str_radix(b, 16).ok())
        .ok_or(())?;
    Ok((bound == binding).then_some(position))
}

/// One entry of the Open Cloud listing, by position in the user's canonical order
/// (assets by user asset id, then badges, game passes and private servers).
enum Entry<'w> {
    Asset(&'w UserAsset),
    Badge(&'w crate::world::Owned),
    GamePass(&'w crate::world::Owned),
    PrivateServer(&'w crate::world::Owned),
}

fn entry(user: &User, position: usize) -> Option<Entry<'_>> {
    let mut i = position;
    for (len, kind) in [
        (user.assets.len(), 0),
        (user.badges.len(), 1),
        (user.game_passes.len(), 2),
        (user.private_servers.len(), 3),
    ] {
        if i < len {
            return Some(match kind {
                0 => Entry::Asset(&user.assets[i]),
                1 => Entry::Badge(&user.badges[i]),
                2 => Entry::GamePass(&user.game_passes[i]),
                _ => Entry::PrivateServer(&user.private_servers[i]),
            });
        }
        i -= len;
    }
    None
}

/// Where each kind starts in the canonical order, and where the last one ends.
fn segment_starts(user: &User) -> [usize; 5] {
    let lens = [
        user.assets.len(),
        user.badges.len(),
        user.game_passes.len(),
        user.private_servers.len(),
    ];
    let mut starts = [0; 5];
    for k in 0..4 {
        starts[k + 1] = starts[k] + lens[k];
    }
    starts
}

/// A stable UUID-shaped id for collectible items and instances.
fn uuid_like(kind: u64, id: u64) -> String {
    let mut z = id ^ kind.rotate_left(56) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    let n = z ^ (z >> 31);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        n >> 32,
        (n >> 16) & 0xffff,
        n & 0xfff,
        id & 0xfff,
        id & 0xffff_ffff_ffff
    )
}

fn list_inventory_items(
    state: &AppState,
    world: &World,
    user_id: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Reply {
    let caller = match cloud_caller(state, world, headers) {
        Ok(caller) => caller,
        Err(reply) => return reply,
    };
    let Ok(user_id) = user_id.parse::<u64>() else {
        return Reply::cloud(400, "INVALID_ARGUMENT", "Invalid User ID in the request.");
    };
    let Some(user) = state.user(world, user_id) else {
        return Reply::cloud(404, "NOT_FOUND", "User not found.");
    };
    let size = match query.get("maxPageSize").map(|s| s.trim().parse::<i64>()) {
        None => 10,
        Some(Ok(n)) if n < 0 => {
            return Reply::cloud(400, "INVALID_ARGUMENT", "maxPageSize must not be negative.")
        }
        Some(Ok(0)) => 10,
        Some(Ok(n)) => n.min(100) as usize,
        Some(Err(_)) => {
            return Reply::cloud(400, "INVALID_ARGUMENT", "maxPageSize must be an integer.")
        }
    };
    let filter_text = query.get("filter").map(String::as_str).unwrap_or("");
    let filter = match filter::parse(filter_text) {
        Ok(filter) => filter,
        Err(reason) => {
            return Reply::cloud(
                400,
                "INVALID_ARGUMENT",
                &format!("The provided filter is invalid: {reason}"),
            )
        }
    };
    let private = caller.can_read_private(user_id);
    if !user.inventory_public && !private {
        return Reply::cloud(
            403,
            "PERMISSION_DENIED",
            "The user's inventory is private: use an API key the user created with Inventory: Read, \
             or an OAuth token the user granted user.inventory-item:read.",
        );
    }
    if filter.needs_private_access() && !private {
        return Reply::cloud(
            403,
            "PERMISSION_DENIED",
            "Filtering by private servers or purchased places needs the Inventory read permission.",
        );
    }
    let binding = hash_of(&[&user_id.to_string(), filter_text]);
    let mut position = match query.get("pageToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(text) => match read_token("v1", text, binding) {
            Ok(Some(position)) => position,
            Ok(None) => {
                return Reply::cloud(
                    400,
                    "INVALID_ARGUMENT",
                    "The page token does not match the request: all other parameters must stay the same while paging.",
                )
            }
            Err(()) => return Reply::cloud(400, "INVALID_ARGUMENT", "Invalid page token."),
        },
    };
    let mut items = Vec::with_capacity(size);
    let mut next = None;
    // With pages per field, a page covers one field's kind: it starts at the first
    // field at or after the token and ends where that kind ends, even if empty,
    // while a later field remains.
    let fields = filter.field_kinds();
    let mut field_end = usize::MAX;
    if state.pages_per_field && fields.len() > 1 {
        let starts = segment_starts(user);
        if let Some(&kind) = fields.iter().find(|k| starts[**k + 1] > position) {
            position = position.max(starts[kind]);
            if fields.iter().any(|k| *k > kind) {
                field_end = starts[kind + 1];
            }
        }
    }
    while let Some(found) = entry(user, position) {
        if position >= field_end {
            next = Some(position);
            break;
        }
        if selects(state, world, user, &filter, &found, private) {
            if items.len() == size {
                next = Some(position);
                break;
            }
            items.push(inventory_item(state, world, user, &found));
        }
        position += 1;
    }
    // Roblox: "When the total is a multiple of maxPageSize, a non-empty token can
    // return {"inventoryItems": [], "nextPageToken": ""}" (facts §3).
    if state.empty_final_page && next.is_none() && items.len() == size {
        next = Some(position);
    }
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Page<'w> {
        inventory_items: Vec<InventoryItem<'w>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        next_page_token: Option<String>,
    }
    let next_page_token = match next {
        Some(position) => Some(token("v1", position, binding)),
        None if state.empty_final_page && items.is_empty() => Some(String::new()),
        None => None,
    };
    let page = Page {
        inventory_items: items,
        next_page_token,
    };
    Reply {
        status: StatusCode::OK,
        body: serde_json::to_vec(&page).unwrap_or_default(),
        headers: Vec::new(),
    }
}

fn selects(
    state: &AppState,
    world: &World,
    user: &User,
    filter: &Filter,
    entry: &Entry<'_>,
    private: bool,
) -> bool {
    match (filter, entry) {
        (Filter::Everything, Entry::PrivateServer(_)) => private,
        (Filter::Everything, _) => true,
        (
            Filter::Types {
                asset_types,
                only_collectibles,
                ..
            },
            Entry::Asset(copy),
        ) => {
            let Some(asset) = state.asset(world, copy.asset_id) else {
                return false;
            };
            let Some(types) = asset_types else {
                return false;
            };
            let name =
                filter::open_cloud_asset_type(asset.asset_type, created_by(world, user, asset.id));
            let type_ok = match types {
                AssetTypes::All => true,
                AssetTypes::Some(names) => names.contains(name),
            };
            type_ok && (!only_collectibles || asset.limited)
        }
        (Filter::Types { badges, .. }, Entry::Badge(_)) => *badges,
        (Filter::Types { game_passes, .. }, Entry::GamePass(_)) => *game_passes,
        (
            Filter::Types {
                private_servers, ..
            },
            Entry::PrivateServer(_),
        ) => *private_servers,
        (Filter::Ids { assets, .. }, Entry::Asset(copy)) => assets.contains(&copy.asset_id),
        (Filter::Ids { badges, .. }, Entry::Badge(o)) => badges.contains(&o.id),
        (Filter::Ids { game_passes, .. }, Entry::GamePass(o)) => game_passes.contains(&o.id),
        (
            Filter::Ids {
                private_servers, ..
            },
            Entry::PrivateServer(o),
        ) => private_servers.contains(&o.id),
    }
}

fn created_by(world: &World, user: &User, asset_id: u64) -> bool {
    world
        .place(asset_id)
        .is_some_and(|p| p.creator_user_id == user.id)
}

/// One Open Cloud `InventoryItem`, serialized without building a JSON tree.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct InventoryItem<'w> {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    asset_details: Option<AssetDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    badge_details: Option<IdDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_pass_details: Option<IdDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_server_details: Option<IdDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    add_time: Option<&'w str>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct AssetDetails {
    asset_id: String,
    inventory_item_asset_type: &'static str,
    instance_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    collectible_details: Option<CollectibleDetails>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CollectibleDetails {
    item_id: String,
    instance_id: String,
    instance_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_number: Option<u64>,
}

/// `{"badgeId": "…"}`, `{"gamePassId": "…"}` or `{"privateServerId": "…"}`.
struct IdDetails(&'static str, u64);

impl serde::Serialize for IdDetails {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, &self.1.to_string())?;
        map.end()
    }
}

fn inventory_item<'w>(
    state: &AppState,
    world: &World,
    user: &User,
    entry: &Entry<'w>,
) -> InventoryItem<'w> {
    let path = |kind: &str, id: u64| {
        format!(
            "users/{}/inventory-items/{}",
            user.id,
            B64.encode(format!("{kind}={id}"))
        )
    };
    let mut item = InventoryItem {
        path: String::new(),
        asset_details: None,
        badge_details: None,
        game_pass_details: None,
        private_server_details: None,
        add_time: None,
    };
    match entry {
        Entry::Asset(copy) => {
            let asset = state.asset(world, copy.asset_id);
            let asset_type = asset
                .map(|a| filter::open_cloud_asset_type(a.asset_type, created_by(world, user, a.id)))
                .unwrap_or("INVENTORY_ITEM_ASSET_TYPE_UNSPECIFIED");
            let collectible_details = asset.filter(|a| a.limited).map(|_| CollectibleDetails {
                item_id: uuid_like(1, copy.asset_id),
                instance_id: uuid_like(2, copy.user_asset_id),
                instance_state: if copy.on_hold { "HOLD" } else { "AVAILABLE" },
                serial_number: copy.serial_number,
            });
            item.path = path("USER_ASSET_ID", copy.user_asset_id);
            item.asset_details = Some(AssetDetails {
                asset_id: copy.asset_id.to_string(),
                inventory_item_asset_type: asset_type,
                instance_id: copy.user_asset_id.to_string(),
                collectible_details,
            });
            item.add_time = Some(&copy.added);
        }
        Entry::Badge(o) => {
            item.path = path("BADGE_ID", o.id);
            item.badge_details = Some(IdDetails("badgeId", o.id));
            item.add_time = Some(&o.added);
        }
        // "This field is currently not populated for passes" (OAS InventoryItem.addTime).
        Entry::GamePass(o) => {
            item.path = path("GAME_PASS_ID", o.id);
            item.game_pass_details = Some(IdDetails("gamePassId", o.id));
        }
        Entry::PrivateServer(o) => {
            item.path = path("PRIVATE_SERVER_ID", o.id);
            item.private_server_details = Some(IdDetails("privateServerId", o.id));
            item.add_time = Some(&o.added);
        }
    }
    item
}

/// `limit` of the legacy paged endpoints: 10, 25, 50 or 100, default 10.
fn page_limit(query: &Query) -> Result<usize, Reply> {
    match query.get("limit").map(|l| l.trim()) {
        None => Ok(10),
        Some("10") => Ok(10),
        Some("25") => Ok(25),
        Some("50") => Ok(50),
        Some("100") => Ok(100),
        Some(_) => Err(Reply::legacy(
            400,
            0,
            "The specified limit is invalid. Valid values are 10, 25, 50 and 100.",
        )),
    }
}

fn sort_descending(query: &Query) -> Result<bool, Reply> {
    match query.get("sortOrder").map(|s| s.to_ascii_lowercase()) {
        None => Ok(false),
        Some(s) if s == "asc" || s == "1" => Ok(false),
        Some(s) if s == "desc" || s == "2" => Ok(true),
        Some(_) => Err(Reply::legacy(
            400,
            0,
            "The specified sort order is invalid. Valid values are Asc and Desc.",
        )),
    }
}

/// `Roblox.Inventory.Api.Models.CollectibleUserAssetModel`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CollectibleUserAsset<'w> {
    user_asset_id: u64,
    serial_number: Option<u64>,
    asset_id: u64,
    name: Option<&'w str>,
    recent_average_price: Option<u64>,
    original_price: Option<u64>,
    asset_stock: Option<u64>,
    builders_club_membership_type: i32,
    is_on_hold: bool,
}

/// `Roblox.Inventory.Api.Models.UserModel`.
#[derive(serde::Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Owner<'w> {
    user_id: u64,
    username: &'w str,
    builders_club_membership_type: i32,
}

/// `Roblox.Inventory.Api.Models.InventoryItemModel`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct InventoryItemModel<'w> {
    expire_at: Option<&'w str>,
    user_asset_id: u64,
    asset_id: u64,
    asset_name: Option<&'w str>,
    collectible_item_id: Option<String>,
    collectible_item_instance_id: Option<String>,
    serial_number: Option<u64>,
    owner: Owner<'w>,
    created: &'w str,
    updated: &'w str,
}

/// Pages the user's asset copies that `keep` selects, by user asset id
/// (descending for `Desc`), rendering only the requested page. Cursors hold a
/// position in that order, bound to `binding`, so each page costs its own size.
fn legacy_asset_page<'w, T: serde::Serialize>(
    user: &'w User,
    query: &Query,
    binding: u64,
    descending: bool,
    keep: impl Fn(&UserAsset) -> bool,
    render: impl Fn(&'w UserAsset) -> T,
) -> Reply {
    let limit = match page_limit(query) {
        Ok(limit) => limit,
        Err(reply) => return reply,
    };
    let count = user.assets.len();
    let at = |i: usize| {
        if descending {
            &user.assets[count - 1 - i]
        } else {
            &user.assets[i]
        }
    };
    let start = match query.get("cursor").filter(|c| !c.is_empty()) {
        None => 0,
        Some(text) => match read_token("c1", text, binding) {
            Ok(Some(start)) if start <= count => start,
            _ => return Reply::legacy(400, 0, "The specified cursor is invalid."),
        },
    };
    let mut data = Vec::with_capacity(limit);
    let mut next = None;
    for i in start..count {
        if keep(at(i)) {
            if data.len() == limit {
                next = Some(i);
                break;
            }
            data.push(render(at(i)));
        }
    }
    let mut previous = None;
    let mut found = 0;
    for i in (0..start).rev() {
        if found == limit {
            break;
        }
        if keep(at(i)) {
            found += 1;
            previous = Some(i);
        }
    }
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Page<T> {
        previous_page_cursor: Option<String>,
        next_page_cursor: Option<String>,
        data: Vec<T>,
    }
    let page = Page {
        previous_page_cursor: previous.map(|i| token("c1", i, binding)),
        next_page_cursor: next.map(|i| token("c1", i, binding)),
        data,
    };
    Reply {
        status: StatusCode::OK,
        body: serde_json::to_vec(&page).unwrap_or_default(),
        headers: Vec::new(),
    }
}

fn collectibles<'w>(
    state: &AppState,
    world: &'w World,
    user_id: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Reply {
    let Some(user) = state.user_text(world, user_id) else {
        return Reply::legacy(400, 1, "The specified user does not exist!");
    };
    let asset_type = match query.get("assetType").map(|t| t.trim().parse::<i64>()) {
        None => None,
        Some(Ok(n)) if is_asset_type(n) => Some(n),
        Some(_) => return Reply::documented(Operation::GetV1UsersAssetsCollectibles, 400, None),
    };
    let descending = match sort_descending(query) {
        Ok(d) => d,
        Err(reply) => return reply,
    };
    if !may_view(world, headers, user) {
        return Reply::documented(Operation::GetV1UsersAssetsCollectibles, 403, None);
    }
    let binding = hash_of(&[
        &user.id.to_string(),
        &format!("{asset_type:?}"),
        &descending.to_string(),
    ]);
    let keep = |copy: &UserAsset| {
        state
            .asset(world, copy.asset_id)
            .is_some_and(|a| a.limited && asset_type.is_none_or(|t| i64::from(a.asset_type) == t))
    };
    let render = |copy: &'w UserAsset| {
        let asset = state.asset(world, copy.asset_id);
        CollectibleUserAsset {
            user_asset_id: copy.user_asset_id,
            serial_number: copy.serial_number,
            asset_id: copy.asset_id,
            name: asset.map(|a| a.name.as_str()),
            recent_average_price: asset.map(|a| a.recent_average_price),
            original_price: asset.and_then(|a| a.original_price),
            asset_stock: asset.and_then(|a| a.asset_stock),
            builders_club_membership_type: 0,
            is_on_hold: copy.on_hold,
        }
    };
    legacy_asset_page(user, query, binding, descending, keep, render)
}

fn inventory_by_asset_type<'w>(
    state: &AppState,
    world: &'w World,
    user_id: &str,
    asset_type: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Reply {
    let Some(user) = state.user_text(world, user_id) else {
        return Reply::documented(Operation::GetV2UsersInventory, 400, Some(1));
    };
    let Some(asset_type) = asset_type.parse::<i64>().ok().filter(|n| is_asset_type(*n)) else {
        return Reply::documented(Operation::GetV2UsersInventory, 400, Some(2));
    };
    let descending = match sort_descending(query) {
        Ok(d) => d,
        Err(reply) => return reply,
    };
    if !may_view(world, headers, user) {
        return Reply::documented(Operation::GetV2UsersInventory, 403, Some(4));
    }
    let binding = hash_of(&[
        &user.id.to_string(),
        &asset_type.to_string(),
        &descending.to_string(),
    ]);
    let keep = |copy: &UserAsset| {
        state
            .asset(world, copy.asset_id)
            .is_some_and(|a| i64::from(a.asset_type) == asset_type)
    };
    let owner = Owner {
        user_id: user.id,
        username: &user.name,
        builders_club_membership_type: 0,
    };
    let render = |copy: &'w UserAsset| {
        let asset = state.asset(world, copy.asset_id);
        let limited = asset.is_some_and(|a| a.limited);
        InventoryItemModel {
            expire_at: None,
            user_asset_id: copy.user_asset_id,
            asset_id: copy.asset_id,
            asset_name: asset.map(|a| a.name.as_str()),
            collectible_item_id: limited.then(|| uuid_like(1, copy.asset_id)),
            collectible_item_instance_id: limited.then(|| uuid_like(2, copy.user_asset_id)),
            serial_number: copy.serial_number,
            owner: owner.clone(),
            created: &copy.added,
            updated: &copy.added,
        }
    };
    legacy_asset_page(user, query, binding, descending, keep, render)
}

fn package_assets(world: &World, package_id: &str) -> Reply {
    match package_id
        .parse::<u64>()
        .ok()
        .and_then(|id| world.packages.iter().find(|p| p.id == id))
    {
        Some(package) => Reply::ok(&json!({"assetIds": package.asset_ids})),
        None => Reply::legacy(400, 1, "The specified package does not exist."),
    }
}

fn categories(user_id: &str) -> Reply {
    if user_id.parse::<u64>().is_err() {
        return Reply::legacy(400, 0, "BadRequest");
    }
    let item = |name: &str, id: i64, kind: i64, category: &str| json!({"name": name, "displayName": name, "filter": null, "id": id, "type": kind, "categoryType": category});
    Reply::ok(&json!({"categories": [
        {"name": "Accessories", "displayName": "Accessories", "categoryType": "Accessories", "items": [
            item("Hats", 8, 0, "Hat"),
            item("Hair", 41, 0, "HairAccessory"),
            item("Face", 42, 0, "FaceAccessory"),
        ]},
        {"name": "Clothing", "displayName": "Clothing", "categoryType": "Clothing", "items": [
            item("Shirts", 11, 0, "Shirt"),
            item("Pants", 12, 0, "Pants"),
        ]},
        {"name": "AvatarAnimations", "displayName": "Avatar Animations", "categoryType": "AvatarAnimations", "items": [
            item("Emotes", 61, 0, "EmoteAnimation"),
        ]},
        {"name": "Bundles", "displayName": "Bundles", "categoryType": "Bundles", "items": [
            item("Bodies", 1, 1, "Bundle"),
        ]},
    ]}))
}

/// Item types of the is-owned path: numbers 0–4 or names (OAS IItemModel.type; facts §5.3).
fn item_type(text: &str) -> Option<i64> {
    const NAMES: [&str; 5] = ["Asset", "GamePass", "Badge", "Bundle", "Avatar"];
    text.parse::<i64>()
        .ok()
        .filter(|n| (0..=4).contains(n))
        .or_else(|| {
            NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(text))
                .map(|i| i as i64)
        })
}

fn is_owned(state: &AppState, world: &World, user_id: &str, kind: &str, target: &str) -> Reply {
    let Some(user) = state.user_text(world, user_id) else {
        return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(1));
    };
    let Some(kind) = item_type(kind) else {
        return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(6));
    };
    let target = target.parse::<u64>().ok();
    let owned = match kind {
        0 => match target.and_then(|id| state.asset(world, id)) {
            Some(asset) => user.assets.iter().any(|c| c.asset_id == asset.id),
            None => return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(7)),
        },
        1 => match target.filter(|id| world.game_passes.iter().any(|p| p.id == *id)) {
            Some(id) => user.game_passes.iter().any(|o| o.id == id),
            None => return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(5)),
        },
        2 => match target.filter(|id| world.badges.iter().any(|b| b.id == *id)) {
            Some(id) => user.badges.iter().any(|o| o.id == id),
            None => return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(10)),
        },
        3 => match target.filter(|id| world.bundles.iter().any(|b| b.id == *id)) {
            Some(id) => user.bundles.iter().any(|o| o.id == id),
            None => return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(12)),
        },
        // Avatar items are not modelled; nobody owns one.
        _ => false,
    };
    Reply::ok(&json!(owned))
}

fn places_inventory(
    state: &AppState,
    world: &World,
    user_id: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Reply {
    let invalid = || Reply::documented(Operation::GetV1UsersPlacesInventory, 400, Some(6));
    let Some(user) = state.user_text(world, user_id) else {
        return invalid();
    };
    let tab_text = query.get("placesTab").map(|t| t.trim()).unwrap_or_default();
    let tab = match tab_text.parse::<i64>() {
        Ok(n) if (0..=5).contains(&n) => PlacesTab::from_number(n),
        Ok(_) => return invalid(),
        Err(_) => match PlacesTab::from_name(tab_text) {
            Some(tab) => Some(tab),
            None => return invalid(),
        },
    };
    let Some(per_page) = query
        .get("itemsPerPage")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .filter(|n| (1..=100).contains(n))
    else {
        return invalid();
    };
    // The document marks `cursor` required; clients omit it on the first page (RoSeal), so do we.
    let start = match query
        .get("cursor")
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        None => 0,
        Some(c) => match c.parse::<usize>() {
            Ok(n) => n,
            Err(_) => return invalid(),
        },
    };
    let caller = legacy_caller(world, headers).ok().flatten();
    if tab.is_some_and(|t| t != PlacesTab::Created) && caller != Some(user.id) {
        return Reply::documented(Operation::GetV1UsersPlacesInventory, 403, Some(3));
    }
    let places: Vec<Value> = user
        .places
        .iter()
        .filter(|e| Some(e.tab) == tab)
        .filter_map(|e| world.place(e.place_id))
        .map(|p| {
            let creator = state
                .user(world, p.creator_user_id)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            json!({
                "universeId": p.universe_id,
                "placeId": p.place_id,
                "name": p.name,
                "creator": {"id": p.creator_user_id, "name": creator, "type": 1},
                "priceInRobux": p.price_in_robux,
            })
        })
        .collect();
    // `start` comes from the request: saturate, never overflow.
    let end = start.saturating_add(per_page).min(places.len());
    let data = places
        .get(start.min(places.len())..end)
        .unwrap_or_default()
        .to_vec();
    let next = (end < places.len()).then(|| end.to_string());
    let previous = (start > 0).then(|| start.saturating_sub(per_page).to_string());
    Reply::ok(&json!({"previousPageCursor": previous, "nextPageCursor": next, "data": data}))
}

impl AppState {
    /// The current X-CSRF-TOKEN of a signed-in user, made on first use.
    fn csrf_token(&self, user: u64) -> String {
        let mut tokens = self.csrf.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .entry(user)
            .or_insert_with(|| (self.fresh_csrf(user), 0))
            .0
            .clone()
    }

    fn fresh_csrf(&self, user: u64) -> String {
        let n = self.csrf_counter.fetch_add(1, Ordering::Relaxed);
        B64.encode(hash_of(&[&user.to_string(), &n.to_string(), "csrf"]).to_be_bytes())
    }

    /// Counts a successful use of the token; rotates it every `csrf_rotate_every` uses.
    fn use_csrf(&self, user: u64) {
        let mut tokens = self.csrf.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = tokens.get_mut(&user) {
            slot.1 += 1;
            if slot.1 >= self.csrf_rotate_every {
                *slot = (self.fresh_csrf(user), 0);
            }
        }
    }

    /// Forces a new token for every user (tests of a token rotated mid-run).
    pub(crate) fn rotate_csrf(&self) {
        let mut tokens = self.csrf.lock().unwrap_or_else(|e| e.into_inner());
        let users: Vec<u64> = tokens.keys().copied().collect();
        for user in users {
            let fresh = self.fresh_csrf(user);
            tokens.insert(user, (fresh, 0));
        }
    }
}

/// Asset types a collection accepts: accessories, clothing, heads, faces,
/// gear, bodies and animations (assumed; Roblox lists no set, code 5 exists).
fn collectable_asset_type(asset_type: i32) -> bool {
    matches!(asset_type, 2 | 8 | 11 | 12 | 17 | 18 | 19 | 24..=32 | 41..=56 | 61 | 64..=72 | 76..=79)
}

fn collections(
    state: &AppState,
    route: Route,
    method: &Method,
    params: &[String],
    headers: &HeaderMap,
    fault: Option<&Fault>,
) -> (Reply, Option<crate::ratelimit::Decision>) {
    let user_id = {
        let world = state.read();
        match legacy_caller(&world, headers) {
            Ok(Some(user)) => user,
            _ => return (Reply::documented(route.operation(), 401, Some(0)), None),
        }
    };
    let decision = state.limiter.as_ref().map(|l| {
        l.check(
            route.operation_id(),
            format!("user:{user_id}"),
            documented_limit(route, Per::Cookie),
        )
    });
    if let Some(d) = &decision {
        if !d.allowed {
            return (
                Reply::legacy(429, 0, "TooManyRequests").header("retry-after", &d.reset_header()),
                decision,
            );
        }
    }
    // The X-CSRF-TOKEN rule is the spec's (`x-roblox-csrf`): its header, and
    // the documented refusal.
    let Some(csrf) = route.operation().csrf() else {
        return (change_collection(state, method, params, user_id), decision);
    };
    let refused = || Reply::documented(route.operation(), csrf.status, Some(csrf.code));
    let current = state.csrf_token(user_id);
    if fault == Some(&Fault::OmitCsrfHeader) {
        return (refused(), decision);
    }
    if header_str(headers, csrf.header) != Some(current.as_str()) {
        return (refused().header(csrf.header, &current), decision);
    }
    let reply = change_collection(state, method, params, user_id);
    if reply.status == StatusCode::OK {
        state.use_csrf(user_id);
    }
    (reply, decision)
}

/// Adds to or removes from the signed-in user's collection, with the document's codes.
fn change_collection(state: &AppState, method: &Method, params: &[String], user_id: u64) -> Reply {
    let operation = if *method == Method::POST {
        Route::AddToCollection.operation()
    } else {
        Route::RemoveFromCollection.operation()
    };
    let mut world = state.world.write().unwrap_or_else(|e| e.into_inner());
    let kind = params[0]
        .parse::<i64>()
        .ok()
        .or_else(|| item_type(&params[0]));
    let target = params[1].parse::<u64>().ok();
    let user = state.user(&world, user_id);
    let (entry, owns, allowed_type) = match kind {
        Some(0) => match target.and_then(|id| state.asset(&world, id)) {
            Some(asset) => (
                CollectionEntry {
                    kind: CollectionKind::Asset,
                    id: asset.id,
                },
                user.is_some_and(|u| u.assets.iter().any(|c| c.asset_id == asset.id)),
                collectable_asset_type(asset.asset_type),
            ),
            None => return Reply::documented(operation, 400, Some(2)),
        },
        Some(3) => match target.filter(|id| world.bundles.iter().any(|b| b.id == *id)) {
            Some(id) => (
                CollectionEntry {
                    kind: CollectionKind::Bundle,
                    id,
                },
                user.is_some_and(|u| u.bundles.iter().any(|o| o.id == id)),
                true,
            ),
            None => return Reply::documented(operation, 400, Some(3)),
        },
        Some(1 | 2) => return Reply::documented(operation, 403, Some(6)),
        _ => return Reply::documented(operation, 400, Some(1)),
    };
    let adding = *method == Method::POST;
    if adding && !owns {
        return Reply::documented(operation, 403, Some(4));
    }
    if adding && !allowed_type {
        return Reply::documented(operation, 403, Some(5));
    }
    let capacity = world.collection_capacity;
    let Some(user) = world.user_mut(user_id) else {
        return Reply::documented(operation, 401, Some(0));
    };
    let present = user.collection.contains(&entry);
    match (adding, present) {
        (true, true) => Reply::documented(operation, 403, Some(7)),
        (true, false) if user.collection.len() >= capacity => {
            Reply::documented(operation, 403, Some(9))
        }
        (true, false) => {
            user.collection.push(entry);
            Reply::ok(&json!({}))
        }
        (false, true) => {
            user.collection.retain(|e| e != &entry);
            Reply::ok(&json!({}))
        }
        (false, false) => Reply::documented(operation, 403, Some(8)),
    }
}
