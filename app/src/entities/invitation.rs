use crate::model::InvitationStatus;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    pub officer_id: i32,
    /// Secret part of the link `/invitations/{token}`.
    #[sea_orm(unique)]
    pub token: String,
    pub status: InvitationStatus,
    /// The staff member who invited.
    pub created_by: i32,
    pub created_at: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "session_id", to = "id")]
    pub session: BelongsTo<super::session::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
