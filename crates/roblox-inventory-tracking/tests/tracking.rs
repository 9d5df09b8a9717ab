//! Observations over real HTTP against the sandbox: complete snapshots with
//! copy ids and serials, privacy as its own view, and never a partial listing.

use roblox_inventory::models::InventoryItemAssetType;
use roblox_inventory::{Client, Item, RetryConfig};
use roblox_inventory_sandbox::{Fault, Route, Sandbox, World};
use roblox_inventory_tracking::{
    observe, ChangeKind, HoldingId, ItemRef, ObserveError, Scope, ScopeError, Tracked, View,
};

async fn sandbox(world: World) -> Sandbox {
    Sandbox::builder()
        .world(world)
        .rate_limits(false)
        .start()
        .await
        .expect("sandbox starts")
}

fn client(sandbox: &Sandbox, key: &str) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key(key)
        .without_budget()
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

fn ids(view: &View) -> Vec<HoldingId> {
    match view {
        View::Holdings(holdings) => holdings.iter().map(|h| h.id).collect(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_scope_is_observed_completely_with_the_most_precise_ids() {
    let sandbox = sandbox(World::default_world()).await;
    let reader = client(&sandbox, "sandbox-key-builderman");
    let limiteds = observe(&reader, 156, &Scope::Collectibles).await.unwrap();
    let View::Holdings(copies) = &limiteds.view else {
        panic!("{limiteds:?}")
    };
    let serials: Vec<_> = copies.iter().map(|h| (h.id, h.serial_number)).collect();
    assert_eq!(serials.len(), 2, "{serials:?}");
    for (id, serial) in &serials {
        assert!(matches!(id, HoldingId::Copy { .. }), "{id:?}");
        assert!(serial.is_some(), "a Limited copy has its serial");
    }
    assert!(serials.iter().any(|(id, serial)| matches!(
        id,
        HoldingId::Copy {
            asset_id: 1365767,
            ..
        }
    ) && *serial == Some(42)));

    let passes = observe(&reader, 156, &Scope::GamePasses).await.unwrap();
    assert_eq!(
        ids(&passes.view),
        [HoldingId::GamePass(1111), HoldingId::GamePass(2222)]
    );
    let badges = observe(&reader, 156, &Scope::Badges).await.unwrap();
    assert_eq!(ids(&badges.view), [HoldingId::Badge(2124445684)]);
    let hats = observe(
        &reader,
        156,
        &Scope::AssetTypes(vec![InventoryItemAssetType::Hat]),
    )
    .await
    .unwrap();
    assert!(
        ids(&hats.view)
            .iter()
            .all(|id| matches!(id, HoldingId::Copy { .. })),
        "assets are copies: {hats:?}"
    );
    let listed = observe(
        &reader,
        156,
        &Scope::Items(vec![
            ItemRef::GamePass(1111),
            ItemRef::GamePass(3333),
            Item::Bundle(192).into(),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(
        ids(&listed.view),
        [
            HoldingId::Item(ItemRef::GamePass(1111)),
            HoldingId::Item(ItemRef::Bundle(192))
        ]
    );
}

#[tokio::test]
async fn a_private_inventory_is_a_view_of_its_own_never_an_empty_one() {
    let sandbox = sandbox(World::default_world()).await;
    let stranger = client(&sandbox, "sandbox-key-builderman");
    let first = observe(&stranger, 156, &Scope::GamePasses).await.unwrap();
    let (known, baseline) = Tracked::observe(None, &first);
    assert!(baseline.is_empty());
    // Shedletsky's inventory is private to builderman's key on both hosts.
    for scope in [Scope::Collectibles, Scope::GamePasses] {
        let private = observe(&stranger, 261, &scope).await.unwrap();
        assert_eq!(private.view, View::Private, "{scope:?}");
    }
    let private = observe(&stranger, 261, &Scope::GamePasses).await.unwrap();
    let mut as_if_156 = private.clone();
    as_if_156.user_id = 156;
    let (_, changes) = Tracked::observe(Some(&known), &as_if_156);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].kind,
        ChangeKind::BecamePrivate,
        "and nothing lost"
    );
}

#[tokio::test]
async fn a_listing_that_fails_part_way_is_an_error_not_a_snapshot() {
    // User 4000 holds 2,000 generated assets, some hundreds of them Limiteds:
    // several pages of collectibles.
    let sandbox = sandbox(World::generated(3, 4_000, 2_000)).await;
    let reader = client(&sandbox, "sandbox-key-builderman");
    let whole = observe(&reader, 4_000, &Scope::Collectibles).await.unwrap();
    assert!(ids(&whole.view).len() > 100, "more than one page");
    // Pages go 100 at a time: the second page's body is broken.
    let mut seen = 0;
    let before = sandbox.requests(Route::Collectibles);
    sandbox.inject(Route::Collectibles, Fault::Pass, 1);
    sandbox.inject(Route::Collectibles, Fault::MalformedJson, 1);
    match observe(&reader, 4_000, &Scope::Collectibles).await {
        Err(ObserveError::Client(error)) => {
            assert!(
                matches!(error, roblox_inventory::Error::Decode { .. }),
                "{error:?}"
            );
            seen += 1;
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(seen, 1);
    assert_eq!(
        sandbox.requests(Route::Collectibles) - before,
        2,
        "the first page arrived, the second broke: still no snapshot"
    );
}

#[tokio::test]
async fn a_scope_that_selects_nothing_is_refused_before_any_request() {
    let sandbox = sandbox(World::default_world()).await;
    let reader = client(&sandbox, "sandbox-key-builderman");
    for scope in [Scope::AssetTypes(Vec::new()), Scope::Items(Vec::new())] {
        let error = observe(&reader, 156, &scope).await.unwrap_err();
        assert!(
            matches!(error, ObserveError::Scope(ScopeError::Empty(_))),
            "{error:?}"
        );
    }
    assert_eq!(sandbox.requests(Route::ListInventoryItems), 0);
}
