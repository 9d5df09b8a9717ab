//! [`InventoryFilter`]: the Open Cloud `filter` grammar as types.
//!
//! `field=value;field=v1,v2` (CD `content/en-us/cloud/reference/patterns.md`;
//! facts §3). "You can't combine type and ID fields in the same filter": a filter
//! is built either [by type](InventoryFilter::by_type) or [by id](InventoryFilter::by_id),
//! so the combination cannot be written; parsing a wire string that combines them
//! is an error.
//!
//! ```
//! use roblox_inventory::InventoryFilter;
//! use roblox_inventory::models::InventoryItemAssetType;
//!
//! let hats_and_passes: InventoryFilter = InventoryFilter::by_type()
//!     .asset_types([InventoryItemAssetType::Hat])
//!     .game_passes()
//!     .into();
//! assert_eq!(hats_and_passes.to_wire(), "inventoryItemAssetTypes=HAT;gamePasses=true");
//!
//! let these: InventoryFilter = InventoryFilter::by_id().game_passes([1111, 2222]).into();
//! assert_eq!(these.to_wire(), "gamePassIds=1111,2222");
//!
//! // Parsed filters are checked as strictly as built ones.
//! assert!("assetIds=1;badges=true".parse::<InventoryFilter>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use crate::models::InventoryItemAssetType;

/// Which asset types a type filter selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetTypes {
    /// `inventoryItemAssetTypes=*`
    All,
    /// The listed types.
    Some(Vec<InventoryItemAssetType>),
}

/// A filter on kinds of items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeFilter {
    asset_types: Option<AssetTypes>,
    only_collectibles: bool,
    badges: bool,
    game_passes: bool,
    private_servers: bool,
}

impl TypeFilter {
    /// Assets of these types.
    pub fn asset_types(mut self, types: impl IntoIterator<Item = InventoryItemAssetType>) -> Self {
        self.asset_types = Some(AssetTypes::Some(types.into_iter().collect()));
        self
    }

    /// Assets of every type (`*`).
    pub fn all_asset_types(mut self) -> Self {
        self.asset_types = Some(AssetTypes::All);
        self
    }

    /// Only Limited (non-UGC collectible) assets. Roblox returns items for it only
    /// together with asset types, so `*` is added when none are set.
    pub fn only_collectibles(mut self) -> Self {
        self.only_collectibles = true;
        if self.asset_types.is_none() {
            self.asset_types = Some(AssetTypes::All);
        }
        self
    }

    /// Badges.
    pub fn badges(mut self) -> Self {
        self.badges = true;
        self
    }

    /// Game passes.
    pub fn game_passes(mut self) -> Self {
        self.game_passes = true;
        self
    }

    /// Private servers (needs the Inventory read permission).
    pub fn private_servers(mut self) -> Self {
        self.private_servers = true;
        self
    }
}

/// A filter on specific items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdFilter {
    assets: Vec<u64>,
    badges: Vec<u64>,
    game_passes: Vec<u64>,
    private_servers: Vec<u64>,
}

impl IdFilter {
    /// These asset ids.
    pub fn assets(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.assets.extend(ids);
        self
    }

    /// These badge ids.
    pub fn badges(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.badges.extend(ids);
        self
    }

    /// These game pass ids.
    pub fn game_passes(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.game_passes.extend(ids);
        self
    }

    /// These private server ids (needs the Inventory read permission).
    pub fn private_servers(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.private_servers.extend(ids);
        self
    }
}

/// A filter for [`Client::inventory_items`](crate::Client::inventory_items).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum InventoryFilter {
    /// No filter: the whole inventory.
    #[default]
    Everything,
    /// Kinds of items.
    Types(TypeFilter),
    /// Specific items.
    Ids(IdFilter),
}

impl InventoryFilter {
    /// Starts a filter on kinds of items.
    pub fn by_type() -> TypeFilter {
        TypeFilter::default()
    }

    /// Starts a filter on specific items.
    pub fn by_id() -> IdFilter {
        IdFilter::default()
    }

    /// The wire form, e.g. `inventoryItemAssetTypes=HAT;gamePasses=true`; empty for
    /// [`InventoryFilter::Everything`].
    pub fn to_wire(&self) -> String {
        self.to_string()
    }

    /// Whether the filter selects nothing at all: an id filter without ids, or a
    /// type filter without a type (`asset_types([])`, `badges=false`, or
    /// `onlyCollectibles` alone, which Roblox answers with no items).
    ///
    /// Such a filter is never sent: its wire form is empty, and Roblox reads an
    /// empty filter as "the whole inventory". Listings refuse it with
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) before any
    /// request, and parsing refuses the strings that mean it.
    pub fn is_empty_selection(&self) -> bool {
        self.selects_nothing()
    }

    /// An asset type in the filter that the spec does not list (one parsed
    /// from text Roblox never documented), if any: sent, Roblox would refuse
    /// the request.
    pub fn unlisted_asset_type(&self) -> Option<&InventoryItemAssetType> {
        match self {
            InventoryFilter::Types(TypeFilter {
                asset_types: Some(AssetTypes::Some(types)),
                ..
            }) => types.iter().find(|t| !t.is_known()),
            _ => None,
        }
    }

    fn selects_nothing(&self) -> bool {
        match self {
            InventoryFilter::Everything => false,
            InventoryFilter::Types(t) => {
                let no_assets = match &t.asset_types {
                    None => true,
                    Some(AssetTypes::All) => false,
                    Some(AssetTypes::Some(types)) => types.is_empty(),
                };
                no_assets && !t.badges && !t.game_passes && !t.private_servers
            }
            InventoryFilter::Ids(i) => {
                i.assets.is_empty()
                    && i.badges.is_empty()
                    && i.game_passes.is_empty()
                    && i.private_servers.is_empty()
            }
        }
    }
}

impl From<TypeFilter> for InventoryFilter {
    fn from(filter: TypeFilter) -> Self {
        InventoryFilter::Types(filter)
    }
}

impl From<IdFilter> for InventoryFilter {
    fn from(filter: IdFilter) -> Self {
        InventoryFilter::Ids(filter)
    }
}

fn join(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

impl fmt::Display for InventoryFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut clauses: Vec<String> = Vec::new();
        match self {
            InventoryFilter::Everything => {}
            InventoryFilter::Types(t) => {
                match &t.asset_types {
                    Some(AssetTypes::All) => clauses.push("inventoryItemAssetTypes=*".into()),
                    Some(AssetTypes::Some(types)) if !types.is_empty() => {
                        let names: Vec<&str> =
                            types.iter().map(InventoryItemAssetType::as_str).collect();
                        clauses.push(format!("inventoryItemAssetTypes={}", names.join(",")));
                    }
                    _ => {}
                }
                for (on, name) in [
                    (t.only_collectibles, "onlyCollectibles"),
                    (t.badges, "badges"),
                    (t.game_passes, "gamePasses"),
                    (t.private_servers, "privateServers"),
                ] {
                    if on {
                        clauses.push(format!("{name}=true"));
                    }
                }
            }
            InventoryFilter::Ids(i) => {
                for (ids, name) in [
                    (&i.assets, "assetIds"),
                    (&i.badges, "badgeIds"),
                    (&i.game_passes, "gamePassIds"),
                    (&i.private_servers, "privateServerIds"),
                ] {
                    if !ids.is_empty() {
                        clauses.push(format!("{name}={}", join(ids)));
                    }
                }
            }
        }
        f.write_str(&clauses.join(";"))
    }
}

/// Why a filter string is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid inventory filter `{filter}`: {reason}")]
pub struct FilterError {
    /// The filter as given.
    pub filter: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FromStr for InventoryFilter {
    type Err = FilterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| FilterError {
            filter: text.to_string(),
            reason,
        };
        if text.trim().is_empty() {
            return Ok(InventoryFilter::Everything);
        }
        let mut types = TypeFilter::default();
        let mut ids = IdFilter::default();
        let (mut has_types, mut has_ids) = (false, false);
        let mut seen = Vec::new();
        for clause in text.split(';') {
            let (field, value) = clause
                .split_once('=')
                .ok_or_else(|| fail(format!("`{clause}` is not `field=value`")))?;
            let (field, value) = (field.trim(), value.trim());
            if seen.contains(&field) {
                return Err(fail(format!("`{field}` appears twice")));
            }
            seen.push(field);
            let boolean = || match value {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(fail(format!("`{field}` must be true or false"))),
            };
            let numbers = || {
                value
                    .split(',')
                    .map(|v| {
                        v.trim()
                            .parse::<u64>()
                            .map_err(|_| fail(format!("`{field}` must list numeric ids")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            };
            match field {
                "inventoryItemAssetTypes" => {
                    has_types = true;
                    types.asset_types = Some(if value == "*" {
                        AssetTypes::All
                    } else {
                        let parsed: Vec<InventoryItemAssetType> = value
                            .split(',')
                            .map(|v| v.parse().unwrap_or_else(|never| match never {}))
                            .collect();
                        if let Some(bad) = parsed.iter().find(|t| !t.is_known()) {
                            return Err(fail(format!(
                                "`{bad}` is not an inventory item asset type"
                            )));
                        }
                        AssetTypes::Some(parsed)
                    });
                }
                "onlyCollectibles" => (has_types, types.only_collectibles) = (true, boolean()?),
                "badges" => (has_types, types.badges) = (true, boolean()?),
                "gamePasses" => (has_types, types.game_passes) = (true, boolean()?),
                "privateServers" => (has_types, types.private_servers) = (true, boolean()?),
                "assetIds" => (has_ids, ids.assets) = (true, numbers()?),
                "badgeIds" => (has_ids, ids.badges) = (true, numbers()?),
                "gamePassIds" => (has_ids, ids.game_passes) = (true, numbers()?),
                "privateServerIds" => (has_ids, ids.private_servers) = (true, numbers()?),
                other => return Err(fail(format!("`{other}` is not a filter field"))),
            }
        }
        let filter = match (has_types, has_ids) {
            (true, true) => {
                return Err(fail(
                    "type fields and ID fields can't be combined in the same filter".into(),
                ))
            }
            (_, true) => InventoryFilter::Ids(ids),
            _ => InventoryFilter::Types(types),
        };
        if filter.is_empty_selection() {
            // Sent as is, it would be an empty filter: the whole inventory.
            return Err(fail(
                "the filter selects nothing (no type is true and no ids are listed); \
                 leave the filter out to list everything"
                    .into(),
            ));
        }
        Ok(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_write_the_documented_strings() {
        let hats: InventoryFilter = InventoryFilter::by_type()
            .asset_types([
                InventoryItemAssetType::Hat,
                InventoryItemAssetType::ClassicPants,
            ])
            .game_passes()
            .into();
        assert_eq!(
            hats.to_wire(),
            "inventoryItemAssetTypes=HAT,CLASSIC_PANTS;gamePasses=true"
        );
        let limiteds: InventoryFilter = InventoryFilter::by_type().only_collectibles().into();
        assert_eq!(
            limiteds.to_wire(),
            "inventoryItemAssetTypes=*;onlyCollectibles=true"
        );
        let ids: InventoryFilter = InventoryFilter::by_id()
            .assets([1, 2])
            .game_passes([7])
            .into();
        assert_eq!(ids.to_wire(), "assetIds=1,2;gamePassIds=7");
        assert_eq!(InventoryFilter::Everything.to_wire(), "");
    }

    #[test]
    fn wire_strings_round_trip() {
        for wire in [
            "inventoryItemAssetTypes=HAT,CLASSIC_PANTS,TSHIRT_ACCESSORY;gamePasses=true",
            "inventoryItemAssetTypes=*;onlyCollectibles=true",
            "assetIds=1,2,3,4;badgeIds=1,2,3,4;gamePassIds=1,2,3,4;privateServerIds=1,2,3,4",
            "badges=true;gamePasses=true",
            "",
        ] {
            let filter: InventoryFilter = wire.parse().unwrap();
            assert_eq!(filter.to_wire(), wire);
            assert_eq!(filter.to_wire().parse::<InventoryFilter>().unwrap(), filter);
        }
    }

    #[test]
    fn a_selection_of_nothing_is_recognised_and_never_parses() {
        let nothing: [InventoryFilter; 4] = [
            InventoryFilter::by_id().into(),
            InventoryFilter::by_id()
                .assets([])
                .badges(Vec::new())
                .into(),
            InventoryFilter::by_type().asset_types([]).into(),
            InventoryFilter::by_type().into(),
        ];
        for filter in nothing {
            assert!(filter.is_empty_selection(), "{filter:?}");
        }
        let something: InventoryFilter = InventoryFilter::by_type().asset_types([]).badges().into();
        assert!(!something.is_empty_selection());
        assert!(!InventoryFilter::Everything.is_empty_selection());
        for wire in [
            "badges=false",
            "badges=false;gamePasses=false;privateServers=false",
            "onlyCollectibles=true",
        ] {
            let error = wire.parse::<InventoryFilter>().unwrap_err();
            assert!(error.reason.contains("selects nothing"), "{wire}: {error}");
        }
        assert!("badges=false;gamePasses=true"
            .parse::<InventoryFilter>()
            .is_ok());
    }

    #[test]
    fn invalid_strings_are_clear_errors() {
        let combined = "assetIds=1;badges=true"
            .parse::<InventoryFilter>()
            .unwrap_err();
        assert!(combined.reason.contains("can't be combined"), "{combined}");
        for bad in [
            "assetIds=x",
            "inventoryItemAssetTypes=HATS",
            "badges=yes",
            "colour=red",
            "badges",
            "badges=true;badges=true",
        ] {
            assert!(bad.parse::<InventoryFilter>().is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn asset_type() -> impl Strategy<Value = InventoryItemAssetType> {
        // Every type with a variant (UNSPECIFIED, which Roblox does not accept
        // in filters, has none).
        let all: Vec<InventoryItemAssetType> = InventoryItemAssetType::ALL.to_vec();
        proptest::sample::select(all)
    }

    fn type_filter() -> impl Strategy<Value = InventoryFilter> {
        (
            prop_oneof![
                Just(None),
                Just(Some(AssetTypes::All)),
                proptest::collection::vec(asset_type(), 1..5)
                    .prop_map(|t| Some(AssetTypes::Some(t)))
            ],
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(asset_types, only_collectibles, badges, game_passes, private_servers)| {
                    let mut filter = TypeFilter {
                        asset_types,
                        only_collectibles: false,
                        badges,
                        game_passes,
                        private_servers,
                    };
                    if only_collectibles {
                        filter = filter.only_collectibles();
                    }
                    InventoryFilter::Types(filter)
                },
            )
            .prop_filter("a type filter selects something", |f| {
                !f.is_empty_selection()
            })
    }

    fn id_filter() -> impl Strategy<Value = InventoryFilter> {
        let ids = || proptest::collection::vec(any::<u64>(), 0..6);
        (ids(), ids(), ids(), ids())
            .prop_map(|(assets, badges, game_passes, private_servers)| {
                InventoryFilter::Ids(IdFilter {
                    assets,
                    badges,
                    game_passes,
                    private_servers,
                })
            })
            .prop_filter("an id filter names something", |f| !f.is_empty_selection())
    }

    proptest! {
        #[test]
        fn builders_round_trip_through_the_wire(filter in prop_oneof![type_filter(), id_filter()]) {
            let wire = filter.to_wire();
            let parsed: InventoryFilter = wire.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
            prop_assert_eq!(parsed.to_wire(), wire);
            prop_assert_eq!(parsed, filter);
        }

        #[test]
        fn any_text_parses_or_fails_cleanly(text in "[a-zA-Z=;,*0-9 _]{0,60}") {
            let _ = text.parse::<InventoryFilter>();
        }
    }
}
