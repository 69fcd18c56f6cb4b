use crate::model::SessionStatus;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub training_id: i32,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub location: String,
    pub visio_url: Option<String>,
    pub capacity: i32,
    pub min_participants: i32,
    pub enrolment_deadline: DateTimeUtc,
    pub cancellation_deadline: DateTimeUtc,
    pub actual_cost_cents: Option<i64>,
    pub trainer: String,
    pub status: SessionStatus,
    /// Confirmed seats; changed only by the enrolment module's conditional updates.
    pub seats_taken: i32,
    /// Last waitlist rank handed out in this session.
    pub waitlist_seq: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "training_id", to = "id")]
    pub training: BelongsTo<super::training::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
