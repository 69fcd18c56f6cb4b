//! One-click unsubscribe links (RFC 8058): the key that signs them, shared by every instance,
//! made here from the database's own random source; and the link of each queued email, sent
//! in its `List-Unsubscribe` header.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Secrets::Table)
                .col(string_len(Secrets::Name, 64).primary_key())
                .col(text(Secrets::Value))
                .to_owned(),
        )
        .await?;
        // 64 hexadecimal digits from the database's cryptographic source (PostgreSQL's
        // gen_random_uuid, 2 × 122 random bits; SQLite's randomblob).
        let random = match m.get_database_backend() {
            DbBackend::Postgres => {
                "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')"
            }
            _ => "lower(hex(randomblob(32)))",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO secrets (name, value) VALUES ('desabonnement', {random})"
            ))
            .await?;
        m.alter_table(
            Table::alter()
                .table(EmailOutbox::Table)
                .add_column(string_len_null(EmailOutbox::UnsubscribeUrl, 500))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(EmailOutbox::Table)
                .drop_column(EmailOutbox::UnsubscribeUrl)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Secrets::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Secrets {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    UnsubscribeUrl,
}
