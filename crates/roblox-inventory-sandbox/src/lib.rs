//! A local Roblox inventory server for tests, demos and your own tests.
//!
//! Roblox has no test environment for the inventory APIs. This crate serves all 9
//! operations of `spec/openapi.json` from an in-memory [`World`], behaving like
//! Roblox where the document and `shared/reference/roblox-inventory-facts.md` say
//! how: Open Cloud paging with filter-bound page tokens and the full filter
//! grammar, private inventories, legacy paging and error codes, collections with
//! the X-CSRF-TOKEN exchange, Roblox's two error shapes, rate limits with
//! `x-ratelimit-*` headers, and injectable faults.
//!
//! ```no_run
//! use roblox_inventory_sandbox::{Sandbox, World};
//!
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = Sandbox::builder().world(World::default_world()).start().await?;
//! let url = format!("{}/v1/users/156/items/GamePass/1111/is-owned", sandbox.base_url());
//! // GET url → `true`: builderman owns the VIP game pass in the default world.
//! # let _ = url;
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # The default world
//!
//! | user | id | inventory | owns |
//! |---|---|---|---|
//! | Roblox | 1 | public | Red Baseball Cap (1028606); created place Jailbreak (606849621) |
//! | builderman | 156 | public | Red Baseball Cap; Limiteds Valkyrie Helm (1365767, serial 42) and Classic Fedora (1029025, serial 7, on hold); Blue Shirt, Dark Green Jeans, Sword Pack, place Crossroads (1818, created), Roblox Boy torso and arm; badge 2124445684; game passes 1111 (VIP) and 2222; private server 90001; bundle 192; collection: Valkyrie Helm |
//! | Shedletsky | 261 | private | Shedletsky's Sword (27112438), Classic Fedora (serial 8); badge 2124445685; game pass 3333 |
//!
//! Credentials: API keys `sandbox-key-builderman` (user 156, Inventory: Read),
//! `sandbox-key-shedletsky` (261, Inventory: Read), `sandbox-key-no-inventory-read`
//! (261, without it); OAuth tokens `sandbox-oauth-shedletsky` (261, with
//! `user.inventory-item:read`) and `sandbox-oauth-no-scope` (261); cookies
//! `sandbox-cookie-builderman` (156) and `sandbox-cookie-shedletsky` (261).
//! Like Roblox's gateway, the sandbox refuses a key without Inventory: Read or
//! a token without the scope in the `errors[]` shape, for any user; a private
//! inventory is the endpoint's own `PERMISSION_DENIED`.
//! Package 607702162 holds assets 607785314 and 607784987.
//!
//! # OAuth 2.0
//!
//! Roblox's authorization server is served under `/oauth/` (authorize, token,
//! revoke, introspect, resources, userinfo, discovery) with the documented
//! behaviour: the authorize page consents at once as the user of the request's
//! `.ROBLOSECURITY` cookie and redirects (302) with `code` and `state` (or
//! `error`); codes are single-use and live one sandbox minute; PKCE S256 is
//! checked (and required of public apps); clients authenticate with HTTP Basic
//! or the form body; `expires_in` is 899 ([`SandboxBuilder::oauth_token_lifetime`]
//! to shorten it); refresh tokens are single-use and rotate; revoking ends the
//! whole grant; errors are RFC 6749 bodies. The access tokens it issues are
//! accepted by the Open Cloud inventory endpoint with the granted scopes,
//! counted per grant. The default world registers `sandbox-app` (secret
//! `sandbox-app-secret`) and the public `sandbox-public-app`, both with the
//! redirect URI [`world::DEFAULT_REDIRECT_URI`]; worlds register more in
//! [`World::oauth_apps`].

#![deny(missing_docs)]

pub mod faults;
pub mod filter;
mod oauth;
pub mod ratelimit;
mod server;
pub mod world;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use faults::{Fault, Route};
pub use world::{Applied, ChurnError, Event, Population, World};

/// How many credential violations [`Sandbox::credential_violations`] keeps; the
/// rest are only counted ([`Sandbox::credential_violation_count`]).
pub const MAX_VIOLATIONS_KEPT: usize = 1_000;

/// Configures and starts a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    world: World,
    port: u16,
    rate_limits: bool,
    minute: Duration,
    csrf_rotate_every: u32,
    empty_final_page: bool,
    pages_per_field: bool,
    windows_from_start: bool,
    held_windows: bool,
    latency: Duration,
    oauth_token_lifetime: Duration,
}

impl SandboxBuilder {
    /// The world to serve (default: [`World::default_world`]).
    pub fn world(mut self, world: World) -> Self {
        self.world = world;
        self
    }

    /// How long the OAuth access tokens it issues live (default 899 s, Roblox's
    /// `expires_in`; at least one second). Authorization codes live one
    /// [`rate_limit_minute`](Self::rate_limit_minute).
    pub fn oauth_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.oauth_token_lifetime = lifetime;
        self
    }

    /// The port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Whether Roblox's rate limits are enforced (default true).
    pub fn rate_limits(mut self, enabled: bool) -> Self {
        self.rate_limits = enabled;
        self
    }

    /// How long a documented minute lasts (default 60 s). Shorten it so tests can
    /// exhaust a limit and see it reset quickly; per-second limits scale with it.
    pub fn rate_limit_minute(mut self, minute: Duration) -> Self {
        self.minute = minute;
        self
    }

    /// Start rate-limit windows when the sandbox starts instead of aligning them
    /// to the clock as Roblox does (default off): for tests that count one whole
    /// window and must not see a boundary fall in between.
    pub fn windows_from_start(mut self, enabled: bool) -> Self {
        self.windows_from_start = enabled;
        self
    }

    /// Hold rate-limit time still (default off): windows start when the sandbox
    /// starts and move on only when [`Sandbox::advance_windows`] says so, so a
    /// test can count a whole window and see it reset however slowly a busy
    /// machine answers. Takes precedence over
    /// [`windows_from_start`](Self::windows_from_start).
    pub fn held_windows(mut self, enabled: bool) -> Self {
        self.held_windows = enabled;
        self
    }

    /// Delay every answer by `latency` (default none), as a network's round trip
    /// would: loopback answers in microseconds, Roblox over the internet in tens
    /// of milliseconds, and concurrency only matters with the latter. Rate limits
    /// count a request when it arrives, before the delay.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// After how many successful collection writes a user's X-CSRF-TOKEN rotates
    /// (default 25).
    pub fn csrf_rotate_every(mut self, uses: u32) -> Self {
        self.csrf_rotate_every = uses;
        self
    }

    /// Reproduce a Roblox quirk: when an Open Cloud listing ends exactly on a
    /// page boundary, the last full page still has a `nextPageToken`, and that
    /// token returns `{"inventoryItems": [], "nextPageToken": ""}` (default off).
    pub fn empty_final_page(mut self, enabled: bool) -> Self {
        self.empty_final_page = enabled;
        self
    }

    /// Reproduce how Roblox's page tokens walk a multi-field filter one field at
    /// a time (facts §3, correction of 2026-11-25): each page holds items of one
    /// field only, so a field with no matches is an **empty page whose
    /// `nextPageToken` continues** with the next field (default off). A client
    /// that stops on an empty page loses the later fields.
    pub fn pages_per_field(mut self, enabled: bool) -> Self {
        self.pages_per_field = enabled;
        self
    }

    /// Binds 127.0.0.1 and starts serving in the background.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        self.world
            .validate()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let limiter = self.rate_limits.then(|| {
            if self.held_windows {
                ratelimit::RateLimiter::held(self.minute)
            } else if self.windows_from_start {
                ratelimit::RateLimiter::starting_now(self.minute)
            } else {
                ratelimit::RateLimiter::new(self.minute)
            }
        });
        let options = server::Options {
            csrf_rotate_every: self.csrf_rotate_every,
            empty_final_page: self.empty_final_page,
            pages_per_field: self.pages_per_field,
            latency: self.latency,
            oauth_code_lifetime: self.minute,
            oauth_token_lifetime: self.oauth_token_lifetime,
        };
        let state = Arc::new(server::AppState::new(self.world, limiter, options));
        let router = axum::Router::new()
            .fallback(server::handle)
            .with_state(Arc::clone(&state));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Sandbox {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running sandbox server. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<server::AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// A builder with the default world, rate limits on and 60-second minutes.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder {
            world: World::default_world(),
            port: 0,
            rate_limits: true,
            minute: Duration::from_secs(60),
            csrf_rotate_every: 25,
            empty_final_page: false,
            pages_per_field: false,
            windows_from_start: false,
            held_windows: false,
            latency: Duration::ZERO,
            oauth_token_lifetime: Duration::from_secs(899),
        }
    }

    /// The base URL serving both hosts' paths, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A copy of the world as it is now (collections change it).
    pub fn world(&self) -> World {
        self.state
            .world
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Makes the next `times` requests to `route` misbehave with `fault`.
    pub fn inject(&self, route: Route, fault: Fault, times: usize) {
        self.state.faults.inject(route, fault, times);
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// How many requests reached `route` so far.
    pub fn requests(&self, route: Route) -> u64 {
        self.state
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&route)
            .copied()
            .unwrap_or(0)
    }

    /// When each user's `route` was asked, in order, per user (routes under
    /// `/users/{id}`): how often and how far apart a tracker polled each one.
    pub fn user_requests(
        &self,
        route: Route,
    ) -> std::collections::BTreeMap<u64, Vec<std::time::Instant>> {
        self.state
            .user_requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|((asked, _), _)| *asked == route)
            .map(|((_, user), times)| (*user, times.clone()))
            .collect()
    }

    /// The most requests to `route` that were being answered at once (with
    /// [`SandboxBuilder::latency`], how many a client had in flight).
    pub fn max_in_flight(&self, route: Route) -> u64 {
        self.state
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&route)
            .map_or(0, |(_, most)| *most)
    }

    /// How many requests to `route` the rate limiter refused with 429.
    pub fn rate_limited(&self, route: Route) -> u64 {
        self.state
            .rate_limited
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&route)
            .copied()
            .unwrap_or(0)
    }

    /// Credentials that reached a host that does not take them (a cookie on the
    /// Open Cloud host, an API key or bearer token on the legacy host).
    pub fn credential_violations(&self) -> Vec<String> {
        self.state
            .violations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many credential violations there were in all, kept or not.
    pub fn credential_violation_count(&self) -> u64 {
        self.state
            .violation_count
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many authorization codes its OAuth server exchanged and how many
    /// refresh tokens it redeemed, so far.
    pub fn oauth_token_counts(&self) -> (u64, u64) {
        self.state.oauth.counts()
    }

    /// Moves rate-limit time on by `by` when the sandbox was built with
    /// [`SandboxBuilder::held_windows`]; returns false (and does nothing) when
    /// its windows follow the clock or rate limits are off.
    pub fn advance_windows(&self, by: Duration) -> bool {
        self.state
            .limiter
            .as_ref()
            .is_some_and(|limiter| limiter.advance(by))
    }

    /// Makes `event` happen in the world now (a trade, a purchase, a refund, a
    /// badge awarded or removed, an inventory turning private or public) and
    /// logs it; nothing changes if it cannot happen.
    pub fn apply(&self, event: Event) -> Result<Applied, ChurnError> {
        self.changing(|world, log| Ok(record(log, world.apply(&event)?)))
    }

    /// Makes `events` random changes that can happen, the same ones for the
    /// same `seed` and history, and returns them (also logged). Stops early
    /// only in a world with fewer than two users.
    pub fn churn(&self, seed: u64, events: usize) -> Vec<Applied> {
        self.changing(|world, log| {
            // The stream continues where the log is: two calls never repeat.
            let mut rng = world::SplitMix64(seed ^ (log.len() as u64).wrapping_mul(0x9E37_79B9));
            let mut made = Vec::with_capacity(events);
            for _ in 0..events {
                let Some(event) = world.random_event(&mut rng) else {
                    break;
                };
                if let Ok(applied) = world.apply(&event) {
                    made.push(record(log, applied));
                }
            }
            made
        })
    }

    /// Runs `change` on the world and the churn log, both held.
    fn changing<R>(&self, change: impl FnOnce(&mut World, &mut Vec<Applied>) -> R) -> R {
        let mut world = self.state.world.write().unwrap_or_else(|e| e.into_inner());
        let mut log = self
            .state
            .churn_log
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        change(&mut world, &mut log)
    }

    /// Every change made so far, in order (`Applied::sequence` from 1).
    pub fn churn_log(&self) -> Vec<Applied> {
        self.state
            .churn_log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Gives every signed-in user a new X-CSRF-TOKEN now.
    pub fn rotate_csrf_tokens(&self) {
        self.state.rotate_csrf();
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Logs `applied` with the next sequence number; returns it as logged.
fn record(log: &mut Vec<Applied>, mut applied: Applied) -> Applied {
    applied.sequence = log.len() as u64 + 1;
    log.push(applied.clone());
    applied
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
