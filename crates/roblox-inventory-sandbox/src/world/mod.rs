//! The world a sandbox serves: users, what they own, the catalog, and the
//! credentials that may read it. Plain data, serializable to JSON.

mod builders;
mod churn;

use serde::{Deserialize, Serialize};

pub use builders::Population;
pub(crate) use builders::SplitMix64;
pub use churn::{Applied, ChurnError, Event};

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

    /// The copy id of `user_id`'s copy with this serial number, if they hold one.
    pub fn copy_with_serial(&self, user_id: u64, serial_number: u64) -> Option<u64> {
        self.user(user_id)?
            .assets
            .iter()
            .find(|a| a.serial_number == Some(serial_number))
            .map(|a| a.user_asset_id)
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
