//! Which operation a method and path are, with the path's parameters.

use super::*;

/// Where a request goes, with its path parameters.
pub(super) fn route(method: &Method, path: &str) -> Result<(Route, Vec<String>), Reply> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let (route, allowed, params): (Route, &[Method], Vec<&str>) = match segments.as_slice() {
        ["cloud", "v2", "users", user, "inventory-items"] => {
            (Route::ListInventoryItems, &[Method::GET], vec![*user])
        }
        ["v1", "collections", "items", kind, id] => {
            let route = if method == Method::DELETE {
                Route::RemoveFromCollection
            } else {
                Route::AddToCollection
            };
            (route, &[Method::POST, Method::DELETE], vec![*kind, *id])
        }
        ["v1", "packages", id, "assets"] => (Route::PackageAssets, &[Method::GET], vec![*id]),
        ["v1", "users", user, "assets", "collectibles"] => {
            (Route::Collectibles, &[Method::GET], vec![*user])
        }
        ["v1", "users", user, "categories"] => (Route::Categories, &[Method::GET], vec![*user]),
        ["v1", "users", user, "items", kind, id, "is-owned"] => {
            (Route::IsOwned, &[Method::GET], vec![*user, *kind, *id])
        }
        ["v1", "users", user, "places", "inventory"] => {
            (Route::PlacesInventory, &[Method::GET], vec![*user])
        }
        ["v2", "users", user, "inventory", kind] => (
            Route::InventoryByAssetType,
            &[Method::GET],
            vec![*user, *kind],
        ),
        _ => return Err(Reply::legacy(404, 0, "NotFound")),
    };
    if !allowed.contains(method) {
        let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
        return Err(Reply::legacy(
            405,
            0,
            &format!("The requested resource does not support http method '{method}'."),
        )
        .header("allow", &allow.join(", ")));
    }
    Ok((route, params.into_iter().map(str::to_string).collect()))
}
