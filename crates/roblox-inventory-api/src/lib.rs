//! Low-level client for the Roblox Inventory APIs, generated at build time by
//! [progenitor](https://docs.rs/progenitor) from `spec/openapi.json`.
//!
//! Most users want the ergonomic `roblox-inventory` crate instead. This crate is a
//! faithful, one-method-per-operation image of the spec; the generation settings
//! and the reasons for them are documented in `roblox-inventory-codegen`.
//!
//! # Two hosts, a client type each
//!
//! progenitor gives a [`Client`] one base URL and ignores the spec's per-operation
//! `servers`. Operations are therefore split by tag into two extension traits,
//! [`prelude::ClientCloudExt`] for `https://apis.roblox.com` (Open Cloud) and
//! [`prelude::ClientLegacyExt`] for `https://inventory.roblox.com`, and the
//! codegen adds a type per host, [`CloudClient`] and [`LegacyClient`], whose
//! methods are that host's operations and no others: wrap a `Client` built with
//! the host's base URL, and another host's operation cannot be written against
//! it. An executor learns the host from [`Hooks::bound_to`] and refuses the
//! other host's operations as well.
//!
//! ```no_run
//! use roblox_inventory_api::{enums::OwnershipItemType, Client, Hooks, LegacyClient};
//!
//! # async fn run() -> Result<(), roblox_inventory_api::Error<roblox_inventory_api::ByteStream>> {
//! let http = reqwest::Client::new();
//! let legacy = LegacyClient::new(Client::new_with_client(
//!     "https://inventory.roblox.com",
//!     http,
//!     Hooks::default(),
//! ));
//! let owned = legacy
//!     .get_v1_users_items_is_owned()
//!     .user_id(1)
//!     .item_type(OwnershipItemType::GamePass)
//!     .item_target_id(123)
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("owned: {owned}");
//! # Ok(())
//! # }
//! ```
//!
//! # Enums
//!
//! Enum schemas become named Rust enums in [`enums`] (`AssetType::Hat`,
//! `OwnershipItemType::GamePass`) that read names or numbers and keep values
//! added after this release (`AssetType::Unknown(95)`) instead of failing.
//!
//! # The operation table
//!
//! [`operations::Operation`] has one variant per operation with every fact the
//! runtime needs, from the spec: host, HTTP method and path, the security schemes
//! it accepts, the X-CSRF-TOKEN exchange, rate limits, documented error codes
//! and which answer means "private inventory".
//!
//! # Form bodies
//!
//! An operation whose request body is `multipart/form-data` takes a [`Form`]:
//! its parts come from the operation table, and the hooks send it with its
//! content type (progenitor cannot generate form bodies itself).
//!
//! # Errors
//!
//! Every documented error response is declared with an opaque body, so failures
//! arrive as [`Error::ErrorResponse`] holding a [`ByteStream`] with the status and
//! headers intact. The ergonomic crate parses Roblox's two error body shapes.

#![deny(missing_docs)]

use std::{fmt, future::Future, pin::Pin, sync::Arc};

// Only the lints the generated code is known to trip, each for a reason:
#[allow(
    // progenitor documents operations and builders, not every field and variant.
    missing_docs,
    // Documented statuses (400, 403) beside the 4XX/5XX ranges give overlapping match arms.
    unreachable_patterns,
    // Descriptions are copied from Roblox's document: list continuations and bare URLs.
    clippy::doc_lazy_continuation,
    rustdoc::bare_urls
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

pub use generated::*;

mod form;
pub mod refusal;

pub use form::{Form, FormBody, FormError};

/// A timestamp as Roblox sends it, read leniently: RFC 3339; else a .NET value
/// without an offset (`0001-01-01T00:00:00`), taken as UTC; else no time, with
/// the text kept. One odd value never fails a whole page. Every `date-time`
/// field of the spec is generated as this type (see `roblox-inventory-codegen`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// The instant, when the text is one.
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// The text as sent (empty for `null`).
    pub raw: String,
}

impl Timestamp {
    /// Reads `text` leniently.
    pub fn parse(text: &str) -> Self {
        let trimmed = text.trim();
        let at = chrono::DateTime::parse_from_rfc3339(trimmed)
            .map(|t| t.with_timezone(&chrono::Utc))
            .ok()
            .or_else(|| {
                chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f")
                    .ok()
                    .map(|naive| naive.and_utc())
            });
        Self {
            at,
            raw: text.to_string(),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Some(at) => write!(f, "{}", at.to_rfc3339()),
            None => f.write_str(&self.raw),
        }
    }
}

impl std::str::FromStr for Timestamp {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(text))
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Text, `null`, or anything else Roblox might send: never an error.
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(match value {
            serde_json::Value::String(text) => Self::parse(&text),
            serde_json::Value::Null => Self {
                at: None,
                raw: String::new(),
            },
            other => Self {
                at: None,
                raw: other.to_string(),
            },
        })
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

/// A future returned by [`RequestExecutor::execute`].
pub type ExecuteFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

/// Sends one request on behalf of a generated operation.
///
/// The ergonomic crate implements this to add credentials, the X-CSRF-TOKEN
/// exchange, retries and tracing in one place. Without an executor, requests go
/// straight to the `reqwest::Client`.
pub trait RequestExecutor: Send + Sync + 'static {
    /// Send `request` for `operation` with `client`, and return its response.
    ///
    /// `bound` is the host the calling [`Client`] was built for ([`Hooks::bound_to`]);
    /// `operation` is `None` only if progenitor reported a method the operation
    /// table does not know, which [`operations`]' build-time check rules out.
    /// An executor refuses a call whose operation is on another host than `bound`:
    /// its request would go to the wrong base URL, with the wrong credential.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: Option<operations::Operation>,
        bound: Option<operations::Host>,
    ) -> ExecuteFuture<'a>;
}

/// The per-client state the generated code hands to every request: an
/// optional [`RequestExecutor`] and the host the client's base URL points at.
#[derive(Clone, Default)]
pub struct Hooks {
    executor: Option<Arc<dyn RequestExecutor>>,
    host: Option<operations::Host>,
}

impl Hooks {
    /// Hooks that route every request through `executor` without saying which
    /// host the client's base URL serves. An executor that attaches
    /// credentials needs to know (the ergonomic crate's refuses such calls):
    /// prefer [`Hooks::bound_to`].
    pub fn with_executor(executor: Arc<dyn RequestExecutor>) -> Self {
        Self {
            executor: Some(executor),
            host: None,
        }
    }

    /// Hooks that route every request through `executor`, for a client whose
    /// base URL serves `host`: the executor then refuses every other host's
    /// operation before anything is sent.
    pub fn bound_to(host: operations::Host, executor: Arc<dyn RequestExecutor>) -> Self {
        Self {
            executor: Some(executor),
            host: Some(host),
        }
    }

    /// The host the client is bound to, if any.
    pub fn host(&self) -> Option<operations::Host> {
        self.host
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field(
                "executor",
                &self.executor.as_ref().map(|_| "RequestExecutor"),
            )
            .field("host", &self.host)
            .finish()
    }
}

impl progenitor_client::ClientHooks<Hooks> for Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        use progenitor_client::ClientInfo;
        let hooks = self.inner();
        let operation = operations::Operation::from_method_name(info.operation_id);
        let mut request = request;
        if let Some(operation) = operation {
            // A form body goes with its content type, or not at all.
            form::prepare(&mut request, operation).map_err(refusal::refuse)?;
        }
        match &hooks.executor {
            Some(executor) => {
                executor
                    .execute(self.client(), request, operation, hooks.host)
                    .await
            }
            None => self.client().execute(request).await,
        }
    }
}
