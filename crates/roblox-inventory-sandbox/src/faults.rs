//! Scriptable faults: the next N requests to a route misbehave in a chosen way.

use roblox_inventory_api::operations::{Host, Operation};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

/// The nine operations, for aiming faults and counting requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// GET /cloud/v2/users/{user_id}/inventory-items
    ListInventoryItems,
    /// POST /v1/collections/items/{itemType}/{itemTargetId}
    AddToCollection,
    /// DELETE /v1/collections/items/{itemType}/{itemTargetId}
    RemoveFromCollection,
    /// GET /v1/packages/{packageId}/assets
    PackageAssets,
    /// GET /v1/users/{userId}/assets/collectibles
    Collectibles,
    /// GET /v1/users/{userId}/categories
    Categories,
    /// GET /v1/users/{userId}/items/{itemType}/{itemTargetId}/is-owned
    IsOwned,
    /// GET /v1/users/{userId}/places/inventory
    PlacesInventory,
    /// GET /v2/users/{userId}/inventory/{assetTypeId}
    InventoryByAssetType,
}

impl Route {
    /// Every route.
    pub const ALL: [Route; 9] = [
        Route::ListInventoryItems,
        Route::AddToCollection,
        Route::RemoveFromCollection,
        Route::PackageAssets,
        Route::Collectibles,
        Route::Categories,
        Route::IsOwned,
        Route::PlacesInventory,
        Route::InventoryByAssetType,
    ];

    /// The operation of the spec it serves: its limits, documented answers
    /// and CSRF rule come from the operation table.
    pub fn operation(self) -> Operation {
        match self {
            Route::ListInventoryItems => Operation::CloudListInventoryItems,
            Route::AddToCollection => Operation::PostV1CollectionsItems,
            Route::RemoveFromCollection => Operation::DeleteV1CollectionsItems,
            Route::PackageAssets => Operation::GetV1PackagesAssets,
            Route::Collectibles => Operation::GetV1UsersAssetsCollectibles,
            Route::Categories => Operation::GetV1UsersCategories,
            Route::IsOwned => Operation::GetV1UsersItemsIsOwned,
            Route::PlacesInventory => Operation::GetV1UsersPlacesInventory,
            Route::InventoryByAssetType => Operation::GetV2UsersInventory,
        }
    }

    /// The spec's operationId.
    pub fn operation_id(self) -> &'static str {
        self.operation().operation_id()
    }

    /// Whether the route is on the Open Cloud host.
    pub fn is_open_cloud(self) -> bool {
        self.operation().host() == Host::Cloud
    }
}

/// How a request misbehaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (500, 502, 503, …) and a Roblox error body.
    Status(u16),
    /// Answer 429, with `retry-after` in seconds or without it.
    TooManyRequests {
        /// The `retry-after` header, if any.
        retry_after: Option<u64>,
    },
    /// Send the headers and half the body, then drop the connection.
    DropConnection,
    /// Wait this long before answering normally (to trip client timeouts).
    Stall(Duration),
    /// Answer normally but cut the JSON body in half.
    TruncatedJson,
    /// Answer 200 with a body that is not JSON.
    MalformedJson,
    /// On collections: answer 403 "Token Validation Failed" without the
    /// `x-csrf-token` header a client needs to retry.
    OmitCsrfHeader,
    /// Answer normally. Queued before another fault it lets requests through
    /// first: `inject(route, Fault::Pass, 1)` then `inject(route, fault, 1)`
    /// makes the second request misbehave (a listing's second page).
    Pass,
}

/// Pending faults per route.
#[derive(Debug, Default)]
pub struct Faults {
    queues: Mutex<HashMap<Route, VecDeque<Fault>>>,
}

impl Faults {
    /// Makes the next `times` requests to `route` fail with `fault`.
    pub fn inject(&self, route: Route, fault: Fault, times: usize) {
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        queues
            .entry(route)
            .or_default()
            .extend(std::iter::repeat_n(fault, times));
    }

    /// The fault for the next request to `route`, if one is pending.
    pub fn next(&self, route: Route) -> Option<Fault> {
        self.queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&route)
            .and_then(VecDeque::pop_front)
    }

    /// Drops every pending fault.
    pub fn clear(&self) {
        self.queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
