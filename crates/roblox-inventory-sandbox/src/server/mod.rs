//! The HTTP side: one handler that routes all 9 operations by hand, so every
//! answer, including wrong methods, unknown paths and malformed input, has
//! Roblox's shape instead of a framework's default rejection.
//!
//! This file holds the shared state and the entry point (header limits, faults,
//! rate limits, dispatch); each route family has a module: [`routing`] (method
//! and path to operation), [`identity`] (who is calling, credential hygiene),
//! [`limits`] (the spec's rate limits), [`cloud`] (Open Cloud's listing),
//! [`legacy`] (the legacy reads), [`collections`] (the writes and the
//! X-CSRF-TOKEN exchange) and [`reply`] (responses and Roblox's error bodies).

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

mod cloud;
mod collections;
mod identity;
mod legacy;
mod limits;
mod reply;
mod routing;

use self::{cloud::*, collections::*, identity::*, legacy::*, limits::*, reply::*, routing::*};
pub(crate) use identity::cookie_user;

/// The OAuth scope that unlocks private inventories: the one the spec's
/// security asks for on Open Cloud's listing (facts §1.1).
pub const INVENTORY_READ_SCOPE: &str = Operation::CloudListInventoryItems.oauth_scopes()[0];

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
    /// When each user's route was asked (routes under `/users/{id}`).
    pub(crate) user_requests: Mutex<HashMap<(Route, u64), Vec<std::time::Instant>>>,
    /// Per route: requests being answered now, and the most there were at once.
    pub(crate) in_flight: Mutex<HashMap<Route, (u64, u64)>>,
    /// Requests refused with 429 by the rate limiter.
    pub(crate) rate_limited: Mutex<HashMap<Route, u64>>,
    /// How long every answer waits before it is sent (a network's round trip).
    latency: std::time::Duration,
    pub(crate) violations: Mutex<Vec<String>>,
    /// Every violation, also those past the kept ones.
    pub(crate) violation_count: AtomicU64,
    /// The OAuth 2.0 authorization server.
    pub(crate) oauth: crate::oauth::OAuthServer,
    /// Every change the world went through since the start (churn).
    pub(crate) churn_log: Mutex<Vec<crate::world::Applied>>,
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
            user_requests: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
            rate_limited: Mutex::new(HashMap::new()),
            latency: options.latency,
            violations: Mutex::new(Vec::new()),
            violation_count: AtomicU64::new(0),
            oauth: crate::oauth::OAuthServer::new(
                options.oauth_code_lifetime,
                options.oauth_token_lifetime,
            ),
            churn_log: Mutex::new(Vec::new()),
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
    if let (true, Some(Ok(user))) = (
        path.contains("/users/"),
        params.first().map(|id| id.parse::<u64>()),
    ) {
        state
            .user_requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((route, user))
            .or_default()
            .push(std::time::Instant::now());
    }
    let _in_flight = InFlight::enter(&state, route);
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

/// A request being answered on its route, counted while it lives (its answer
/// made, or its connection gone).
struct InFlight<'a> {
    state: &'a AppState,
    route: Route,
}

impl<'a> InFlight<'a> {
    fn enter(state: &'a AppState, route: Route) -> Self {
        let mut counts = state.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let (now, most) = counts.entry(route).or_default();
        *now += 1;
        *most = (*most).max(*now);
        Self { state, route }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut counts = self
            .state
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some((now, _)) = counts.get_mut(&self.route) {
            *now = now.saturating_sub(1);
        }
    }
}
