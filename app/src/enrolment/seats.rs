//! Taking and releasing a seat, waitlist ranks and promotion: the mechanics under every change
//! of a place, for the officers' own actions and for staff alike.
//!
//! - §3.1 capacity: a seat is taken only by the conditional update
//!   `seats_taken = seats_taken + 1 WHERE seats_taken < capacity`; the database re-checks the
//!   condition under its row lock (PostgreSQL) or write lock (SQLite `BEGIN IMMEDIATE`), and a
//!   CHECK constraint backs it.
//! - §3.4 waitlist: ranks come from a per-session counter; a freed seat is handed to the first
//!   waiting officer in the same transaction ([`promote_waitlist`]).

use crate::{
    entities::{enrolment, session},
    error::AppResult,
    model::{EnrolmentStatus, SessionStatus},
    records::session::any_session,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

/// Gives every free seat of the session to the first waiting officers, in rank order, as long as
/// the session is published and has not started (§3.4). Call it inside the transaction that
/// freed the seats. Returns the promoted officers' ids.
pub async fn promote_waitlist<C: ConnectionTrait>(
    txn: &C,
    session_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Vec<i32>> {
    let mut promoted = Vec::new();
    loop {
        let s = any_session(txn, session_id).await?;
        if s.status != SessionStatus::Publiee || now >= s.starts_at {
            break;
        }
        if !take_seat(txn, session_id).await? {
            break;
        }
        match claim_first_waiting(txn, session_id, now).await? {
            Some(officer_id) => promoted.push(officer_id),
            None => {
                // Nobody waits: give the seat back.
                release_seat(txn, session_id).await?;
                break;
            }
        }
    }
    Ok(promoted)
}

/// Turns the first waiting row into a confirmed seat. On PostgreSQL another transaction may
/// change that row meanwhile (the officer leaves the waitlist): the conditional update then
/// touches nothing and the next one in line is tried.
async fn claim_first_waiting<C: ConnectionTrait>(
    txn: &C,
    session_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<i32>> {
    loop {
        let Some(first) = enrolment::Entity::find()
            .filter(enrolment::Column::SessionId.eq(session_id))
            .filter(enrolment::Column::Status.eq(EnrolmentStatus::ListeAttente))
            .order_by_asc(enrolment::Column::WaitlistRank)
            .order_by_asc(enrolment::Column::Id)
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        let claimed = enrolment::Entity::update_many()
            .col_expr(
                enrolment::Column::Status,
                Expr::value(EnrolmentStatus::Inscrit),
            )
            .col_expr(
                enrolment::Column::WaitlistRank,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(enrolment::Column::ConfirmedAt, Expr::value(Some(now)))
            .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
            .filter(enrolment::Column::Id.eq(first.id))
            .filter(enrolment::Column::Status.eq(EnrolmentStatus::ListeAttente))
            .exec(txn)
            .await?;
        if claimed.rows_affected == 1 {
            return Ok(Some(first.officer_id));
        }
    }
}

/// Takes one seat if one is free; false when the session is full.
pub async fn take_seat<C: ConnectionTrait>(txn: &C, session_id: i32) -> AppResult<bool> {
    let res = session::Entity::update_many()
        .col_expr(
            session::Column::SeatsTaken,
            Expr::col(session::Column::SeatsTaken).add(1),
        )
        .filter(session::Column::Id.eq(session_id))
        .filter(Expr::col(session::Column::SeatsTaken).lt(Expr::col(session::Column::Capacity)))
        .exec(txn)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn release_seat<C: ConnectionTrait>(txn: &C, session_id: i32) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(
            session::Column::SeatsTaken,
            Expr::col(session::Column::SeatsTaken).sub(1),
        )
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::SeatsTaken.gt(0))
        .exec(txn)
        .await?;
    Ok(())
}

/// Hands out the next rank of the session's waitlist. The update locks the session row, so the
/// value read back is this transaction's own.
pub async fn next_waitlist_rank<C: ConnectionTrait>(txn: &C, session_id: i32) -> AppResult<i64> {
    session::Entity::update_many()
        .col_expr(
            session::Column::WaitlistSeq,
            Expr::col(session::Column::WaitlistSeq).add(1),
        )
        .filter(session::Column::Id.eq(session_id))
        .exec(txn)
        .await?;
    Ok(any_session(txn, session_id).await?.waitlist_seq)
}

/// Writes the officer's place: updates their earlier (cancelled) row or inserts the first one.
pub async fn save_place<C: ConnectionTrait>(
    txn: &C,
    existing: Option<enrolment::Model>,
    session_id: i32,
    officer_id: i32,
    status: EnrolmentStatus,
    rank: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<enrolment::Model> {
    let confirmed_at = (status == EnrolmentStatus::Inscrit).then_some(now);
    Ok(match existing {
        Some(e) => {
            let mut row: enrolment::ActiveModel = e.into();
            row.status = Set(status);
            row.waitlist_rank = Set(rank);
            row.confirmed_at = Set(confirmed_at);
            row.cancelled_at = Set(None);
            row.updated_at = Set(now);
            row.update(txn).await?
        }
        None => {
            enrolment::ActiveModel {
                session_id: Set(session_id),
                officer_id: Set(officer_id),
                status: Set(status),
                waitlist_rank: Set(rank),
                created_at: Set(now),
                updated_at: Set(now),
                confirmed_at: Set(confirmed_at),
                cancelled_at: Set(None),
                ..Default::default()
            }
            .insert(txn)
            .await?
        }
    })
}
