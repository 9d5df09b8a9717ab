//! The legacy host's reads: collectibles, inventory by asset type, packages,
//! categories, is-owned and places, with their paging.

use super::*;

/// `limit` of the legacy paged endpoints: 10, 25, 50 or 100, default 10.
pub(super) fn page_limit(query: &Query) -> Result<usize, Reply> {
    match query.get("limit").map(|l| l.trim()) {
        None => Ok(10),
        Some("10") => Ok(10),
        Some("25") => Ok(25),
        Some("50") => Ok(50),
        Some("100") => Ok(100),
        Some(_) => Err(Reply::legacy(
            400,
            0,
            "The specified limit is invalid. Valid values are 10, 25, 50 and 100.",
        )),
    }
}

pub(super) fn sort_descending(query: &Query) -> Result<bool, Reply> {
    match query.get("sortOrder").map(|s| s.to_ascii_lowercase()) {
        None => Ok(false),
        Some(s) if s == "asc" || s == "1" => Ok(false),
        Some(s) if s == "desc" || s == "2" => Ok(true),
        Some(_) => Err(Reply::legacy(
            400,
            0,
            "The specified sort order is invalid. Valid values are Asc and Desc.",
        )),
    }
}

/// `Roblox.Inventory.Api.Models.CollectibleUserAssetModel`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CollectibleUserAsset<'w> {
    pub(super) user_asset_id: u64,
    pub(super) serial_number: Option<u64>,
    pub(super) asset_id: u64,
    pub(super) name: Option<&'w str>,
    pub(super) recent_average_price: Option<u64>,
    pub(super) original_price: Option<u64>,
    pub(super) asset_stock: Option<u64>,
    pub(super) builders_club_membership_type: i32,
    pub(super) is_on_hold: bool,
}

/// `Roblox.Inventory.Api.Models.UserModel`.
#[derive(serde::Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Owner<'w> {
    pub(super) user_id: u64,
    pub(super) username: &'w str,
    pub(super) builders_club_membership_type: i32,
}

/// `Roblox.Inventory.Api.Models.InventoryItemModel`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct InventoryItemModel<'w> {
    pub(super) expire_at: Option<&'w str>,
    pub(super) user_asset_id: u64,
    pub(super) asset_id: u64,
    pub(super) asset_name: Option<&'w str>,
    pub(super) collectible_item_id: Option<String>,
    pub(super) collectible_item_instance_id: Option<String>,
    pub(super) serial_number: Option<u64>,
    pub(super) owner: Owner<'w>,
    pub(super) created: &'w str,
    pub(super) updated: &'w str,
}

/// Pages the user's asset copies that `keep` selects, by user asset id
/// (descending for `Desc`), rendering only the requested page. Cursors hold a
/// position in that order, bound to `binding`, so each page costs its own size.
pub(super) fn legacy_asset_page<'w, T: serde::Serialize>(
    user: &'w User,
    query: &Query,
    binding: u64,
    descending: bool,
    keep: impl Fn(&UserAsset) -> bool,
    render: impl Fn(&'w UserAsset) -> T,
) -> Reply {
    let limit = match page_limit(query) {
        Ok(limit) => limit,
        Err(reply) => return reply,
    };
    let count = user.assets.len();
    let at = |i: usize| {
        if descending {
            &user.assets[count - 1 - i]
        } else {
            &user.assets[i]
        }
    };
    let start = match query.get("cursor").filter(|c| !c.is_empty()) {
        None => 0,
        Some(text) => match read_token("c1", text, binding) {
            Ok(Some(start)) if start <= count => start,
            _ => return Reply::legacy(400, 0, "The specified cursor is invalid."),
        },
    };
    let mut data = Vec::with_capacity(limit);
    let mut next = None;
    for i in start..count {
        if keep(at(i)) {
            if data.len() == limit {
                next = Some(i);
                break;
            }
            data.push(render(at(i)));
        }
    }
    let mut previous = None;
    let mut found = 0;
    for i in (0..start).rev() {
        if found == limit {
            break;
        }
        if keep(at(i)) {
            found += 1;
            previous = Some(i);
        }
    }
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Page<T> {
        previous_page_cursor: Option<String>,
        next_page_cursor: Option<String>,
        data: Vec<T>,
    }
    let page = Page {
        previous_page_cursor: previous.map(|i| token("c1", i, binding)),
        next_page_cursor: next.map(|i| token("c1", i, binding)),
        data,
    };
    Reply {
        status: StatusCode::OK,
        body: serde_json::to_vec(&page).unwrap_or_default(),
        headers: Vec::new(),
    }
}

pub(super) fn collectibles<'w>(
    state: &AppState,
    world: &'w World,
    user_id: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Reply {
    let Some(user) = state.user_text(world, user_id) else {
        return Reply::legacy(400, 1, "The specified user does not exist!");
    };
    let asset_type = match query.get("assetType").map(|t| t.trim().parse::<i64>()) {
        None => None,
        Some(Ok(n)) if is_asset_type(n) => Some(n),
        Some(_) => return Reply::documented(Operation::GetV1UsersAssetsCollectibles, 400, None),
    };
    let descending = match sort_descending(query) {
        Ok(d) => d,
        Err(reply) => return reply,
    };
    if !may_view(world, headers, user) {
        return Reply::documented(Operation::GetV1UsersAssetsCollectibles, 403, None);
    }
    let binding = hash_of(&[
        &user.id.to_string(),
        &format!("{asset_type:?}"),
        &descending.to_string(),
    ]);
    let keep = |copy: &UserAsset| {
        state
            .asset(world, copy.asset_id)
            .is_some_and(|a| a.limited && asset_type.is_none_or(|t| i64::from(a.asset_type) == t))
    };
    let render = |copy: &'w UserAsset| {
        let asset = state.asset(world, copy.asset_id);
        CollectibleUserAsset {
            user_asset_id: copy.user_asset_id,
            serial_number: copy.serial_number,
            asset_id: copy.asset_id,
            name: asset.map(|a| a.name.as_str()),
            recent_average_price: asset.map(|a| a.recent_average_price),
            original_price: asset.and_then(|a| a.original_price),
            asset_stock: asset.and_then(|a| a.asset_stock),
            builders_club_membership_type: 0,
            is_on_hold: copy.on_hold,
        }
    };
    legacy_asset_page(user, query, binding, descending, keep, render)
}

pub(super) fn inventory_by_asset_type<'w>(
    state: &AppState,
    world: &'w World,
    user_id: &str,
    asset_type: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Reply {
    let Some(user) = state.user_text(world, user_id) else {
        return Reply::documented(Operation::GetV2UsersInventory, 400, Some(1));
    };
    let Some(asset_type) = asset_type.parse::<i64>().ok().filter(|n| is_asset_type(*n)) else {
        return Reply::documented(Operation::GetV2UsersInventory, 400, Some(2));
    };
    let descending = match sort_descending(query) {
        Ok(d) => d,
        Err(reply) => return reply,
    };
    if !may_view(world, headers, user) {
        return Reply::documented(Operation::GetV2UsersInventory, 403, Some(4));
    }
    let binding = hash_of(&[
        &user.id.to_string(),
        &asset_type.to_string(),
        &descending.to_string(),
    ]);
    let keep = |copy: &UserAsset| {
        state
            .asset(world, copy.asset_id)
            .is_some_and(|a| i64::from(a.asset_type) == asset_type)
    };
    let owner = Owner {
        user_id: user.id,
        username: &user.name,
        builders_club_membership_type: 0,
    };
    let render = |copy: &'w UserAsset| {
        let asset = state.asset(world, copy.asset_id);
        let limited = asset.is_some_and(|a| a.limited);
        InventoryItemModel {
            expire_at: None,
            user_asset_id: copy.user_asset_id,
            asset_id: copy.asset_id,
            asset_name: asset.map(|a| a.name.as_str()),
            collectible_item_id: limited.then(|| uuid_like(1, copy.asset_id)),
            collectible_item_instance_id: limited.then(|| uuid_like(2, copy.user_asset_id)),
            serial_number: copy.serial_number,
            owner: owner.clone(),
            created: &copy.added,
            updated: &copy.added,
        }
    };
    legacy_asset_page(user, query, binding, descending, keep, render)
}

pub(super) fn package_assets(world: &World, package_id: &str) -> Reply {
    match package_id
        .parse::<u64>()
        .ok()
        .and_then(|id| world.packages.iter().find(|p| p.id == id))
    {
        Some(package) => Reply::ok(&json!({"assetIds": package.asset_ids})),
        None => Reply::legacy(400, 1, "The specified package does not exist."),
    }
}

pub(super) fn categories(user_id: &str) -> Reply {
    if user_id.parse::<u64>().is_err() {
        return Reply::legacy(400, 0, "BadRequest");
    }
    let item = |name: &str, id: i64, kind: i64, category: &str| json!({"name": name, "displayName": name, "filter": null, "id": id, "type": kind, "categoryType": category});
    Reply::ok(&json!({"categories": [
        {"name": "Accessories", "displayName": "Accessories", "categoryType": "Accessories", "items": [
            item("Hats", 8, 0, "Hat"),
            item("Hair", 41, 0, "HairAccessory"),
            item("Face", 42, 0, "FaceAccessory"),
        ]},
        {"name": "Clothing", "displayName": "Clothing", "categoryType": "Clothing", "items": [
            item("Shirts", 11, 0, "Shirt"),
            item("Pants", 12, 0, "Pants"),
        ]},
        {"name": "AvatarAnimations", "displayName": "Avatar Animations", "categoryType": "AvatarAnimations", "items": [
            item("Emotes", 61, 0, "EmoteAnimation"),
        ]},
        {"name": "Bundles", "displayName": "Bundles", "categoryType": "Bundles", "items": [
            item("Bodies", 1, 1, "Bundle"),
        ]},
    ]}))
}

/// Item types of the is-owned path: numbers 0–4 or names (OAS IItemModel.type; facts §5.3).
pub(super) fn item_type(text: &str) -> Option<i64> {
    const NAMES: [&str; 5] = ["Asset", "GamePass", "Badge", "Bundle", "Avatar"];
    text.parse::<i64>()
        .ok()
        .filter(|n| (0..=4).contains(n))
        .or_else(|| {
            NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(text))
                .map(|i| i as i64)
        })
}

pub(super) fn is_owned(
    state: &AppState,
    world: &World,
    user_id: &str,
    kind: &str,
    target: &str,
) -> Reply {
    let Some(user) = state.user_text(world, user_id) else {
        return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(1));
    };
    let Some(kind) = item_type(kind) else {
        return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(6));
    };
    let target = target.parse::<u64>().ok();
    let owned = match kind {
        0 => match target.and_then(|id| state.asset(world, id)) {
            Some(asset) => user.assets.iter().any(|c| c.asset_id == asset.id),
            None => return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(7)),
        },
        1 => match target.filter(|id| world.game_passes.iter().any(|p| p.id == *id)) {
            Some(id) => user.game_passes.iter().any(|o| o.id == id),
            None => return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(5)),
        },
        2 => match target.filter(|id| world.badges.iter().any(|b| b.id == *id)) {
            Some(id) => user.badges.iter().any(|o| o.id == id),
            None => return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(10)),
        },
        3 => match target.filter(|id| world.bundles.iter().any(|b| b.id == *id)) {
            Some(id) => user.bundles.iter().any(|o| o.id == id),
            None => return Reply::documented(Operation::GetV1UsersItemsIsOwned, 400, Some(12)),
        },
        // Avatar items are not modelled; nobody owns one.
        _ => false,
    };
    Reply::ok(&json!(owned))
}

pub(super) fn places_inventory(
    state: &AppState,
    world: &World,
    user_id: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Reply {
    let invalid = || Reply::documented(Operation::GetV1UsersPlacesInventory, 400, Some(6));
    let Some(user) = state.user_text(world, user_id) else {
        return invalid();
    };
    let tab_text = query.get("placesTab").map(|t| t.trim()).unwrap_or_default();
    let tab = match tab_text.parse::<i64>() {
        Ok(n) if (0..=5).contains(&n) => PlacesTab::from_number(n),
        Ok(_) => return invalid(),
        Err(_) => match PlacesTab::from_name(tab_text) {
            Some(tab) => Some(tab),
            None => return invalid(),
        },
    };
    let Some(per_page) = query
        .get("itemsPerPage")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .filter(|n| (1..=100).contains(n))
    else {
        return invalid();
    };
    // The document marks `cursor` required; clients omit it on the first page (RoSeal), so do we.
    let start = match query
        .get("cursor")
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        None => 0,
        Some(c) => match c.parse::<usize>() {
            Ok(n) => n,
            Err(_) => return invalid(),
        },
    };
    let caller = legacy_caller(world, headers).ok().flatten();
    if tab.is_some_and(|t| t != PlacesTab::Created) && caller != Some(user.id) {
        return Reply::documented(Operation::GetV1UsersPlacesInventory, 403, Some(3));
    }
    let places: Vec<Value> = user
        .places
        .iter()
        .filter(|e| Some(e.tab) == tab)
        .filter_map(|e| world.place(e.place_id))
        .map(|p| {
            let creator = state
                .user(world, p.creator_user_id)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            json!({
                "universeId": p.universe_id,
                "placeId": p.place_id,
                "name": p.name,
                "creator": {"id": p.creator_user_id, "name": creator, "type": 1},
                "priceInRobux": p.price_in_robux,
            })
        })
        .collect();
    // `start` comes from the request: saturate, never overflow.
    let end = start.saturating_add(per_page).min(places.len());
    let data = places
        .get(start.min(places.len())..end)
        .unwrap_or_default()
        .to_vec();
    let next = (end < places.len()).then(|| end.to_string());
    let previous = (start > 0).then(|| start.saturating_sub(per_page).to_string());
    Reply::ok(&json!({"previousPageCursor": previous, "nextPageCursor": next, "data": data}))
}
