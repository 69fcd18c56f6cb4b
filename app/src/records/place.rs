//! An officer's place in a session (`enrolments`): the statuses that hold a seat, the live
//! place of an officer, waitlist positions, and the overlap query of §3.3.

use crate::{
    dates,
    entities::{enrolment, session, training},
    error::AppResult,
    model::{EnrolmentStatus, SessionStatus},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use std::collections::HashMap;

/// Statuses that hold a seat of the session: confirmed, then attendance once it has run.
pub const SEAT_HOLDING: [EnrolmentStatus; 4] = [
    EnrolmentStatus::Inscrit,
    EnrolmentStatus::Present,
    EnrolmentStatus::Absent,
    EnrolmentStatus::Excuse,
];

pub const LIVE: [EnrolmentStatus; 2] = [EnrolmentStatus::Inscrit, EnrolmentStatus::ListeAttente];

pub async fn own_enrolment<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    officer_id: i32,
) -> AppResult<Option<enrolment::Model>> {
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::OfficerId.eq(officer_id))
        .one(db)
        .await?)
}

/// 1-based position of a rank among the officers still waiting.
pub async fn waitlist_position<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    rank: i64,
) -> AppResult<u64> {
    let ahead = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::ListeAttente))
        .filter(enrolment::Column::WaitlistRank.lt(rank))
        .count(db)
        .await?;
    Ok(ahead + 1)
}

/// Another live place of an officer (confirmed or waiting) in a session overlapping in time.
pub struct Clash {
    pub title: String,
    pub dates: String,
    pub waiting: bool,
    /// The other session is a draft: the officer has not been told of that place yet.
    pub draft: bool,
}

/// §3.3: the officer's live place, if any, in another session overlapping `[starts, ends)`
/// (cancelled sessions aside). Waitlisted places count too, so that a later promotion can never
/// create an overlap.
pub async fn find_clash<C: ConnectionTrait>(
    txn: &C,
    officer_id: i32,
    session_id: i32,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> AppResult<Option<Clash>> {
    let clash = enrolment::Entity::find()
        .filter(enrolment::Column::OfficerId.eq(officer_id))
        .filter(enrolment::Column::Status.is_in(LIVE))
        .filter(enrolment::Column::SessionId.ne(session_id))
        .find_also_related(session::Entity)
        .filter(session::Column::Status.ne(SessionStatus::Annulee))
        .filter(session::Column::StartsAt.lt(ends))
        .filter(session::Column::EndsAt.gt(starts))
        .one(txn)
        .await?;
    let Some((other_enrolment, Some(other))) = clash else {
        return Ok(None);
    };
    let title = training::Entity::find_by_id(other.training_id)
        .one(txn)
        .await?
        .map(|t| t.title)
        .unwrap_or_default();
    Ok(Some(Clash {
        title,
        dates: dates::span(other.starts_at, other.ends_at),
        waiting: other_enrolment.status == EnrolmentStatus::ListeAttente,
        draft: other.status == SessionStatus::Brouillon,
    }))
}

/// Places of a status per session, for the sessions listed.
pub async fn count_by_session<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    status: EnrolmentStatus,
) -> AppResult<HashMap<i32, u64>> {
    Ok(enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::SessionId)
        .column_as(Expr::col(enrolment::Column::Id).count(), "n")
        .filter(enrolment::Column::SessionId.is_in(ids.to_vec()))
        .filter(enrolment::Column::Status.eq(status))
        .group_by(enrolment::Column::SessionId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Officers holding a live place (seat or waitlist) in a session.
pub async fn live_officers<C: ConnectionTrait>(txn: &C, id: i32) -> AppResult<Vec<i32>> {
    Ok(enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::OfficerId)
        .filter(enrolment::Column::SessionId.eq(id))
        .filter(enrolment::Column::Status.is_in(LIVE))
        .into_tuple::<i32>()
        .all(txn)
        .await?)
}

/// Whether an officer's place in a session of a training means that programme item needs no
/// more planning: the training was followed, or a live place (seat or waitlist) awaits in a
/// session not cancelled and not over. The demand view and « Remplir la session » share it.
pub fn place_covers(e: &enrolment::Model, s: &session::Model, now: DateTime<Utc>) -> bool {
    e.status == EnrolmentStatus::Present
        || (e.status.is_live() && s.status != SessionStatus::Annulee && s.ends_at > now)
}
