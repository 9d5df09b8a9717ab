//! `rbxinv`: check ownership and dump Roblox inventories from a shell.

mod login;
mod output;
mod owns;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use futures_util::TryStreamExt;
use roblox_inventory::models::{AssetType, InventoryItemAssetType, PlacesTab, SortOrder};
use roblox_inventory::{Client, Error, InventoryFilter, Item, ItemDetails};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Map, Value};

use output::{Format, Output};

/// Check ownership and dump Roblox inventories.
///
/// Credentials come from flags or the environment and are never printed. The API key or OAuth
/// token is used for Open Cloud (`items`, and `owns` where it saves requests); the
/// .ROBLOSECURITY cookie for your own hidden inventory and for collections.
#[derive(Debug, Parser)]
#[command(name = "rbxinv", version, propagate_version = true)]
struct Cli {
    /// Open Cloud API key.
    #[arg(long, env = "ROBLOX_API_KEY", hide_env_values = true, global = true)]
    api_key: Option<Secret>,
    /// A file holding the Open Cloud API key (keeps it out of the process list).
    #[arg(long, value_name = "FILE", global = true, conflicts_with = "api_key")]
    api_key_file: Option<PathBuf>,
    /// OAuth 2.0 access token (used when there is no API key).
    #[arg(
        long,
        env = "ROBLOX_OAUTH_TOKEN",
        hide_env_values = true,
        global = true
    )]
    oauth_token: Option<Secret>,
    /// A file holding the OAuth 2.0 access token.
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "oauth_token"
    )]
    oauth_token_file: Option<PathBuf>,
    /// .ROBLOSECURITY cookie value.
    #[arg(long, env = "ROBLOSECURITY", hide_env_values = true, global = true)]
    roblosecurity: Option<Secret>,
    /// A file holding the .ROBLOSECURITY cookie value.
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "roblosecurity"
    )]
    roblosecurity_file: Option<PathBuf>,
    /// Run against an embedded sandbox with its default world: no account, no network.
    /// Without credentials, the sandbox's builderman key and cookie are used.
    #[arg(long, global = true)]
    sandbox: bool,
    /// Send every request to this URL instead of Roblox (a running sandbox or a proxy).
    #[arg(long, value_name = "URL", global = true)]
    base_url: Option<String>,
    /// Share one request budget with every process using this Redis
    /// (redis://host:port, redis+unix:///path): a fleet sharing one key stays within its limits.
    #[arg(
        long,
        value_name = "URL",
        env = "ROBLOX_BUDGET_REDIS",
        hide_env_values = true,
        global = true
    )]
    budget_redis: Option<Secret>,
    /// With --budget-redis: count all of this fleet's keys as one owner's.
    #[arg(long, value_name = "ID", env = "ROBLOX_BUDGET_ID", global = true)]
    budget_id: Option<String>,
    /// Print one JSON document.
    #[arg(long, global = true, conflicts_with_all = ["jsonl", "csv"])]
    json: bool,
    /// Print one JSON object per line, as items arrive.
    #[arg(long, global = true, conflicts_with = "csv")]
    jsonl: bool,
    /// Print CSV.
    #[arg(long, global = true)]
    csv: bool,
    /// Stop after this many items.
    #[arg(long, value_name = "N", global = true)]
    limit: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List a user's inventory with Open Cloud (needs an API key or OAuth token).
    Items(ItemsArgs),
    /// Check whether users own items: one row per (user, item), as answers arrive.
    ///
    /// Checks are split between is-owned and Open Cloud to finish soonest within
    /// Roblox's rate limits. A failed check is a row with an `error` column.
    /// Exit status 0: everything owned, 1: something not owned, 2: any error.
    Owns(owns::OwnsArgs),
    /// List a user's collectible (Limited) assets.
    Collectibles {
        /// The user id.
        user: u64,
        /// Only this asset type (a name such as Hat, or a number).
        #[arg(long)]
        asset_type: Option<String>,
        /// Sort by user asset id.
        #[arg(long, value_enum, default_value_t = Sort::Asc)]
        sort: Sort,
    },
    /// List a user's assets of one type.
    Inventory {
        /// The user id.
        user: u64,
        /// The asset type (a name such as Hat, or a number).
        #[arg(long)]
        asset_type: String,
    },
    /// List the places in one of a user's places tabs.
    Places {
        /// The user id.
        user: u64,
        /// Which tab.
        #[arg(long, value_enum, default_value_t = Tab::Created)]
        tab: Tab,
    },
    /// Show the categories of a user's Inventory page.
    Categories {
        /// The user id.
        user: u64,
    },
    /// Add to or remove from your collection (needs the .ROBLOSECURITY cookie).
    Collection {
        #[command(subcommand)]
        action: CollectionAction,
    },
    /// [deprecated: packages became bundles] List the asset ids of a package.
    PackageAssets {
        /// The package's asset id.
        package: u64,
    },
    /// A short tour on the sandbox: an ownership check and an inventory listing.
    Demo,
    /// Authorize rbxinv with OAuth 2.0 and store the tokens for later commands.
    ///
    /// Listens on the app's loopback redirect URI, prints the authorization URL (and opens
    /// a browser where one exists), and stores the tokens owner-only in the config directory
    /// (RBXINV_CONFIG_DIR, else the platform's). Later commands without an API key or token
    /// use them and keep them refreshed. With --sandbox no browser is needed.
    Login(login::LoginArgs),
    /// Revoke the stored OAuth authorization and delete it.
    Logout,
}

#[derive(Debug, Subcommand)]
enum CollectionAction {
    /// Add an asset or bundle you own.
    Add(CollectionItem),
    /// Remove an asset or bundle.
    Remove(CollectionItem),
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct CollectionItem {
    /// An asset id.
    #[arg(long)]
    asset: Option<u64>,
    /// A bundle id.
    #[arg(long)]
    bundle: Option<u64>,
}

#[derive(Debug, Args)]
struct ItemsArgs {
    /// The user id.
    user: u64,
    /// A raw Open Cloud filter, e.g. `gamePasses=true;badges=true`.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids", "asset_types", "badges", "game_passes", "private_servers", "only_collectibles"])]
    filter: Option<String>,
    /// These asset ids (comma-separated).
    #[arg(long, value_delimiter = ',')]
    asset_ids: Vec<u64>,
    /// These badge ids.
    #[arg(long, value_delimiter = ',')]
    badge_ids: Vec<u64>,
    /// These game pass ids.
    #[arg(long, value_delimiter = ',')]
    game_pass_ids: Vec<u64>,
    /// These private server ids.
    #[arg(long, value_delimiter = ',')]
    private_server_ids: Vec<u64>,
    /// Assets of these types (HAT,CLASSIC_SHIRT,… or *).
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    asset_types: Vec<String>,
    /// Badges.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    badges: bool,
    /// Game passes.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    game_passes: bool,
    /// Private servers.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    private_servers: bool,
    /// Only Limited assets.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    only_collectibles: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Sort {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Tab {
    Created,
    MyGames,
    OtherGames,
    Purchased,
}

/// A credential from a flag, the environment or a file: printed as `[REDACTED]`.
#[derive(Clone)]
struct Secret(SecretString);

impl Secret {
    fn expose(&self) -> String {
        self.0.expose_secret().to_string()
    }

    /// The value given directly, or read from `file` (never echoed in errors).
    fn given(value: Option<Secret>, file: Option<&Path>) -> Result<Option<Secret>, Failure> {
        match (value, file) {
            (Some(value), _) => Ok(Some(value)),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map(|text| Some(Secret::from(text.as_str())))
                .map_err(|e| format!("cannot read {}: {e}", path.display()).into()),
            (None, None) => Ok(None),
        }
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(SecretString::from(value.to_string()))
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Secret::from(value))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// A failure with its exit status.
pub(crate) struct Failure {
    message: String,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let hint = match &error {
            Error::MissingCredential { .. } => {
                " (pass --api-key / --roblosecurity or set ROBLOX_API_KEY / ROBLOSECURITY)"
            }
            Error::Unauthorized(_) => " (check that the key or cookie is valid and not expired)",
            Error::RateLimited { .. } => " (wait and try again, or lower --limit)",
            _ => "",
        };
        Failure {
            message: format!("{error}{hint}"),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure {
            message: format!("cannot write the output: {error}"),
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure { message }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(2)
        }
    }
}

/// The embedded sandbox (feature `sandbox`).
#[cfg(feature = "sandbox")]
type Embedded = roblox_inventory_sandbox::Sandbox;

/// Built without the `sandbox` feature: there is never an embedded sandbox.
#[cfg(not(feature = "sandbox"))]
enum Embedded {}

#[cfg(not(feature = "sandbox"))]
impl Embedded {
    fn base_url(&self) -> String {
        match *self {}
    }

    async fn shutdown(self) {
        match self {}
    }
}

/// Starts the embedded sandbox with its default world, rate limits off; its
/// OAuth apps also accept `redirect_uri` when given (`login --sandbox`).
async fn embedded(redirect_uri: Option<&str>) -> Result<Embedded, Failure> {
    #[cfg(feature = "sandbox")]
    {
        let mut world = roblox_inventory_sandbox::World::default_world();
        if let Some(uri) = redirect_uri {
            for app in &mut world.oauth_apps {
                app.redirect_uris.push(uri.to_string());
            }
        }
        roblox_inventory_sandbox::Sandbox::builder()
            .world(world)
            .rate_limits(false)
            .start()
            .await
            .map_err(|e| format!("cannot start the sandbox: {e}").into())
    }
    #[cfg(not(feature = "sandbox"))]
    {
        let _ = redirect_uri;
        Err("this rbxinv was built without the `sandbox` feature: --sandbox and demo are not available"
            .to_string()
            .into())
    }
}

/// `rbxinv login`, against Roblox (or --base-url), or completed by rbxinv itself
/// on the embedded sandbox.
async fn run_login(args: login::LoginArgs, cli: &Cli) -> Result<ExitCode, Failure> {
    if !cli.sandbox {
        return login::login(args, cli.base_url.clone(), login::Browser::Person, None).await;
    }
    // A free loopback port, registered with the embedded sandbox's apps.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| format!("cannot listen for the callback: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("cannot listen for the callback: {e}"))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let sandbox = embedded(Some(&redirect_uri)).await?;
    let cookie = Secret::given(cli.roblosecurity.clone(), cli.roblosecurity_file.as_deref())?
        .map_or_else(|| "sandbox-cookie-builderman".to_string(), |c| c.expose());
    let result = login::login(
        args.with_redirect_uri(redirect_uri),
        Some(sandbox.base_url()),
        login::Browser::Sandbox(cookie),
        Some(listener),
    )
    .await;
    sandbox.shutdown().await;
    result
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let mut cli = cli;
    match std::mem::replace(&mut cli.command, Command::Demo) {
        Command::Login(args) => return run_login(args, &cli).await,
        Command::Logout => return login::logout(cli.base_url.clone()).await,
        other => cli.command = other,
    }
    let sandbox = if cli.sandbox || matches!(cli.command, Command::Demo) {
        Some(embedded(None).await?)
    } else {
        None
    };
    let mut builder = Client::builder();
    let mut api_key = Secret::given(cli.api_key.clone(), cli.api_key_file.as_deref())?;
    let oauth_token = Secret::given(cli.oauth_token.clone(), cli.oauth_token_file.as_deref())?;
    let mut cookie = Secret::given(cli.roblosecurity.clone(), cli.roblosecurity_file.as_deref())?;
    if let Some(sandbox) = &sandbox {
        builder = builder.base_url(sandbox.base_url()).without_rate_limiter();
        if api_key.is_none() && oauth_token.is_none() {
            api_key = Some(Secret::from("sandbox-key-builderman"));
        }
        cookie = cookie.or_else(|| Some(Secret::from("sandbox-cookie-builderman")));
    } else if let Some(url) = &cli.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(url) = &cli.budget_redis {
        builder = builder.request_budget(redis_budget(&url.expose(), cli.budget_id.as_deref())?);
    }
    let stored_login = sandbox.is_none() && api_key.is_none() && oauth_token.is_none();
    if let Some(key) = api_key {
        builder = builder.api_key(key.expose());
    }
    if let Some(token) = oauth_token {
        builder = builder.oauth_token(token.expose());
    } else if stored_login {
        if let Some(source) = login::stored_source(cli.base_url.as_deref())? {
            builder = builder.oauth_token_source(source);
        }
    }
    if let Some(cookie) = cookie {
        builder = builder.roblosecurity(cookie.expose());
    }
    let client = builder.build()?;
    let format = if cli.json {
        Format::Json
    } else if cli.jsonl {
        Format::Jsonl
    } else if cli.csv {
        Format::Csv
    } else {
        Format::Table
    };
    let mut out = Output::new(format, cli.limit);
    let code = command(&client, cli.command, &mut out).await;
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    match code {
        Ok(code) => {
            out.finish()?;
            Ok(code)
        }
        // What arrived before the failure is printed, then the error line.
        Err(failure) => {
            if out.has_rows() {
                out.finish()?;
            }
            Err(failure)
        }
    }
}

/// The shared budget of `--budget-redis` (feature `redis`).
#[cfg(feature = "redis")]
fn redis_budget(
    url: &str,
    budget_id: Option<&str>,
) -> Result<roblox_inventory::budget::RedisBudget, Failure> {
    let builder = roblox_inventory::budget::RedisBudget::builder(url);
    let builder = match budget_id {
        Some(id) => builder.budget_id(id),
        None => builder,
    };
    builder.build().map_err(Failure::from)
}

#[cfg(not(feature = "redis"))]
fn redis_budget(_: &str, _: Option<&str>) -> Result<roblox_inventory::budget::Unlimited, Failure> {
    Err(
        "this rbxinv was built without the `redis` feature: --budget-redis is not available"
            .to_string()
            .into(),
    )
}

fn parse_asset_type(text: &str) -> Result<AssetType, Failure> {
    // A number is sent as given (Roblox may know types newer than the spec); a
    // name must be one the spec lists.
    let asset_type = text
        .parse::<AssetType>()
        .unwrap_or_else(|never| match never {});
    match asset_type.number() {
        Some(_) => Ok(asset_type),
        None => Err(format!(
            "`{}` is not an asset type (try Hat, Shirt, Face or a number)",
            text.trim()
        )
        .into()),
    }
}

async fn command(client: &Client, command: Command, out: &mut Output) -> Result<ExitCode, Failure> {
    match command {
        Command::Items(args) => {
            let filter = items_filter(&args)?;
            let mut stream = client.inventory_items(args.user).filter(filter).items();
            while let Some(item) = stream.try_next().await? {
                if !out.row(inventory_row(&item))? {
                    break;
                }
            }
        }
        Command::Owns(args) => return owns::run(client, args, out).await,
        Command::Collectibles {
            user,
            asset_type,
            sort,
        } => {
            let mut request = client.collectibles(user).sort(match sort {
                Sort::Asc => SortOrder::Asc,
                Sort::Desc => SortOrder::Desc,
            });
            if let Some(asset_type) = asset_type {
                request = request.asset_type(parse_asset_type(&asset_type)?);
            }
            let mut stream = request.items();
            while let Some(c) = stream.try_next().await? {
                let row = object(json!({
                    "userAssetId": c.user_asset_id, "assetId": c.asset_id, "name": c.name,
                    "serialNumber": c.serial_number, "recentAveragePrice": c.recent_average_price,
                    "isOnHold": c.is_on_hold,
                }));
                if !out.row(row)? {
                    break;
                }
            }
        }
        Command::Inventory { user, asset_type } => {
            let mut stream = client
                .inventory(user, parse_asset_type(&asset_type)?)
                .items();
            while let Some(i) = stream.try_next().await? {
                let row = object(json!({
                    "userAssetId": i.user_asset_id, "assetId": i.asset_id, "assetName": i.name,
                    "serialNumber": i.serial_number,
                }));
                if !out.row(row)? {
                    break;
                }
            }
        }
        Command::Places { user, tab } => {
            let tab = match tab {
                Tab::Created => PlacesTab::Created,
                Tab::MyGames => PlacesTab::MyGames,
                Tab::OtherGames => PlacesTab::OtherGames,
                Tab::Purchased => PlacesTab::Purchased,
            };
            let mut stream = client.places(user, tab).items();
            while let Some(p) = stream.try_next().await? {
                let creator = p.creator.as_ref().map(|c| c.name.clone());
                let row = object(json!({
                    "placeId": p.place_id, "universeId": p.universe_id, "name": p.name,
                    "creator": creator, "priceInRobux": p.price_in_robux,
                }));
                if !out.row(row)? {
                    break;
                }
            }
        }
        Command::Categories { user } => {
            for category in client.categories(user).await? {
                for item in &category.items {
                    let row = object(json!({
                        "category": category.display_name, "name": item.display_name, "id": item.id,
                        "type": item.kind.as_ref().and_then(|t| t.name()),
                    }));
                    if !out.row(row)? {
                        break;
                    }
                }
            }
        }
        Command::Collection { action } => {
            let (add, target) = match action {
                CollectionAction::Add(target) => (true, target),
                CollectionAction::Remove(target) => (false, target),
            };
            let item = match (target.asset, target.bundle) {
                (Some(id), _) => Item::Asset(id),
                (_, Some(id)) => Item::Bundle(id),
                _ => return Err("give --asset or --bundle".to_string().into()),
            };
            if add {
                client.add_to_collection(item).await?;
            } else {
                client.remove_from_collection(item).await?;
            }
            let (kind, id) = owns::kind_and_id(item);
            out.row(object(
                json!({"action": if add { "added" } else { "removed" }, "kind": kind, "id": id}),
            ))?;
        }
        Command::PackageAssets { package } => {
            eprintln!("warning: packages have been migrated to bundles; use catalog.roblox.com/v1/bundles/{{bundleId}}/details");
            #[allow(deprecated)]
            let assets = client.package_assets(package).await?;
            for asset in assets {
                if !out.row(object(json!({"package": package, "assetId": asset})))? {
                    break;
                }
            }
        }
        // Handled in `run` before a client is built.
        Command::Login(_) | Command::Logout => {}
        Command::Demo => {
            let owned = client.owns(156, Item::GamePass(1111)).await?;
            eprintln!(
                "Does builderman (156) own game pass 1111? {}",
                if owned { "yes" } else { "no" }
            );
            eprintln!("builderman's game passes, badges and hats:");
            let filter = InventoryFilter::by_type()
                .asset_types([InventoryItemAssetType::Hat])
                .game_passes()
                .badges();
            let mut stream = client.inventory_items(156).filter(filter).items();
            while let Some(item) = stream.try_next().await? {
                if !out.row(inventory_row(&item))? {
                    break;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn items_filter(args: &ItemsArgs) -> Result<InventoryFilter, Failure> {
    if let Some(raw) = &args.filter {
        return raw
            .parse::<InventoryFilter>()
            .map_err(|e| e.to_string().into());
    }
    let any_ids = !(args.asset_ids.is_empty()
        && args.badge_ids.is_empty()
        && args.game_pass_ids.is_empty()
        && args.private_server_ids.is_empty());
    if any_ids {
        return Ok(InventoryFilter::by_id()
            .assets(args.asset_ids.iter().copied())
            .badges(args.badge_ids.iter().copied())
            .game_passes(args.game_pass_ids.iter().copied())
            .private_servers(args.private_server_ids.iter().copied())
            .into());
    }
    let any_types = !args.asset_types.is_empty()
        || args.badges
        || args.game_passes
        || args.private_servers
        || args.only_collectibles;
    if !any_types {
        return Ok(InventoryFilter::Everything);
    }
    let mut filter = InventoryFilter::by_type();
    if args.asset_types.iter().any(|t| t == "*") {
        filter = filter.all_asset_types();
    } else if !args.asset_types.is_empty() {
        let mut types = Vec::new();
        for name in &args.asset_types {
            let parsed = name
                .parse::<InventoryItemAssetType>()
                .unwrap_or_else(|never| match never {});
            if !parsed.is_known() {
                return Err(format!(
                    "`{parsed}` is not an inventory item asset type (e.g. HAT, CLASSIC_SHIRT, or *)"
                )
                .into());
            }
            types.push(parsed);
        }
        filter = filter.asset_types(types);
    }
    if args.only_collectibles {
        filter = filter.only_collectibles();
    }
    if args.badges {
        filter = filter.badges();
    }
    if args.game_passes {
        filter = filter.game_passes();
    }
    if args.private_servers {
        filter = filter.private_servers();
    }
    Ok(filter.into())
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn inventory_row(item: &roblox_inventory::InventoryItem) -> Map<String, Value> {
    let (kind, id, asset_type, serial) = match &item.details {
        ItemDetails::Asset(a) => (
            "asset",
            Some(a.asset_id),
            a.asset_type.as_ref().map(|t| t.as_str().to_string()),
            a.collectible.as_ref().and_then(|c| c.serial_number),
        ),
        ItemDetails::Badge { badge_id } => ("badge", Some(*badge_id), None, None),
        ItemDetails::GamePass { game_pass_id } => ("game pass", Some(*game_pass_id), None, None),
        ItemDetails::PrivateServer { private_server_id } => {
            ("private server", Some(*private_server_id), None, None)
        }
        _ => ("unknown", None, None, None),
    };
    object(json!({
        "kind": kind,
        "id": id,
        "assetType": asset_type,
        "serialNumber": serial,
        "added": item.added.map(|t| t.to_rfc3339()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardening_14_parsed_arguments_never_show_a_secret() {
        let cli = Cli::parse_from([
            "rbxinv",
            "--api-key",
            "secret-key-1",
            "--oauth-token",
            "secret-token-2",
            "--roblosecurity",
            "secret-cookie-3",
            "categories",
            "156",
        ]);
        let printed = format!("{cli:?}");
        for secret in ["secret-key-1", "secret-token-2", "secret-cookie-3"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
}
