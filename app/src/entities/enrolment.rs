use crate::model::EnrolmentStatus;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrolments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    pub officer_id: i32,
    pub status: EnrolmentStatus,
    /// Order on the waitlist (smaller first); set while `status` is `ListeAttente`.
    pub waitlist_rank: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "session_id", to = "id")]
    pub session: BelongsTo<super::session::Entity>,
    #[sea_orm(belongs_to, from = "officer_id", to = "id")]
    pub officer: BelongsTo<super::user::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
