//! Worlds made in code: the default world of the README and the tests, a
//! generated one for paging and load, and populations of many users.

use super::*;

const T0: &str = "2024-01-15T10:00:00Z";

fn owned(id: u64) -> Owned {
    Owned {
        id,
        added: T0.into(),
    }
}

fn copy(user_asset_id: u64, asset_id: u64, serial_number: Option<u64>, on_hold: bool) -> UserAsset {
    UserAsset {
        user_asset_id,
        asset_id,
        serial_number,
        on_hold,
        added: T0.into(),
    }
}

impl World {
    /// The small, documented default world (see the crate docs for who owns what).
    pub fn default_world() -> Self {
        let asset = |id, name: &str, asset_type, limited, rap| Asset {
            id,
            name: name.into(),
            asset_type,
            limited,
            original_price: if limited { Some(1_000) } else { Some(100) },
            asset_stock: if limited { Some(5_000) } else { None },
            recent_average_price: rap,
        };
        let named = |id, name: &str| Named {
            id,
            name: name.into(),
        };
        World {
            assets: vec![
                asset(1_028_606, "Red Baseball Cap", 8, false, 0),
                asset(1_365_767, "Valkyrie Helm", 8, true, 120_000),
                asset(1_029_025, "The Classic ROBLOX Fedora", 8, true, 8_500),
                asset(144_075_659, "Blue Shirt", 11, false, 0),
                asset(144_076_760, "Dark Green Jeans", 12, false, 0),
                asset(451_220_849, "Sword Pack", 41, false, 0),
                asset(1_818, "Crossroads", 9, false, 0),
                asset(607_702_162, "Roblox Boy Package", 32, false, 0),
                asset(607_785_314, "Roblox Boy Torso", 27, false, 0),
                asset(607_784_987, "Roblox Boy Left Arm", 29, false, 0),
                asset(27_112_438, "Shedletsky's Sword", 19, false, 0),
            ],
            badges: vec![
                named(2_124_445_684, "Welcome!"),
                named(2_124_445_685, "Veteran"),
            ],
            game_passes: vec![
                named(1_111, "VIP"),
                named(2_222, "Double Coins"),
                named(3_333, "Radio"),
            ],
            private_servers: vec![named(90_001, "builderman's server")],
            bundles: vec![Bundle {
                id: 192,
                name: "Roblox Boy".into(),
                asset_ids: vec![607_785_314, 607_784_987],
            }],
            packages: vec![Bundle {
                id: 607_702_162,
                name: "Roblox Boy Package".into(),
                asset_ids: vec![607_785_314, 607_784_987],
            }],
            places: vec![
                Place {
                    place_id: 1_818,
                    universe_id: 13_058,
                    name: "Crossroads".into(),
                    creator_user_id: 156,
                    price_in_robux: None,
                },
                Place {
                    place_id: 606_849_621,
                    universe_id: 245_662_005,
                    name: "Jailbreak".into(),
                    creator_user_id: 1,
                    price_in_robux: Some(25),
                },
            ],
            users: vec![
                User {
                    id: 1,
                    name: "Roblox".into(),
                    inventory_public: true,
                    assets: vec![copy(10_001, 1_028_606, None, false)],
                    badges: vec![],
                    game_passes: vec![],
                    private_servers: vec![],
                    bundles: vec![],
                    places: vec![PlaceEntry {
                        tab: PlacesTab::Created,
                        place_id: 606_849_621,
                    }],
                    collection: vec![],
                },
                User {
                    id: 156,
                    name: "builderman".into(),
                    inventory_public: true,
                    assets: vec![
                        copy(20_001, 1_028_606, None, false),
                        copy(20_002, 1_365_767, Some(42), false),
                        copy(20_003, 1_029_025, Some(7), true),
                        copy(20_004, 144_075_659, None, false),
                        copy(20_005, 144_076_760, None, false),
                        copy(20_006, 451_220_849, None, false),
                        copy(20_007, 1_818, None, false),
                        copy(20_008, 607_785_314, None, false),
                        copy(20_009, 607_784_987, None, false),
                    ],
                    badges: vec![owned(2_124_445_684)],
                    game_passes: vec![owned(1_111), owned(2_222)],
                    private_servers: vec![owned(90_001)],
                    bundles: vec![owned(192)],
                    places: vec![
                        PlaceEntry {
                            tab: PlacesTab::Created,
                            place_id: 1_818,
                        },
                        PlaceEntry {
                            tab: PlacesTab::Purchased,
                            place_id: 606_849_621,
                        },
                    ],
                    collection: vec![CollectionEntry {
                        kind: CollectionKind::Asset,
                        id: 1_365_767,
                    }],
                },
                User {
                    id: 261,
                    name: "Shedletsky".into(),
                    inventory_public: false,
                    assets: vec![
                        copy(30_001, 27_112_438, None, false),
                        copy(30_002, 1_029_025, Some(8), false),
                    ],
                    badges: vec![owned(2_124_445_685)],
                    game_passes: vec![owned(3_333)],
                    private_servers: vec![],
                    bundles: vec![],
                    places: vec![],
                    collection: vec![],
                },
            ],
            api_keys: vec![
                ApiKey {
                    key: "sandbox-key-builderman".into(),
                    owner_user_id: 156,
                    inventory_read: true,
                },
                ApiKey {
                    key: "sandbox-key-shedletsky".into(),
                    owner_user_id: 261,
                    inventory_read: true,
                },
                ApiKey {
                    key: "sandbox-key-no-inventory-read".into(),
                    owner_user_id: 261,
                    inventory_read: false,
                },
            ],
            oauth_tokens: vec![
                OAuthToken {
                    token: "sandbox-oauth-shedletsky".into(),
                    user_id: 261,
                    scopes: vec!["user.inventory-item:read".into()],
                },
                OAuthToken {
                    token: "sandbox-oauth-no-scope".into(),
                    user_id: 261,
                    scopes: vec![],
                },
            ],
            cookies: vec![
                Cookie {
                    value: "sandbox-cookie-builderman".into(),
                    user_id: 156,
                },
                Cookie {
                    value: "sandbox-cookie-shedletsky".into(),
                    user_id: 261,
                },
            ],
            oauth_apps: vec![
                OAuthApp {
                    client_id: "sandbox-app".into(),
                    client_secret: Some("sandbox-app-secret".into()),
                    redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
                },
                OAuthApp {
                    client_id: "sandbox-public-app".into(),
                    client_secret: None,
                    redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
                },
            ],
            collection_capacity: default_collection_capacity(),
        }
    }

    /// A large world made from `seed`: the default world plus user `user_id`
    /// owning `items` asset copies (some Limited) and a few of everything else.
    /// The same seed always gives the same world.
    pub fn generated(seed: u64, user_id: u64, items: usize) -> Self {
        let mut world = World::default_world();
        let mut rng = SplitMix64(seed);
        const TYPES: [i32; 10] = [8, 11, 12, 41, 42, 43, 18, 19, 24, 61];
        let catalog = 2_000u64;
        for n in 0..catalog {
            let limited = rng.next().is_multiple_of(10);
            world.assets.push(Asset {
                id: 10_000_000 + n,
                name: format!("Generated item {n}"),
                asset_type: TYPES[(rng.next() % TYPES.len() as u64) as usize],
                limited,
                original_price: Some(rng.next() % 5_000),
                asset_stock: limited.then_some(rng.next() % 10_000 + 1),
                recent_average_price: if limited { rng.next() % 100_000 } else { 0 },
            });
        }
        let assets = (0..items as u64)
            .map(|n| {
                let asset_id = 10_000_000 + rng.next() % catalog;
                let limited = world.assets
                    [world.assets.len() - catalog as usize + (asset_id - 10_000_000) as usize]
                    .limited;
                UserAsset {
                    user_asset_id: 1_000_000_000 + n,
                    asset_id,
                    serial_number: limited.then_some(rng.next() % 5_000 + 1),
                    on_hold: limited && rng.next().is_multiple_of(7),
                    added: T0.into(),
                }
            })
            .collect();
        world.users.push(User {
            id: user_id,
            name: format!("collector{user_id}"),
            inventory_public: true,
            assets,
            badges: vec![owned(2_124_445_684), owned(2_124_445_685)],
            game_passes: vec![owned(1_111), owned(2_222), owned(3_333)],
            private_servers: vec![],
            bundles: vec![owned(192)],
            places: vec![],
            collection: vec![],
        });
        world
    }
}

/// A population to generate with [`World::populated`]: many users owning random
/// parts of a generated catalog, for tests and benchmarks at scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    /// The same seed always gives the same world.
    pub seed: u64,
    /// How many users.
    pub users: usize,
    /// The first user's id; the others follow one by one.
    pub first_user_id: u64,
    /// Catalog assets (ids from [`Population::FIRST_ASSET_ID`]).
    pub assets: usize,
    /// Game passes, badges, bundles and private servers in the catalog, each
    /// (ids from [`Population::FIRST_GAME_PASS_ID`] and so on).
    pub others: usize,
    /// The chance, in percent, that a user owns a given catalog item.
    pub owned_percent: u64,
    /// The chance, in percent, that a user's inventory is private.
    pub private_percent: u64,
}

impl Population {
    /// The first generated asset id.
    pub const FIRST_ASSET_ID: u64 = 50_000_000;
    /// The first generated game pass id.
    pub const FIRST_GAME_PASS_ID: u64 = 60_000_000;
    /// The first generated badge id.
    pub const FIRST_BADGE_ID: u64 = 70_000_000;
    /// The first generated bundle id.
    pub const FIRST_BUNDLE_ID: u64 = 80_000_000;
    /// The first generated private server id.
    pub const FIRST_PRIVATE_SERVER_ID: u64 = 95_000_000;

    /// `users` users from id 100,000 over a catalog of 1,000 assets and 10 of
    /// each other kind, each owning about half, all inventories public.
    pub fn new(seed: u64, users: usize) -> Self {
        Self {
            seed,
            users,
            first_user_id: 100_000,
            assets: 1_000,
            others: 10,
            owned_percent: 50,
            private_percent: 0,
        }
    }
}

impl World {
    /// The default world plus a generated [`Population`]. The default world's
    /// keys stay usable: `sandbox-key-builderman` reads every public inventory.
    pub fn populated(population: &Population) -> Self {
        let mut world = World::default_world();
        let mut rng = SplitMix64(population.seed);
        const TYPES: [i32; 6] = [8, 11, 12, 41, 42, 18];
        for n in 0..population.assets as u64 {
            world.assets.push(Asset {
                id: Population::FIRST_ASSET_ID + n,
                name: format!("Catalog item {n}"),
                asset_type: TYPES[(n % TYPES.len() as u64) as usize],
                limited: false,
                original_price: Some(rng.next() % 1_000),
                asset_stock: None,
                recent_average_price: 0,
            });
        }
        let others = population.others as u64;
        for n in 0..others {
            let named = |prefix: &str, first: u64| Named {
                id: first + n,
                name: format!("{prefix} {n}"),
            };
            world
                .game_passes
                .push(named("Pass", Population::FIRST_GAME_PASS_ID));
            world
                .badges
                .push(named("Badge", Population::FIRST_BADGE_ID));
            world
                .private_servers
                .push(named("Server", Population::FIRST_PRIVATE_SERVER_ID));
            world.bundles.push(Bundle {
                id: Population::FIRST_BUNDLE_ID + n,
                name: format!("Bundle {n}"),
                asset_ids: vec![],
            });
        }
        let mut next_copy = 5_000_000_000u64;
        for u in 0..population.users as u64 {
            let owns = |rng: &mut SplitMix64| rng.next() % 100 < population.owned_percent;
            let mut assets = Vec::new();
            for n in 0..population.assets as u64 {
                if owns(&mut rng) {
                    assets.push(UserAsset {
                        user_asset_id: next_copy,
                        asset_id: Population::FIRST_ASSET_ID + n,
                        serial_number: None,
                        on_hold: false,
                        added: T0.into(),
                    });
                    next_copy += 1;
                }
            }
            let some = |first: u64, rng: &mut SplitMix64| -> Vec<Owned> {
                (0..others)
                    .filter(|_| owns(rng))
                    .map(|n| owned(first + n))
                    .collect()
            };
            let game_passes = some(Population::FIRST_GAME_PASS_ID, &mut rng);
            let badges = some(Population::FIRST_BADGE_ID, &mut rng);
            let bundles = some(Population::FIRST_BUNDLE_ID, &mut rng);
            let private_servers = some(Population::FIRST_PRIVATE_SERVER_ID, &mut rng);
            let id = population.first_user_id + u;
            world.users.push(User {
                id,
                name: format!("member{id}"),
                inventory_public: rng.next() % 100 >= population.private_percent,
                assets,
                badges,
                game_passes,
                private_servers,
                bundles,
                places: vec![],
                collection: vec![],
            });
        }
        world
    }
}

/// A tiny, stable pseudo-random generator (SplitMix64): generated worlds must be
/// identical for a seed forever, which `rand`'s generators do not promise across versions.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
