//! `rbxinv track`, `sync`, `changes`, `holdings`: inventories over time, kept
//! in a store (`--db`: a SQLite file, by default in the platform's data
//! directory, or a `postgres://` URL).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use roblox_inventory::models::InventoryItemAssetType;
use roblox_inventory::Client;
use roblox_inventory_tracking::store::{LoggedChange, SqlStore, Store};
use roblox_inventory_tracking::watcher::Watcher;
use roblox_inventory_tracking::{ChangeKind, Holding, HoldingId, Scope};
use serde_json::{json, Map, Value};

use crate::output::Output;
use crate::Failure;

/// A row of `sync` and `changes`: its columns, in order.
pub(crate) const CHANGE_COLUMNS: &[&str] = &[
    "id",
    "user",
    "scope",
    "change",
    "kind",
    "itemId",
    "userAssetId",
    "serialNumber",
    "observedAt",
];

/// A row of `holdings`: its columns, in order.
pub(crate) const HOLDING_COLUMNS: &[&str] = &[
    "user",
    "scope",
    "kind",
    "itemId",
    "userAssetId",
    "serialNumber",
    "name",
];

/// The store: `--db`.
#[derive(Debug, Args)]
pub(crate) struct StoreArgs {
    /// Where tracking lives: a SQLite file (default: tracking.db in RBXINV_DATA_DIR, else
    /// the platform's data directory) or a postgres:// URL.
    #[arg(long, value_name = "PATH|URL", env = "RBXINV_DB")]
    db: Option<String>,
}

/// Which scope of each user.
#[derive(Debug, Args)]
pub(crate) struct ScopeArgs {
    /// What to watch of each user.
    #[arg(long, value_enum, default_value_t = ScopeKind::Collectibles)]
    scope: ScopeKind,
    /// With `--scope asset-types`: these Open Cloud asset types (HAT,FACE,…).
    #[arg(long, value_delimiter = ',', value_name = "TYPE")]
    asset_types: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScopeKind {
    Collectibles,
    GamePasses,
    Badges,
    PrivateServers,
    AssetTypes,
}

/// `rbxinv track`.
#[derive(Debug, Args)]
pub(crate) struct TrackArgs {
    /// User ids.
    #[arg(value_name = "USER", required = true)]
    users: Vec<u64>,
    #[command(flatten)]
    scope: ScopeArgs,
    /// Stop tracking them instead.
    #[arg(long)]
    untrack: bool,
    #[command(flatten)]
    store: StoreArgs,
}

/// `rbxinv sync`.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// Observe a scope only if its last observation is older than this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    interval: u64,
    #[command(flatten)]
    store: StoreArgs,
}

/// `rbxinv watch`.
#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Observe each tracked scope at most once this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    interval: u64,
    /// Print the changes after this id too (default: only changes from now on).
    #[arg(long, value_name = "ID")]
    after: Option<i64>,
    /// Observe up to this many scopes at once (the request budget paces them).
    #[arg(long, value_name = "N", default_value_t = roblox_inventory_tracking::watcher::DEFAULT_CONCURRENCY)]
    concurrency: usize,
    /// Share the work with other `watch` processes on the same --db (a fleet):
    /// this process's name, unique in the fleet. Each due scope is leased to one
    /// process at a time; a dead process's scopes are taken over when the lease runs out.
    #[arg(long, value_name = "NAME")]
    worker: Option<String>,
    /// With --worker: how long a claimed scope stays this process's.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60,
        requires = "worker"
    )]
    lease: u64,
    /// During a cycle, say how many scopes it has observed this often (0: never).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    progress: u64,
    #[command(flatten)]
    store: StoreArgs,
}

/// `rbxinv changes`.
#[derive(Debug, Args)]
pub(crate) struct ChangesArgs {
    /// Only changes after this id (the last one a reader handled).
    #[arg(long, value_name = "ID", default_value_t = 0)]
    after: i64,
    #[command(flatten)]
    store: StoreArgs,
}

/// `rbxinv holdings`.
#[derive(Debug, Args)]
pub(crate) struct HoldingsArgs {
    /// The user id.
    user: u64,
    #[command(flatten)]
    scope: ScopeArgs,
    #[command(flatten)]
    store: StoreArgs,
}

impl ScopeArgs {
    fn scope(&self) -> Result<Scope, Failure> {
        let scope = match self.scope {
            ScopeKind::Collectibles => Scope::Collectibles,
            ScopeKind::GamePasses => Scope::GamePasses,
            ScopeKind::Badges => Scope::Badges,
            ScopeKind::PrivateServers => Scope::PrivateServers,
            ScopeKind::AssetTypes => Scope::AssetTypes(
                self.asset_types
                    .iter()
                    .map(|name| {
                        name.parse::<InventoryItemAssetType>()
                            .unwrap_or_else(|n| match n {})
                    })
                    .collect(),
            ),
        };
        if !matches!(self.scope, ScopeKind::AssetTypes) && !self.asset_types.is_empty() {
            return Err("--asset-types goes with --scope asset-types"
                .to_string()
                .into());
        }
        scope
            .validate()
            .map_err(|e| format!("{e} (--asset-types)"))?;
        Ok(scope)
    }
}

impl StoreArgs {
    async fn open(&self) -> Result<SqlStore, Failure> {
        let url = match &self.db {
            Some(url) => url.clone(),
            None => {
                let dir = crate::paths::data_dir().ok_or_else(|| {
                    "no data directory for the store: give --db or set RBXINV_DATA_DIR".to_string()
                })?;
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                dir.join("tracking.db").display().to_string()
            }
        };
        SqlStore::open(&url).await.map_err(|e| {
            format!("the store ({}): {e}", crate::hints::without_user_info(&url)).into()
        })
    }
}

/// `rbxinv track`: starts (or stops) tracking users' scope.
pub(crate) async fn track(args: TrackArgs) -> Result<ExitCode, Failure> {
    let scope = args.scope.scope()?;
    let store = args.store.open().await?;
    for user in &args.users {
        if args.untrack {
            store.untrack(*user, &scope).await.map_err(store_failure)?;
        } else {
            store.track(*user, &scope).await.map_err(store_failure)?;
        }
    }
    let verb = if args.untrack {
        "No longer tracking"
    } else {
        "Tracking"
    };
    eprintln!("{verb} {} user(s)' {scope}.", args.users.len());
    Ok(ExitCode::SUCCESS)
}

/// `rbxinv sync`: one cycle over the tracked scopes; prints the changes it
/// logged. Exit 0, or 2 if a scope could not be observed (the others were).
pub(crate) async fn sync(
    client: &Client,
    args: SyncArgs,
    out: &mut Output,
) -> Result<ExitCode, Failure> {
    let store = Arc::new(args.store.open().await?);
    let before = store.last_change_id().await.map_err(store_failure)?;
    let watcher = Watcher::new(
        client.clone(),
        store.clone(),
        Duration::from_secs(args.interval),
    );
    let report = watcher.cycle().await.map_err(store_failure)?;
    for logged in store
        .changes_after(before, usize::MAX)
        .await
        .map_err(store_failure)?
    {
        if !out.row(change_row(&logged))? {
            break;
        }
    }
    for missed in &report.missed {
        eprintln!(
            "error: user {} {}: {}",
            missed.user_id, missed.scope, missed.error
        );
    }
    eprintln!(
        "{} observed, {} changes, {} not due, {} failed in {:.1} s",
        report.recorded,
        report.changes,
        report.not_due,
        report.missed.len(),
        report.took.as_secs_f64()
    );
    Ok(if report.missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `rbxinv watch`: cycles until Ctrl-C, each change printed as it is logged
/// (JSON lines, or CSV with --csv), a line per cycle on standard error. Ctrl-C
/// ends it between two awaits: a recording in flight is one transaction,
/// rolled back if cut, and what was printed is in the log for `changes`.
pub(crate) async fn watch(
    client: &Client,
    args: WatchArgs,
    out: &mut Output,
) -> Result<ExitCode, Failure> {
    use futures_util::StreamExt;
    use roblox_inventory_tracking::watcher::WatchEvent;
    let store = Arc::new(args.store.open().await?);
    let cursor = match args.after {
        Some(after) => after,
        None => store.last_change_id().await.map_err(store_failure)?,
    };
    let interval = Duration::from_secs(args.interval);
    let mut watcher = Watcher::new(client.clone(), store, interval).concurrency(args.concurrency);
    if let Some(worker) = args.worker {
        watcher = watcher.with_claims(worker, Duration::from_secs(args.lease), args.concurrency);
    }
    let mut events = Box::pin(watcher.run(cursor));
    let mut cycles = 0u64;
    // The cycle under way recorded what was observed since the last one ended.
    let (mut cycle_since, mut said) = (chrono::Utc::now(), 0usize);
    let every = Duration::from_secs(args.progress);
    // Its own connections: the watcher's recordings, not polled while this
    // reads, may hold every connection of theirs.
    let counter = match every.is_zero() {
        true => None,
        false => Some(args.store.open().await?),
    };
    let mut progress = (!every.is_zero())
        .then(|| tokio::time::interval_at(tokio::time::Instant::now() + every, every));
    loop {
        let tick = async {
            match progress.as_mut() {
                Some(ticker) => ticker.tick().await,
                None => std::future::pending().await,
            }
        };
        let event = tokio::select! {
            event = events.next() => event,
            _ = tick => {
                // Only while a cycle observes: nothing new, nothing said.
                let observed = match &counter {
                    Some(counter) => counter.observed_since(cycle_since).await,
                    None => continue,
                };
                if let Ok((observed, _)) = observed {
                    if observed > said {
                        said = observed;
                        eprintln!("cycle {}: {observed} observed so far", cycles + 1);
                    }
                }
                continue;
            }
            _ = tokio::signal::ctrl_c() => None,
        };
        match event {
            None => break,
            Some(WatchEvent::Change(logged)) => {
                if !out.row(change_row(&logged))? {
                    break;
                }
            }
            Some(WatchEvent::Missed(missed)) => {
                eprintln!(
                    "error: user {} {}: {}",
                    missed.user_id, missed.scope, missed.error
                )
            }
            Some(WatchEvent::StoreFailed(error)) => eprintln!("error: the store: {error}"),
            Some(WatchEvent::Cycle(report)) => {
                cycles += 1;
                (cycle_since, said) = (chrono::Utc::now(), 0);
                let behind = match report.interval_covered(interval) {
                    Some(covered) => format!(
                        "; the budgets cover an interval of {} s, not {} s",
                        covered.as_secs(),
                        interval.as_secs()
                    ),
                    None => String::new(),
                };
                eprintln!(
                    "cycle {cycles}: {} observed, {} changes, {} failed in {:.1} s{behind}",
                    report.recorded,
                    report.changes,
                    report.missed.len(),
                    report.took.as_secs_f64()
                );
            }
            Some(_) => {}
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `rbxinv changes`: the change log after a cursor.
pub(crate) async fn changes(args: ChangesArgs, out: &mut Output) -> Result<ExitCode, Failure> {
    let store = args.store.open().await?;
    let mut cursor = args.after;
    loop {
        let page = store
            .changes_after(cursor, 1_000)
            .await
            .map_err(store_failure)?;
        let Some(last) = page.last() else { break };
        cursor = last.id;
        for logged in &page {
            if !out.row(change_row(logged))? {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `rbxinv holdings`: what a user's scope held when last seen.
pub(crate) async fn holdings(args: HoldingsArgs, out: &mut Output) -> Result<ExitCode, Failure> {
    let scope = args.scope.scope()?;
    let store = args.store.open().await?;
    let Some(known) = store
        .known(args.user, &scope)
        .await
        .map_err(store_failure)?
    else {
        return Err(format!(
            "user {} is not tracked for {scope} (rbxinv track)",
            args.user
        )
        .into());
    };
    let Some(held) = known.holdings else {
        if known.private {
            eprintln!("user {}'s inventory has been private at every look: nothing is known of its {scope}", args.user);
        } else {
            eprintln!(
                "user {}'s {scope} has not been observed yet (rbxinv sync)",
                args.user
            );
        }
        return Ok(ExitCode::SUCCESS);
    };
    if known.private {
        eprintln!(
            "user {}'s inventory was private at the last look: these are the holdings last seen",
            args.user
        );
    }
    for holding in held.values() {
        let mut row = holding_fields(holding);
        row.insert("user".into(), json!(args.user));
        row.insert("scope".into(), json!(scope.to_string()));
        row.insert("name".into(), json!(holding.name));
        if !out.row(row)? {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn store_failure(error: roblox_inventory_tracking::store::StoreError) -> Failure {
    format!("the store: {error}").into()
}

/// `kind`, `itemId`, `userAssetId`, `serialNumber` of a holding.
fn holding_fields(holding: &Holding) -> Map<String, Value> {
    let (kind, item, copy) = match holding.id {
        HoldingId::Copy {
            asset_id,
            user_asset_id,
        } => ("copy", json!(asset_id), json!(user_asset_id)),
        HoldingId::GamePass(id) => ("game-pass", json!(id), Value::Null),
        HoldingId::Badge(id) => ("badge", json!(id), Value::Null),
        HoldingId::PrivateServer(id) => ("private-server", json!(id), Value::Null),
        HoldingId::Item(item) => ("item", json!(item.to_string()), Value::Null),
        _ => ("unknown", Value::Null, Value::Null),
    };
    let mut row = Map::new();
    row.insert("kind".into(), json!(kind));
    row.insert("itemId".into(), item);
    row.insert("userAssetId".into(), copy);
    row.insert("serialNumber".into(), json!(holding.serial_number));
    row
}

fn change_row(logged: &LoggedChange) -> Map<String, Value> {
    let change = &logged.change;
    let (what, holding) = match &change.kind {
        ChangeKind::Gained(h) => ("gained", Some(h)),
        ChangeKind::Lost(h) => ("lost", Some(h)),
        ChangeKind::BecamePrivate => ("became-private", None),
        ChangeKind::BecameVisible => ("became-visible", None),
        _ => ("unknown", None),
    };
    let mut row = holding.map(holding_fields).unwrap_or_default();
    row.insert("id".into(), json!(logged.id));
    row.insert("user".into(), json!(change.user_id));
    row.insert("scope".into(), json!(change.scope.to_string()));
    row.insert("change".into(), json!(what));
    row.insert("observedAt".into(), json!(logged.observed_at.to_rfc3339()));
    row
}
