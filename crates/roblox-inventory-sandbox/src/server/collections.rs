//! The collection writes: the signed-in cookie, the X-CSRF-TOKEN exchange
//! (the spec's rule) and the changes to the world.

use super::*;

impl AppState {
    /// The current X-CSRF-TOKEN of a signed-in user, made on first use.
    pub(super) fn csrf_token(&self, user: u64) -> String {
        let mut tokens = self.csrf.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .entry(user)
            .or_insert_with(|| (self.fresh_csrf(user), 0))
            .0
            .clone()
    }

    pub(super) fn fresh_csrf(&self, user: u64) -> String {
        let n = self.csrf_counter.fetch_add(1, Ordering::Relaxed);
        B64.encode(hash_of(&[&user.to_string(), &n.to_string(), "csrf"]).to_be_bytes())
    }

    /// Counts a successful use of the token; rotates it every `csrf_rotate_every` uses.
    pub(super) fn use_csrf(&self, user: u64) {
        let mut tokens = self.csrf.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = tokens.get_mut(&user) {
            slot.1 += 1;
            if slot.1 >= self.csrf_rotate_every {
                *slot = (self.fresh_csrf(user), 0);
            }
        }
    }

    /// Forces a new token for every user (tests of a token rotated mid-run).
    pub(crate) fn rotate_csrf(&self) {
        let mut tokens = self.csrf.lock().unwrap_or_else(|e| e.into_inner());
        let users: Vec<u64> = tokens.keys().copied().collect();
        for user in users {
            let fresh = self.fresh_csrf(user);
            tokens.insert(user, (fresh, 0));
        }
    }
}

/// Asset types a collection accepts: accessories, clothing, heads, faces,
/// gear, bodies and animations (assumed; Roblox lists no set, code 5 exists).
pub(super) fn collectable_asset_type(asset_type: i32) -> bool {
    matches!(asset_type, 2 | 8 | 11 | 12 | 17 | 18 | 19 | 24..=32 | 41..=56 | 61 | 64..=72 | 76..=79)
}

pub(super) fn collections(
    state: &AppState,
    route: Route,
    method: &Method,
    params: &[String],
    headers: &HeaderMap,
    fault: Option<&Fault>,
) -> (Reply, Option<crate::ratelimit::Decision>) {
    let user_id = {
        let world = state.read();
        match legacy_caller(&world, headers) {
            Ok(Some(user)) => user,
            _ => return (Reply::documented(route.operation(), 401, Some(0)), None),
        }
    };
    let decision = state.limiter.as_ref().map(|l| {
        l.check(
            route.operation_id(),
            format!("user:{user_id}"),
            documented_limit(route, Per::Cookie),
        )
    });
    if let Some(d) = &decision {
        if !d.allowed {
            return (
                Reply::legacy(429, 0, "TooManyRequests").header("retry-after", &d.reset_header()),
                decision,
            );
        }
    }
    // The X-CSRF-TOKEN rule is the spec's (`x-roblox-csrf`): its header, and
    // the documented refusal.
    let Some(csrf) = route.operation().csrf() else {
        return (change_collection(state, method, params, user_id), decision);
    };
    let refused = || Reply::documented(route.operation(), csrf.status, Some(csrf.code));
    let current = state.csrf_token(user_id);
    if fault == Some(&Fault::OmitCsrfHeader) {
        return (refused(), decision);
    }
    if header_str(headers, csrf.header) != Some(current.as_str()) {
        return (refused().header(csrf.header, &current), decision);
    }
    let reply = change_collection(state, method, params, user_id);
    if reply.status == StatusCode::OK {
        state.use_csrf(user_id);
    }
    (reply, decision)
}

/// Adds to or removes from the signed-in user's collection, with the document's codes.
pub(super) fn change_collection(
    state: &AppState,
    method: &Method,
    params: &[String],
    user_id: u64,
) -> Reply {
    let operation = if *method == Method::POST {
        Route::AddToCollection.operation()
    } else {
        Route::RemoveFromCollection.operation()
    };
    let mut world = state.world.write().unwrap_or_else(|e| e.into_inner());
    let kind = params[0]
        .parse::<i64>()
        .ok()
        .or_else(|| item_type(&params[0]));
    let target = params[1].parse::<u64>().ok();
    let user = state.user(&world, user_id);
    let (entry, owns, allowed_type) = match kind {
        Some(0) => match target.and_then(|id| state.asset(&world, id)) {
            Some(asset) => (
                CollectionEntry {
                    kind: CollectionKind::Asset,
                    id: asset.id,
                },
                user.is_some_and(|u| u.assets.iter().any(|c| c.asset_id == asset.id)),
                collectable_asset_type(asset.asset_type),
            ),
            None => return Reply::documented(operation, 400, Some(2)),
        },
        Some(3) => match target.filter(|id| world.bundles.iter().any(|b| b.id == *id)) {
            Some(id) => (
                CollectionEntry {
                    kind: CollectionKind::Bundle,
                    id,
                },
                user.is_some_and(|u| u.bundles.iter().any(|o| o.id == id)),
                true,
            ),
            None => return Reply::documented(operation, 400, Some(3)),
        },
        Some(1 | 2) => return Reply::documented(operation, 403, Some(6)),
        _ => return Reply::documented(operation, 400, Some(1)),
    };
    let adding = *method == Method::POST;
    if adding && !owns {
        return Reply::documented(operation, 403, Some(4));
    }
    if adding && !allowed_type {
        return Reply::documented(operation, 403, Some(5));
    }
    let capacity = world.collection_capacity;
    let Some(user) = world.user_mut(user_id) else {
        return Reply::documented(operation, 401, Some(0));
    };
    let present = user.collection.contains(&entry);
    match (adding, present) {
        (true, true) => Reply::documented(operation, 403, Some(7)),
        (true, false) if user.collection.len() >= capacity => {
            Reply::documented(operation, 403, Some(9))
        }
        (true, false) => {
            user.collection.push(entry);
            Reply::ok(&json!({}))
        }
        (false, true) => {
            user.collection.retain(|e| e != &entry);
            Reply::ok(&json!({}))
        }
        (false, false) => Reply::documented(operation, 403, Some(8)),
    }
}
