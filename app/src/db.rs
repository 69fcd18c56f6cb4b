//! Opening the database: SQLite (embedded default) or PostgreSQL, chosen by the URL.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use std::time::Duration;

/// Default embedded database, relative to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/cassiopee.sqlite?mode=rwc";

/// Connects with the settings each backend needs. On SQLite every pooled connection gets WAL,
/// a busy timeout and foreign keys through the connect options (a one-off PRAGMA would reach
/// only one connection of the pool).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if !url.starts_with("sqlite:") {
        // Pinged only after 30 s unused, when the server, a proxy or a firewall may have
        // dropped it; a connection in use answers its queries without a ping before each.
        opts.max_connections(16)
            .min_connections(1)
            .test_before_acquire_if_idle_for(Duration::from_secs(30));
        return Database::connect(opts).await;
    }
    if let Some(dir) = sqlite_parent_dir(url) {
        std::fs::create_dir_all(&dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {dir}: {e}")))?;
    }
    // A connection to a local file cannot be dropped by a network: no ping before each query
    // (by default the pool pings every connection it hands out, which on SQLite is one more
    // round trip to the connection's thread: 1 query in 2 was a ping). Four connections:
    // SQLite writes one at a time and the machines have two cores; each connection is a
    // thread with its own page cache, here of 1 MiB: at SQLite's default of 2 MiB the four
    // caches could hold 8 MB of the large data set, in a server that aims at 60 MB in all
    // (`bench/run.sh`); a page beyond them is read again from the system's file cache.
    opts.max_connections(4)
        .min_connections(1)
        .test_before_acquire(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(BUSY)
                .foreign_keys(true)
                .create_if_missing(true)
                .pragma("cache_size", CACHE_SIZE.to_string())
        });
    // A new SQLite file is switched to WAL by its first connection, which needs a lock that
    // SQLite cannot wait for: an instance that connects while another one, started at the same
    // moment, migrates the new file is told "database is locked" at once. It tries again, for
    // as long as a query would wait for the lock.
    let started = std::time::Instant::now();
    loop {
        match Database::connect(opts.clone()).await {
            Err(e) if e.to_string().contains("database is locked") && started.elapsed() < BUSY => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            done => return done,
        }
    }
}

/// The page cache of each SQLite connection: SQLite reads a negative `cache_size` as KiB.
const CACHE_SIZE: i32 = -1024;

/// How long a SQLite connection waits for another one's write lock.
const BUSY: Duration = Duration::from_secs(30);

/// Why the database could not be made ready at start-up, in words an operator can act on.
#[derive(Debug)]
pub enum StartError {
    /// The database does not answer (or refuses the connection).
    Unreachable(DbErr),
    /// Another instance held the migrations' lock longer than this one waited for it
    /// ([`LOCK_WAIT`] on PostgreSQL, [`BUSY`] on SQLite).
    Lock { waited: Duration, error: DbErr },
    /// The table that records the applied migrations (`seaql_migrations`) could not be read
    /// or created.
    MigrationTable(DbErr),
    /// The database holds migrations this program does not know: another instance, newer than
    /// this one, brought the schema further. Nothing was changed.
    NewerSchema(Vec<String>),
    /// A migration failed; it was rolled back with every other one of this start.
    Migration { name: String, error: DbErr },
    /// The migrations ran but could not be committed; none is applied.
    Commit(DbErr),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable(e) => write!(f, "base de données inaccessible : {e}"),
            Self::Lock { waited, error } => write!(
                f,
                "une autre instance met à jour le schéma de la base de données depuis plus de \
                 {} s (verrou des migrations) ; relancez celle-ci quand elle aura fini : {error}",
                waited.as_secs()
            ),
            Self::MigrationTable(e) => write!(
                f,
                "table des migrations (seaql_migrations) illisible ou impossible à créer : {e}"
            ),
            Self::NewerSchema(unknown) => write!(
                f,
                "le schéma de la base de données est plus récent que ce programme (migrations \
                 inconnues : {}) ; installez la version de Cassiopée qui l'a mis à jour, ou une \
                 plus récente ; rien n'a été modifié",
                unknown.join(", ")
            ),
            Self::Migration { name, error } => write!(
                f,
                "la migration {name} du schéma a échoué (aucune migration de ce démarrage n'est \
                 appliquée) : {error}"
            ),
            Self::Commit(e) => write!(
                f,
                "validation des migrations du schéma impossible (aucune n'est appliquée) : {e}"
            ),
        }
    }
}

impl std::error::Error for StartError {}

/// The key of the PostgreSQL advisory lock that migrations hold ("Cassiope" in ASCII).
const MIGRATION_LOCK: i64 = 0x4361_7373_696f_7065;

/// How long an instance waits for another one's migrations before it gives up, on PostgreSQL
/// (`lock_timeout`). SQLite waits its busy timeout, [`BUSY`].
const LOCK_WAIT: Duration = Duration::from_secs(120);

/// Connects and brings the schema up to date.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, StartError> {
    let db = connect(url).await.map_err(StartError::Unreachable)?;
    migrate(&db).await?;
    Ok(db)
}

/// Brings the schema up to date, so that any number of instances may start together on one
/// database: every migration of this start runs in one transaction that first takes the
/// database's lock (PostgreSQL: an advisory lock, held until the transaction ends; SQLite: the
/// write lock, `BEGIN IMMEDIATE`). The first instance migrates; the others wait for it (up to
/// [`LOCK_WAIT`] on PostgreSQL, [`BUSY`] on SQLite), then find nothing left to do. A schema that
/// holds migrations this program does not know is left untouched and refused: this instance
/// is older than the database. So a migration must be able to run inside a transaction (no
/// `CREATE INDEX CONCURRENTLY`, no `PRAGMA foreign_keys`): see `migration/src/lib.rs`.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StartError> {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let txn = begin_write(db).await.map_err(|e| {
        // SQLite answers "database is locked" once its busy timeout is spent.
        if sqlite && e.to_string().contains("locked") {
            StartError::Lock {
                waited: BUSY,
                error: e,
            }
        } else {
            StartError::Unreachable(e)
        }
    })?;
    match migrate_in(&txn, sqlite).await {
        Ok(()) => txn.commit().await.map_err(StartError::Commit),
        Err(e) => {
            if let Err(rollback) = txn.rollback().await {
                tracing::warn!(error = %rollback, "rolling the migrations back");
            }
            Err(e)
        }
    }
}

async fn migrate_in(txn: &DatabaseTransaction, sqlite: bool) -> Result<(), StartError> {
    if !sqlite {
        let wait = LOCK_WAIT.as_millis();
        txn.execute_unprepared(&format!("SET LOCAL lock_timeout = {wait}"))
            .await
            .map_err(StartError::Unreachable)?;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await
            .map_err(|error| StartError::Lock {
                waited: LOCK_WAIT,
                error,
            })?;
    }
    let applied = applied_migrations(txn).await?;
    let known = known_migrations();
    let unknown: Vec<String> = applied
        .iter()
        .filter(|v| !known.contains(v))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(StartError::NewerSchema(unknown));
    }
    for name in known.iter().filter(|name| !applied.contains(name)) {
        Migrator::up(txn, Some(1))
            .await
            .map_err(|error| StartError::Migration {
                name: name.clone(),
                error,
            })?;
    }
    Ok(())
}

/// Whether the database answers and holds every migration of this program, for `/readyz`; the
/// French reason otherwise.
pub async fn ready(db: &DatabaseConnection) -> Result<(), String> {
    let applied: Vec<String> = Migrator::get_migration_models(db)
        .await
        .map_err(|e| format!("base de données inaccessible : {e}"))?
        .into_iter()
        .map(|m| m.version)
        .collect();
    let missing: Vec<String> = known_migrations()
        .into_iter()
        .filter(|name| !applied.contains(name))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "migrations du schéma non appliquées : {}",
            missing.join(", ")
        ))
    }
}

/// The versions of this program's migrations, in order.
fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// The versions recorded in `seaql_migrations`, the table created first if it is missing.
async fn applied_migrations(txn: &DatabaseTransaction) -> Result<Vec<String>, StartError> {
    Migrator::install(txn)
        .await
        .map_err(StartError::MigrationTable)?;
    Ok(Migrator::get_migration_models(txn)
        .await
        .map_err(StartError::MigrationTable)?
        .into_iter()
        .map(|m| m.version)
        .collect())
}

/// The directory of a `sqlite://path/file?…` URL, if it has one (not for `:memory:`).
fn sqlite_parent_dir(url: &str) -> Option<String> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next()?;
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    let parent = std::path::Path::new(path).parent()?;
    let parent = parent.to_str()?;
    (!parent.is_empty()).then(|| parent.to_owned())
}

/// Begins a transaction for a write that reads first. On SQLite it starts `IMMEDIATE`, taking
/// the write lock at once, so concurrent writers queue on the busy timeout instead of failing
/// with SQLITE_BUSY when they upgrade a read lock. PostgreSQL uses its default (read committed)
/// and explicit row locks.
pub async fn begin_write<C: TransactionTrait + ConnectionTrait>(
    db: &C,
) -> Result<C::Transaction, DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
    } else {
        db.begin().await
    }
}

/// The database of the current request, provided by the server as context.
pub fn db() -> crate::error::AppResult<DatabaseConnection> {
    leptos::prelude::use_context::<DatabaseConnection>().ok_or_else(|| {
        tracing::error!("no database connection in context");
        crate::error::AppError::Internal
    })
}
