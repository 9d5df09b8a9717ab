//! Typed, safe access to the Roblox Inventory APIs.
//!
//! Check whether a user owns a game pass, badge, asset, bundle or private server,
//! list inventories, collectibles and places, and manage collections, on both of
//! Roblox's hosts (Open Cloud at `https://apis.roblox.com`, the legacy API at
//! `https://inventory.roblox.com`).
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use roblox_inventory::{Client, InventoryFilter, Item};
//!
//! # async fn run() -> Result<(), roblox_inventory::Error> {
//! let client = Client::builder().api_key(std::env::var("ROBLOX_API_KEY").unwrap_or_default()).build()?;
//!
//! // Does user 156 own game pass 1111?
//! let owns = client.owns(156, Item::GamePass(1111)).await?;
//!
//! // Every game pass and badge they have, page by page as the stream is read.
//! let mut items = client
//!     .inventory_items(156)
//!     .filter(InventoryFilter::by_type().game_passes().badges())
//!     .items();
//! while let Some(item) = items.try_next().await? {
//!     println!("{:?}", item.details);
//! }
//! # let _ = owns;
//! # Ok(())
//! # }
//! ```
//!
//! # Credentials
//!
//! Roblox has three ways in, and the client takes any of them on
//! [`ClientBuilder`]: an API key ([`api_key`](ClientBuilder::api_key)), an OAuth
//! 2.0 access token ([`oauth_token`](ClientBuilder::oauth_token), or a
//! [`auth::TokenSource`] that is asked on every attempt and refreshed after a
//! 401), and the `.ROBLOSECURITY` cookie
//! ([`roblosecurity`](ClientBuilder::roblosecurity)). They are secret types
//! that print as `[REDACTED]`, travel as sensitive headers, and go only to the
//! host that takes them: the key and token to Open Cloud, the cookie to the
//! legacy host. Values are trimmed (a trailing newline from a secret file, a
//! pasted `.ROBLOSECURITY=` prefix) or refused at [`build`](ClientBuilder::build),
//! never silently dropped. An operation called without a credential it accepts
//! fails with [`Error::MissingCredential`] before any request; the legacy reads
//! need none for public inventories. Apps that act for a user get the whole
//! OAuth 2.0 flow, with tokens that refresh themselves, in `oauth` (feature
//! `oauth`).
//!
//! # Paging
//!
//! Listings are builders whose `.items()` and `.pages()` are
//! [`Stream`](futures_core::Stream)s ([`Paged`]): pages are fetched as the stream
//! is read, so memory stays flat. `max_items` and `max_pages` stop early; a
//! listing that stops part-way (an error, a cap, a reader that stops reading)
//! says exactly where to resume ([`Paged::resume_point`]: start, at an item of
//! a page, or done; given back with `resume`), and every item arrives exactly
//! once over the two runs. Paging stops only where Roblox says a listing ends
//! (a missing or empty token; [`pagination`] explains why an empty page does
//! not).
//!
//! # Errors
//!
//! Every operation returns [`Error`]. Roblox's two error shapes (legacy
//! `{"errors":[{"code":…}]}` and Open Cloud `{"code":"…"}`) both become
//! [`ApiError`], reachable with [`Error::status`], [`Error::code`] and
//! [`Error::message`]; the cases callers act on have their own variants
//! ([`Error::InventoryPrivate`] says what would unlock the inventory,
//! [`Error::RateLimited`], [`Error::DeadlineExceeded`], …), and each operation's
//! documented numbered errors are an enum ([`ApiError::documented`]). No error
//! carries a credential or a response header.
//!
//! # Rate limits
//!
//! Every request goes through a request budget ([`budget`]): the documented
//! limits (100 requests a minute per API-key owner and 20 per OAuth grant on
//! Open Cloud, per-endpoint limits on the legacy host) are the prior, and each
//! response's `x-ratelimit-remaining` / `x-ratelimit-reset` the truth, so a job
//! sends what remains in a window at once and waits only for the reset; a 429
//! holds back every request on that budget. Idempotent requests are retried on
//! 429, 5xx, connect failures and timeouts with jittered backoff that honours
//! `retry-after` ([`RetryConfig`]). Waits are bounded:
//! [`max_budget_wait`](ClientBuilder::max_budget_wait) and
//! [`Client::with_budget_deadline`] turn a long wait into
//! [`Error::NoSlotBeforeDeadline`] with nothing sent, and
//! [`operation_timeout`](ClientBuilder::operation_timeout) bounds a whole call.
//!
//! # Ownership
//!
//! [`Client::owns`] answers one question; [`Client::ownership`] answers many
//! users × many items as a stream, splitting the checks between the legacy
//! is-owned endpoint and Open Cloud id filters so that the job ends soonest
//! within both hosts' limits ([`ownership`] has the model). A failure stays with
//! its user's answers.
//!
//! # Models and the generated client
//!
//! What the operations return ([`models`]) is this crate's own: `u64` ids,
//! `#[non_exhaustive]`, `Serialize`, stable when the spec is regenerated. The
//! generated low-level client is the escape hatch ([`api`],
//! [`Client::cloud_api`], [`Client::legacy_api`]): every operation of the spec,
//! including ones added since this crate's last release, through the same
//! credentials, retries and budget.
//!
//! # Testing against the sandbox
//!
//! `roblox-inventory-sandbox` is a local Roblox inventory server with the
//! documented behaviour (rate limits, private inventories, the X-CSRF exchange,
//! faults on demand). Point both hosts at it with [`ClientBuilder::base_url`];
//! no test of yours needs the network or a real account:
//!
//! ```
//! use roblox_inventory::{Client, Item};
//! use roblox_inventory_sandbox::Sandbox;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::builder().start().await?;
//! let client = Client::builder()
//!     .base_url(sandbox.base_url())
//!     .api_key("sandbox-key-builderman")
//!     .build()?;
//! assert!(client.owns(156, Item::GamePass(1111)).await?);
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod auth;
pub mod budget;
mod client;
mod endpoints;
pub mod error;
mod executor;
pub mod filter;
pub mod models;
#[cfg(feature = "oauth")]
pub mod oauth;
pub mod ownership;
pub mod pagination;
mod retry;
mod tls;

/// The generated low-level client (`roblox-inventory-api`), for
/// [`Client::cloud_api`] and [`Client::legacy_api`]: every operation of the spec,
/// including ones this crate does not wrap yet, and each operation's documented
/// numbered errors (`api::error_codes`, for [`ApiError::documented`]).
///
/// Its types follow the spec and change when it is regenerated; everything
/// else this crate exports is its own and follows semver (see CHANGELOG.md).
pub use roblox_inventory_api as api;
/// The operation table: one variant per operation of the spec, with its host,
/// credentials, CSRF rule, rate limits and documented errors.
pub use roblox_inventory_api::operations::{Host, Operation};

pub use client::{
    Client, ClientBuilder, RateLimitInfo, RequestsSent, CLOUD_BASE_URL, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_BUDGET_WAIT, DEFAULT_OPERATION_TIMEOUT, LEGACY_BASE_URL,
};
pub use endpoints::{AssetTypeInventory, Collectibles, InventoryItems, PageSize, Places};
pub use error::{ApiError, Error, ErrorCode};
/// Test hooks for this workspace's fuzz targets, benchmarks and tests
/// (feature `unstable-test-hooks`): outside the semver promise.
#[cfg(feature = "unstable-test-hooks")]
pub use executor::{handle_response, handle_response_bytes};
pub use filter::{FilterError, InventoryFilter};
#[cfg(feature = "unstable-test-hooks")]
pub use models::wire::{
    decode_all_for_fuzzing, decode_collectibles_page, decode_inventory_items_page,
};
pub use models::{InventoryItem, Item, ItemDetails};
pub use ownership::{AnswerStream, OwnershipAnswer, OwnershipCheck, IDS_PER_FILTER};
pub use pagination::{Page, Paged, ResumePoint};
pub use retry::RetryConfig;
pub use tls::ensure_tls_provider;

// Compile-time guarantees for users who share a client across tasks and hold
// streams across awaits (issue 10 item 10): a change that breaks them fails the build.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    const fn send<T: Send>() {}
    send_sync::<Client>();
    send_sync::<ClientBuilder>();
    send_sync::<Error>();
    send_sync::<InventoryItems>();
    send_sync::<Collectibles>();
    send_sync::<AssetTypeInventory>();
    send_sync::<Places>();
    send_sync::<OwnershipAnswer>();
    send::<OwnershipCheck>();
    send::<AnswerStream>();
    send::<Paged<InventoryItem>>();
    send::<Paged<Page<InventoryItem>>>();
};
