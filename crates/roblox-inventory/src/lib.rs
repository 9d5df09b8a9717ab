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
//! Against the local sandbox (`roblox-inventory-sandbox`), point both hosts at it
//! with [`ClientBuilder::base_url`].
//!
//! * Credentials ([`auth`]) are secret types that print as `[REDACTED]` and go only
//!   to the host that takes them; an operation called without a credential it
//!   accepts fails with [`Error::MissingCredential`] before any request.
//! * Collection writes handle the X-CSRF-TOKEN exchange.
//! * Idempotent requests are retried on 429, 5xx, connect failures and timeouts
//!   with jittered exponential backoff, honouring `retry-after` ([`RetryConfig`]).
//! * Requests stay within Roblox's rate limits ([`budget`]): the documented
//!   limits are the prior and each response's rate-limit headers the truth, so a
//!   job sends what remains in a window at once and waits only for the reset.
//! * Ownership of many users × many items is one call, [`Client::ownership`],
//!   which splits the checks between is-owned and Open Cloud id filters so the
//!   job ends soonest within both hosts' limits ([`ownership`]).
//! * Errors in both of Roblox's shapes become one [`Error`] with `status()`,
//!   `code()` and `message()`.

#![deny(missing_docs)]

pub mod auth;
pub mod budget;
mod client;
mod endpoints;
pub mod error;
mod executor;
pub mod filter;
pub mod models;
pub mod ownership;
pub mod pagination;
mod retry;

/// The generated low-level client (`roblox-inventory-api`), for
/// [`Client::cloud_api`] and [`Client::legacy_api`]: every operation of the spec,
/// including ones this crate does not wrap yet, and each operation's documented
/// numbered errors (`api::error_codes`, for [`ApiError::documented`]).
///
/// Its types follow the spec and change when it is regenerated; everything
/// else this crate exports is its own and follows semver (see CHANGELOG.md).
pub use roblox_inventory_api as api;

pub use client::{
    Client, ClientBuilder, RateLimitInfo, CLOUD_BASE_URL, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_BUDGET_WAIT, DEFAULT_OPERATION_TIMEOUT, LEGACY_BASE_URL,
};
pub use endpoints::{AssetTypeInventory, Collectibles, InventoryItems, PageSize, Places};
pub use error::{ApiError, Error, ErrorCode};
#[doc(hidden)]
pub use executor::{handle_response, handle_response_bytes};
pub use filter::{FilterError, InventoryFilter};
#[doc(hidden)]
pub use models::wire::{
    decode_all_for_fuzzing, decode_collectibles_page, decode_inventory_items_page,
};
pub use models::{InventoryItem, Item, ItemDetails};
pub use ownership::{AnswerStream, OwnershipAnswer, OwnershipCheck, IDS_PER_FILTER};
pub use pagination::{Page, Paged};
pub use retry::RetryConfig;

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
