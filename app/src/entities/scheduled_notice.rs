use sea_orm::entity::prelude::*;

/// A reminder the scheduler has sent (see `notification::reminders`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheduled_notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub session_id: i32,
    /// The session's start the reminder was for: a session moved later gets it again.
    pub session_starts_at: Option<DateTimeUtc>,
    pub done_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
