//! A user's Open Cloud inventory items.

use serde::Serialize;

use super::{CollectibleItemInstanceState, InventoryItemAssetType, Timestamp};

/// One item of a user's Open Cloud inventory
/// ([`Client::inventory_items`](crate::Client::inventory_items)).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InventoryItem {
    /// The resource path, `users/{user_id}/inventory-items/{id}` (the id is opaque).
    pub path: String,
    /// When it was added (Roblox leaves it out for game passes).
    pub added: Option<Timestamp>,
    /// What the item is.
    pub details: ItemDetails,
}

/// What an inventory item is: exactly one kind (the spec's `x-oneOf` of four
/// optional fields, facts §2, as a Rust enum).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ItemDetails {
    /// An asset copy.
    Asset(AssetDetails),
    /// A badge.
    #[serde(rename_all = "camelCase")]
    Badge {
        /// The badge id.
        badge_id: u64,
    },
    /// A game pass.
    #[serde(rename_all = "camelCase")]
    GamePass {
        /// The game pass id.
        game_pass_id: u64,
    },
    /// A private server.
    #[serde(rename_all = "camelCase")]
    PrivateServer {
        /// The private server id.
        private_server_id: u64,
    },
    /// A kind this version does not know, or ids that are not numbers: the
    /// fields it could not read, as Roblox sent them (`{"somethingNew": {…}}`).
    Unknown(serde_json::Value),
}

/// An asset copy in an inventory.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AssetDetails {
    /// The asset id.
    pub asset_id: u64,
    /// Its Open Cloud asset type.
    pub asset_type: Option<InventoryItemAssetType>,
    /// The copy (user asset) id.
    pub instance_id: Option<u64>,
    /// Collectible details, for Limiteds.
    pub collectible: Option<CollectibleDetails>,
}

/// Collectible (Limited) details of an asset copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CollectibleDetails {
    /// The collectible item id (a UUID).
    pub item_id: Option<String>,
    /// The collectible instance id (a UUID).
    pub instance_id: Option<String>,
    /// Available or on hold.
    pub state: Option<CollectibleItemInstanceState>,
    /// The serial number (Limiteds only).
    pub serial_number: Option<u64>,
}
