//! What the reminder scheduler has already done: one row per (kind, session), written in the
//! transaction of its notifications. The unique key makes the scheduler idempotent: after a
//! restart, or with two instances, a reminder is sent once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ScheduledNotices::Table)
                .col(pk_auto(ScheduledNotices::Id))
                .col(string_len(ScheduledNotices::Kind, 32))
                .col(integer(ScheduledNotices::SessionId))
                .col(timestamp_with_time_zone(ScheduledNotices::DoneAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ScheduledNotices::Table, ScheduledNotices::SessionId)
                        .to(Sessions::Table, Sessions::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_scheduled_notices_kind_session")
                .table(ScheduledNotices::Table)
                .col(ScheduledNotices::Kind)
                .col(ScheduledNotices::SessionId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ScheduledNotices::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ScheduledNotices {
    Table,
    Id,
    Kind,
    SessionId,
    DoneAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
}
