//! Paging stops only where Roblox says it ends (facts §3, correction): a missing
//! or empty token. Empty pages with a continuing token are read past; a token
//! that comes back unchanged is an error, not an endless loop.

use futures_util::TryStreamExt;
use roblox_inventory::models::ItemDetails;
use roblox_inventory::{Error, InventoryFilter, Item};
use roblox_inventory_sandbox::{Route, Sandbox};

use crate::{client, sandbox};

#[tokio::test]
async fn empty_pages_inside_a_multi_field_filter_lose_nothing() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false).pages_per_field(true)).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    // builderman owns neither asset: the asset field is an empty page with a token.
    let filter = InventoryFilter::by_id()
        .assets([999_999_001, 999_999_002])
        .badges([2124445684])
        .game_passes([1111, 2222]);
    let pages: Vec<_> = cloud
        .inventory_items(156)
        .filter(filter)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert!(
        pages[0].items.is_empty() && pages[0].next.is_some(),
        "the sandbox answers the asset field with an empty, continuing page: {pages:?}"
    );
    let found: Vec<ItemDetails> = pages
        .into_iter()
        .flat_map(|p| p.items)
        .map(|i| i.details)
        .collect();
    assert_eq!(
        found,
        [
            ItemDetails::Badge {
                badge_id: 2124445684
            },
            ItemDetails::GamePass { game_pass_id: 1111 },
            ItemDetails::GamePass { game_pass_id: 2222 },
        ]
    );

    // Ownership mixes id fields in one filter: the game pass after an empty asset
    // field is still found.
    let answers = cloud
        .owned(156, &[Item::Asset(999_999_001), Item::GamePass(1111)])
        .await
        .unwrap();
    assert_eq!(
        answers,
        [
            (Item::Asset(999_999_001), false),
            (Item::GamePass(1111), true)
        ]
    );
    assert!(sandbox.requests(Route::ListInventoryItems) >= 2);
}

#[tokio::test]
async fn a_token_that_comes_back_unchanged_is_an_error() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"inventoryItems": [], "nextPageToken": "again"}"#),
        )
        .mount(&server)
        .await;
    let cloud = roblox_inventory::Client::builder()
        .base_url(server.uri())
        .api_key("k")
        .without_budget()
        .build()
        .unwrap();
    let result: Result<Vec<_>, Error> = cloud.inventory_items(1).items().try_collect().await;
    let error = result.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { reason, .. } if reason.contains("same page token")),
        "{error:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_filter_that_selects_nothing_is_refused_before_any_request() {
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    for filter in [
        InventoryFilter::from(InventoryFilter::by_id()),
        InventoryFilter::by_type().asset_types([]).into(),
    ] {
        let result: Result<Vec<_>, Error> = cloud
            .inventory_items(156)
            .filter(filter)
            .items()
            .try_collect()
            .await;
        assert!(
            matches!(result, Err(Error::InvalidArgument { name: "filter", .. })),
            "{result:?}"
        );
    }
    assert!("badges=false".parse::<InventoryFilter>().is_err());
    assert!(cloud.owned(156, &[]).await.unwrap().is_empty());
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 0);
    assert_eq!(sandbox.requests(Route::IsOwned), 0);
}

/// Every builder's `page_size` takes the same type, a `u32` (`PageSize` names
/// the legacy sizes; issue 20 item 5); a number the endpoint does not accept
/// fails before any request.
#[tokio::test]
async fn page_size_takes_one_type_everywhere_and_refuses_what_an_endpoint_does_not_accept() {
    use roblox_inventory::models::AssetType;
    use roblox_inventory::PageSize;
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let reader = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let by_number: Vec<_> = reader
        .collectibles(156)
        .page_size(10)
        .items()
        .try_collect()
        .await
        .unwrap();
    let by_name: Vec<_> = reader
        .collectibles(156)
        .page_size(PageSize::Ten.into())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(by_number, by_name);
    reader
        .inventory_items(156)
        .page_size(25)
        .max_pages(1)
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let before = (
        sandbox.requests(Route::Collectibles),
        sandbox.requests(Route::InventoryByAssetType),
    );
    for refused in [
        reader
            .collectibles(156)
            .page_size(30)
            .items()
            .try_next()
            .await
            .unwrap_err(),
        reader
            .inventory(156, AssetType::Hat)
            .page_size(0)
            .items()
            .try_next()
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(
                refused,
                Error::InvalidArgument {
                    name: "page_size",
                    ..
                }
            ),
            "{refused:?}"
        );
    }
    assert_eq!(
        (
            sandbox.requests(Route::Collectibles),
            sandbox.requests(Route::InventoryByAssetType)
        ),
        before,
        "nothing sent"
    );
}

#[tokio::test]
async fn the_client_counts_every_request_it_sends_per_operation_retries_included() {
    use roblox_inventory::{Host, Operation};
    let sandbox = sandbox(Sandbox::builder().rate_limits(false)).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let before = cloud.requests_sent();
    assert_eq!(before.iter().count(), 0, "{before:?}");
    // One refusal the client retries: two requests for one answer.
    sandbox.inject(
        Route::Collectibles,
        roblox_inventory_sandbox::Fault::Status(503),
        1,
    );
    let copies: Vec<_> = cloud.collectibles(156).items().try_collect().await.unwrap();
    assert!(!copies.is_empty());
    let pages: Vec<_> = cloud
        .inventory_items(156)
        .page_size(1)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let after = cloud.requests_sent();
    let sent = after.since(&before);
    assert_eq!(
        sent.get(Operation::GetV1UsersAssetsCollectibles),
        sandbox.requests(Route::Collectibles)
    );
    assert_eq!(sent.get(Operation::GetV1UsersAssetsCollectibles), 2);
    assert_eq!(
        sent.get(Operation::CloudListInventoryItems),
        pages.len() as u64
    );
    assert_eq!(sent.to_host(Host::Cloud), pages.len() as u64);
    assert_eq!(sent.to_host(Host::Legacy), 2);
    // Clones share the count; a later count minus itself is nothing.
    assert_eq!(cloud.clone().requests_sent(), after);
    assert_eq!(after.since(&after).iter().count(), 0);
}
