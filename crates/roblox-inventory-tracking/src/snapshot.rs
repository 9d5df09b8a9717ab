//! One complete look at a user's scope.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::scope::{ItemRef, Scope};

/// What identifies one holding, as precisely as Roblox allows: two
/// observations hold "the same thing" exactly when their ids are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "id")]
#[non_exhaustive]
pub enum HoldingId {
    /// One copy of an asset: its copy id (the user asset id), which a trade
    /// keeps, so a traded Limited is "lost" by one user and "gained" by another
    /// under the same id (and serial).
    #[serde(rename_all = "camelCase")]
    Copy {
        /// The asset.
        asset_id: u64,
        /// The copy.
        user_asset_id: u64,
    },
    /// A game pass (held at most once).
    GamePass(u64),
    /// A badge.
    Badge(u64),
    /// A private server.
    PrivateServer(u64),
    /// An item of a [`Scope::Items`] list, held or not (is-owned says no more).
    Item(ItemRef),
}

/// One thing a user holds, with what Roblox said about it when observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Holding {
    /// What it is.
    pub id: HoldingId,
    /// A Limited copy's serial number.
    pub serial_number: Option<u64>,
    /// The asset's name, where the endpoint gives it (collectibles).
    pub name: Option<String>,
    /// A Limited's recent average price (collectibles).
    pub recent_average_price: Option<u64>,
}

impl Holding {
    /// A holding with nothing but its id.
    pub fn new(id: HoldingId) -> Self {
        Holding {
            id,
            serial_number: None,
            name: None,
            recent_average_price: None,
        }
    }

    /// With a serial number.
    pub fn with_serial_number(mut self, serial_number: Option<u64>) -> Self {
        self.serial_number = serial_number;
        self
    }
}

/// What one observation saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "state", content = "holdings")]
#[non_exhaustive]
pub enum View {
    /// Everything the user holds in the scope, complete (no page missing).
    Holdings(Vec<Holding>),
    /// The inventory is private to the credential used: nothing is known of
    /// its contents (it is not empty).
    Private,
}

/// One complete look at a user's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Whose.
    pub user_id: u64,
    /// What was looked at.
    pub scope: Scope,
    /// When the observation began.
    pub observed_at: DateTime<Utc>,
    /// What it saw.
    pub view: View,
}
