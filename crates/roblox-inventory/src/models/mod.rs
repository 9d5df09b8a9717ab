//! This crate's models: what the operations return and the enums they take.
//!
//! They are this crate's own types, stable across regenerations of the
//! low-level client: ids are `u64`, fields Roblox always sends are not
//! `Option`s, structs and enums are `#[non_exhaustive]` (fields and values
//! Roblox adds arrive in minor releases), and everything is `Serialize` with
//! Roblox's camelCase names. The generated types they come from are reachable
//! through [`crate::api`]; the conversions live in one place, and what they
//! tolerate (and the one thing they refuse) is described there: a record
//! without the id that identifies it fails its page with
//! [`Error::Decode`](crate::Error::Decode).
//!
//! Enums read names in any case and, when numbered, numbers; a value this
//! version has no variant for is kept in `Other` (with the spec's name when a
//! regenerated spec lists it), never refused:
//!
//! ```
//! use roblox_inventory::models::AssetType;
//!
//! let future: AssetType = serde_json::from_str("4242").unwrap();
//! assert!(matches!(future, AssetType::Other(_)));
//! assert_eq!(future.number(), Some(4242));
//! assert!(!future.is_known());
//! ```

mod enums;
mod inventory;
mod legacy;
pub(crate) mod wire;

use std::fmt;

pub use enums::{
    AssetType, BuildersClubMembershipType, CategoryItemType, CollectibleItemInstanceState,
    CreatorType, InventoryItemAssetType, OwnershipItemType, PlacesTab, SortOrder,
};
pub use inventory::{AssetDetails, CollectibleDetails, InventoryItem, ItemDetails};
pub use legacy::{Category, CategoryItem, Collectible, Creator, OwnedAsset, Owner, Place};

/// A point in time, in UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// An enum value this version has no variant for (see the module docs): its
/// number and name as far as Roblox and the spec give them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OtherValue {
    known: bool,
    number: Option<i64>,
    name: Option<String>,
}

impl OtherValue {
    /// The number, for numbered enums, if Roblox sent one.
    pub fn number(&self) -> Option<i64> {
        self.number
    }

    /// The name: the spec's, or the text Roblox sent.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl fmt::Display for OtherValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.name, self.number) {
            (Some(name), _) => f.write_str(name),
            (None, Some(number)) => write!(f, "{number}"),
            (None, None) => Ok(()),
        }
    }
}

/// Something a user can own, for [`Client::owns`](crate::Client::owns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    /// An asset (accessory, clothing, Limited, place, …).
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

impl Item {
    /// Whether an inventory item is this item.
    pub fn matches(&self, details: &ItemDetails) -> bool {
        match (self, details) {
            (Item::Asset(a), ItemDetails::Asset(d)) => d.asset_id == *a,
            (Item::GamePass(a), ItemDetails::GamePass { game_pass_id }) => game_pass_id == a,
            (Item::Badge(a), ItemDetails::Badge { badge_id }) => badge_id == a,
            (Item::PrivateServer(a), ItemDetails::PrivateServer { private_server_id }) => {
                private_server_id == a
            }
            _ => false,
        }
    }

    /// Whether an item the client could not read ([`ItemDetails::Unknown`],
    /// kept as sent) may be this item: its details are of this item's kind, or
    /// of no kind this version knows. Such an item is never answered "not owned".
    pub(crate) fn could_be(&self, raw: &serde_json::Value) -> bool {
        use wire::{ASSET_DETAILS, BADGE_DETAILS, GAME_PASS_DETAILS, PRIVATE_SERVER_DETAILS};
        let own = match self {
            Item::Asset(_) => ASSET_DETAILS,
            Item::GamePass(_) => GAME_PASS_DETAILS,
            Item::Badge(_) => BADGE_DETAILS,
            Item::PrivateServer(_) => PRIVATE_SERVER_DETAILS,
            // Open Cloud lists no bundles.
            Item::Bundle(_) => return false,
        };
        let Some(fields) = raw.as_object() else {
            return true;
        };
        let kinds: Vec<&str> = fields
            .keys()
            .map(String::as_str)
            .filter(|k| {
                [
                    ASSET_DETAILS,
                    BADGE_DETAILS,
                    GAME_PASS_DETAILS,
                    PRIVATE_SERVER_DETAILS,
                ]
                .contains(k)
            })
            .collect();
        kinds.is_empty() || kinds.contains(&own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_cloud_items_become_an_enum_and_tolerate_oddities() {
        let parse = |json: &str| -> InventoryItem {
            wire::inventory_item(
                serde_json::from_str::<roblox_inventory_api::types::InventoryItem>(json).unwrap(),
            )
        };
        let asset = parse(
            r#"{"path":"users/1/inventory-items/x","assetDetails":{"assetId":"42","inventoryItemAssetType":"HAT",
            "instanceId":"7","collectibleDetails":{"instanceState":"HOLD","serialNumber":3}},"addTime":"2024-01-15T10:00:00Z","newField":1}"#,
        );
        let ItemDetails::Asset(details) = &asset.details else {
            panic!("{asset:?}")
        };
        assert_eq!((details.asset_id, details.instance_id), (42, Some(7)));
        assert_eq!(
            details.collectible.as_ref().unwrap().state,
            Some(CollectibleItemInstanceState::Hold)
        );
        assert_eq!(
            parse(r#"{"gamePassDetails":{"gamePassId":"9"}}"#).details,
            ItemDetails::GamePass { game_pass_id: 9 }
        );
        // What this version does not understand is kept, as Roblox sent it.
        assert_eq!(
            parse(r#"{"path":"p","somethingNew":{"somethingNewId":"5"}}"#).details,
            ItemDetails::Unknown(serde_json::json!({"somethingNew": {"somethingNewId": "5"}}))
        );
        assert_eq!(
            parse(r#"{"badgeDetails":{"badgeId":"not a number"}}"#).details,
            ItemDetails::Unknown(serde_json::json!({"badgeDetails": {"badgeId": "not a number"}}))
        );
        assert!(Item::GamePass(9).matches(&ItemDetails::GamePass { game_pass_id: 9 }));
    }
}

#[cfg(test)]
mod conversions {
    use super::*;
    use roblox_inventory_api::types as generated;

    fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).expect("the generated type decodes it")
    }

    #[test]
    fn every_variant_is_a_value_of_the_spec_and_round_trips() {
        fn check<E>(all: &[E], name: impl Fn(&E) -> Option<&str>)
        where
            E: std::str::FromStr<Err = std::convert::Infallible>
                + serde::Serialize
                + serde::de::DeserializeOwned
                + PartialEq
                + std::fmt::Debug
                + std::fmt::Display,
        {
            assert!(!all.is_empty());
            for value in all {
                let spec_name = name(value).unwrap_or_else(|| panic!("{value:?} has no name"));
                assert_eq!(value.to_string(), spec_name);
                assert_eq!(&spec_name.to_ascii_lowercase().parse::<E>().unwrap(), value);
                let json = serde_json::to_string(value).unwrap();
                assert_eq!(&serde_json::from_str::<E>(&json).unwrap(), value, "{json}");
            }
        }
        check(AssetType::ALL, AssetType::name);
        check(InventoryItemAssetType::ALL, InventoryItemAssetType::name);
        check(SortOrder::ALL, SortOrder::name);
        check(PlacesTab::ALL, PlacesTab::name);
        check(OwnershipItemType::ALL, OwnershipItemType::name);
        check(
            CollectibleItemInstanceState::ALL,
            CollectibleItemInstanceState::name,
        );
        check(
            BuildersClubMembershipType::ALL,
            BuildersClubMembershipType::name,
        );
        check(CreatorType::ALL, CreatorType::name);
        check(CategoryItemType::ALL, CategoryItemType::name);
        // Numbers are the spec's (facts §5.1, §2).
        assert_eq!(AssetType::Hat.number(), Some(8));
        assert_eq!(AssetType::DynamicHead.number(), Some(79));
        assert_eq!(PlacesTab::Purchased.number(), Some(3));
        assert_eq!(BuildersClubMembershipType::RobloxPremium.number(), Some(4));
        assert_eq!(CreatorType::Group.number(), Some(2));
    }

    #[test]
    fn values_without_a_variant_are_kept_with_what_the_spec_says() {
        // Listed by the spec, deliberately without a variant: known, named.
        let unspecified: InventoryItemAssetType =
            from_json("\"INVENTORY_ITEM_ASSET_TYPE_UNSPECIFIED\"");
        assert!(matches!(unspecified, InventoryItemAssetType::Other(_)));
        assert!(unspecified.is_known());
        assert_eq!(
            unspecified.as_str(),
            "INVENTORY_ITEM_ASSET_TYPE_UNSPECIFIED"
        );
        // Not listed: kept as sent, and sent back the same way.
        let future: InventoryItemAssetType = from_json("\"HOLOGRAM\"");
        assert!(!future.is_known());
        assert_eq!(serde_json::to_string(&future).unwrap(), "\"HOLOGRAM\"");
        let number: AssetType = from_json("4242");
        assert_eq!((number.number(), number.name()), (Some(4242), None));
        assert_eq!(AssetType::from_number(number.number().unwrap()), number);
        assert_eq!(number.to_string(), "4242");
        let name: PlacesTab = from_json("\"Favourites\"");
        assert_eq!((name.number(), name.name()), (None, Some("Favourites")));
        assert!(!name.is_known());
    }

    #[test]
    fn legacy_records_are_read_tolerantly_and_refused_only_without_their_ids() {
        let collectible = wire::collectible(from_json(
            r#"{"userAssetId":11,"assetId":1029025,"name":null,"serialNumber":null,
                "recentAveragePrice":-5,"originalPrice":100,"buildersClubMembershipType":"Premium?",
                "isOnHold":null,"brandNew":true}"#,
        ))
        .expect("ids are there");
        assert_eq!(
            (collectible.user_asset_id, collectible.asset_id),
            (11, 1029025)
        );
        assert_eq!(collectible.name, "");
        assert_eq!(collectible.serial_number, None);
        assert_eq!(
            collectible.recent_average_price, None,
            "a negative price is no price"
        );
        assert_eq!(collectible.original_price, Some(100));
        assert!(!collectible.is_on_hold);
        assert!(!collectible.builders_club_membership.unwrap().is_known());

        for json in [
            r#"{"assetId":1}"#,
            r#"{"userAssetId":null,"assetId":1}"#,
            r#"{"userAssetId":-3,"assetId":1}"#,
        ] {
            let bad = wire::collectible(from_json(json)).expect_err(json);
            let error = crate::Error::from(bad);
            let text = error.to_string();
            assert!(
                text.contains("collectible") && text.contains("userAssetId"),
                "{text}"
            );
            assert!(matches!(error, crate::Error::Decode { status: 200, .. }));
        }

        let asset = wire::owned_asset(from_json(
            r#"{"userAssetId":5,"assetId":6,"assetName":"Hat","owner":{"username":"nobody"},
                "created":"2020-01-02T03:04:05Z","updated":"yesterday"}"#,
        ))
        .unwrap();
        assert_eq!(asset.name, "Hat");
        assert_eq!(asset.owner, None, "an owner without a user id is no owner");
        assert!(asset.created.is_some() && asset.updated.is_none());

        let place = wire::place(from_json(
            r#"{"placeId":1818,"name":"Crossroads","creator":{"id":1,"name":"Roblox","type":1}}"#,
        ))
        .unwrap();
        let creator = place.creator.unwrap();
        assert_eq!((creator.id, creator.kind), (1, Some(CreatorType::User)));
        assert!(wire::place(from_json(r#"{"name":"no id"}"#)).is_err());

        let category: generated::AssetsExplorerCategoryModel = from_json(
            r#"{"name":"Accessories","displayName":"Accessories","items":[{"id":8,"name":"Hats","type":0}]}"#,
        );
        let category = wire::category(category).unwrap();
        assert_eq!(category.items[0].kind, Some(CategoryItemType::AssetType));
        assert!(wire::asset_ids(from_json(r#"{"assetIds":[1,-2]}"#)).is_err());
        assert_eq!(
            wire::asset_ids(from_json(r#"{"assetIds":[1,2]}"#)).unwrap(),
            [1, 2]
        );
    }

    #[test]
    fn models_serialize_in_roblox_names() {
        let item = wire::inventory_item(from_json(
            r#"{"path":"users/1/inventory-items/x","gamePassDetails":{"gamePassId":"9"}}"#,
        ));
        assert_eq!(
            serde_json::to_value(&item).unwrap(),
            serde_json::json!({"path": "users/1/inventory-items/x", "added": null,
                "details": {"gamePass": {"gamePassId": 9}}})
        );
        let collectible = wire::collectible(from_json(
            r#"{"userAssetId":11,"assetId":12,"name":"Dominus","buildersClubMembershipType":0}"#,
        ))
        .unwrap();
        let json = serde_json::to_value(&collectible).unwrap();
        assert_eq!(json["userAssetId"], 11);
        assert_eq!(json["buildersClubMembership"], "None");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn asset_types_read_numbers_and_names(n in any::<i64>(), upper in any::<bool>()) {
            let parsed: AssetType = serde_json::from_str(&n.to_string()).unwrap();
            prop_assert_eq!(parsed.number(), Some(n));
            prop_assert_eq!(AssetType::from_number(n), parsed.clone());
            if let Some(name) = parsed.name() {
                let written = if upper { name.to_ascii_uppercase() } else { name.to_string() };
                let by_name: AssetType = serde_json::from_str(&format!("\"{written}\"")).unwrap();
                prop_assert_eq!(by_name, parsed);
            }
        }

        #[test]
        fn unknown_names_are_kept(name in "[A-Za-z]{1,20}") {
            let parsed: AssetType = serde_json::from_str(&format!("\"{name}\"")).unwrap();
            match &parsed {
                AssetType::Other(kept) => prop_assert_eq!(kept.name(), Some(name.as_str())),
                known => prop_assert!(known.name().is_some_and(|n| n.eq_ignore_ascii_case(&name))),
            }
        }

        #[test]
        fn decoders_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = crate::error::ApiError::parse(400, &bytes);
            let _ = serde_json::from_slice::<roblox_inventory_api::types::ListInventoryItemsResponse>(&bytes);
            let _ = serde_json::from_slice::<roblox_inventory_api::types::ApiPageResponseCollectibleUserAssetModel>(&bytes);
            let _ = serde_json::from_slice::<roblox_inventory_api::types::ApiPageResponseInventoryItemModel>(&bytes);
            let _ = serde_json::from_slice::<roblox_inventory_api::types::ApiPageResponsePlaceModel>(&bytes);
            let _ = serde_json::from_slice::<roblox_inventory_api::types::CategoriesModel>(&bytes);
        }

        #[test]
        fn open_cloud_items_from_any_json_never_panic(value in any_json()) {
            if let Ok(item) = serde_json::from_value::<roblox_inventory_api::types::InventoryItem>(value) {
                let _ = wire::inventory_item(item);
            }
        }
    }

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "[a-zA-Z0-9_]{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            let keys = prop_oneof![
                Just("assetDetails".to_string()),
                Just("badgeDetails".to_string()),
                Just("gamePassDetails".to_string()),
                Just("assetId".to_string()),
                Just("badgeId".to_string()),
                Just("inventoryItemAssetType".to_string()),
                Just("collectibleDetails".to_string()),
                Just("serialNumber".to_string()),
                "[a-z]{1,6}",
            ];
            proptest::collection::btree_map(keys, inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
        })
    }
}

#[cfg(test)]
mod timestamps {
    use super::*;

    #[test]
    fn hardening_05_odd_timestamps_never_fail_a_page() {
        let item = wire::inventory_item(
            serde_json::from_str::<roblox_inventory_api::types::InventoryItem>(
                r#"{"gamePassDetails":{"gamePassId":"1"},"addTime":"0001-01-01T00:00:00"}"#,
            )
            .expect("a .NET timestamp without an offset"),
        );
        assert_eq!(
            item.added.map(|t| t.to_rfc3339()),
            Some("0001-01-01T00:00:00+00:00".to_string())
        );
        let page: roblox_inventory_api::types::ApiPageResponseInventoryItemModel = serde_json::from_str(
            r#"{"data":[{"assetId":1,"created":"2020-01-02T03:04:05.678Z","updated":"not a time","expireAt":null}]}"#,
        )
        .expect("a page with one odd timestamp still decodes");
        let first = &page.data[0];
        assert!(first.created.as_ref().and_then(|t| t.at).is_some());
        let updated = first.updated.as_ref().unwrap();
        assert_eq!((updated.at, updated.raw.as_str()), (None, "not a time"));
    }
}
