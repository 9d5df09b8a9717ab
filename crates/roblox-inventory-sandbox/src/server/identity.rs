//! Who a request is (API key owner, OAuth grant, signed-in cookie or nobody),
//! and the hygiene check: a credential sent to an operation that does not take
//! it. Header and cookie names are the spec's security schemes.

use super::*;
use roblox_inventory_api::operations::{Placement, Scheme};

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

    /// Whether the key has the Inventory permission, or the token its scope.
    pub(super) fn has_inventory_permission(&self) -> bool {
        match self {
            CloudCaller::ApiKey { inventory_read, .. } => *inventory_read,
            CloudCaller::OAuth { scopes, .. } => scopes.iter().any(|s| s == INVENTORY_READ_SCOPE),
        }
    }

    /// Whether it reads `user`'s private inventory: the user's own credential,
    /// with the permission.
    pub(super) fn can_read_private(&self, user: u64) -> bool {
        self.has_inventory_permission()
            && match self {
                CloudCaller::ApiKey { owner, .. } => *owner == user,
                CloudCaller::OAuth { user: who, .. } => *who == user,
            }
    }
}

pub(super) fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Where the spec's security schemes put a credential of this kind: the API
/// key's header, the cookie's name.
fn placed(kind: fn(Placement) -> Option<&'static str>) -> Option<&'static str> {
    Scheme::ALL
        .iter()
        .find_map(|scheme| kind(scheme.placement()))
}

/// The API key's header (the spec's header-placed scheme).
fn api_key_header() -> Option<&'static str> {
    placed(|p| match p {
        Placement::Header(name) => Some(name),
        _ => None,
    })
}

/// The signed-in cookie's name (the spec's cookie-placed scheme).
fn cookie_name() -> Option<&'static str> {
    placed(|p| match p {
        Placement::Cookie(name) => Some(name),
        _ => None,
    })
}

/// The value of the cookie named `wanted`, if the request carries it.
fn cookie_named(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == wanted).then(|| value.to_string())
        })
}

/// The signed-in cookie's value, if the request carries one.
pub(super) fn cookie(headers: &HeaderMap) -> Option<String> {
    cookie_named(headers, cookie_name()?)
}

pub(super) fn cloud_caller(
    state: &AppState,
    world: &World,
    headers: &HeaderMap,
) -> Result<CloudCaller, Reply> {
    if let Some(key) = api_key_header().and_then(|name| header_str(headers, name)) {
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

/// Records credentials sent to an operation whose `security` does not name
/// them, as the operation table says (secret-hygiene tests read these).
pub(super) fn check_hygiene(state: &AppState, route: Route, headers: &HeaderMap) {
    let operation = route.operation();
    for scheme in Scheme::ALL {
        if operation.accepts(*scheme) {
            continue;
        }
        let sent = match scheme.placement() {
            Placement::Header(name) => headers.contains_key(name).then(|| name.to_string()),
            Placement::Cookie(name) => {
                cookie_named(headers, name).map(|_| format!("{name} cookie"))
            }
            Placement::Bearer => headers
                .contains_key(header::AUTHORIZATION)
                .then(|| "Authorization".to_string()),
            _ => None,
        };
        if let Some(sent) = sent {
            state.violation(format!(
                "{operation}: {sent} sent to the {} host, which does not take it for this operation",
                operation.host()
            ));
        }
    }
}
