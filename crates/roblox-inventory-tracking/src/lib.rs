//! Roblox inventories over time.
//!
//! Every question the client answers is asked once; the jobs users run are
//! continuous (a trading tracker told when a watched user gains or loses a
//! Limited, a verification bot that reacts when a pass is refunded). Roblox
//! has no inventory webhook, so they poll and compare. This crate does the
//! comparing right:
//!
//! * [`Scope`]: what to watch of a user (their Limiteds, game passes, badges,
//!   private servers, assets of some types, or a fixed list of items).
//! * [`observe`]: one complete [`Snapshot`] of a user's scope, or an error. A
//!   listing that failed part-way is never a snapshot, and a private inventory
//!   is [`View::Private`], never an empty one: neither can yield "lost" items.
//! * [`Tracked::observe`]: what is known of a user's scope after each snapshot,
//!   and the [`Change`]s since the one before: gained and lost holdings,
//!   identified as precisely as Roblox allows ([`HoldingId`]: the copy id of
//!   an asset, which a trade keeps, or the item id), and "became private" /
//!   "became visible". The first observation is a baseline, not a flood of
//!   "gained".
//!
//! ```
//! use roblox_inventory_tracking::{Holding, HoldingId, Scope, Snapshot, Tracked, View};
//!
//! let seen = |ids: &[u64]| Snapshot {
//!     user_id: 156,
//!     scope: Scope::GamePasses,
//!     observed_at: chrono::Utc::now(),
//!     view: View::Holdings(ids.iter().map(|id| Holding::new(HoldingId::GamePass(*id))).collect()),
//! };
//! let (known, baseline) = Tracked::observe(None, &seen(&[1111, 2222]));
//! assert!(baseline.is_empty(), "the first look is a baseline");
//! let (_, changes) = Tracked::observe(Some(&known), &seen(&[1111]));
//! assert_eq!(changes.len(), 1, "game pass 2222 was lost (refunded)");
//! ```

#![deny(missing_docs)]

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod answers;
mod changes;
mod observe;
mod scope;
mod snapshot;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod store;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod watcher;

pub use changes::{Change, ChangeKind, Tracked};
pub use observe::{observe, ObserveError};
pub use scope::{ItemRef, Scope, ScopeError};
pub use snapshot::{Holding, HoldingId, Snapshot, View};
