//! Database schema of Cassiopée, as sea-orm migrations that run on SQLite and PostgreSQL.
//!
//! At start-up every pending migration runs inside one transaction that holds the database's
//! lock (`app::db::migrate`): a migration must work inside a transaction, so no
//! `CREATE INDEX CONCURRENTLY` on PostgreSQL and no `PRAGMA foreign_keys` on SQLite (both are
//! refused or ignored there), and none may set `use_transaction` to `false`.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_schema;
mod m20261128_000002_invitations;
mod m20261128_000003_notification_preferences;
mod m20261128_000004_scheduled_notices;
mod m20261128_000005_calendar_feeds;
mod m20261129_000006_reminder_dates_and_session_owners;
mod m20261130_000007_catalogue_index;
mod m20261130_000008_unsubscribe_links;
mod m20261130_000009_login_attempts;
mod m20261130_000010_password_resets;
mod m20261130_000011_catalogue_stamp;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_schema::Migration),
            Box::new(m20261128_000002_invitations::Migration),
            Box::new(m20261128_000003_notification_preferences::Migration),
            Box::new(m20261128_000004_scheduled_notices::Migration),
            Box::new(m20261128_000005_calendar_feeds::Migration),
            Box::new(m20261129_000006_reminder_dates_and_session_owners::Migration),
            Box::new(m20261130_000007_catalogue_index::Migration),
            Box::new(m20261130_000008_unsubscribe_links::Migration),
            Box::new(m20261130_000009_login_attempts::Migration),
            Box::new(m20261130_000010_password_resets::Migration),
            Box::new(m20261130_000011_catalogue_stamp::Migration),
        ]
    }
}
