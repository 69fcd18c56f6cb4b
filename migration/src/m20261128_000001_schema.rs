//! The whole domain of product §2 in one first migration.
//!
//! Choices worth knowing:
//! - Money is stored in euro cents (`BIGINT`), never as floating point.
//! - Date-times are UTC (`TIMESTAMPTZ` on PostgreSQL, RFC 3339 text on SQLite); screens convert
//!   to Europe/Paris.
//! - An officer's place in a session is ONE row of `enrolments`, unique per (session, officer),
//!   whose `status` says whether it is confirmed, waitlisted, cancelled or attended. Keeping the
//!   waitlist in the same table lets the database itself enforce product §3.2 (at most one live
//!   place per session); `waitlist_rank` orders the waiting rows (first come, first served, staff
//!   may reorder).
//! - `sessions.seats_taken` counts confirmed rows and is only ever changed by a conditional
//!   update (`… WHERE seats_taken < capacity`); the CHECK constraint is the last line of defence
//!   for product §3.1 on every database and every instance.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_auto(Users::Id))
                .col(string_len_uniq(Users::Email, 254))
                .col(string_len(Users::DisplayName, 200))
                .col(string_len(Users::Role, 16))
                .col(string_len(Users::PasswordHash, 200))
                .col(boolean(Users::Active).default(true))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OfficerProfiles::Table)
                .col(integer(OfficerProfiles::UserId).primary_key())
                .col(string_len(OfficerProfiles::Grade, 80))
                .col(string_len(OfficerProfiles::Armee, 80))
                .col(string_len_null(OfficerProfiles::Phone, 40))
                .col(date_null(OfficerProfiles::DepartureDate))
                .foreign_key(&mut fk(
                    OfficerProfiles::Table,
                    OfficerProfiles::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Trainings::Table)
                .col(pk_auto(Trainings::Id))
                .col(string_len(Trainings::Title, 200))
                .col(text(Trainings::Description))
                .col(string_len(Trainings::Theme, 80))
                .col(string_len(Trainings::Provider, 200))
                .col(string_len(Trainings::Format, 16))
                .col(integer(Trainings::DurationHours))
                .col(integer(Trainings::DefaultCapacity))
                .col(big_integer_null(Trainings::FixedCostCents))
                .col(big_integer_null(Trainings::SeatCostCents))
                .col(boolean(Trainings::Archived).default(false))
                .col(timestamp_with_time_zone(Trainings::CreatedAt))
                .col(timestamp_with_time_zone(Trainings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_trainings_theme",
            Trainings::Table,
            &[Trainings::Theme],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(pk_auto(Sessions::Id))
                .col(integer(Sessions::TrainingId))
                .col(timestamp_with_time_zone(Sessions::StartsAt))
                .col(timestamp_with_time_zone(Sessions::EndsAt))
                .col(string_len(Sessions::Location, 300))
                .col(string_len_null(Sessions::VisioUrl, 500))
                .col(integer(Sessions::Capacity))
                .col(integer(Sessions::MinParticipants))
                .col(timestamp_with_time_zone(Sessions::EnrolmentDeadline))
                .col(timestamp_with_time_zone(Sessions::CancellationDeadline))
                .col(big_integer_null(Sessions::ActualCostCents))
                .col(string_len(Sessions::Trainer, 200))
                .col(string_len(Sessions::Status, 16))
                .col(integer(Sessions::SeatsTaken).default(0))
                .col(big_integer(Sessions::WaitlistSeq).default(0))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::UpdatedAt))
                .check(Expr::col(Sessions::Capacity).gte(0))
                .check(Expr::col(Sessions::SeatsTaken).gte(0))
                .check(Expr::col(Sessions::SeatsTaken).lte(Expr::col(Sessions::Capacity)))
                .check(Expr::col(Sessions::EndsAt).gt(Expr::col(Sessions::StartsAt)))
                .foreign_key(&mut fk(
                    Sessions::Table,
                    Sessions::TrainingId,
                    Trainings::Table,
                    Trainings::Id,
                ))
                .to_owned(),
        )
        .await?;
        // The catalogue lists published sessions from now on, by start.
        index(
            m,
            "idx_sessions_status_start",
            Sessions::Table,
            &[Sessions::Status, Sessions::StartsAt],
        )
        .await?;
        index(
            m,
            "idx_sessions_training",
            Sessions::Table,
            &[Sessions::TrainingId, Sessions::StartsAt],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Enrolments::Table)
                .col(pk_auto(Enrolments::Id))
                .col(integer(Enrolments::SessionId))
                .col(integer(Enrolments::OfficerId))
                .col(string_len(Enrolments::Status, 24))
                .col(big_integer_null(Enrolments::WaitlistRank))
                .col(timestamp_with_time_zone(Enrolments::CreatedAt))
                .col(timestamp_with_time_zone(Enrolments::UpdatedAt))
                .col(timestamp_with_time_zone_null(Enrolments::ConfirmedAt))
                .col(timestamp_with_time_zone_null(Enrolments::CancelledAt))
                .foreign_key(&mut fk(
                    Enrolments::Table,
                    Enrolments::SessionId,
                    Sessions::Table,
                    Sessions::Id,
                ))
                .foreign_key(&mut fk(
                    Enrolments::Table,
                    Enrolments::OfficerId,
                    Users::Table,
                    Users::Id,
                ))
                .to_owned(),
        )
        .await?;
        // Product §3.2: one row, hence at most one live place, per officer and session.
        m.create_index(
            Index::create()
                .name("uq_enrolments_session_officer")
                .table(Enrolments::Table)
                .col(Enrolments::SessionId)
                .col(Enrolments::OfficerId)
                .unique()
                .to_owned(),
        )
        .await?;
        // "Mes formations" and the overlap check read an officer's rows by status.
        index(
            m,
            "idx_enrolments_officer_status",
            Enrolments::Table,
            &[Enrolments::OfficerId, Enrolments::Status],
        )
        .await?;
        // The waitlist of a session, in order.
        index(
            m,
            "idx_enrolments_session_status_rank",
            Enrolments::Table,
            &[
                Enrolments::SessionId,
                Enrolments::Status,
                Enrolments::WaitlistRank,
            ],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Programmes::Table)
                .col(pk_auto(Programmes::Id))
                .col(integer_uniq(Programmes::OfficerId))
                .col(date(Programmes::StartsOn))
                .col(date(Programmes::EndsOn))
                .col(text(Programmes::CareerGoal))
                .col(timestamp_with_time_zone(Programmes::CreatedAt))
                .col(timestamp_with_time_zone(Programmes::UpdatedAt))
                .foreign_key(&mut fk(
                    Programmes::Table,
                    Programmes::OfficerId,
                    Users::Table,
                    Users::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProgrammeItems::Table)
                .col(pk_auto(ProgrammeItems::Id))
                .col(integer(ProgrammeItems::ProgrammeId))
                .col(integer(ProgrammeItems::TrainingId))
                .col(string_len(ProgrammeItems::Priority, 16))
                .col(integer(ProgrammeItems::Position).default(0))
                .foreign_key(&mut fk(
                    ProgrammeItems::Table,
                    ProgrammeItems::ProgrammeId,
                    Programmes::Table,
                    Programmes::Id,
                ))
                .foreign_key(&mut fk(
                    ProgrammeItems::Table,
                    ProgrammeItems::TrainingId,
                    Trainings::Table,
                    Trainings::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_programme_items_training")
                .table(ProgrammeItems::Table)
                .col(ProgrammeItems::ProgrammeId)
                .col(ProgrammeItems::TrainingId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(pk_auto(Notifications::Id))
                .col(integer(Notifications::UserId))
                .col(string_len(Notifications::Kind, 48))
                .col(string_len(Notifications::Title, 300))
                .col(text(Notifications::Body))
                .col(string_len_null(Notifications::Link, 300))
                .col(integer_null(Notifications::SessionId))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .foreign_key(&mut fk(
                    Notifications::Table,
                    Notifications::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .foreign_key(&mut fk(
                    Notifications::Table,
                    Notifications::SessionId,
                    Sessions::Table,
                    Sessions::Id,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_notifications_user_read",
            Notifications::Table,
            &[Notifications::UserId, Notifications::ReadAt],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EmailOutbox::Table)
                .col(pk_auto(EmailOutbox::Id))
                .col(integer_null(EmailOutbox::NotificationId))
                .col(string_len(EmailOutbox::Recipient, 254))
                .col(string_len(EmailOutbox::Subject, 300))
                .col(text(EmailOutbox::BodyText))
                .col(text(EmailOutbox::BodyHtml))
                .col(text_null(EmailOutbox::IcsAttachment))
                .col(string_len(EmailOutbox::Status, 16))
                .col(integer(EmailOutbox::Attempts).default(0))
                .col(timestamp_with_time_zone(EmailOutbox::NextAttemptAt))
                .col(text_null(EmailOutbox::LastError))
                .col(string_len_null(EmailOutbox::ClaimedBy, 100))
                .col(timestamp_with_time_zone_null(EmailOutbox::ClaimedAt))
                .col(timestamp_with_time_zone_null(EmailOutbox::SentAt))
                .col(timestamp_with_time_zone(EmailOutbox::CreatedAt))
                .foreign_key(&mut fk(
                    EmailOutbox::Table,
                    EmailOutbox::NotificationId,
                    Notifications::Table,
                    Notifications::Id,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_email_outbox_due",
            EmailOutbox::Table,
            &[EmailOutbox::Status, EmailOutbox::NextAttemptAt],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Feedback::Table)
                .col(pk_auto(Feedback::Id))
                .col(integer(Feedback::SessionId))
                .col(integer(Feedback::OfficerId))
                .col(small_integer(Feedback::OverallRating))
                .col(small_integer(Feedback::UsefulnessRating))
                .col(text(Feedback::Comment))
                .col(timestamp_with_time_zone(Feedback::CreatedAt))
                .check(Expr::col(Feedback::OverallRating).between(1, 5))
                .check(Expr::col(Feedback::UsefulnessRating).between(1, 5))
                .foreign_key(&mut fk(
                    Feedback::Table,
                    Feedback::SessionId,
                    Sessions::Table,
                    Sessions::Id,
                ))
                .foreign_key(&mut fk(
                    Feedback::Table,
                    Feedback::OfficerId,
                    Users::Table,
                    Users::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_feedback_session_officer")
                .table(Feedback::Table)
                .col(Feedback::SessionId)
                .col(Feedback::OfficerId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Journal::Table)
                .col(big_pk_auto(Journal::Id))
                .col(integer_null(Journal::ActorId))
                .col(string_len(Journal::Action, 64))
                .col(string_len(Journal::EntityType, 32))
                .col(integer(Journal::EntityId))
                .col(text_null(Journal::Before))
                .col(text_null(Journal::After))
                .col(timestamp_with_time_zone(Journal::CreatedAt))
                .foreign_key(&mut fk(
                    Journal::Table,
                    Journal::ActorId,
                    Users::Table,
                    Users::Id,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_journal_entity",
            Journal::Table,
            &[Journal::EntityType, Journal::EntityId],
        )
        .await?;

        // tower-sessions records: the id is the cookie's value, data is the JSON of the record.
        m.create_table(
            Table::create()
                .table(WebSessions::Table)
                .col(string_len(WebSessions::Id, 64).primary_key())
                .col(text(WebSessions::Data))
                .col(timestamp_with_time_zone(WebSessions::ExpiresAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_web_sessions_expiry",
            WebSessions::Table,
            &[WebSessions::ExpiresAt],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebSessions::Table.into_iden(),
            Journal::Table.into_iden(),
            Feedback::Table.into_iden(),
            EmailOutbox::Table.into_iden(),
            Notifications::Table.into_iden(),
            ProgrammeItems::Table.into_iden(),
            Programmes::Table.into_iden(),
            Enrolments::Table.into_iden(),
            Sessions::Table.into_iden(),
            Trainings::Table.into_iden(),
            OfficerProfiles::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

fn fk<T: IntoIden + Copy, C: IntoIden, RT: IntoIden, RC: IntoIden>(
    table: T,
    col: C,
    ref_table: RT,
    ref_col: RC,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(ref_table, ref_col)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

async fn index<T: IntoIden + Copy, C: IntoIden + Copy>(
    m: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(*col);
    }
    m.create_index(stmt.to_owned()).await
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    Role,
    PasswordHash,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OfficerProfiles {
    Table,
    UserId,
    Grade,
    Armee,
    Phone,
    DepartureDate,
}

#[derive(DeriveIden, Clone, Copy)]
enum Trainings {
    Table,
    Id,
    Title,
    Description,
    Theme,
    Provider,
    Format,
    DurationHours,
    DefaultCapacity,
    FixedCostCents,
    SeatCostCents,
    Archived,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    Id,
    TrainingId,
    StartsAt,
    EndsAt,
    Location,
    VisioUrl,
    Capacity,
    MinParticipants,
    EnrolmentDeadline,
    CancellationDeadline,
    ActualCostCents,
    Trainer,
    Status,
    SeatsTaken,
    WaitlistSeq,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Enrolments {
    Table,
    Id,
    SessionId,
    OfficerId,
    Status,
    WaitlistRank,
    CreatedAt,
    UpdatedAt,
    ConfirmedAt,
    CancelledAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Programmes {
    Table,
    Id,
    OfficerId,
    StartsOn,
    EndsOn,
    CareerGoal,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgrammeItems {
    Table,
    Id,
    ProgrammeId,
    TrainingId,
    Priority,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Title,
    Body,
    Link,
    SessionId,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum EmailOutbox {
    Table,
    Id,
    NotificationId,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    IcsAttachment,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    ClaimedBy,
    ClaimedAt,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Feedback {
    Table,
    Id,
    SessionId,
    OfficerId,
    OverallRating,
    UsefulnessRating,
    Comment,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Journal {
    Table,
    Id,
    ActorId,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebSessions {
    Table,
    Id,
    Data,
    ExpiresAt,
}
