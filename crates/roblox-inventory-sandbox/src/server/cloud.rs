//! Open Cloud: List Inventory Items, with its filter, page tokens bound to the
//! listing, and the wire types of its answer.

use super::*;

pub(super) fn hash_of(parts: &[&str]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

/// An opaque token for `position`, bound to `binding` (the user and the other parameters).
pub(super) fn token(prefix: &str, position: usize, binding: u64) -> String {
    B64.encode(format!("{prefix}/{position}/{binding:x}"))
}

/// Reads a token back: `Err(())` if it is not one of ours; `Ok(None)` if it is
/// bound to other parameters.
pub(super) fn read_token(prefix: &str, text: &str, binding: u64) -> Result<Option<usize>, ()> {
    let raw = B64.decode(text.trim()).map_err(|_| ())?;
    let raw = String::from_utf8(raw).map_err(|_| ())?;
    let mut parts = raw.split('/');
    if parts.next() != Some(prefix) {
        return Err(());
    }
    let position = parts.next().and_then(|p| p.parse().ok()).ok_or(())?;
    let bound = parts
        .next()
        .and_then(|b| u64::from_str_radix(b, 16).ok())
        .ok_or(())?;
    Ok((bound == binding).then_some(position))
}

/// One entry of the Open Cloud listing, by position in the user's canonical order
/// (assets by user asset id, then badges, game passes and private servers).
pub(super) enum Entry<'w> {
    Asset(&'w UserAsset),
    Badge(&'w crate::world::Owned),
    GamePass(&'w crate::world::Owned),
    PrivateServer(&'w crate::world::Owned),
}

pub(super) fn entry(user: &User, position: usize) -> Option<Entry<'_>> {
    let mut i = position;
    for (len, kind) in [
        (user.assets.len(), 0),
        (user.badges.len(), 1),
        (user.game_passes.len(), 2),
        (user.private_servers.len(), 3),
    ] {
        if i < len {
            return Some(match kind {
                0 => Entry::Asset(&user.assets[i]),
                1 => Entry::Badge(&user.badges[i]),
                2 => Entry::GamePass(&user.game_passes[i]),
                _ => Entry::PrivateServer(&user.private_servers[i]),
            });
        }
        i -= len;
    }
    None
}

/// Where each kind starts in the canonical order, and where the last one ends.
pub(super) fn segment_starts(user: &User) -> [usize; 5] {
    let lens = [
        user.assets.len(),
        user.badges.len(),
        user.game_passes.len(),
        user.private_servers.len(),
    ];
    let mut starts = [0; 5];
    for k in 0..4 {
        starts[k + 1] = starts[k] + lens[k];
    }
    starts
}

/// A stable UUID-shaped id for collectible items and instances.
pub(super) fn uuid_like(kind: u64, id: u64) -> String {
    let mut z = id ^ kind.rotate_left(56) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    let n = z ^ (z >> 31);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        n >> 32,
        (n >> 16) & 0xffff,
        n & 0xfff,
        id & 0xfff,
        id & 0xffff_ffff_ffff
    )
}

pub(super) fn list_inventory_items(
    state: &AppState,
    world: &World,
    user_id: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Reply {
    let caller = match cloud_caller(state, world, headers) {
        Ok(caller) => caller,
        Err(reply) => return reply,
    };
    let Ok(user_id) = user_id.parse::<u64>() else {
        return Reply::cloud(400, "INVALID_ARGUMENT", "Invalid User ID in the request.");
    };
    let Some(user) = state.user(world, user_id) else {
        return Reply::cloud(404, "NOT_FOUND", "User not found.");
    };
    let size = match query.get("maxPageSize").map(|s| s.trim().parse::<i64>()) {
        None => 10,
        Some(Ok(n)) if n < 0 => {
            return Reply::cloud(400, "INVALID_ARGUMENT", "maxPageSize must not be negative.")
        }
        Some(Ok(0)) => 10,
        Some(Ok(n)) => n.min(100) as usize,
        Some(Err(_)) => {
            return Reply::cloud(400, "INVALID_ARGUMENT", "maxPageSize must be an integer.")
        }
    };
    let filter_text = query.get("filter").map(String::as_str).unwrap_or("");
    let filter = match filter::parse(filter_text) {
        Ok(filter) => filter,
        Err(reason) => {
            return Reply::cloud(
                400,
                "INVALID_ARGUMENT",
                &format!("The provided filter is invalid: {reason}"),
            )
        }
    };
    // The gateway refuses a credential without the inventory permission or
    // scope in its own `errors[]` shape, before the endpoint (facts §4.2).
    if !caller.has_inventory_permission() {
        return Reply::legacy(
            403,
            0,
            "The credential does not have the permission this operation needs.",
        );
    }
    let private = caller.can_read_private(user_id);
    if !user.inventory_public && !private {
        return Reply::cloud(
            403,
            "PERMISSION_DENIED",
            "The user's inventory is private: use an API key the user created with Inventory: Read, \
             or an OAuth token the user granted user.inventory-item:read.",
        );
    }
    if filter.needs_private_access() && !private {
        return Reply::cloud(
            403,
            "PERMISSION_DENIED",
            "Filtering by private servers or purchased places needs the Inventory read permission.",
        );
    }
    let binding = hash_of(&[&user_id.to_string(), filter_text]);
    let mut position = match query.get("pageToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(text) => match read_token("v1", text, binding) {
            Ok(Some(position)) => position,
            Ok(None) => {
                return Reply::cloud(
                    400,
                    "INVALID_ARGUMENT",
                    "The page token does not match the request: all other parameters must stay the same while paging.",
                )
            }
            Err(()) => return Reply::cloud(400, "INVALID_ARGUMENT", "Invalid page token."),
        },
    };
    let mut items = Vec::with_capacity(size);
    let mut next = None;
    // With pages per field, a page covers one field's kind: it starts at the first
    // field at or after the token and ends where that kind ends, even if empty,
    // while a later field remains.
    let fields = filter.field_kinds();
    let mut field_end = usize::MAX;
    if state.pages_per_field && fields.len() > 1 {
        let starts = segment_starts(user);
        if let Some(&kind) = fields.iter().find(|k| starts[**k + 1] > position) {
            position = position.max(starts[kind]);
            if fields.iter().any(|k| *k > kind) {
                field_end = starts[kind + 1];
            }
        }
    }
    while let Some(found) = entry(user, position) {
        if position >= field_end {
            next = Some(position);
            break;
        }
        if selects(state, world, user, &filter, &found, private) {
            if items.len() == size {
                next = Some(position);
                break;
            }
            items.push(inventory_item(state, world, user, &found));
        }
        position += 1;
    }
    // Roblox: "When the total is a multiple of maxPageSize, a non-empty token can
    // return {"inventoryItems": [], "nextPageToken": ""}" (facts §3).
    if state.empty_final_page && next.is_none() && items.len() == size {
        next = Some(position);
    }
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Page<'w> {
        inventory_items: Vec<InventoryItem<'w>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        next_page_token: Option<String>,
    }
    let next_page_token = match next {
        Some(position) => Some(token("v1", position, binding)),
        None if state.empty_final_page && items.is_empty() => Some(String::new()),
        None => None,
    };
    let page = Page {
        inventory_items: items,
        next_page_token,
    };
    Reply {
        status: StatusCode::OK,
        body: serde_json::to_vec(&page).unwrap_or_default(),
        headers: Vec::new(),
    }
}

pub(super) fn selects(
    state: &AppState,
    world: &World,
    user: &User,
    filter: &Filter,
    entry: &Entry<'_>,
    private: bool,
) -> bool {
    match (filter, entry) {
        (Filter::Everything, Entry::PrivateServer(_)) => private,
        (Filter::Everything, _) => true,
        (
            Filter::Types {
                asset_types,
                only_collectibles,
                ..
            },
            Entry::Asset(copy),
        ) => {
            let Some(asset) = state.asset(world, copy.asset_id) else {
                return false;
            };
            let Some(types) = asset_types else {
                return false;
            };
            let name =
                filter::open_cloud_asset_type(asset.asset_type, created_by(world, user, asset.id));
            let type_ok = match types {
                AssetTypes::All => true,
                AssetTypes::Some(names) => names.contains(name),
            };
            type_ok && (!only_collectibles || asset.limited)
        }
        (Filter::Types { badges, .. }, Entry::Badge(_)) => *badges,
        (Filter::Types { game_passes, .. }, Entry::GamePass(_)) => *game_passes,
        (
            Filter::Types {
                private_servers, ..
            },
            Entry::PrivateServer(_),
        ) => *private_servers,
        (Filter::Ids { assets, .. }, Entry::Asset(copy)) => assets.contains(&copy.asset_id),
        (Filter::Ids { badges, .. }, Entry::Badge(o)) => badges.contains(&o.id),
        (Filter::Ids { game_passes, .. }, Entry::GamePass(o)) => game_passes.contains(&o.id),
        (
            Filter::Ids {
                private_servers, ..
            },
            Entry::PrivateServer(o),
        ) => private_servers.contains(&o.id),
    }
}

pub(super) fn created_by(world: &World, user: &User, asset_id: u64) -> bool {
    world
        .place(asset_id)
        .is_some_and(|p| p.creator_user_id == user.id)
}

/// One Open Cloud `InventoryItem`, serialized without building a JSON tree.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct InventoryItem<'w> {
    pub(super) path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) asset_details: Option<AssetDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) badge_details: Option<IdDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) game_pass_details: Option<IdDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) private_server_details: Option<IdDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) add_time: Option<&'w str>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AssetDetails {
    pub(super) asset_id: String,
    pub(super) inventory_item_asset_type: &'static str,
    pub(super) instance_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) collectible_details: Option<CollectibleDetails>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CollectibleDetails {
    pub(super) item_id: String,
    pub(super) instance_id: String,
    pub(super) instance_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) serial_number: Option<u64>,
}

/// `{"badgeId": "…"}`, `{"gamePassId": "…"}` or `{"privateServerId": "…"}`.
pub(super) struct IdDetails(&'static str, u64);

impl serde::Serialize for IdDetails {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, &self.1.to_string())?;
        map.end()
    }
}

pub(super) fn inventory_item<'w>(
    state: &AppState,
    world: &World,
    user: &User,
    entry: &Entry<'w>,
) -> InventoryItem<'w> {
    let path = |kind: &str, id: u64| {
        format!(
            "users/{}/inventory-items/{}",
            user.id,
            B64.encode(format!("{kind}={id}"))
        )
    };
    let mut item = InventoryItem {
        path: String::new(),
        asset_details: None,
        badge_details: None,
        game_pass_details: None,
        private_server_details: None,
        add_time: None,
    };
    match entry {
        Entry::Asset(copy) => {
            let asset = state.asset(world, copy.asset_id);
            let asset_type = asset
                .map(|a| filter::open_cloud_asset_type(a.asset_type, created_by(world, user, a.id)))
                .unwrap_or("INVENTORY_ITEM_ASSET_TYPE_UNSPECIFIED");
            let collectible_details = asset.filter(|a| a.limited).map(|_| CollectibleDetails {
                item_id: uuid_like(1, copy.asset_id),
                instance_id: uuid_like(2, copy.user_asset_id),
                instance_state: if copy.on_hold { "HOLD" } else { "AVAILABLE" },
                serial_number: copy.serial_number,
            });
            item.path = path("USER_ASSET_ID", copy.user_asset_id);
            item.asset_details = Some(AssetDetails {
                asset_id: copy.asset_id.to_string(),
                inventory_item_asset_type: asset_type,
                instance_id: copy.user_asset_id.to_string(),
                collectible_details,
            });
            item.add_time = Some(&copy.added);
        }
        Entry::Badge(o) => {
            item.path = path("BADGE_ID", o.id);
            item.badge_details = Some(IdDetails("badgeId", o.id));
            item.add_time = Some(&o.added);
        }
        // "This field is currently not populated for passes" (OAS InventoryItem.addTime).
        Entry::GamePass(o) => {
            item.path = path("GAME_PASS_ID", o.id);
            item.game_pass_details = Some(IdDetails("gamePassId", o.id));
        }
        Entry::PrivateServer(o) => {
            item.path = path("PRIVATE_SERVER_ID", o.id);
            item.private_server_details = Some(IdDetails("privateServerId", o.id));
            item.add_time = Some(&o.added);
        }
    }
    item
}
