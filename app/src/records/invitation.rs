//! The invitation of « Remplir la session » as enrolment sees it: an officer invited to a
//! session may enrol after its deadline, and enrolling accepts the invitation.

use crate::{entities::invitation, error::AppResult, model::InvitationStatus};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

/// The officer's invitation to a session still waiting for an answer.
pub async fn pending<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    officer_id: i32,
) -> AppResult<Option<invitation::Model>> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::SessionId.eq(session_id))
        .filter(invitation::Column::OfficerId.eq(officer_id))
        .filter(invitation::Column::Status.eq(InvitationStatus::EnAttente))
        .one(db)
        .await?)
}

/// Records that the officer enrolled while invited (inside the enrolment's transaction).
pub async fn accepted<C: ConnectionTrait>(
    txn: &C,
    invitation: invitation::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut row: invitation::ActiveModel = invitation.into();
    row.status = Set(InvitationStatus::Acceptee);
    row.answered_at = Set(Some(now));
    row.update(txn).await?;
    Ok(())
}
