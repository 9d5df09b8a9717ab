//! Every generated operation is reachable through `cloud_api()` / `legacy_api()`,
//! with this client's credentials per host, the CSRF exchange and retries.

use roblox_inventory::api::enums::{AssetType, CollectionItemType, OwnershipItemType, PlacesTab};
use roblox_inventory::api::prelude::*;
use roblox_inventory_sandbox::{Route, Sandbox};

use crate::{client, sandbox};

/// A collection write succeeded: `{}`, or the empty body Roblox may send instead.
fn assert_written<T, E>(result: &Result<T, roblox_inventory::api::Error<E>>)
where
    Result<T, roblox_inventory::api::Error<E>>: std::fmt::Debug,
{
    assert!(
        result.is_ok()
            || matches!(
                result,
                Err(roblox_inventory::api::Error::InvalidResponsePayload(..))
            ),
        "{result:?}"
    );
}

#[tokio::test]
async fn all_nine_generated_operations_through_the_clients_executor() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let client = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .roblosecurity("sandbox-cookie-builderman")
        .build()
        .unwrap();
    let (cloud, legacy) = (client.cloud_api(), client.legacy_api());

    let page = cloud
        .cloud_list_inventory_items()
        .user_id("156")
        .max_page_size(5)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.inventory_items.len(), 5);
    assert!(legacy
        .get_v1_users_items_is_owned()
        .user_id(156)
        .item_type(OwnershipItemType::GamePass)
        .item_target_id(1111)
        .send()
        .await
        .unwrap()
        .into_inner());
    assert!(!legacy
        .get_v1_users_categories()
        .user_id(156)
        .send()
        .await
        .unwrap()
        .into_inner()
        .categories
        .is_empty());
    assert!(!legacy
        .get_v1_users_assets_collectibles()
        .user_id(156)
        .limit(10)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .is_empty());
    assert!(!legacy
        .get_v2_users_inventory()
        .user_id(156)
        .asset_type_id(AssetType::Hat.number().unwrap())
        .limit(10)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .is_empty());
    assert!(!legacy
        .get_v1_users_places_inventory()
        .user_id(156)
        .places_tab(PlacesTab::Created)
        .items_per_page(10)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .is_empty());
    assert_eq!(
        legacy
            .get_v1_packages_assets()
            .package_id(607702162)
            .send()
            .await
            .unwrap()
            .into_inner()
            .asset_ids
            .len(),
        2
    );
    // Cookie-authenticated writes run the X-CSRF-TOKEN exchange in the executor.
    let added = legacy
        .post_v1_collections_items()
        .item_type(CollectionItemType::Asset)
        .item_target_id(1028606)
        .send()
        .await;
    assert_written(&added);
    assert!(sandbox
        .world()
        .user(156)
        .unwrap()
        .collection
        .iter()
        .any(|e| e.id == 1028606));
    let removed = legacy
        .delete_v1_collections_items()
        .item_type(CollectionItemType::Asset)
        .item_target_id(1028606)
        .send()
        .await;
    assert_written(&removed);
    for route in [
        Route::ListInventoryItems,
        Route::IsOwned,
        Route::Categories,
        Route::Collectibles,
        Route::InventoryByAssetType,
        Route::PlacesInventory,
        Route::PackageAssets,
        Route::AddToCollection,
        Route::RemoveFromCollection,
    ] {
        assert!(sandbox.requests(route) >= 1, "{route:?}");
    }
    assert!(
        sandbox.credential_violations().is_empty(),
        "{:?}",
        sandbox.credential_violations()
    );
}
