//! [`SqlStore`]: the store on SQLite or PostgreSQL, through sqlx's `Any`
//! driver (one set of queries; `$N` parameters work on both), without
//! compile-time query macros, with versioned migrations embedded here.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, Row};

use super::{LoggedChange, Store, StoreError, StoreFuture, TrackedScope};
use crate::changes::{Change, Tracked};
use crate::scope::Scope;
use crate::snapshot::{Holding, HoldingId, Snapshot, View};

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Sqlite,
    Postgres,
}

/// The migrations of each engine, in order: (version, description, SQL).
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "tracking",
        include_str!("../../migrations/sqlite/0001_tracking.sql"),
    ),
    (
        2,
        "leases",
        include_str!("../../migrations/sqlite/0002_leases.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "tracking",
        include_str!("../../migrations/postgres/0001_tracking.sql"),
    ),
    (
        2,
        "leases",
        include_str!("../../migrations/postgres/0002_leases.sql"),
    ),
];

/// The key of the advisory lock that orders change-log inserts on
/// PostgreSQL: ids are taken in commit order, so a reader at cursor N never
/// later finds a smaller id committed behind it.
const LOG_LOCK: i64 = 0x7262_7869_6e76; // "rbxinv"

/// How long SQLite waits for another writer before failing.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Stalest first, as one key: a never observed scope's empty time sorts
/// before every time (times are stored at a fixed width, so text order is
/// time order), then by user and scope. `tracked`, `due` (its pages are
/// keyed on it) and `claim` all use it.
const STALEST_FIRST: &str = "COALESCE(observed_at, ''), user_id, scope";

/// The store on SQLite (a file) or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    engine: Engine,
}

#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

impl SqlStore {
    /// Opens the store at `url` and brings its schema up to date: a
    /// `postgres://` (or `postgresql://`) URL, a `sqlite:` URL, or a path to a
    /// SQLite file (created if missing).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (engine, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Engine::Postgres, url.to_string())
        } else if url.starts_with("sqlite:") {
            (Engine::Sqlite, url.to_string())
        } else if url.contains("://") {
            return Err(StoreError::Url(url.to_string()));
        } else {
            (Engine::Sqlite, format!("sqlite://{url}?mode=rwc"))
        };
        let options = AnyPoolOptions::new().max_connections(4);
        let options = match engine {
            Engine::Sqlite => options.after_connect(|connection, _| {
                Box::pin(async move {
                    connection
                        .execute(format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}").as_str())
                        .await?;
                    connection.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            }),
            Engine::Postgres => options,
        };
        let pool = options.connect(&url).await?;
        if engine == Engine::Sqlite {
            // Readers do not wait for the writer, and a crash mid-write is safe.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let migrations = match engine {
            Engine::Sqlite => SQLITE_MIGRATIONS,
            Engine::Postgres => POSTGRES_MIGRATIONS,
        };
        Migrator::new(Embedded(migrations))
            .await?
            .run(&pool)
            .await?;
        Ok(SqlStore { pool, engine })
    }

    async fn record_now(&self, snapshot: &Snapshot) -> Result<Vec<LoggedChange>, StoreError> {
        let user = db_user(snapshot.user_id)?;
        let scope = scope_key(&snapshot.scope)?;
        let mut tx = match self.engine {
            // Take the write lock up front: two deferred transactions that both
            // read and then write would fail rather than wait.
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        };
        let select = match self.engine {
            Engine::Sqlite => {
                "SELECT known, private FROM tracked WHERE user_id = $1 AND scope = $2"
            }
            Engine::Postgres => {
                "SELECT known, private FROM tracked WHERE user_id = $1 AND scope = $2 FOR UPDATE"
            }
        };
        let found = sqlx::query(select)
            .bind(user)
            .bind(&scope)
            .fetch_optional(&mut *tx)
            .await?;
        let row = match found {
            Some(row) => row,
            // Not tracked yet: it is from now on (another writer may have
            // just added it: nothing then), and its row is read (locked) again.
            None => {
                sqlx::query(
                    "INSERT INTO tracked (user_id, scope) VALUES ($1, $2) ON CONFLICT (user_id, scope) DO NOTHING",
                )
                .bind(user)
                .bind(&scope)
                .execute(&mut *tx)
                .await?;
                sqlx::query(select)
                    .bind(user)
                    .bind(&scope)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
        let (known, private): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        let previous = if known == 0 && private == 0 {
            None
        } else {
            let holdings = if known != 0 {
                Some(load_holdings(&mut tx, user, &scope).await?)
            } else {
                None
            };
            Some(Tracked {
                holdings,
                private: private != 0,
                observed_at: None,
            })
        };
        let (now, changes) = Tracked::observe(previous.as_ref(), snapshot);
        let observed_at = stamp(snapshot.observed_at);
        sqlx::query(
            "UPDATE tracked SET known = $3, private = $4, observed_at = $5 WHERE user_id = $1 AND scope = $2",
        )
        .bind(user)
        .bind(&scope)
        .bind(i64::from(now.holdings.is_some()))
        .bind(i64::from(now.private))
        .bind(&observed_at)
        .execute(&mut *tx)
        .await?;
        let unchanged = previous
            .as_ref()
            .is_some_and(|before| before.holdings == now.holdings);
        if let (View::Holdings(_), false) = (&snapshot.view, unchanged) {
            // The latest holdings replace the ones before (their details, such
            // as a price, move on without being a change); the same holdings,
            // details and all, are left as they are.
            sqlx::query("DELETE FROM holdings WHERE user_id = $1 AND scope = $2")
                .bind(user)
                .bind(&scope)
                .execute(&mut *tx)
                .await?;
            for holding in now.holdings.iter().flat_map(|h| h.values()) {
                sqlx::query(
                    "INSERT INTO holdings (user_id, scope, holding_id, holding) VALUES ($1, $2, $3, $4)",
                )
                .bind(user)
                .bind(&scope)
                .bind(json(&holding.id)?)
                .bind(json(holding)?)
                .execute(&mut *tx)
                .await?;
            }
        }
        let mut logged = Vec::with_capacity(changes.len());
        if !changes.is_empty() && self.engine == Engine::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(LOG_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        for change in changes {
            let row = sqlx::query(
                "INSERT INTO changes (user_id, scope, change, observed_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(user)
            .bind(&scope)
            .bind(json(&change)?)
            .bind(&observed_at)
            .fetch_one(&mut *tx)
            .await?;
            logged.push(LoggedChange {
                id: row.try_get(0)?,
                // As stored (to the microsecond): what a reader will read.
                observed_at: timestamp(&observed_at)?,
                change,
            });
        }
        tx.commit().await?;
        Ok(logged)
    }
}

impl Store for SqlStore {
    fn track(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, ()> {
        let keys = db_user(user_id).and_then(|user| Ok((user, scope_key(scope)?)));
        Box::pin(async move {
            let (user, scope) = keys?;
            sqlx::query(
                "INSERT INTO tracked (user_id, scope) VALUES ($1, $2) ON CONFLICT (user_id, scope) DO NOTHING",
            )
            .bind(user)
            .bind(scope)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn untrack(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, bool> {
        let keys = db_user(user_id).and_then(|user| Ok((user, scope_key(scope)?)));
        Box::pin(async move {
            let (user, scope) = keys?;
            let mut tx = self.pool.begin().await?;
            sqlx::query("DELETE FROM holdings WHERE user_id = $1 AND scope = $2")
                .bind(user)
                .bind(&scope)
                .execute(&mut *tx)
                .await?;
            let removed = sqlx::query("DELETE FROM tracked WHERE user_id = $1 AND scope = $2")
                .bind(user)
                .bind(&scope)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(removed > 0)
        })
    }

    fn tracked(&self) -> StoreFuture<'_, Vec<TrackedScope>> {
        Box::pin(async move {
            let sql =
                format!("SELECT user_id, scope, observed_at FROM tracked ORDER BY {STALEST_FIRST}");
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            rows.iter().map(tracked_scope).collect()
        })
    }

    fn due(
        &self,
        due_before: DateTime<Utc>,
        after: Option<&TrackedScope>,
        limit: usize,
    ) -> StoreFuture<'_, Vec<TrackedScope>> {
        // The key of `STALEST_FIRST`; the first page starts before every key.
        let after = match after {
            None => Ok((String::new(), i64::MIN, String::new())),
            Some(last) => db_user(last.user_id).and_then(|user| {
                Ok((
                    last.observed_at.map(stamp).unwrap_or_default(),
                    user,
                    scope_key(&last.scope)?,
                ))
            }),
        };
        Box::pin(async move {
            let (at, user, scope) = after?;
            let sql = format!(
                "SELECT user_id, scope, observed_at FROM tracked \
                 WHERE (observed_at IS NULL OR observed_at < $1) \
                 AND ({STALEST_FIRST}) > ($2, $3, $4) \
                 ORDER BY {STALEST_FIRST} LIMIT $5"
            );
            let rows = sqlx::query(&sql)
                .bind(stamp(due_before))
                .bind(at)
                .bind(user)
                .bind(scope)
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(tracked_scope).collect()
        })
    }

    fn observed_since(
        &self,
        since: DateTime<Utc>,
    ) -> StoreFuture<'_, (usize, Option<DateTime<Utc>>)> {
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT COUNT(*), MIN(observed_at) FROM tracked WHERE observed_at >= $1",
            )
            .bind(stamp(since))
            .fetch_one(&self.pool)
            .await?;
            let count: i64 = row.try_get(0)?;
            let stalest: Option<String> = row.try_get(1)?;
            Ok((
                usize::try_from(count).unwrap_or(usize::MAX),
                stalest.as_deref().map(timestamp).transpose()?,
            ))
        })
    }

    fn known(&self, user_id: u64, scope: &Scope) -> StoreFuture<'_, Option<Tracked>> {
        let keys = db_user(user_id).and_then(|user| Ok((user, scope_key(scope)?)));
        Box::pin(async move {
            let (user, scope) = keys?;
            let mut connection = self.pool.acquire().await?;
            let Some(row) = sqlx::query(
                "SELECT known, private, observed_at FROM tracked WHERE user_id = $1 AND scope = $2",
            )
            .bind(user)
            .bind(&scope)
            .fetch_optional(&mut *connection)
            .await?
            else {
                return Ok(None);
            };
            let (known, private): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
            let holdings = if known != 0 {
                Some(load_holdings(&mut connection, user, &scope).await?)
            } else {
                None
            };
            let observed_at: Option<String> = row.try_get(2)?;
            Ok(Some(Tracked {
                holdings,
                private: private != 0,
                observed_at: observed_at.as_deref().map(timestamp).transpose()?,
            }))
        })
    }

    fn record<'a>(&'a self, snapshot: &'a Snapshot) -> StoreFuture<'a, Vec<LoggedChange>> {
        Box::pin(self.record_now(snapshot))
    }

    fn claim(
        &self,
        worker: &str,
        limit: usize,
        due_before: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreFuture<'_, Vec<TrackedScope>> {
        let worker = worker.to_string();
        Box::pin(async move {
            let now = Utc::now();
            let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            // Rows another claimer holds are skipped on PostgreSQL; SQLite has
            // one writer at a time (BEGIN IMMEDIATE) and needs no row locks.
            let skip_locked = match self.engine {
                Engine::Sqlite => "",
                Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            };
            let sql = format!(
                "UPDATE tracked SET leased_by = $1, lease_until = $2 \
                 WHERE (user_id, scope) IN (SELECT user_id, scope FROM tracked \
                 WHERE (lease_until IS NULL OR lease_until <= $3) \
                 AND (observed_at IS NULL OR observed_at < $4) \
                 ORDER BY {STALEST_FIRST} LIMIT $5{skip_locked}) \
                 RETURNING user_id, scope, observed_at"
            );
            let mut tx = match self.engine {
                Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
                Engine::Postgres => self.pool.begin().await?,
            };
            let rows = sqlx::query(&sql)
                .bind(&worker)
                .bind(stamp(until))
                .bind(stamp(now))
                .bind(stamp(due_before))
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            let mut claimed = rows
                .iter()
                .map(tracked_scope)
                .collect::<Result<Vec<_>, _>>()?;
            claimed.sort_by(|a, b| {
                (a.observed_at.is_some(), a.observed_at, a.user_id).cmp(&(
                    b.observed_at.is_some(),
                    b.observed_at,
                    b.user_id,
                ))
            });
            Ok(claimed)
        })
    }

    fn release(&self, worker: &str, user_id: u64, scope: &Scope) -> StoreFuture<'_, ()> {
        let worker = worker.to_string();
        let keys = db_user(user_id).and_then(|user| Ok((user, scope_key(scope)?)));
        Box::pin(async move {
            let (user, scope) = keys?;
            sqlx::query(
                "UPDATE tracked SET leased_by = NULL, lease_until = NULL \
                 WHERE user_id = $1 AND scope = $2 AND leased_by = $3",
            )
            .bind(user)
            .bind(scope)
            .bind(worker)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn last_change_id(&self) -> StoreFuture<'_, i64> {
        Box::pin(async move {
            let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM changes")
                .fetch_one(&self.pool)
                .await?;
            Ok(row.try_get(0)?)
        })
    }

    fn changes_after(&self, cursor: i64, limit: usize) -> StoreFuture<'_, Vec<LoggedChange>> {
        Box::pin(async move {
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = sqlx::query(
                "SELECT id, change, observed_at FROM changes WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(cursor)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(logged_change).collect()
        })
    }
}

async fn load_holdings(
    connection: &mut sqlx::AnyConnection,
    user: i64,
    scope: &str,
) -> Result<BTreeMap<HoldingId, Holding>, StoreError> {
    let rows = sqlx::query("SELECT holding FROM holdings WHERE user_id = $1 AND scope = $2")
        .bind(user)
        .bind(scope)
        .fetch_all(&mut *connection)
        .await?;
    rows.iter()
        .map(|row| {
            let holding: Holding = from_json(&row.try_get::<String, _>(0)?)?;
            Ok((holding.id, holding))
        })
        .collect()
}

/// A row of `user_id, scope, observed_at`.
fn tracked_scope(row: &AnyRow) -> Result<TrackedScope, StoreError> {
    let observed_at: Option<String> = row.try_get(2)?;
    Ok(TrackedScope {
        user_id: app_user(row.try_get(0)?)?,
        scope: from_json(&row.try_get::<String, _>(1)?)?,
        observed_at: observed_at.as_deref().map(timestamp).transpose()?,
    })
}

fn logged_change(row: &AnyRow) -> Result<LoggedChange, StoreError> {
    Ok(LoggedChange {
        id: row.try_get(0)?,
        change: from_json::<Change>(&row.try_get::<String, _>(1)?)?,
        observed_at: timestamp(&row.try_get::<String, _>(2)?)?,
    })
}

/// The key a scope is stored under: its JSON, with an item list in order (the
/// same items in another order are the same scope).
fn scope_key(scope: &Scope) -> Result<String, StoreError> {
    let mut scope = scope.clone();
    if let Scope::Items(items) = &mut scope {
        items.sort();
        items.dedup();
    }
    if let Scope::AssetTypes(types) = &mut scope {
        types.sort_by_key(|t| t.to_string());
        types.dedup();
    }
    json(&scope)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{e}: {text}")))
}

/// A time as the store writes it: RFC 3339 in UTC with microseconds, always
/// the same width, so text order is time order (`ORDER BY`, lease checks).
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn timestamp(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("{e}: {text}")))
}

fn db_user(user_id: u64) -> Result<i64, StoreError> {
    i64::try_from(user_id).map_err(|_| StoreError::UserId(user_id))
}

fn app_user(user: i64) -> Result<u64, StoreError> {
    u64::try_from(user).map_err(|_| StoreError::Corrupt(format!("user id {user}")))
}
