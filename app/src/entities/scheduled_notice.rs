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
    pub done_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
