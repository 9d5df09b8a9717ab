//! The command line: global options and the subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands::owns;
use crate::credentials::Secret;
use crate::login;

/// Check ownership and dump Roblox inventories.
///
/// Credentials come from flags or the environment and are never printed. The API key or OAuth
/// token is used for Open Cloud (`items`, and `owns` where it saves requests); the
/// .ROBLOSECURITY cookie for your own hidden inventory and for collections.
#[derive(Debug, Parser)]
#[command(name = "rbxinv", version, propagate_version = true)]
pub(crate) struct Cli {
    /// Open Cloud API key.
    #[arg(long, env = "ROBLOX_API_KEY", hide_env_values = true, global = true)]
    pub(crate) api_key: Option<Secret>,
    /// A file holding the Open Cloud API key (keeps it out of the process list).
    #[arg(long, value_name = "FILE", global = true, conflicts_with = "api_key")]
    pub(crate) api_key_file: Option<PathBuf>,
    /// OAuth 2.0 access token (used when there is no API key).
    #[arg(
        long,
        env = "ROBLOX_OAUTH_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub(crate) oauth_token: Option<Secret>,
    /// A file holding the OAuth 2.0 access token.
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "oauth_token"
    )]
    pub(crate) oauth_token_file: Option<PathBuf>,
    /// .ROBLOSECURITY cookie value.
    #[arg(long, env = "ROBLOSECURITY", hide_env_values = true, global = true)]
    pub(crate) roblosecurity: Option<Secret>,
    /// A file holding the .ROBLOSECURITY cookie value.
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "roblosecurity"
    )]
    pub(crate) roblosecurity_file: Option<PathBuf>,
    /// Run against an embedded sandbox with its default world: no account, no network.
    /// Without credentials, the sandbox's builderman key and cookie are used.
    #[arg(long, global = true)]
    pub(crate) sandbox: bool,
    /// Send every request to this URL instead of Roblox (a running sandbox or a proxy).
    #[arg(long, value_name = "URL", global = true, conflicts_with = "sandbox")]
    pub(crate) base_url: Option<String>,
    /// Share one request budget with every process using this Redis
    /// (redis://host:port, redis+unix:///path): a fleet sharing one key stays within its limits.
    #[arg(
        long,
        value_name = "URL",
        env = "ROBLOX_BUDGET_REDIS",
        hide_env_values = true,
        global = true
    )]
    pub(crate) budget_redis: Option<Secret>,
    /// A file holding the --budget-redis URL (it may carry a password: keeps it out of
    /// the process list).
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "budget_redis"
    )]
    pub(crate) budget_redis_file: Option<PathBuf>,
    /// Give up on each call (every attempt, retry and wait for a rate-limit window
    /// included) after this many seconds (default 180); for `login`, how long to wait
    /// for the authorization (default 300).
    #[arg(long, value_name = "SECONDS", global = true, value_parser = seconds)]
    pub(crate) timeout: Option<std::time::Duration>,
    /// With --budget-redis: count all of this fleet's keys as one owner's.
    #[arg(long, value_name = "ID", env = "ROBLOX_BUDGET_ID", global = true)]
    pub(crate) budget_id: Option<String>,
    /// Print one JSON document.
    #[arg(long, global = true, conflicts_with_all = ["jsonl", "csv"])]
    pub(crate) json: bool,
    /// Print one JSON object per line, as items arrive.
    #[arg(long, global = true, conflicts_with = "csv")]
    pub(crate) jsonl: bool,
    /// Print CSV.
    #[arg(long, global = true)]
    pub(crate) csv: bool,
    /// Stop after this many items.
    #[arg(long, value_name = "N", global = true)]
    pub(crate) limit: Option<usize>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// With --sandbox, credentials taken from the environment
    /// (`ROBLOX_API_KEY`, `ROBLOX_OAUTH_TOKEN`, `ROBLOSECURITY`) are dropped:
    /// they are real ones, the sandbox has its own, and a local process has no
    /// business seeing them. Credentials given on the command line stay.
    pub(crate) fn keep_environment_credentials_from_the_sandbox(
        &mut self,
        matches: &clap::ArgMatches,
    ) {
        if !self.sandbox {
            return;
        }
        let from_environment =
            |id: &str| matches.value_source(id) == Some(clap::parser::ValueSource::EnvVariable);
        if from_environment("api_key") {
            self.api_key = None;
        }
        if from_environment("oauth_token") {
            self.oauth_token = None;
        }
        if from_environment("roblosecurity") {
            self.roblosecurity = None;
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
    /// Track users' inventories over time: start (or --untrack) tracking a scope of each.
    Track(crate::tracking::TrackArgs),
    /// Observe every tracked scope once and record what changed; prints the changes.
    Sync(crate::tracking::SyncArgs),
    /// Observe the tracked scopes every --interval until Ctrl-C, printing changes as they come.
    Watch(crate::tracking::WatchArgs),
    /// Print the change log, after a cursor (--after ID) a reader keeps.
    Changes(crate::tracking::ChangesArgs),
    /// Print what a tracked user's scope held when last seen.
    Holdings(crate::tracking::HoldingsArgs),
    /// Show the stored OAuth login without its secrets: user, app, host, scopes, expiry.
    Whoami,
    /// Print shell completions, e.g. `rbxinv completions bash > ~/.local/share/bash-completion/completions/rbxinv`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Check the setup: credentials and their hosts (one cheap request each), the stored
    /// login, the Redis budget, and the clock against Roblox's. Exit 1 if a check fails.
    Doctor,
    /// Print the man page (roff), e.g. `rbxinv man > ~/.local/share/man/man1/rbxinv.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CollectionAction {
    /// Add an asset or bundle you own.
    Add(CollectionItem),
    /// Remove an asset or bundle.
    Remove(CollectionItem),
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct CollectionItem {
    /// An asset id.
    #[arg(long)]
    pub(crate) asset: Option<u64>,
    /// A bundle id.
    #[arg(long)]
    pub(crate) bundle: Option<u64>,
}

#[derive(Debug, Args)]
pub(crate) struct ItemsArgs {
    /// The user id.
    pub(crate) user: u64,
    /// A raw Open Cloud filter, e.g. `gamePasses=true;badges=true`.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids", "asset_types", "badges", "game_passes", "private_servers", "only_collectibles"])]
    pub(crate) filter: Option<String>,
    /// These asset ids (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub(crate) asset_ids: Vec<u64>,
    /// These badge ids.
    #[arg(long, value_delimiter = ',')]
    pub(crate) badge_ids: Vec<u64>,
    /// These game pass ids.
    #[arg(long, value_delimiter = ',')]
    pub(crate) game_pass_ids: Vec<u64>,
    /// These private server ids.
    #[arg(long, value_delimiter = ',')]
    pub(crate) private_server_ids: Vec<u64>,
    /// Assets of these types (HAT,CLASSIC_SHIRT,… or *).
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    pub(crate) asset_types: Vec<String>,
    /// Badges.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    pub(crate) badges: bool,
    /// Game passes.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    pub(crate) game_passes: bool,
    /// Private servers.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    pub(crate) private_servers: bool,
    /// Only Limited assets.
    #[arg(long, conflicts_with_all = ["asset_ids", "badge_ids", "game_pass_ids", "private_server_ids"])]
    pub(crate) only_collectibles: bool,
}

/// A positive number of seconds, at most a day.
fn seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(std::time::Duration::from_secs_f64(s)),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 86400"
        )),
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Sort {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Tab {
    Created,
    MyGames,
    OtherGames,
    Purchased,
}
