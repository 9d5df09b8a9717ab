//! Models in the shapes users want. The generated types already tolerate what
//! Roblox sends (every field optional, unknown fields ignored, enums as names or
//! numbers); this module adds [`InventoryItem`], whose details are a Rust enum
//! instead of four optional fields of which exactly one is set (OAS
//! `InventoryItem` `x-oneOf`, facts §2).

pub use roblox_inventory_api::enums::{
    AssetType, AssetsExplorerCategoryItemType, BuildersClubMembershipType,
    CollectibleItemInstanceState, CollectionItemType, CreatorType, InventoryItemAssetType,
    OwnershipItemType, PlacesTab, SortOrder,
};
pub use roblox_inventory_api::types::{
    AssetsExplorerCategoryItemModel as CategoryItem, AssetsExplorerCategoryModel as Category,
    CollectibleUserAssetModel as Collectible, CreatorModel as Creator,
    InventoryItemModel as AssetTypeItem, PlaceModel as Place, UserModel as Owner,
};

/// When an item was added.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// One item of a user's Open Cloud inventory.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InventoryItem {
    /// The resource path, `users/{user_id}/inventory-items/{id}`.
    pub path: Option<String>,
    /// When it was added (Roblox leaves it out for game passes).
    pub added: Option<Timestamp>,
    /// What the item is.
    pub details: ItemDetails,
}

/// What an inventory item is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ItemDetails {
    /// An asset copy.
    Asset(AssetDetails),
    /// A badge.
    Badge {
        /// The badge id.
        badge_id: u64,
    },
    /// A game pass.
    GamePass {
        /// The game pass id.
        game_pass_id: u64,
    },
    /// A private server.
    PrivateServer {
        /// The private server id.
        private_server_id: u64,
    },
    /// A kind this version does not know, or ids that are not numbers: the
    /// fields it could not read, as Roblox sent them (`{"somethingNew": {…}}`).
    Unknown(serde_json::Value),
}

/// An asset copy in an inventory.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CollectibleDetails {
    /// The collectible item id (a UUID).
    pub item_id: Option<String>,
    /// The collectible instance id (a UUID).
    pub instance_id: Option<String>,
    /// Available or on hold.
    pub state: Option<CollectibleItemInstanceState>,
    /// The serial number.
    pub serial_number: Option<i64>,
}

fn id(text: Option<&String>) -> Option<u64> {
    text.and_then(|t| t.trim().parse().ok())
}

impl From<roblox_inventory_api::types::InventoryItem> for InventoryItem {
    fn from(item: roblox_inventory_api::types::InventoryItem) -> Self {
        // What could not be read, kept as sent: `{key: details}`.
        fn raw(key: &str, details: &impl serde::Serialize) -> ItemDetails {
            let details = serde_json::to_value(details).unwrap_or_default();
            ItemDetails::Unknown(serde_json::json!({ key: details }))
        }
        let details = if let Some(asset) = &item.asset_details {
            match id(asset.asset_id.as_ref()) {
                Some(asset_id) => ItemDetails::Asset(AssetDetails {
                    asset_id,
                    asset_type: asset.inventory_item_asset_type.clone(),
                    instance_id: id(asset.instance_id.as_ref()),
                    collectible: asset
                        .collectible_details
                        .as_ref()
                        .map(|c| CollectibleDetails {
                            item_id: c.item_id.clone(),
                            instance_id: c.instance_id.clone(),
                            state: c.instance_state.clone(),
                            serial_number: c.serial_number,
                        }),
                }),
                None => raw("assetDetails", asset),
            }
        } else if let Some(badge) = &item.badge_details {
            id(badge.badge_id.as_ref()).map_or_else(
                || raw("badgeDetails", badge),
                |badge_id| ItemDetails::Badge { badge_id },
            )
        } else if let Some(pass) = &item.game_pass_details {
            id(pass.game_pass_id.as_ref()).map_or_else(
                || raw("gamePassDetails", pass),
                |game_pass_id| ItemDetails::GamePass { game_pass_id },
            )
        } else if let Some(server) = &item.private_server_details {
            id(server.private_server_id.as_ref()).map_or_else(
                || raw("privateServerDetails", server),
                |private_server_id| ItemDetails::PrivateServer { private_server_id },
            )
        } else {
            ItemDetails::Unknown(serde_json::Value::Object(item.extra.clone()))
        };
        InventoryItem {
            path: item.path,
            added: item.add_time.and_then(|t| t.at),
            details,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_cloud_items_become_an_enum_and_tolerate_oddities() {
        let parse = |json: &str| -> InventoryItem {
            serde_json::from_str::<roblox_inventory_api::types::InventoryItem>(json)
                .unwrap()
                .into()
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
                AssetType::UnknownName(kept) => prop_assert_eq!(kept, &name),
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
                let _ = InventoryItem::from(item);
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
        let item: InventoryItem =
            serde_json::from_str::<roblox_inventory_api::types::InventoryItem>(
                r#"{"gamePassDetails":{"gamePassId":"1"},"addTime":"0001-01-01T00:00:00"}"#,
            )
            .expect("a .NET timestamp without an offset")
            .into();
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
