//! The Open Cloud `filter` grammar for List Inventory Items, as the server reads it.
//!
//! `field=value;field=v1,v2;…` (CD `content/en-us/cloud/reference/patterns.md`,
//! "List inventory items"; facts §3). Type fields (`inventoryItemAssetTypes`,
//! `badges`, `gamePasses`, `privateServers`, `onlyCollectibles`) select kinds of
//! items; ID fields (`assetIds`, `badgeIds`, `gamePassIds`, `privateServerIds`)
//! select items. "You can't combine type and ID fields in the same filter."

use std::collections::BTreeSet;

/// Open Cloud asset type names (OAS `InventoryItem_AssetDetails.inventoryItemAssetType`, facts §5.2).
pub const ASSET_TYPE_NAMES: [&str; 53] = [
    "INVENTORY_ITEM_ASSET_TYPE_UNSPECIFIED",
    "CLASSIC_TSHIRT",
    "AUDIO",
    "HAT",
    "MODEL",
    "CLASSIC_SHIRT",
    "CLASSIC_PANTS",
    "DECAL",
    "CLASSIC_HEAD",
    "FACE",
    "GEAR",
    "ANIMATION",
    "TORSO",
    "RIGHT_ARM",
    "LEFT_ARM",
    "LEFT_LEG",
    "RIGHT_LEG",
    "PACKAGE",
    "PLUGIN",
    "MESH_PART",
    "HAIR_ACCESSORY",
    "FACE_ACCESSORY",
    "NECK_ACCESSORY",
    "SHOULDER_ACCESSORY",
    "FRONT_ACCESSORY",
    "BACK_ACCESSORY",
    "WAIST_ACCESSORY",
    "CLIMB_ANIMATION",
    "DEATH_ANIMATION",
    "FALL_ANIMATION",
    "IDLE_ANIMATION",
    "JUMP_ANIMATION",
    "RUN_ANIMATION",
    "SWIM_ANIMATION",
    "WALK_ANIMATION",
    "POSE_ANIMATION",
    "EMOTE_ANIMATION",
    "VIDEO",
    "TSHIRT_ACCESSORY",
    "SHIRT_ACCESSORY",
    "PANTS_ACCESSORY",
    "JACKET_ACCESSORY",
    "SWEATER_ACCESSORY",
    "SHORTS_ACCESSORY",
    "LEFT_SHOE_ACCESSORY",
    "RIGHT_SHOE_ACCESSORY",
    "DRESS_SKIRT_ACCESSORY",
    "EYEBROW_ACCESSORY",
    "EYELASH_ACCESSORY",
    "MOOD_ANIMATION",
    "DYNAMIC_HEAD",
    "CREATED_PLACE",
    "PURCHASED_PLACE",
];

/// The Open Cloud name of a numeric asset type. The pairing follows the names
/// (HAT = 8 "Hat", CLASSIC_TSHIRT = 2 "TShirt", …); Roblox publishes no table, and
/// places (9) are CREATED_PLACE or PURCHASED_PLACE depending on who made them.
pub fn open_cloud_asset_type(asset_type: i32, created_by_owner: bool) -> &'static str {
    match asset_type {
        2 => "CLASSIC_TSHIRT",
        3 => "AUDIO",
        8 => "HAT",
        9 if created_by_owner => "CREATED_PLACE",
        9 => "PURCHASED_PLACE",
        10 => "MODEL",
        11 => "CLASSIC_SHIRT",
        12 => "CLASSIC_PANTS",
        13 => "DECAL",
        17 => "CLASSIC_HEAD",
        18 => "FACE",
        19 => "GEAR",
        24 => "ANIMATION",
        27 => "TORSO",
        28 => "RIGHT_ARM",
        29 => "LEFT_ARM",
        30 => "LEFT_LEG",
        31 => "RIGHT_LEG",
        32 => "PACKAGE",
        38 => "PLUGIN",
        40 => "MESH_PART",
        41 => "HAIR_ACCESSORY",
        42 => "FACE_ACCESSORY",
        43 => "NECK_ACCESSORY",
        44 => "SHOULDER_ACCESSORY",
        45 => "FRONT_ACCESSORY",
        46 => "BACK_ACCESSORY",
        47 => "WAIST_ACCESSORY",
        48 => "CLIMB_ANIMATION",
        49 => "DEATH_ANIMATION",
        50 => "FALL_ANIMATION",
        51 => "IDLE_ANIMATION",
        52 => "JUMP_ANIMATION",
        53 => "RUN_ANIMATION",
        54 => "SWIM_ANIMATION",
        55 => "WALK_ANIMATION",
        56 => "POSE_ANIMATION",
        61 => "EMOTE_ANIMATION",
        62 => "VIDEO",
        64 => "TSHIRT_ACCESSORY",
        65 => "SHIRT_ACCESSORY",
        66 => "PANTS_ACCESSORY",
        67 => "JACKET_ACCESSORY",
        68 => "SWEATER_ACCESSORY",
        69 => "SHORTS_ACCESSORY",
        70 => "LEFT_SHOE_ACCESSORY",
        71 => "RIGHT_SHOE_ACCESSORY",
        72 => "DRESS_SKIRT_ACCESSORY",
        76 => "EYEBROW_ACCESSORY",
        77 => "EYELASH_ACCESSORY",
        78 => "MOOD_ANIMATION",
        79 => "DYNAMIC_HEAD",
        _ => "INVENTORY_ITEM_ASSET_TYPE_UNSPECIFIED",
    }
}

/// Which asset types a type filter selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetTypes {
    /// `*`
    All,
    /// Named types.
    Some(BTreeSet<String>),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Filter {
    /// No filter: the whole inventory.
    #[default]
    Everything,
    /// Type fields.
    Types {
        /// `inventoryItemAssetTypes`
        asset_types: Option<AssetTypes>,
        /// `onlyCollectibles`
        only_collectibles: bool,
        /// `badges`
        badges: bool,
        /// `gamePasses`
        game_passes: bool,
        /// `privateServers`
        private_servers: bool,
    },
    /// ID fields.
    Ids {
        /// `assetIds`
        assets: BTreeSet<u64>,
        /// `badgeIds`
        badges: BTreeSet<u64>,
        /// `gamePassIds`
        game_passes: BTreeSet<u64>,
        /// `privateServerIds`
        private_servers: BTreeSet<u64>,
    },
}

impl Filter {
    /// The kinds of items the filter's fields select, in listing order (0 assets,
    /// 1 badges, 2 game passes, 3 private servers); empty for no filter.
    pub fn field_kinds(&self) -> Vec<usize> {
        let on = match self {
            Filter::Everything => [false; 4],
            Filter::Types {
                asset_types,
                badges,
                game_passes,
                private_servers,
                ..
            } => [
                asset_types.is_some(),
                *badges,
                *game_passes,
                *private_servers,
            ],
            Filter::Ids {
                assets,
                badges,
                game_passes,
                private_servers,
            } => [
                !assets.is_empty(),
                !badges.is_empty(),
                !game_passes.is_empty(),
                !private_servers.is_empty(),
            ],
        };
        (0..4).filter(|k| on[*k]).collect()
    }

    /// Whether reading with this filter needs private access (Inventory: Read or
    /// the `user.inventory-item:read` scope): private servers and purchased places.
    pub fn needs_private_access(&self) -> bool {
        match self {
            Filter::Everything => false,
            Filter::Types {
                asset_types,
                private_servers,
                ..
            } => {
                *private_servers
                    || matches!(asset_types, Some(AssetTypes::Some(names)) if names.contains("PURCHASED_PLACE"))
            }
            Filter::Ids {
                private_servers, ..
            } => !private_servers.is_empty(),
        }
    }
}

fn boolean(field: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{field}` must be true or false, not `{value}`")),
    }
}

fn ids(field: &str, value: &str) -> Result<BTreeSet<u64>, String> {
    value
        .split(',')
        .map(|v| {
            v.trim().parse::<u64>().map_err(|_| {
                format!("`{field}` must be a comma-separated list of numeric ids, not `{value}`")
            })
        })
        .collect()
}

/// Parses a filter string. An empty string is no filter.
pub fn parse(text: &str) -> Result<Filter, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Filter::Everything);
    }
    let mut seen = BTreeSet::new();
    let mut has_types = false;
    let mut has_ids = false;
    let (mut asset_types, mut only_collectibles, mut badges, mut game_passes, mut private_servers) =
        (None, false, false, false, false);
    let (mut asset_ids, mut badge_ids, mut pass_ids, mut server_ids) = (
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
    );
    for clause in text.split(';') {
        let Some((field, value)) = clause.split_once('=') else {
            return Err(format!("`{clause}` is not a `field=value` clause"));
        };
        let (field, value) = (field.trim(), value.trim());
        if value.is_empty() {
            return Err(format!("`{field}` has no value"));
        }
        if !seen.insert(field.to_string()) {
            return Err(format!("`{field}` appears more than once"));
        }
        match field {
            "inventoryItemAssetTypes" => {
                has_types = true;
                asset_types = Some(if value == "*" {
                    AssetTypes::All
                } else {
                    let mut names = BTreeSet::new();
                    for name in value.split(',') {
                        let name = name.trim();
                        if !ASSET_TYPE_NAMES.contains(&name)
                            || name == "INVENTORY_ITEM_ASSET_TYPE_UNSPECIFIED"
                        {
                            return Err(format!("`{name}` is not an inventory item asset type"));
                        }
                        names.insert(name.to_string());
                    }
                    AssetTypes::Some(names)
                });
            }
            "onlyCollectibles" => {
                has_types = true;
                only_collectibles = boolean(field, value)?;
            }
            "badges" => {
                has_types = true;
                badges = boolean(field, value)?;
            }
            "gamePasses" => {
                has_types = true;
                game_passes = boolean(field, value)?;
            }
            "privateServers" => {
                has_types = true;
                private_servers = boolean(field, value)?;
            }
            "assetIds" => {
                has_ids = true;
                asset_ids = ids(field, value)?;
            }
            "badgeIds" => {
                has_ids = true;
                badge_ids = ids(field, value)?;
            }
            "gamePassIds" => {
                has_ids = true;
                pass_ids = ids(field, value)?;
            }
            "privateServerIds" => {
                has_ids = true;
                server_ids = ids(field, value)?;
            }
            other => return Err(format!("`{other}` is not a filter field")),
        }
    }
    if has_types && has_ids {
        return Err("type fields and ID fields can't be combined in the same filter".into());
    }
    Ok(if has_ids {
        Filter::Ids {
            assets: asset_ids,
            badges: badge_ids,
            game_passes: pass_ids,
            private_servers: server_ids,
        }
    } else {
        Filter::Types {
            asset_types,
            only_collectibles,
            badges,
            game_passes,
            private_servers,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples_parse() {
        for example in [
            "onlyCollectibles=true;inventoryItemAssetTypes=*",
            "inventoryItemAssetTypes=HAT,CLASSIC_PANTS,TSHIRT_ACCESSORY",
            "inventoryItemAssetTypes=HAT,CLASSIC_PANTS,TSHIRT_ACCESSORY;gamePasses=true;badges=false",
            "assetIds=1,2,3,4",
            "assetIds=1,2,3,4;badgeIds=1,2,3,4;gamePassIds=1,2,3,4;privateServerIds=1,2,3,4",
            "gamePasses=true;badges=true",
        ] {
            parse(example).unwrap_or_else(|e| panic!("{example}: {e}"));
        }
        assert_eq!(parse("").unwrap(), Filter::Everything);
    }

    #[test]
    fn invalid_filters_and_combinations_are_rejected() {
        for bad in [
            "assetIds=1;badges=true",
            "assetIds=x",
            "inventoryItemAssetTypes=HATS",
            "badges=yes",
            "color=red",
            "badges",
            "badges=true;badges=false",
            "assetIds=",
            ";",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// Whatever a client sends as a filter, the server answers instead of panicking.
        #[test]
        fn any_filter_text_parses_or_is_refused(text in "[a-zA-Z=;,*0-9 _]{0,80}") {
            let _ = super::parse(&text);
        }
    }
}
