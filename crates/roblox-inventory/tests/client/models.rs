//! Issue 11 item 2: the public models, read over HTTP.

use futures_util::TryStreamExt;
use roblox_inventory::models::{AssetType, CreatorType, PlacesTab};
use roblox_inventory::{Client, Error};
use roblox_inventory_sandbox::Sandbox;

use crate::{client, sandbox};

#[tokio::test]
async fn listings_return_the_crates_own_models_with_their_ids() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let client = client(&sandbox).build().unwrap();
    let collectibles: Vec<_> = client
        .collectibles(156)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(!collectibles.is_empty());
    assert!(collectibles
        .iter()
        .all(|c| c.asset_id > 0 && !c.name.is_empty()));
    let hats: Vec<_> = client
        .inventory(156, AssetType::Hat)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(hats.iter().all(|h| h.user_asset_id > 0 && h.asset_id > 0));
    let places: Vec<_> = client
        .places(156, PlacesTab::Created)
        .items()
        .try_collect()
        .await
        .unwrap();
    let creator = places[0]
        .creator
        .as_ref()
        .expect("the sandbox names creators");
    assert_eq!(creator.kind, Some(CreatorType::User));
    // What the CLI prints: Roblox's names, enums by name.
    let json = serde_json::to_value(&places[0]).unwrap();
    assert_eq!(json["placeId"], places[0].place_id);
    assert_eq!(json["creator"]["kind"], "User");
}

#[tokio::test]
async fn a_record_without_its_id_fails_the_page_with_a_decode_error_naming_it() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/1/assets/collectibles"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "previousPageCursor": null, "nextPageCursor": null,
            "data": [
                {"userAssetId": 1, "assetId": 2, "name": "fine"},
                {"userAssetId": 3, "name": "no asset id"},
            ]
        })))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let error = client
        .collectibles(1)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("the page is refused, not half-reported");
    assert!(
        matches!(error, Error::Decode { status: 200, .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("assetId") && text.contains("collectible"),
        "{text}"
    );
}

#[tokio::test]
async fn a_filter_with_an_asset_type_the_spec_does_not_list_is_refused_before_any_request() {
    use roblox_inventory::models::InventoryItemAssetType;
    use roblox_inventory::InventoryFilter;
    use roblox_inventory_sandbox::Route;
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let client = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let unlisted: InventoryItemAssetType = "HOLOGRAM".parse().unwrap();
    let filter = InventoryFilter::by_type().asset_types([InventoryItemAssetType::Hat, unlisted]);
    let error = client
        .inventory_items(156)
        .filter(filter)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("refused");
    assert!(
        matches!(error, Error::InvalidArgument { name: "filter", .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("HOLOGRAM"), "{error}");
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 0);
}
