//! Failed logins counted per account and per client address, in the database so that every
//! instance counts the same (`app::auth::throttle`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LoginAttempts::Table)
                // « compte:adresse@exemple.fr » or « adresse:192.0.2.7 ».
                .col(string_len(LoginAttempts::Key, 400).primary_key())
                .col(timestamp_with_time_zone(LoginAttempts::WindowStart))
                .col(integer(LoginAttempts::Failures))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LoginAttempts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Key,
    WindowStart,
    Failures,
}
