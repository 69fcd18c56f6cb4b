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
    /// The Paris day (`YYYY-MM-DD`) of the session's start the reminder was for: a session
    /// moved to another day gets it again.
    pub session_day: Option<String>,
    pub done_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
