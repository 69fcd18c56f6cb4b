//! Invitations of « Remplir la session » (staff invite the officers whose programme needs a
//! session's training; the officer accepts by enrolling, or declines).
//!
//! One row per (session, officer): inviting again re-opens the same invitation. `token` is the
//! secret part of the link `/invitations/{token}` sent to the officer.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .col(pk_auto(Invitations::Id))
                .col(integer(Invitations::SessionId))
                .col(integer(Invitations::OfficerId))
                .col(string_len_uniq(Invitations::Token, 64))
                .col(string_len(Invitations::Status, 16))
                .col(integer(Invitations::CreatedBy))
                .col(timestamp_with_time_zone(Invitations::CreatedAt))
                .col(timestamp_with_time_zone_null(Invitations::AnsweredAt))
                .foreign_key(&mut fk(
                    Invitations::SessionId,
                    Sessions::Table,
                    Sessions::Id,
                ))
                .foreign_key(&mut fk(Invitations::OfficerId, Users::Table, Users::Id))
                .foreign_key(&mut fk(Invitations::CreatedBy, Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_invitations_session_officer")
                .table(Invitations::Table)
                .col(Invitations::SessionId)
                .col(Invitations::OfficerId)
                .unique()
                .to_owned(),
        )
        .await?;
        // An officer's pending invitations (« Mes formations »).
        m.create_index(
            Index::create()
                .name("idx_invitations_officer_status")
                .table(Invitations::Table)
                .col(Invitations::OfficerId)
                .col(Invitations::Status)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Invitations::Table).to_owned())
            .await
    }
}

fn fk<C: IntoIden, RT: IntoIden, RC: IntoIden>(
    col: C,
    ref_table: RT,
    ref_col: RC,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Invitations::Table, col)
        .to(ref_table, ref_col)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[derive(DeriveIden, Clone, Copy)]
enum Invitations {
    Table,
    Id,
    SessionId,
    OfficerId,
    Token,
    Status,
    CreatedBy,
    CreatedAt,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
