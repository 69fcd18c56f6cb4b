//! Officers as the rules read them: by id with their profile, locked for a transaction, and
//! their grades for lists.

use crate::{
    entities::{officer_profile, user},
    error::{AppError, AppResult},
    model::Role,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Locks the officer's user row for the rest of the transaction (PostgreSQL `FOR UPDATE`; on
/// SQLite the immediate transaction already holds the write lock) and checks the role.
pub async fn lock_officer<C: ConnectionTrait>(txn: &C, officer_id: i32) -> AppResult<user::Model> {
    let officer = user::Entity::find_by_id(officer_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::NotFound)?;
    if officer.role != Role::Officer {
        return Err(AppError::refused(
            "Seuls les officiers peuvent s'inscrire à une session.",
        ));
    }
    Ok(officer)
}

/// Locks these users' rows for the rest of the transaction, in id order (PostgreSQL
/// `FOR UPDATE`; SQLite: the write lock), whatever their role or state.
pub async fn lock_users<C: ConnectionTrait>(txn: &C, ids: &[i32]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    user::Entity::find()
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .order_by_asc(user::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?;
    Ok(())
}

/// An officer's account and profile (a profile is created empty if missing).
pub async fn find_officer<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> AppResult<(user::Model, officer_profile::Model)> {
    let u = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| u.role == Role::Officer)
        .ok_or(AppError::NotFound)?;
    let p = match officer_profile::Entity::find_by_id(id).one(db).await? {
        Some(p) => p,
        None => {
            officer_profile::ActiveModel {
                user_id: Set(id),
                grade: Set(String::new()),
                armee: Set(String::new()),
                phone: Set(None),
                departure_date: Set(None),
            }
            .insert(db)
            .await?
        }
    };
    Ok((u, p))
}

/// The grade of each officer listed (blank when the profile has none).
pub async fn grades<C: ConnectionTrait>(db: &C, ids: Vec<i32>) -> AppResult<HashMap<i32, String>> {
    Ok(officer_profile::Entity::find()
        .filter(officer_profile::Column::UserId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.grade))
        .collect())
}
