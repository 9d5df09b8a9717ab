//! The world a sandbox serves: users, what they own, the catalog, and the
//! credentials that may read it. Plain data, serializable to JSON.

use serde::{Deserialize, Serialize};

/// An asset in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    /// The asset id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its numeric Roblox asset type (8 = Hat, 9 = Place, …).
    pub asset_type: i32,
    /// Whether it is a Limited (collectible) with serial numbers.
    #[serde(default)]
    pub limited: bool,
    /// Original price in Robux, if it had one.
    #[serde(default)]
    pub original_price: Option<u64>,
    /// Copies in existence, for Limiteds.
    #[serde(default)]
    pub asset_stock: Option<u64>,
    /// Recent average price in Robux, for Limiteds.
    #[serde(default)]
    pub recent_average_price: u64,
}

/// Anything else with an id and a name (badges, game passes, private servers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    /// The id.
    pub id: u64,
    /// The name.
    pub name: String,
}

/// A bundle (or a legacy package) and the assets in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// The bundle or package id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The assets it contains.
    pub asset_ids: Vec<u64>,
}

/// A place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// The place id.
    pub place_id: u64,
    /// Its universe (experience) id.
    pub universe_id: u64,
    /// Its name.
    pub name: String,
    /// The user who created it.
    pub creator_user_id: u64,
    /// Its price in Robux, if it is paid access.
    #[serde(default)]
    pub price_in_robux: Option<u64>,
}

/// One copy of an asset that a user owns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserAsset {
    /// The user asset (instance) id, unique across the world.
    pub user_asset_id: u64,
    /// The asset.
    pub asset_id: u64,
    /// Serial number, for Limiteds.
    #[serde(default)]
    pub serial_number: Option<u64>,
    /// Whether the copy is on hold (recently traded or bought).
    #[serde(default)]
    pub on_hold: bool,
    /// When it was acquired (RFC 3339).
    pub added: String,
}

/// A non-asset item a user owns (badge, game pass, private server, bundle).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Owned {
    /// The item's id.
    pub id: u64,
    /// When it was acquired (RFC 3339).
    pub added: String,
}

/// Which places tab a place is listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlacesTab {
    /// Places the user created (tab 0).
    Created,
    /// The user's games (tab 1).
    MyGames,
    /// Other games (tab 2).
    OtherGames,
    /// Places the user bought access to (tab 3).
    Purchased,
}

impl PlacesTab {
    /// The tab for a `placesTab` number (0–3 follow the order of Roblox's summary; 4
    /// and 5 are undocumented and list nothing).
    pub fn from_number(n: i64) -> Option<Self> {
        match n {
            0 => Some(Self::Created),
            1 => Some(Self::MyGames),
            2 => Some(Self::OtherGames),
            3 => Some(Self::Purchased),
            _ => None,
        }
    }

    /// The tab for a `placesTab` name, as RoSeal sends it.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Created,
            Self::MyGames,
            Self::OtherGames,
            Self::Purchased,
        ]
        .into_iter()
        .find(|tab| format!("{tab:?}").eq_ignore_ascii_case(name))
    }
}

/// A place listed in one of a user's places tabs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceEntry {
    /// The tab.
    pub tab: PlacesTab,
    /// The place.
    pub place_id: u64,
}

/// What a collection entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CollectionKind {
    /// An asset.
    Asset,
    /// A bundle.
    Bundle,
}

/// One entry of a user's collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionEntry {
    /// Asset or bundle.
    pub kind: CollectionKind,
    /// Its id.
    pub id: u64,
}

/// A user and everything they own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user id.
    pub id: u64,
    /// The username.
    pub name: String,
    /// "Who can see my inventory?" is Everyone.
    pub inventory_public: bool,
    /// Asset copies, in ascending user asset id.
    #[serde(default)]
    pub assets: Vec<UserAsset>,
    /// Badges.
    #[serde(default)]
    pub badges: Vec<Owned>,
    /// Game passes.
    #[serde(default)]
    pub game_passes: Vec<Owned>,
    /// Private servers.
    #[serde(default)]
    pub private_servers: Vec<Owned>,
    /// Bundles.
    #[serde(default)]
    pub bundles: Vec<Owned>,
    /// Places per tab.
    #[serde(default)]
    pub places: Vec<PlaceEntry>,
    /// The user's collection (showcase).
    #[serde(default)]
    pub collection: Vec<CollectionEntry>,
}

/// An Open Cloud API key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    /// The key as sent in `x-api-key`.
    pub key: String,
    /// The user who created it.
    pub owner_user_id: u64,
    /// Whether it has the Inventory: Read permission.
    pub inventory_read: bool,
}

/// An OAuth 2.0 access token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthToken {
    /// The bearer token.
    pub token: String,
    /// The user who authorized it.
    pub user_id: u64,
    /// Granted scopes.
    pub scopes: Vec<String>,
}

/// The redirect URI the default world's OAuth apps register.
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:8910/callback";

/// An OAuth 2.0 app registered with the sandbox's authorization server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthApp {
    /// The client id.
    pub client_id: String,
    /// The client secret of a confidential app; `None` for a public app (PKCE only).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The registered redirect URIs (Roblox allows up to 10).
    pub redirect_uris: Vec<String>,
}

/// A `.ROBLOSECURITY` session cookie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cookie {
    /// The cookie value.
    pub value: String,
    /// The signed-in user.
    pub user_id: u64,
}

/// Everything the sandbox serves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct World {
    /// Users.
    pub users: Vec<User>,
    /// The asset catalog.
    pub assets: Vec<Asset>,
    /// Badges.
    #[serde(default)]
    pub badges: Vec<Named>,
    /// Game passes.
    #[serde(default)]
    pub game_passes: Vec<Named>,
    /// Private servers.
    #[serde(default)]
    pub private_servers: Vec<Named>,
    /// Bundles.
    #[serde(default)]
    pub bundles: Vec<Bundle>,
    /// Legacy packages (id is the package's asset id).
    #[serde(default)]
    pub packages: Vec<Bundle>,
    /// Places.
    #[serde(default)]
    pub places: Vec<Place>,
    /// API keys.
    #[serde(default)]
    pub api_keys: Vec<ApiKey>,
    /// OAuth tokens.
    #[serde(default)]
    pub oauth_tokens: Vec<OAuthToken>,
    /// Cookies.
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    /// OAuth 2.0 apps.
    #[serde(default)]
    pub oauth_apps: Vec<OAuthApp>,
    /// How many entries a collection holds before code 9 "The collection is full".
    #[serde(default = "default_collection_capacity")]
    pub collection_capacity: usize,
}

fn default_collection_capacity() -> usize {
    20
}

/// Why a world file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    /// Reading or writing the file failed.
    #[error("world file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
    /// The file is not a world.
    #[error("world file {path} is not valid: {source}")]
    Json {
        /// The file.
        path: String,
        /// What is wrong.
        source: serde_json::Error,
    },
    /// The world contradicts itself.
    #[error("world is inconsistent: {0}")]
    Inconsistent(String),
}

impl World {
    /// Loads a world from a JSON file and checks it.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self, WorldError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| WorldError::Io {
            path: name.clone(),
            source,
        })?;
        let world: World = serde_json::from_str(&text)
            .map_err(|source| WorldError::Json { path: name, source })?;
        world.validate()?;
        Ok(world)
    }

    /// Saves the world as pretty JSON.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<(), WorldError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = serde_json::to_string_pretty(self).map_err(|source| WorldError::Json {
            path: name.clone(),
            source,
        })?;
        std::fs::write(path, text + "\n").map_err(|source| WorldError::Io { path: name, source })
    }

    /// Checks that every reference resolves and ids are unique.
    pub fn validate(&self) -> Result<(), WorldError> {
        let bad = |m: String| Err(WorldError::Inconsistent(m));
        let mut client_ids = std::collections::HashSet::new();
        for app in &self.oauth_apps {
            if !client_ids.insert(app.client_id.as_str()) {
                return bad(format!("OAuth app {} appears twice", app.client_id));
            }
            if app.redirect_uris.is_empty() || app.redirect_uris.len() > 10 {
                return bad(format!(
                    "OAuth app {} must register 1 to 10 redirect URIs (Roblox allows up to 10)",
                    app.client_id
                ));
            }
        }
        let mut user_ids = std::collections::HashSet::new();
        let mut user_asset_ids = std::collections::HashSet::new();
        let asset_ids: std::collections::HashSet<u64> = self.assets.iter().map(|a| a.id).collect();
        for user in &self.users {
            if !user_ids.insert(user.id) {
                return bad(format!("user {} appears twice", user.id));
            }
            for copy in &user.assets {
                if !asset_ids.contains(&copy.asset_id) {
                    return bad(format!(
                        "user {} owns unknown asset {}",
                        user.id, copy.asset_id
                    ));
                }
                if !user_asset_ids.insert(copy.user_asset_id) {
                    return bad(format!(
                        "user asset id {} is used twice",
                        copy.user_asset_id
                    ));
                }
            }
            if user
                .assets
                .windows(2)
                .any(|w| w[0].user_asset_id >= w[1].user_asset_id)
            {
                return bad(format!(
                    "user {}'s assets are not in ascending user asset id",
                    user.id
                ));
            }
            for entry in &user.places {
                if self.place(entry.place_id).is_none() {
                    return bad(format!(
                        "user {} lists unknown place {}",
                        user.id, entry.place_id
                    ));
                }
            }
        }
        for key in &self.api_keys {
            if !user_ids.contains(&key.owner_user_id) {
                return bad(format!(
                    "an API key belongs to unknown user {}",
                    key.owner_user_id
                ));
            }
        }
        Ok(())
    }

    /// The user with `id`.
    pub fn user(&self, id: u64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The user with `id`, mutably.
    pub fn user_mut(&mut self, id: u64) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }

    /// The catalog asset with `id`.
    pub fn asset(&self, id: u64) -> Option<&Asset> {
        self.assets.iter().find(|a| a.id == id)
    }

    /// The place with `id`.
    pub fn place(&self, id: u64) -> Option<&Place> {
        self.places.iter().find(|p| p.place_id == id)
    }
}

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
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_world_is_consistent() {
        World::default_world().validate().unwrap();
    }

    #[test]
    fn oauth_apps_are_unique_and_register_a_redirect_uri() {
        let mut world = World::default_world();
        world.oauth_apps.push(world.oauth_apps[0].clone());
        assert!(world.validate().is_err());
        let mut world = World::default_world();
        world.oauth_apps[0].redirect_uris.clear();
        assert!(world.validate().is_err());
    }

    #[test]
    fn generated_worlds_are_reproducible_and_consistent() {
        let a = World::generated(7, 5_000, 1_000);
        assert_eq!(a, World::generated(7, 5_000, 1_000));
        assert_ne!(a, World::generated(8, 5_000, 1_000));
        a.validate().unwrap();
        assert_eq!(a.user(5_000).unwrap().assets.len(), 1_000);
    }

    #[test]
    fn populations_are_reproducible_and_consistent() {
        let population = Population::new(3, 50);
        let a = World::populated(&population);
        assert_eq!(a, World::populated(&population));
        a.validate().unwrap();
        let member = a.user(100_049).unwrap();
        assert!(
            (300..700).contains(&member.assets.len()),
            "{}",
            member.assets.len()
        );
        assert!(a.user(100_050).is_none());
    }

    #[test]
    fn worlds_round_trip_through_json_files() {
        let path = std::env::temp_dir().join(format!("sandbox-world-{}.json", std::process::id()));
        let world = World::default_world();
        world.save(&path).unwrap();
        assert_eq!(World::load(&path).unwrap(), world);
        std::fs::write(&path, "{\"users\": 3}").unwrap();
        assert!(matches!(World::load(&path), Err(WorldError::Json { .. })));
        std::fs::remove_file(&path).ok();
    }
}
