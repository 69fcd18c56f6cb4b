//! Migrations at start-up (`db::migrate`): instances started together on one new database all
//! come up with one schema, and an instance older than the schema refuses to start.

use crate::db::{StartError, connect_and_migrate};
use crate::testing::{file_sqlite_url, postgres_url};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

const INSTANCES: usize = 4;
const ROUNDS: usize = 6;

/// Starts [`INSTANCES`] instances at once on `url` (each with its own pool, as separate
/// processes would), and checks that every one started and the schema is whole, once.
async fn start_together(url: &str) {
    let starts: Vec<_> = (0..INSTANCES)
        .map(|_| {
            let url = url.to_owned();
            tokio::spawn(async move { connect_and_migrate(&url).await })
        })
        .collect();
    let mut dbs = Vec::new();
    for (i, start) in starts.into_iter().enumerate() {
        match start.await.expect("start task") {
            Ok(db) => dbs.push(db),
            Err(e) => panic!("instance {i} of {INSTANCES} did not start: {e}"),
        }
    }
    let recorded = count(&dbs[0], "SELECT COUNT(*) AS n FROM seaql_migrations").await;
    assert_eq!(
        recorded,
        Migrator::migrations().len() as i64,
        "each migration once"
    );
    // The schema is usable from every instance.
    for db in &dbs {
        count(db, "SELECT COUNT(*) AS n FROM sessions").await;
    }
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("count")
        .expect("row")
        .try_get::<i64>("", "n")
        .expect("n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_started_together_on_a_new_postgres_database_all_come_up() {
    for _ in 0..ROUNDS {
        let Some(url) = postgres_url().await else {
            return;
        };
        start_together(&url).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_started_together_on_a_new_sqlite_file_all_come_up() {
    for _ in 0..ROUNDS {
        start_together(&file_sqlite_url()).await;
    }
}

/// A newer instance migrated the database further; this one does not know that migration.
async fn refuses_a_newer_schema(url: &str) {
    let db = connect_and_migrate(url).await.expect("first start");
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_avenir', 0)",
    )
    .await
    .expect("a migration from the future");
    let tables = "SELECT COUNT(*) AS n FROM seaql_migrations";
    let before = count(&db, tables).await;
    match connect_and_migrate(url).await {
        Err(e @ StartError::NewerSchema(_)) => {
            let message = e.to_string();
            assert!(
                message.contains("plus récent que ce programme"),
                "{message}"
            );
            assert!(message.contains("m20991231_000001_avenir"), "{message}");
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("an instance older than its schema started"),
    }
    assert_eq!(count(&db, tables).await, before, "nothing changed");
}

#[tokio::test]
async fn an_instance_older_than_the_schema_refuses_to_start_on_sqlite() {
    refuses_a_newer_schema(&file_sqlite_url()).await;
}

#[tokio::test]
async fn an_instance_older_than_the_schema_refuses_to_start_on_postgres() {
    if let Some(url) = postgres_url().await {
        refuses_a_newer_schema(&url).await;
    }
}

#[tokio::test]
async fn a_database_that_does_not_answer_is_named_as_such() {
    // A directory that cannot be created: the file cannot be opened.
    let url = "sqlite:///proc/cassiopee/base.sqlite?mode=rwc";
    let Err(e) = connect_and_migrate(url).await else {
        panic!("a database under /proc");
    };
    assert!(matches!(e, StartError::Unreachable(_)), "{e:?}");
    assert!(
        e.to_string().starts_with("base de données inaccessible : "),
        "{e}"
    );
}

/// A migration that fails (here the second one: its table is already there) is named, and the
/// whole start is rolled back: not even the first migration nor the migrations' table remain.
async fn a_failed_migration_rolls_the_whole_start_back(url: &str) {
    let db = crate::db::connect(url).await.expect("connect");
    db.execute_unprepared("CREATE TABLE invitations (id INTEGER PRIMARY KEY)")
        .await
        .expect("a table in the way");
    match crate::db::migrate(&db).await {
        Err(e @ StartError::Migration { .. }) => {
            let message = e.to_string();
            assert!(
                message.starts_with("la migration m20261128_000002_invitations du schéma a échoué"),
                "{message}"
            );
        }
        Err(e) => panic!("failed for another reason: {e}"),
        Ok(()) => panic!("a migration ran over an existing table"),
    }
    for table in ["users", "seaql_migrations"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let found = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await;
        assert!(found.is_err(), "{table} was left behind");
    }
}

#[tokio::test]
async fn a_failed_migration_rolls_the_whole_start_back_on_sqlite() {
    a_failed_migration_rolls_the_whole_start_back(&file_sqlite_url()).await;
}

#[tokio::test]
async fn a_failed_migration_rolls_the_whole_start_back_on_postgres() {
    if let Some(url) = postgres_url().await {
        a_failed_migration_rolls_the_whole_start_back(&url).await;
    }
}

/// Every migration runs inside the start's one transaction: none may ask to run outside one.
#[test]
fn no_migration_asks_to_run_outside_a_transaction() {
    for migration in Migrator::migrations() {
        assert_ne!(
            migration.use_transaction(),
            Some(false),
            "{}",
            migration.name()
        );
    }
}

/// Every connection of a SQLite pool gets the settings, not only the first one (a one-off
/// PRAGMA would reach only that one): write-ahead log, foreign keys, and a page cache of 1 MiB.
#[tokio::test]
async fn every_sqlite_connection_of_the_pool_gets_the_settings() {
    use sea_orm::TransactionTrait;
    let db = crate::db::connect(&file_sqlite_url()).await.unwrap();
    // Four transactions at once hold the pool's four connections.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(db.begin().await.unwrap());
    }
    for txn in &held {
        let mut settings = Vec::new();
        for pragma in ["journal_mode", "foreign_keys", "cache_size"] {
            let row = txn
                .query_one_raw(Statement::from_string(
                    txn.get_database_backend(),
                    format!("PRAGMA {pragma}"),
                ))
                .await
                .unwrap()
                .unwrap();
            let value = row
                .try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .unwrap();
            settings.push(value);
        }
        assert_eq!(settings, ["wal", "1", "-1024"]);
    }
}
