//! Sessions as the rules read them: whatever their status (staff), as an officer may see them
//! (no drafts), or locked for the rest of a transaction.

use crate::{
    entities::{session, training},
    error::{AppError, AppResult},
    model::SessionStatus,
};
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};

/// The session whatever its status (staff side).
pub async fn any_session<C: ConnectionTrait>(db: &C, session_id: i32) -> AppResult<session::Model> {
    session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The session as an officer may see it: drafts do not exist for them (§2).
pub async fn visible_session<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
) -> AppResult<session::Model> {
    session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .filter(|s| s.status != SessionStatus::Brouillon)
        .ok_or(AppError::NotFound)
}

/// The session row, locked for this transaction on PostgreSQL (SQLite: the write lock).
pub async fn lock_session<C: ConnectionTrait>(txn: &C, id: i32) -> AppResult<session::Model> {
    session::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn training_title<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<String> {
    Ok(training::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|t| t.title)
        .unwrap_or_default())
}

/// The session locked for this transaction, as an officer may see it (no drafts): what a rule
/// reads before taking or giving up a seat, so that a cancellation or an edit committed
/// meanwhile is seen (PostgreSQL `FOR UPDATE`; SQLite: the write lock).
pub async fn lock_visible_session<C: ConnectionTrait>(
    txn: &C,
    session_id: i32,
) -> AppResult<session::Model> {
    Some(lock_session(txn, session_id).await?)
        .filter(|s| s.status != SessionStatus::Brouillon)
        .ok_or(AppError::NotFound)
}
