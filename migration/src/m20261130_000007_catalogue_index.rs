//! The catalogue (`/formations`) groups the upcoming published sessions by training and pages
//! the trainings by their next session. With the sessions of a status in training order, and
//! their start beside, the database groups them as it reads the index, without sorting the
//! sessions or reading their rows (it still sorts the trainings, and reads them for the
//! filters): on the large data set (1,000 upcoming sessions) the page's query and its count
//! take half the time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_sessions_status_training_start";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(Sessions::Table)
                .col(Sessions::Status)
                .col(Sessions::TrainingId)
                .col(Sessions::StartsAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Sessions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Status,
    TrainingId,
    StartsAt,
}
