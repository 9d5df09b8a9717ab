//! Every generated operation is reachable through `cloud_api()` / `legacy_api()`,
//! with this client's credentials per host, the CSRF exchange and retries.

use roblox_inventory::api::enums::{AssetType, CollectionItemType, OwnershipItemType, PlacesTab};
use roblox_inventory_sandbox::{Route, Sandbox};

use crate::{client, sandbox};

/// Whether builderman (156) owns game pass 1111, through the escape hatch.
async fn owns_pass_1111(legacy: &roblox_inventory::api::LegacyClient) -> bool {
    legacy
        .get_v1_users_items_is_owned()
        .user_id(156)
        .item_type(OwnershipItemType::GamePass)
        .item_target_id(1111)
        .send()
        .await
        .unwrap()
        .into_inner()
}

/// A collection write succeeded (the spec declares its 200 without a body:
/// `{}` and an empty body both succeed).
fn assert_written<T, E>(result: &Result<T, roblox_inventory::api::Error<E>>)
where
    Result<T, roblox_inventory::api::Error<E>>: std::fmt::Debug,
{
    assert!(result.is_ok(), "{result:?}");
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
    assert!(owns_pass_1111(legacy).await);
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

/// Two servers stand for the two hosts: each escape-hatch client reaches its
/// own host with its own credential, and neither server ever sees the other
/// host's credential (issue 17: the API key used to reach the legacy host, the
/// cookie Open Cloud). A call of the other host's operation does not compile
/// (the doctests of `Client::cloud_api` and `Client::legacy_api`); the
/// executor's refusal behind that is tested in the crate (`client::tests`).
#[tokio::test]
async fn each_escape_hatch_client_reaches_its_own_host_with_its_own_credential() {
    use wiremock::matchers::{method, path, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let (cloud_host, legacy_host) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .and(path("/cloud/v2/users/156/inventory-items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"inventoryItems": [], "nextPageToken": ""})),
        )
        .mount(&cloud_host)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1/users/156/items/[^/]+/1111/is-owned$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(true))
        .mount(&legacy_host)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&legacy_host)
        .await;
    let client = roblox_inventory::Client::builder()
        .cloud_base_url(cloud_host.uri())
        .legacy_base_url(legacy_host.uri())
        .api_key("key-for-open-cloud-only")
        .roblosecurity("cookie-for-the-legacy-host-only")
        .without_budget()
        .build()
        .unwrap();

    let page = client
        .cloud_api()
        .cloud_list_inventory_items()
        .user_id("156")
        .send()
        .await
        .unwrap();
    assert!(page.into_inner().inventory_items.is_empty());
    assert!(owns_pass_1111(client.legacy_api()).await);
    assert_written(
        &client
            .legacy_api()
            .post_v1_collections_items()
            .item_type(CollectionItemType::Asset)
            .item_target_id(1)
            .send()
            .await,
    );

    let cloud_saw = cloud_host.received_requests().await.unwrap();
    let legacy_saw = legacy_host.received_requests().await.unwrap();
    assert_eq!(cloud_saw.len(), 1);
    assert_eq!(legacy_saw.len(), 2);
    for request in &cloud_saw {
        assert!(request.headers.get("cookie").is_none(), "{request:?}");
        assert!(request.headers.get("x-api-key").is_some());
    }
    for request in &legacy_saw {
        assert!(request.headers.get("x-api-key").is_none(), "{request:?}");
        assert!(request.headers.get("authorization").is_none());
        assert!(request.headers.get("cookie").is_some());
    }
}

/// The collection writes succeed through the escape hatch whether Roblox sends
/// `{}` or no body at all (the overlay declares the 200 body optional).
#[tokio::test]
async fn collection_writes_succeed_on_an_empty_or_empty_object_body() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    for body in ["", "{}"] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
        let client = roblox_inventory::Client::builder()
            .base_url(server.uri())
            .roblosecurity("cookie")
            .without_budget()
            .build()
            .unwrap();
        let written = client
            .legacy_api()
            .post_v1_collections_items()
            .item_type(CollectionItemType::Asset)
            .item_target_id(1)
            .send()
            .await;
        assert_written(&written);
    }
}

/// A token source's own error reaches an escape-hatch caller typed, however
/// many calls failed before it is converted (the old process-wide table kept
/// 256, then turned the rest into text).
#[tokio::test]
async fn token_source_errors_reach_escape_hatch_callers_typed() {
    #[derive(Debug)]
    struct Revoked(u32);
    impl std::fmt::Display for Revoked {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "grant {} was revoked", self.0)
        }
    }
    impl std::error::Error for Revoked {}
    struct Failing(std::sync::atomic::AtomicU32);
    impl roblox_inventory::auth::TokenSource for Failing {
        fn token(&self) -> roblox_inventory::auth::TokenFuture<'_> {
            let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Box::pin(async move { Err(Revoked(n).into()) })
        }
    }
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let client = client(&sandbox)
        .oauth_token_source(Failing(std::sync::atomic::AtomicU32::new(0)))
        .build()
        .unwrap();
    let mut failed = Vec::new();
    for _ in 0..300 {
        failed.push(
            client
                .cloud_api()
                .cloud_list_inventory_items()
                .user_id("156")
                .send()
                .await
                .map(|_| ())
                .unwrap_err(),
        );
    }
    // Converted last-first: the earliest failures are the ones a bounded table lost.
    for (n, error) in failed.into_iter().enumerate().rev() {
        match roblox_inventory::Error::from_api(error).await {
            roblox_inventory::Error::TokenSource(source) => {
                let revoked = source
                    .downcast_ref::<Revoked>()
                    .expect("the source's own error");
                assert_eq!(revoked.0 as usize, n);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        sandbox.requests(Route::ListInventoryItems),
        0,
        "nothing sent"
    );
}

/// What the client decides is never read from a response: a server that sends
/// the header names the client once used for its stand-ins is read as itself.
#[tokio::test]
async fn a_response_cannot_pose_as_a_decision_of_the_client() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-roblox-inventory-no-slot-ms", "5")
                .insert_header("x-roblox-inventory-deadline-ms", "5")
                .insert_header("x-roblox-inventory-token-error", "1")
                .set_body_string(r#"{"errors":[{"code":0,"message":"TooManyRequests"}]}"#),
        )
        .mount(&server)
        .await;
    let client = roblox_inventory::Client::builder()
        .base_url(server.uri())
        .without_budget()
        .retry(roblox_inventory::RetryConfig::disabled())
        .build()
        .unwrap();
    let error = client
        .is_owned(1, roblox_inventory::models::OwnershipItemType::GamePass, 2)
        .await
        .unwrap_err();
    assert!(
        matches!(error, roblox_inventory::Error::RateLimited { .. }),
        "{error:?}"
    );
}
