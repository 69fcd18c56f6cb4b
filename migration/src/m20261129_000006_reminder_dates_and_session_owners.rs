//! Two corrections found by review (issue « fourteen defects »):
//!
//! - A reminder is done once per session *and day*: a session moved to another day after its
//!   J-7 or J-1 gets them again for its new date (moved within its day, it does not). Existing
//!   marks take the Paris day of the session's current start (on SQLite, which has no time
//!   zones, its UTC day: sessions run in the daytime, where the two agree).
//! - Web sessions know their user and their creation: a password reset or a deactivation ends
//!   that user's sessions, and none lives more than 7 days. Sessions stored before this
//!   migration are removed (everyone logs in once more).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ScheduledNotices::Table)
                .add_column(string_len_null(ScheduledNotices::SessionDay, 10))
                .to_owned(),
        )
        .await?;
        let day = match m.get_database_backend() {
            DbBackend::Postgres => "to_char(starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD')",
            _ => "substr(starts_at, 1, 10)",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE scheduled_notices SET session_day = \
                 (SELECT {day} FROM sessions WHERE sessions.id = scheduled_notices.session_id)"
            ))
            .await?;
        m.drop_index(
            Index::drop()
                .name("uq_scheduled_notices_kind_session")
                .table(ScheduledNotices::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_scheduled_notices_kind_session_day")
                .table(ScheduledNotices::Table)
                .col(ScheduledNotices::Kind)
                .col(ScheduledNotices::SessionId)
                .col(ScheduledNotices::SessionDay)
                .unique()
                .to_owned(),
        )
        .await?;

        m.get_connection()
            .execute_unprepared("DELETE FROM web_sessions")
            .await?;
        m.alter_table(
            Table::alter()
                .table(WebSessions::Table)
                .add_column(integer_null(WebSessions::UserId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(WebSessions::Table)
                .add_column(timestamp_with_time_zone_null(WebSessions::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_web_sessions_user")
                .table(WebSessions::Table)
                .col(WebSessions::UserId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_web_sessions_user")
                .table(WebSessions::Table)
                .to_owned(),
        )
        .await?;
        for column in [WebSessions::CreatedAt, WebSessions::UserId] {
            m.alter_table(
                Table::alter()
                    .table(WebSessions::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.drop_index(
            Index::drop()
                .name("uq_scheduled_notices_kind_session_day")
                .table(ScheduledNotices::Table)
                .to_owned(),
        )
        .await?;
        // Keep one mark per (kind, session), the latest, for the old unique key.
        m.get_connection()
            .execute_unprepared(
                "DELETE FROM scheduled_notices WHERE id NOT IN \
                 (SELECT MAX(id) FROM scheduled_notices GROUP BY kind, session_id)",
            )
            .await?;
        m.alter_table(
            Table::alter()
                .table(ScheduledNotices::Table)
                .drop_column(ScheduledNotices::SessionDay)
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
}

#[derive(DeriveIden)]
enum ScheduledNotices {
    Table,
    SessionDay,
    Kind,
    SessionId,
}

#[derive(DeriveIden)]
enum WebSessions {
    Table,
    UserId,
    CreatedAt,
}
