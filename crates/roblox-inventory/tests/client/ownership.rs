//! Ownership at scale against the sandbox with its documented limits: which
//! host each check goes to, answers equal to the world's truth, and a failure
//! that stays with its user.

use std::collections::HashMap;

use futures_util::StreamExt;
use proptest::prelude::*;
use roblox_inventory::{Client, Error, Item, OwnershipAnswer};
use roblox_inventory_sandbox::{Population, Route, Sandbox, World};

/// A client with the default budget (the documented limits, real minutes) for
/// a sandbox that enforces the same.
fn client(sandbox: &Sandbox) -> roblox_inventory::ClientBuilder {
    Client::builder().base_url(sandbox.base_url())
}

async fn populated(population: &Population) -> Sandbox {
    Sandbox::builder()
        .world(World::populated(population))
        .start()
        .await
        .expect("sandbox starts")
}

fn requests(sandbox: &Sandbox) -> (u64, u64) {
    (
        sandbox.requests(Route::ListInventoryItems),
        sandbox.requests(Route::IsOwned),
    )
}

async fn answers(client: &Client, users: Vec<u64>, items: &[Item]) -> Vec<OwnershipAnswer> {
    client.ownership(users, items).answers().collect().await
}

fn error(answer: &OwnershipAnswer) -> Option<&Error> {
    answer.owned.as_ref().err().map(|e| &**e)
}

/// Whether `user` owns `item` in `world`.
fn truth(world: &World, user: u64, item: Item) -> bool {
    let user = world.user(user).expect("a user of the world");
    match item {
        Item::Asset(id) => user.assets.iter().any(|a| a.asset_id == id),
        Item::GamePass(id) => user.game_passes.iter().any(|o| o.id == id),
        Item::Badge(id) => user.badges.iter().any(|o| o.id == id),
        Item::Bundle(id) => user.bundles.iter().any(|o| o.id == id),
        Item::PrivateServer(id) => user.private_servers.iter().any(|o| o.id == id),
    }
}

const FIRST: u64 = 100_000;

#[tokio::test]
async fn the_planner_picks_the_host_per_item_kind_and_count() {
    let population = Population::new(1, 60);
    let sandbox = populated(&population).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let pass = Item::GamePass(Population::FIRST_GAME_PASS_ID);

    // One item: one is-owned request.
    answers(&cloud, vec![FIRST], &[pass]).await;
    assert_eq!(requests(&sandbox), (0, 1));

    // Many users, one item: is-owned for each.
    let users: Vec<u64> = (FIRST..FIRST + 50).collect();
    let got = answers(&cloud, users, &[pass]).await;
    assert_eq!(got.len(), 50);
    assert_eq!(requests(&sandbox), (0, 51));

    // Many items for one user: filters of 100, the bundle by is-owned.
    let mut items: Vec<Item> = (0..151)
        .map(|n| Item::Asset(Population::FIRST_ASSET_ID + n))
        .collect();
    items.push(Item::Bundle(Population::FIRST_BUNDLE_ID));
    let got = answers(&cloud, vec![FIRST], &items).await;
    assert_eq!(got.len(), 152);
    assert_eq!(requests(&sandbox), (2, 52));

    // Private servers: one filter per user carries the other items; bundles by
    // is-owned. Only a key the user created may filter by private servers, so
    // for these users the filter is refused and the others fall back to is-owned.
    let mixed = [
        Item::Asset(Population::FIRST_ASSET_ID),
        pass,
        Item::Badge(Population::FIRST_BADGE_ID),
        Item::Bundle(Population::FIRST_BUNDLE_ID),
        Item::PrivateServer(Population::FIRST_PRIVATE_SERVER_ID),
    ];
    let users: Vec<u64> = (FIRST..FIRST + 20).collect();
    let got = answers(&cloud, users, &mixed).await;
    assert_eq!(got.len(), 100);
    for answer in &got {
        match answer.item {
            Item::PrivateServer(_) => assert!(
                matches!(error(answer), Some(Error::InventoryPrivate { .. })),
                "{answer:?}"
            ),
            _ => assert!(answer.owned.is_ok(), "{answer:?}"),
        }
    }
    assert_eq!(requests(&sandbox), (2 + 20, 52 + 20 + 20 * 3));

    // The key owner's own private server and the items riding with it: one request.
    let own = answers(
        &cloud,
        vec![156],
        &[
            Item::PrivateServer(90001),
            Item::GamePass(1111),
            Item::Badge(2124445684),
        ],
    )
    .await;
    assert!(
        own.iter().all(|a| a.owned.as_ref().ok() == Some(&true)),
        "{own:?}"
    );
    assert_eq!(requests(&sandbox), (23, 132));

    // No items: no request.
    assert!(answers(&cloud, vec![FIRST, FIRST + 1], &[])
        .await
        .is_empty());
    assert_eq!(requests(&sandbox), (23, 132));
}

#[tokio::test]
async fn without_open_cloud_is_owned_answers_and_private_servers_are_refused_per_item() {
    let population = Population::new(2, 5);
    let sandbox = populated(&population).await;
    let items = [
        Item::GamePass(Population::FIRST_GAME_PASS_ID),
        Item::PrivateServer(Population::FIRST_PRIVATE_SERVER_ID),
        Item::Bundle(Population::FIRST_BUNDLE_ID),
    ];
    for builder in [
        client(&sandbox),
        client(&sandbox).roblosecurity("sandbox-cookie-builderman"),
    ] {
        let before = requests(&sandbox);
        let got = answers(
            &builder.build().unwrap(),
            (FIRST..FIRST + 5).collect(),
            &items,
        )
        .await;
        assert_eq!(got.len(), 15);
        for answer in &got {
            match answer.item {
                Item::PrivateServer(_) => assert!(matches!(
                    error(answer),
                    Some(Error::MissingCredential { .. })
                )),
                _ => assert!(answer.owned.is_ok(), "{answer:?}"),
            }
        }
        let after = requests(&sandbox);
        assert_eq!((after.0 - before.0, after.1 - before.1), (0, 10));
    }
}

#[tokio::test]
async fn one_users_failure_stays_with_that_user() {
    let population = Population::new(3, 6);
    let world = World::populated(&population);
    let sandbox = populated(&population).await;
    let cloud = client(&sandbox)
        .api_key("sandbox-key-builderman")
        .build()
        .unwrap();
    let items = [
        Item::GamePass(Population::FIRST_GAME_PASS_ID),
        Item::Asset(Population::FIRST_ASSET_ID + 1),
        Item::Bundle(Population::FIRST_BUNDLE_ID + 2),
    ];
    // 99 is no user; rounds of two users at a time.
    let users = vec![
        FIRST,
        99,
        FIRST + 1,
        FIRST + 2,
        FIRST + 3,
        FIRST + 4,
        FIRST + 5,
    ];
    let got: Vec<OwnershipAnswer> = cloud
        .ownership(users, &items)
        .users_per_round(2)
        .answers()
        .collect()
        .await;
    assert_eq!(got.len(), 7 * 3);
    for answer in got {
        if answer.user_id == 99 {
            assert!(answer.owned.is_err(), "{answer:?}");
        } else {
            assert_eq!(
                answer.owned.as_ref().ok(),
                Some(&truth(&world, answer.user_id, answer.item)),
                "{answer:?}"
            );
        }
    }
}

fn any_item(population: &Population) -> impl Strategy<Value = Item> {
    let (assets, others) = (population.assets as u64, population.others as u64);
    prop_oneof![
        (0..assets).prop_map(|n| Item::Asset(Population::FIRST_ASSET_ID + n)),
        (0..others).prop_map(|n| Item::GamePass(Population::FIRST_GAME_PASS_ID + n)),
        (0..others).prop_map(|n| Item::Badge(Population::FIRST_BADGE_ID + n)),
        (0..others).prop_map(|n| Item::Bundle(Population::FIRST_BUNDLE_ID + n)),
        (0..others).prop_map(|n| Item::PrivateServer(Population::FIRST_PRIVATE_SERVER_ID + n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random world, random users × items, API key or none: every answer is the
    /// world's truth, except what only Open Cloud can answer and cannot see.
    #[test]
    fn answers_equal_the_worlds_truth(
        seed in any::<u64>(),
        users in proptest::collection::vec(0u64..40, 1..25),
        items in proptest::collection::vec(any_item(&Population { private_percent: 25, ..Population::new(0, 40) }), 0..140),
        with_key in any::<bool>(),
        pages_per_field in any::<bool>(),
    ) {
        let population = Population { seed, private_percent: 25, ..Population::new(seed, 40) };
        let world = World::populated(&population);
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async {
            let sandbox = Sandbox::builder()
                .world(world.clone())
                .pages_per_field(pages_per_field)
                .start()
                .await
                .unwrap();
            let mut builder = client(&sandbox);
            if with_key {
                builder = builder.api_key("sandbox-key-builderman");
            }
            let users: Vec<u64> = users.iter().map(|u| FIRST + u).collect();
            let got = answers(&builder.build().unwrap(), users.clone(), &items).await;
            let distinct: std::collections::HashSet<Item> = items.iter().copied().collect();
            let mut expected_count: HashMap<u64, usize> = HashMap::new();
            for user in &users {
                *expected_count.entry(*user).or_default() += distinct.len();
            }
            let mut seen: HashMap<u64, usize> = HashMap::new();
            for answer in &got {
                *seen.entry(answer.user_id).or_default() += 1;
                // Only a key the user created may ask about private servers.
                match (answer.item, with_key) {
                    (Item::PrivateServer(_), false) => {
                        let refused = matches!(error(answer), Some(Error::MissingCredential { .. }));
                        prop_assert!(refused, "{:?}", answer);
                    }
                    (Item::PrivateServer(_), true) => {
                        let private = matches!(error(answer), Some(Error::InventoryPrivate { .. }));
                        prop_assert!(private, "{:?}", answer);
                    }
                    _ => prop_assert_eq!(answer.owned.as_ref().ok(), Some(&truth(&world, answer.user_id, answer.item)), "{:?}", answer),
                }
            }
            prop_assert_eq!(seen, expected_count.into_iter().filter(|(_, n)| *n > 0).collect::<HashMap<_, _>>());
            Ok(())
        })?;
    }
}
