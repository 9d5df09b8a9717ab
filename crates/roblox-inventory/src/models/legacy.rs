//! What the legacy listings (inventory.roblox.com) return.

use serde::Serialize;

use super::{BuildersClubMembershipType, CategoryItemType, CreatorType, Timestamp};

/// A collectible (Limited) asset a user owns
/// ([`Client::collectibles`](crate::Client::collectibles)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Collectible {
    /// The copy's id (user asset id): what listings sort by.
    pub user_asset_id: u64,
    /// The asset id.
    pub asset_id: u64,
    /// The asset's name.
    pub name: String,
    /// The copy's serial number (Limited U items only).
    pub serial_number: Option<u64>,
    /// The recent average price, in Robux.
    pub recent_average_price: Option<u64>,
    /// The price it originally sold for, in Robux, if Roblox still says.
    pub original_price: Option<u64>,
    /// How many copies exist, for Limited U items.
    pub asset_stock: Option<u64>,
    /// Whether the copy is on hold (recently traded or bought, not yet tradable).
    pub is_on_hold: bool,
    /// The owner's membership, as Roblox still reports it.
    pub builders_club_membership: Option<BuildersClubMembershipType>,
}

/// A copy of an asset in a user's inventory of one asset type
/// ([`Client::inventory`](crate::Client::inventory)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OwnedAsset {
    /// The copy's id (user asset id).
    pub user_asset_id: u64,
    /// The asset id.
    pub asset_id: u64,
    /// The asset's name.
    pub name: String,
    /// The copy's serial number, for Limiteds.
    pub serial_number: Option<u64>,
    /// The collectible item id (a UUID), for collectibles.
    pub collectible_item_id: Option<String>,
    /// The collectible instance id (a UUID), for collectibles.
    pub collectible_instance_id: Option<String>,
    /// Who owns the copy.
    pub owner: Option<Owner>,
    /// When the copy was created.
    pub created: Option<Timestamp>,
    /// When the copy last changed.
    pub updated: Option<Timestamp>,
    /// When a transient item expires.
    pub expires: Option<Timestamp>,
}

/// The owner of an [`OwnedAsset`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Owner {
    /// The user id.
    pub user_id: u64,
    /// The username.
    pub username: String,
    /// Their membership, as Roblox still reports it.
    pub builders_club_membership: Option<BuildersClubMembershipType>,
}

/// A place in one of a user's places tabs ([`Client::places`](crate::Client::places)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Place {
    /// The place id.
    pub place_id: u64,
    /// The experience (universe) it belongs to.
    pub universe_id: Option<u64>,
    /// The place's name.
    pub name: String,
    /// Who made it.
    pub creator: Option<Creator>,
    /// Its price, for paid-access places.
    pub price_in_robux: Option<u64>,
}

/// The creator of a [`Place`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Creator {
    /// The user, group or experience id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Whether a user, a group or an experience.
    pub kind: Option<CreatorType>,
}

/// A category of a user's Inventory page ([`Client::categories`](crate::Client::categories)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Category {
    /// Its internal name.
    pub name: String,
    /// The name the page shows.
    pub display_name: String,
    /// Roblox's category kind, as sent.
    pub category_type: Option<String>,
    /// Its entries.
    pub items: Vec<CategoryItem>,
}

/// An entry of a [`Category`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CategoryItem {
    /// The id of what it lists (for asset types, the [`AssetType`](super::AssetType) number).
    pub id: u64,
    /// Its internal name.
    pub name: String,
    /// The name the page shows.
    pub display_name: String,
    /// The page's filter for it, as sent.
    pub filter: Option<String>,
    /// What it lists.
    pub kind: Option<CategoryItemType>,
    /// Roblox's category kind, as sent.
    pub category_type: Option<String>,
}
