//! Who a request is (API key owner, OAuth grant, signed-in cookie or nobody),
//! and the hygiene check: a credential sent to a host that does not take it.

use super::*;

/// The credential a request carries, as far as the sandbox is concerned.
pub(super) enum CloudCaller {
    ApiKey {
        owner: u64,
        inventory_read: bool,
    },
    OAuth {
        user: u64,
        scopes: Vec<String>,
        token: String,
    },
}

impl CloudCaller {
    /// Who the request is counted against, and the spec's limit for that.
    pub(super) fn rate_key(&self, route: Route) -> (String, Limit) {
        match self {
            CloudCaller::ApiKey { owner, .. } => (
                format!("owner:{owner}"),
                documented_limit(route, Per::ApiKeyOwner),
            ),
            CloudCaller::OAuth { token, .. } => (
                format!("oauth:{token}"),
                documented_limit(route, Per::Oauth2Authorization),
            ),
        }
    }

    pub(super) fn can_read_private(&self, user: u64) -> bool {
        match self {
            CloudCaller::ApiKey {
                owner,
                inventory_read,
            } => *owner == user && *inventory_read,
            CloudCaller::OAuth {
                user: who, scopes, ..
            } => *who == user && scopes.iter().any(|s| s == INVENTORY_READ_SCOPE),
        }
    }
}

pub(super) fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub(super) fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == ".ROBLOSECURITY").then(|| value.to_string())
        })
}

pub(super) fn cloud_caller(
    state: &AppState,
    world: &World,
    headers: &HeaderMap,
) -> Result<CloudCaller, Reply> {
    if let Some(key) = header_str(headers, "x-api-key") {
        return world
            .api_keys
            .iter()
            .find(|k| k.key == key)
            .map(|k| CloudCaller::ApiKey {
                owner: k.owner_user_id,
                inventory_read: k.inventory_read,
            })
            .ok_or_else(|| Reply::legacy(401, 0, "Invalid API Key"));
    }
    if let Some(auth) = header_str(headers, "authorization") {
        let token = auth.strip_prefix("Bearer ").unwrap_or_default();
        let fixed = world
            .oauth_tokens
            .iter()
            .find(|t| t.token == token)
            .map(|t| CloudCaller::OAuth {
                user: t.user_id,
                scopes: t.scopes.clone(),
                token: t.token.clone(),
            });
        // Tokens the authorization server issued count per grant, not per token:
        // a refresh does not reset the 20/minute (document: perOauth2Authorization).
        let issued = || {
            state.oauth.bearer(token).map(|b| CloudCaller::OAuth {
                user: b.user_id,
                scopes: b.scopes,
                token: format!("grant-{}", b.grant),
            })
        };
        return fixed
            .or_else(issued)
            .ok_or_else(|| Reply::legacy(401, 0, "Invalid OAuth token"));
    }
    Err(Reply::legacy(401, 0, "Invalid API Key"))
}

/// The signed-in user of a legacy request: `Ok(None)` anonymous, `Err` for a cookie that is not valid.
pub(super) fn legacy_caller(world: &World, headers: &HeaderMap) -> Result<Option<u64>, ()> {
    match cookie(headers) {
        None => Ok(None),
        Some(value) => world
            .cookies
            .iter()
            .find(|c| c.value == value)
            .map(|c| Some(c.user_id))
            .ok_or(()),
    }
}

/// The user the request's `.ROBLOSECURITY` cookie signs in, if it is a valid one.
pub(crate) fn cookie_user(world: &World, headers: &HeaderMap) -> Option<u64> {
    legacy_caller(world, headers).ok().flatten()
}

/// Whether a legacy request may see `user`'s inventory: it is public, or the
/// request carries the user's own cookie.
pub(super) fn may_view(world: &World, headers: &HeaderMap, user: &User) -> bool {
    user.inventory_public || legacy_caller(world, headers).ok().flatten() == Some(user.id)
}

/// Records credentials sent to a host that does not take them (secret-hygiene tests read these).
pub(super) fn check_hygiene(state: &AppState, route: Route, headers: &HeaderMap) {
    if route.is_open_cloud() {
        if cookie(headers).is_some() {
            state.violation(format!(
                "{}: .ROBLOSECURITY cookie sent to the Open Cloud host",
                route.operation_id()
            ));
        }
    } else {
        if headers.contains_key("x-api-key") {
            state.violation(format!(
                "{}: x-api-key sent to the legacy host",
                route.operation_id()
            ));
        }
        if headers.contains_key(header::AUTHORIZATION) {
            state.violation(format!(
                "{}: Authorization sent to the legacy host",
                route.operation_id()
            ));
        }
    }
}
