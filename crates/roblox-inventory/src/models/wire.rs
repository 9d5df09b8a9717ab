//! Wire → public: the one place where the generated types (what Roblox sends, in
//! the shapes the spec describes) become this crate's models, and where this
//! crate's enums meet the generated ones.
//!
//! Decoding is already tolerant (unknown fields ignored, nulls accepted, enums as
//! names or numbers, odd timestamps kept); the conversions keep that promise:
//! a missing name is an empty string, a negative count is absent, an unreadable
//! timestamp is `None`, an enum value this version has no variant for is kept in
//! `Other`. Only a record without the id that identifies it (Roblox always sends
//! it) is refused, as [`Error::Decode`](crate::Error::Decode): reporting such a
//! record, or silently dropping it, would misstate what the user owns.
//!
//! The enums are declared with [`wire_enum!`]: each public variant names the
//! generated variant of the same name, so numbers and names stay facts of the
//! spec (derived, never restated here), a value removed from the spec fails the
//! build, and a value added by regeneration arrives as `Other` carrying the
//! spec's name and number, without changing this crate's public API.

use roblox_inventory_api::types as generated;
use serde::Serialize;

use super::{
    AssetDetails, BuildersClubMembershipType, Category, CategoryItem, CategoryItemType,
    Collectible, CollectibleDetails, CollectibleItemInstanceState, Creator, CreatorType,
    InventoryItem, InventoryItemAssetType, ItemDetails, OwnedAsset, Owner, Place, Timestamp,
};
use crate::error::Error;

/// Declares a public enum over a generated one (see the module docs).
///
/// `numbered` enums travel as numbers (with names from the spec), `named` ones
/// as strings.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $kind:ident from $generated:ident {
            $( $variant:ident ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", stringify!($variant), "`.")]
                $variant,
            )+
            /// A value this version has no variant for, kept as Roblox sent it:
            /// one the spec added since (with the spec's name), or one it does
            /// not list.
            Other($crate::models::OtherValue),
        }

        impl $name {
            /// Every value this version has a variant for.
            pub const ALL: &'static [$name] = &[$( $name::$variant ),+];

            /// The value as the spec names it; for [`Self::Other`], the name Roblox
            /// sent, if it sent one.
            pub fn name(&self) -> Option<&str> {
                match self {
                    Self::Other(other) => other.name(),
                    known => known.to_wire().name(),
                }
            }

            /// Whether the spec this version was generated from lists the value.
            pub fn is_known(&self) -> bool {
                match self {
                    Self::Other(other) => other.known,
                    _ => true,
                }
            }

            pub(crate) fn to_wire(&self) -> ::roblox_inventory_api::enums::$generated {
                use ::roblox_inventory_api::enums::$generated as Wire;
                match self {
                    $( Self::$variant => Wire::$variant, )+
                    Self::Other(other) => wire_enum!(@other_to_wire $kind, Wire, other),
                }
            }

            pub(crate) fn from_wire(wire: ::roblox_inventory_api::enums::$generated) -> Self {
                use ::roblox_inventory_api::enums::$generated as Wire;
                match wire {
                    $( Wire::$variant => Self::$variant, )+
                    other => Self::Other(wire_enum!(@other_from_wire $kind, other)),
                }
            }
        }

        wire_enum!(@methods $kind, $name, $generated);

        /// The name; a value without one as its number.
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => ::std::fmt::Display::fmt(&self.to_wire(), f),
                }
            }
        }

        /// Reads a name (any case) or, for numbered values, a number; never fails:
        /// what the spec does not list becomes [`Self::Other`].
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let wire = text.parse().unwrap_or_else(|never| match never {});
                Ok(Self::from_wire(wire))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // The name where there is one (readable, and read back by name);
                // otherwise as Roblox sent it.
                match self.name() {
                    Some(name) => serializer.serialize_str(name),
                    None => ::serde::Serialize::serialize(&self.to_wire(), serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <::roblox_inventory_api::enums::$generated as ::serde::Deserialize>::deserialize(
                    deserializer,
                )
                .map(Self::from_wire)
            }
        }
    };

    (@other_to_wire numbered, $wire:ident, $other:ident) => {
        match ($other.number, &$other.name) {
            (Some(number), _) => $wire::from_number(number),
            (None, Some(name)) => $wire::from_name(name),
            (None, None) => $wire::from_name(""),
        }
    };
    (@other_to_wire named, $wire:ident, $other:ident) => {
        $wire::Unknown($other.name.clone().unwrap_or_default())
    };
    (@other_from_wire numbered, $value:ident) => {
        $crate::models::OtherValue {
            known: $value.name().is_some(),
            number: $value.number(),
            name: $value
                .name()
                .map(str::to_string)
                .or_else(|| $value.number().is_none().then(|| $value.to_string())),
        }
    };
    (@other_from_wire named, $value:ident) => {
        $crate::models::OtherValue {
            known: $value.name().is_some(),
            number: None,
            name: Some($value.as_str().to_string()),
        }
    };
    (@methods numbered, $name:ident, $generated:ident) => {
        impl $name {
            /// The number Roblox uses for the value, if known.
            pub fn number(&self) -> Option<i64> {
                match self {
                    Self::Other(other) => other.number,
                    known => known.to_wire().number(),
                }
            }

            /// The value with this number ([`Self::Other`] if the spec does not list it).
            pub fn from_number(number: i64) -> Self {
                Self::from_wire(::roblox_inventory_api::enums::$generated::from_number(number))
            }

            /// The value with this name, in any case ([`Self::Other`] if the spec
            /// does not list it).
            pub fn from_name(name: &str) -> Self {
                Self::from_wire(::roblox_inventory_api::enums::$generated::from_name(name))
            }
        }
    };
    (@methods named, $name:ident, $generated:ident) => {
        impl $name {
            /// The value as Roblox writes it.
            pub fn as_str(&self) -> &str {
                self.name().unwrap_or_default()
            }
        }
    };
}

pub(crate) use wire_enum;

/// A record Roblox sent without the id that identifies it.
#[derive(Debug)]
pub(crate) struct Unreadable {
    record: &'static str,
    field: &'static str,
    excerpt: String,
}

impl From<Unreadable> for Error {
    fn from(bad: Unreadable) -> Self {
        Error::Decode {
            status: 200,
            reason: format!(
                "a {} without a usable `{}` (Roblox always sends one)",
                bad.record, bad.field
            ),
            excerpt: bad.excerpt,
        }
    }
}

/// Converts every record of a page; the first unreadable one fails the page.
pub(crate) fn all<W, T>(
    records: Vec<W>,
    convert: fn(W) -> Result<T, Unreadable>,
) -> Result<Vec<T>, Error> {
    all_unreadable(records, convert).map_err(Error::from)
}

fn required_id(
    record: &'static str,
    field: &'static str,
    value: Option<i64>,
    whole: &impl Serialize,
) -> Result<u64, Unreadable> {
    value
        .and_then(|id| u64::try_from(id).ok())
        .ok_or_else(|| Unreadable {
            record,
            field,
            excerpt: crate::error::excerpt(&serde_json::to_vec(whole).unwrap_or_default()),
        })
}

/// A count or price: a negative number (never meaningful) reads as absent.
fn count(value: Option<i64>) -> Option<u64> {
    value.and_then(|n| u64::try_from(n).ok())
}

fn text(value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn time(value: Option<roblox_inventory_api::Timestamp>) -> Option<Timestamp> {
    value.and_then(|t| t.at)
}

/// An id Open Cloud writes as a string.
fn string_id(text: Option<&String>) -> Option<u64> {
    text.and_then(|t| t.trim().parse().ok())
}

pub(crate) fn collectible(
    wire: generated::CollectibleUserAssetModel,
) -> Result<Collectible, Unreadable> {
    const RECORD: &str = "collectible";
    Ok(Collectible {
        user_asset_id: required_id(RECORD, "userAssetId", wire.user_asset_id, &wire)?,
        asset_id: required_id(RECORD, "assetId", wire.asset_id, &wire)?,
        name: text(wire.name),
        serial_number: count(wire.serial_number),
        recent_average_price: count(wire.recent_average_price),
        original_price: count(wire.original_price),
        asset_stock: count(wire.asset_stock),
        is_on_hold: wire.is_on_hold.unwrap_or(false),
        builders_club_membership: wire
            .builders_club_membership_type
            .map(BuildersClubMembershipType::from_wire),
    })
}

pub(crate) fn owned_asset(wire: generated::InventoryItemModel) -> Result<OwnedAsset, Unreadable> {
    const RECORD: &str = "inventory item";
    Ok(OwnedAsset {
        user_asset_id: required_id(RECORD, "userAssetId", wire.user_asset_id, &wire)?,
        asset_id: required_id(RECORD, "assetId", wire.asset_id, &wire)?,
        name: text(wire.asset_name),
        serial_number: count(wire.serial_number),
        collectible_item_id: wire.collectible_item_id,
        collectible_instance_id: wire.collectible_item_instance_id,
        owner: wire.owner.and_then(owner),
        created: time(wire.created),
        updated: time(wire.updated),
        expires: time(wire.expire_at),
    })
}

/// An owner without a user id is no owner to report.
fn owner(wire: generated::UserModel) -> Option<Owner> {
    Some(Owner {
        user_id: count(wire.user_id)?,
        username: text(wire.username),
        builders_club_membership: wire
            .builders_club_membership_type
            .map(BuildersClubMembershipType::from_wire),
    })
}

pub(crate) fn place(wire: generated::PlaceModel) -> Result<Place, Unreadable> {
    Ok(Place {
        place_id: required_id("place", "placeId", wire.place_id, &wire)?,
        universe_id: count(wire.universe_id),
        name: text(wire.name),
        creator: wire.creator.and_then(creator),
        price_in_robux: count(wire.price_in_robux),
    })
}

/// A creator without an id is no creator to report.
fn creator(wire: generated::CreatorModel) -> Option<Creator> {
    Some(Creator {
        id: count(wire.id)?,
        name: text(wire.name),
        kind: wire.type_.map(CreatorType::from_wire),
    })
}

pub(crate) fn category(
    wire: generated::AssetsExplorerCategoryModel,
) -> Result<Category, Unreadable> {
    Ok(Category {
        name: text(wire.name),
        display_name: text(wire.display_name),
        category_type: wire.category_type,
        items: all_unreadable(wire.items, category_item)?,
    })
}

fn category_item(
    wire: generated::AssetsExplorerCategoryItemModel,
) -> Result<CategoryItem, Unreadable> {
    Ok(CategoryItem {
        id: required_id("category item", "id", wire.id, &wire)?,
        name: text(wire.name),
        display_name: text(wire.display_name),
        filter: wire.filter,
        kind: wire.type_.map(CategoryItemType::from_wire),
        category_type: wire.category_type,
    })
}

fn all_unreadable<W, T>(
    records: Vec<W>,
    convert: fn(W) -> Result<T, Unreadable>,
) -> Result<Vec<T>, Unreadable> {
    records.into_iter().map(convert).collect()
}

/// The package's asset ids; a negative id is unreadable.
pub(crate) fn asset_ids(wire: generated::AssetIdListModel) -> Result<Vec<u64>, Unreadable> {
    wire.asset_ids
        .iter()
        .map(|&id| required_id("package", "assetIds", Some(id), &wire))
        .collect()
}

/// The Open Cloud item's details of an asset (the key [`ItemDetails::Unknown`] keeps them under).
pub(crate) const ASSET_DETAILS: &str = "assetDetails";
/// … of a badge.
pub(crate) const BADGE_DETAILS: &str = "badgeDetails";
/// … of a game pass.
pub(crate) const GAME_PASS_DETAILS: &str = "gamePassDetails";
/// … of a private server.
pub(crate) const PRIVATE_SERVER_DETAILS: &str = "privateServerDetails";

/// An Open Cloud inventory item: its details become [`ItemDetails`]; details
/// whose id is not a number, or a kind this version does not know, are kept as
/// sent in [`ItemDetails::Unknown`] (an item is never refused: its `path` still
/// identifies it).
pub(crate) fn inventory_item(item: generated::InventoryItem) -> InventoryItem {
    // What could not be read, kept as sent: `{key: details}`.
    fn raw(key: &str, details: &impl Serialize) -> ItemDetails {
        let details = serde_json::to_value(details).unwrap_or_default();
        ItemDetails::Unknown(serde_json::json!({ key: details }))
    }
    let details = if let Some(asset) = &item.asset_details {
        match string_id(asset.asset_id.as_ref()) {
            Some(asset_id) => ItemDetails::Asset(AssetDetails {
                asset_id,
                asset_type: asset
                    .inventory_item_asset_type
                    .clone()
                    .map(InventoryItemAssetType::from_wire),
                instance_id: string_id(asset.instance_id.as_ref()),
                collectible: asset
                    .collectible_details
                    .as_ref()
                    .map(|c| CollectibleDetails {
                        item_id: c.item_id.clone(),
                        instance_id: c.instance_id.clone(),
                        state: c
                            .instance_state
                            .clone()
                            .map(CollectibleItemInstanceState::from_wire),
                        serial_number: count(c.serial_number),
                    }),
            }),
            None => raw(ASSET_DETAILS, asset),
        }
    } else if let Some(badge) = &item.badge_details {
        string_id(badge.badge_id.as_ref()).map_or_else(
            || raw(BADGE_DETAILS, badge),
            |badge_id| ItemDetails::Badge { badge_id },
        )
    } else if let Some(pass) = &item.game_pass_details {
        string_id(pass.game_pass_id.as_ref()).map_or_else(
            || raw(GAME_PASS_DETAILS, pass),
            |game_pass_id| ItemDetails::GamePass { game_pass_id },
        )
    } else if let Some(server) = &item.private_server_details {
        string_id(server.private_server_id.as_ref()).map_or_else(
            || raw(PRIVATE_SERVER_DETAILS, server),
            |private_server_id| ItemDetails::PrivateServer { private_server_id },
        )
    } else {
        ItemDetails::Unknown(serde_json::Value::Object(item.extra.clone()))
    };
    InventoryItem {
        path: text(item.path),
        added: time(item.add_time),
        details,
    }
}

/// For fuzzing (the `decoders` target and its regression inputs): `data` as
/// every response body this crate decodes, through the generated types and the
/// conversions above. Never panics, whatever the bytes.
#[cfg(feature = "unstable-test-hooks")]
pub fn decode_all_for_fuzzing(data: &[u8]) {
    fn page<W: serde::de::DeserializeOwned, T>(
        data: &[u8],
        records: fn(W) -> Vec<T>,
    ) -> Option<Vec<T>> {
        serde_json::from_slice(data).ok().map(records)
    }
    let _ = crate::error::ApiError::parse(403, data);
    let _ = page(data, |p: generated::ListInventoryItemsResponse| {
        p.inventory_items.into_iter().map(inventory_item).collect()
    });
    let _ = page(
        data,
        |p: generated::ApiPageResponseCollectibleUserAssetModel| {
            p.data.into_iter().map(collectible).collect()
        },
    );
    let _ = page(data, |p: generated::ApiPageResponseInventoryItemModel| {
        p.data.into_iter().map(owned_asset).collect()
    });
    let _ = page(data, |p: generated::ApiPageResponsePlaceModel| {
        p.data.into_iter().map(place).collect()
    });
    let _ = page(data, |p: generated::CategoriesModel| {
        p.categories.into_iter().map(category).collect()
    });
    let _ = serde_json::from_slice(data).map(asset_ids);
    let _ = serde_json::from_slice::<bool>(data);
}

/// For the decoding benchmark: an Open Cloud page as this crate reads it.
#[cfg(feature = "unstable-test-hooks")]
pub fn decode_inventory_items_page(data: &[u8]) -> Result<Vec<InventoryItem>, serde_json::Error> {
    let page: generated::ListInventoryItemsResponse = serde_json::from_slice(data)?;
    Ok(page
        .inventory_items
        .into_iter()
        .map(inventory_item)
        .collect())
}

/// For the decoding benchmark: a collectibles page as this crate reads it
/// (`None` if a record lacks its ids).
#[cfg(feature = "unstable-test-hooks")]
pub fn decode_collectibles_page(
    data: &[u8],
) -> Result<Option<Vec<Collectible>>, serde_json::Error> {
    let page: generated::ApiPageResponseCollectibleUserAssetModel = serde_json::from_slice(data)?;
    Ok(page
        .data
        .into_iter()
        .map(collectible)
        .collect::<Result<_, _>>()
        .ok())
}
