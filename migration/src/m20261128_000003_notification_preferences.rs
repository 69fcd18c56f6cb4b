//! Email preferences per kind of notification (product §5: in-app always, email unless the
//! user turned that kind off in `/profil`). A missing row means « email on ».

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(NotificationPreferences::Table)
                .col(integer(NotificationPreferences::UserId))
                .col(string_len(NotificationPreferences::Kind, 48))
                .col(boolean(NotificationPreferences::Email))
                .col(timestamp_with_time_zone(NotificationPreferences::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(NotificationPreferences::UserId)
                        .col(NotificationPreferences::Kind),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            NotificationPreferences::Table,
                            NotificationPreferences::UserId,
                        )
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(NotificationPreferences::Table)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum NotificationPreferences {
    Table,
    UserId,
    Kind,
    Email,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
