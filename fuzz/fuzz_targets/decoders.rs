#![no_main]
//! Arbitrary bytes as every response body the client decodes.

use libfuzzer_sys::fuzz_target;
use roblox_inventory_api::types;

fuzz_target!(|data: &[u8]| {
    let _ = roblox_inventory::ApiError::parse(403, data);
    if let Ok(page) = serde_json::from_slice::<types::ListInventoryItemsResponse>(data) {
        let _: Vec<roblox_inventory::InventoryItem> = page.inventory_items.into_iter().map(Into::into).collect();
    }
    let _ = serde_json::from_slice::<types::ApiPageResponseCollectibleUserAssetModel>(data);
    let _ = serde_json::from_slice::<types::ApiPageResponseInventoryItemModel>(data);
    let _ = serde_json::from_slice::<types::ApiPageResponsePlaceModel>(data);
    let _ = serde_json::from_slice::<types::CategoriesModel>(data);
    let _ = serde_json::from_slice::<types::AssetIdListModel>(data);
    let _ = serde_json::from_slice::<bool>(data);
});
