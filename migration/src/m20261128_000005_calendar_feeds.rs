//! Each user's private calendar feed (`/calendrier/{token}.ics`): the secret token of its
//! address. Revoking deletes the row; a new link gets a new token.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CalendarFeeds::Table)
                .col(integer(CalendarFeeds::UserId).primary_key())
                .col(string_len_uniq(CalendarFeeds::Token, 64))
                .col(timestamp_with_time_zone(CalendarFeeds::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(CalendarFeeds::Table, CalendarFeeds::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CalendarFeeds::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CalendarFeeds {
    Table,
    UserId,
    Token,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
