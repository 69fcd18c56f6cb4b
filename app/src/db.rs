//! Opening the database: SQLite (embedded default) or PostgreSQL, chosen by the URL.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    TransactionOptions, TransactionTrait,
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
    if url.starts_with("sqlite:") {
        if let Some(dir) = sqlite_parent_dir(url) {
            std::fs::create_dir_all(&dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {dir}: {e}")))?;
        }
        opts.max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true)
                    .create_if_missing(true)
            });
    } else {
        opts.max_connections(16).min_connections(1);
    }
    Database::connect(opts).await
}

/// Connects and brings the schema up to date.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
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
