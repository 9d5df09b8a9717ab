//! What to watch of a user.

use roblox_inventory::models::InventoryItemAssetType;
use roblox_inventory::Item;
use serde::{Deserialize, Serialize};

/// What to watch of a user: one observation lists exactly this, completely.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "of")]
#[non_exhaustive]
pub enum Scope {
    /// Their Limiteds, from the legacy collectibles endpoint: each copy with
    /// its copy id (user asset id) and serial number. Needs no credential for
    /// a public inventory.
    Collectibles,
    /// Their game passes (Open Cloud listing).
    GamePasses,
    /// Their badges (Open Cloud listing).
    Badges,
    /// Their private servers (Open Cloud listing; needs the Inventory read
    /// permission).
    PrivateServers,
    /// Their assets of these Open Cloud asset types, each copy with its copy
    /// id (Open Cloud listing).
    AssetTypes(Vec<InventoryItemAssetType>),
    /// Whether they hold each of these items (the ownership planner:
    /// is-owned and Open Cloud id filters).
    Items(Vec<ItemRef>),
}

/// An item of a [`Scope::Items`] list (the client's [`Item`], serialisable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "id")]
#[non_exhaustive]
pub enum ItemRef {
    /// An asset.
    Asset(u64),
    /// A game pass.
    GamePass(u64),
    /// A badge.
    Badge(u64),
    /// A bundle.
    Bundle(u64),
    /// A private server.
    PrivateServer(u64),
}

impl From<Item> for ItemRef {
    fn from(item: Item) -> Self {
        match item {
            Item::Asset(id) => ItemRef::Asset(id),
            Item::GamePass(id) => ItemRef::GamePass(id),
            Item::Badge(id) => ItemRef::Badge(id),
            Item::Bundle(id) => ItemRef::Bundle(id),
            Item::PrivateServer(id) => ItemRef::PrivateServer(id),
        }
    }
}

impl From<ItemRef> for Item {
    fn from(item: ItemRef) -> Self {
        match item {
            ItemRef::Asset(id) => Item::Asset(id),
            ItemRef::GamePass(id) => Item::GamePass(id),
            ItemRef::Badge(id) => Item::Badge(id),
            ItemRef::Bundle(id) => Item::Bundle(id),
            ItemRef::PrivateServer(id) => Item::PrivateServer(id),
        }
    }
}

/// A scope that cannot be observed as given; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// `AssetTypes` or `Items` with nothing in it: sent, an empty Open Cloud
    /// filter would list the whole inventory, and an empty list says nothing.
    #[error("the scope selects nothing ({0} is empty)")]
    Empty(&'static str),
    /// An asset type the spec does not know (`Other`): Roblox may refuse it,
    /// and a refused filter must not read as "holds none".
    #[error("`{0}` is not an inventory item asset type the spec knows")]
    UnknownAssetType(String),
}

impl Scope {
    /// Checks the scope before any request.
    pub fn validate(&self) -> Result<(), ScopeError> {
        match self {
            Scope::AssetTypes(types) if types.is_empty() => Err(ScopeError::Empty("AssetTypes")),
            Scope::AssetTypes(types) => match types.iter().find(|t| !t.is_known()) {
                Some(unknown) => Err(ScopeError::UnknownAssetType(unknown.to_string())),
                None => Ok(()),
            },
            Scope::Items(items) if items.is_empty() => Err(ScopeError::Empty("Items")),
            _ => Ok(()),
        }
    }
}

/// As people write it: `collectibles`, `game-passes`, `badges`,
/// `private-servers`, `asset-types:HAT,FACE`, `items:game-pass 1111,badge 2`.
impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Collectibles => f.write_str("collectibles"),
            Scope::GamePasses => f.write_str("game-passes"),
            Scope::Badges => f.write_str("badges"),
            Scope::PrivateServers => f.write_str("private-servers"),
            Scope::AssetTypes(types) => {
                let names: Vec<String> = types.iter().map(|t| t.to_string()).collect();
                write!(f, "asset-types:{}", names.join(","))
            }
            Scope::Items(items) => {
                let names: Vec<String> = items.iter().map(|i| i.to_string()).collect();
                write!(f, "items:{}", names.join(","))
            }
        }
    }
}

/// `game-pass 1111`, as `rbxinv owns --items-file` lines read.
impl std::fmt::Display for ItemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, id) = match self {
            ItemRef::Asset(id) => ("asset", id),
            ItemRef::GamePass(id) => ("game-pass", id),
            ItemRef::Badge(id) => ("badge", id),
            ItemRef::Bundle(id) => ("bundle", id),
            ItemRef::PrivateServer(id) => ("private-server", id),
        };
        write!(f, "{kind} {id}")
    }
}
