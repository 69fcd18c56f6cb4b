//! The rules of product §3.1–3.5 about seats, in one place. Every change of an officer's place
//! in a session goes through here, inside one write transaction:
//!
//! - §3.1 capacity: a seat is taken only by the conditional update
//!   `seats_taken = seats_taken + 1 WHERE seats_taken < capacity`; the database re-checks the
//!   condition under its row lock (PostgreSQL) or write lock (SQLite `BEGIN IMMEDIATE`), and a
//!   CHECK constraint backs it.
//! - §3.2 one live place: one `enrolments` row per (session, officer), unique in the schema.
//! - §3.3 no overlap: checked while the officer's own user row is locked, so that two requests
//!   of the same officer cannot both pass the check.
//! - §3.4 waitlist: ranks come from a per-session counter; a freed seat is handed to the first
//!   waiting officer in the same transaction ([`promote_waitlist`]).
//! - §3.5 deadlines: enrolment closes at the enrolment deadline; withdrawal is possible until the
//!   start and becomes a « désistement tardif » after the cancellation deadline.
//!
//! Lock order, to stay free of deadlocks on PostgreSQL: officer row → own enrolment row →
//! session row → promoted officer's enrolment row.

use super::{Action, PlaceState};
use crate::{
    dates,
    entities::{enrolment, session, training, user},
    error::{AppError, AppResult},
    model::{EnrolmentStatus, Role, SessionStatus},
    notification::{
        events::{self, About, By},
        service::deliver,
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use std::collections::HashMap;

/// Result of [`enrol`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Enrolled {
    Confirmed,
    Waitlisted { position: u64 },
}

/// Result of [`withdraw`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawn {
    /// The seat was given up after the cancellation deadline (§3.5): staff must be told.
    pub late: bool,
    /// The officer was only on the waitlist.
    pub was_waitlisted: bool,
    /// Officers promoted from the waitlist into the freed seat, in order.
    pub promoted: Vec<i32>,
}

/// Statuses that hold a seat of the session: confirmed, then attendance once it has run.
pub const SEAT_HOLDING: [EnrolmentStatus; 4] = [
    EnrolmentStatus::Inscrit,
    EnrolmentStatus::Present,
    EnrolmentStatus::Absent,
    EnrolmentStatus::Excuse,
];

pub const LIVE: [EnrolmentStatus; 2] = [EnrolmentStatus::Inscrit, EnrolmentStatus::ListeAttente];

/// The one action the officer may take, or the French reason why none is possible. An officer
/// invited by staff (« Remplir la session ») may enrol after the enrolment deadline.
pub fn available_action(
    s: &session::Model,
    mine: Option<&enrolment::Model>,
    invited: bool,
    now: DateTime<Utc>,
) -> Result<Action, String> {
    match mine.map(|e| e.status) {
        Some(EnrolmentStatus::Inscrit) if now < s.starts_at => return Ok(Action::Withdraw),
        Some(EnrolmentStatus::ListeAttente) if now < s.starts_at => {
            return Ok(Action::LeaveWaitlist);
        }
        _ => {}
    }
    enrolment_open(s, invited, now)?;
    if s.seats_taken < s.capacity {
        Ok(Action::Enrol)
    } else {
        Ok(Action::JoinWaitlist)
    }
}

/// The viewer's place in a session, read afresh (after an action).
pub async fn place_state<C: ConnectionTrait>(
    db: &C,
    viewer: &user::Model,
    session_id: i32,
    now: DateTime<Utc>,
) -> AppResult<PlaceState> {
    let s = visible_session(db, session_id).await?;
    place_in(db, viewer, &s, now).await
}

/// The viewer's place in a session already loaded, as the session page shows it.
pub async fn place_in<C: ConnectionTrait>(
    db: &C,
    viewer: &user::Model,
    s: &session::Model,
    now: DateTime<Utc>,
) -> AppResult<PlaceState> {
    let mine = own_enrolment(db, s.id, viewer.id).await?;
    let invitation = match &mine {
        Some(e) if e.status.is_live() => None,
        _ => crate::invitation::service::pending(db, s.id, viewer.id).await?,
    };
    let rank = mine
        .as_ref()
        .filter(|e| e.status == EnrolmentStatus::ListeAttente)
        .and_then(|e| e.waitlist_rank);
    let waitlist_position = match rank {
        Some(rank) => Some(waitlist_position(db, s.id, rank).await?),
        None => None,
    };
    let action = if viewer.role == Role::Officer {
        available_action(s, mine.as_ref(), invitation.is_some(), now)
    } else {
        Err("Les inscriptions se font depuis l'espace de gestion.".to_owned())
    };
    Ok(PlaceState {
        session_id: s.id,
        seats: (s.status == SessionStatus::Publiee && now < s.starts_at)
            .then(|| crate::catalogue::seats_label(s.capacity, s.seats_taken)),
        mine: mine.map(|e| e.status),
        waitlist_position,
        action,
        invitation: invitation
            .filter(|_| enrolment_open(s, true, now).is_ok())
            .map(|i| {
                format!(
                    "La MiRVOG vous invite à cette session (invitation du {}) : inscrivez-vous ci-dessous, ou déclinez l'invitation.",
                    dates::day(i.created_at)
                )
            }),
    })
}

/// Checks that self-service enrolment is open on this session (§3.5, §3.4 last sentence). The
/// enrolment deadline does not apply to an officer staff invited: the invitation is the
/// exception staff chose to make, until the session starts.
pub fn enrolment_open(s: &session::Model, invited: bool, now: DateTime<Utc>) -> Result<(), String> {
    match s.status {
        SessionStatus::Publiee => {}
        SessionStatus::Annulee => return Err("Cette session a été annulée.".into()),
        SessionStatus::Terminee => return Err("Cette session est terminée.".into()),
        SessionStatus::Brouillon => return Err("Cette session n'est pas encore ouverte.".into()),
    }
    if now >= s.starts_at {
        return Err("Cette session a déjà commencé : les inscriptions sont fermées.".into());
    }
    if now > s.enrolment_deadline && !invited {
        return Err(format!(
            "Les inscriptions à cette session sont closes depuis le {}.",
            dates::day_time(s.enrolment_deadline)
        ));
    }
    Ok(())
}

/// Self-service enrolment of an officer: a confirmed seat if one is free, else the waitlist.
/// A pending invitation to the session is accepted by it.
pub async fn enrol<C>(
    db: &C,
    officer_id: i32,
    session_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Enrolled>
where
    C: TransactionTrait + ConnectionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    lock_officer(&txn, officer_id).await?;
    let s = visible_session(&txn, session_id).await?;
    let invitation = crate::invitation::service::pending(&txn, session_id, officer_id).await?;
    enrolment_open(&s, invitation.is_some(), now).map_err(AppError::Refused)?;
    let mine = own_enrolment(&txn, session_id, officer_id).await?;
    if let Some(e) = &mine {
        match e.status {
            EnrolmentStatus::Inscrit => {
                return Err(AppError::refused("Vous êtes déjà inscrit à cette session."));
            }
            EnrolmentStatus::ListeAttente => {
                return Err(AppError::refused(
                    "Vous êtes déjà sur la liste d'attente de cette session.",
                ));
            }
            _ => {}
        }
    }
    check_no_overlap(&txn, officer_id, &s).await?;

    let outcome = if take_seat(&txn, session_id).await? {
        save_place(
            &txn,
            mine,
            session_id,
            officer_id,
            EnrolmentStatus::Inscrit,
            None,
            now,
        )
        .await?;
        Enrolled::Confirmed
    } else {
        let rank = next_waitlist_rank(&txn, session_id).await?;
        save_place(
            &txn,
            mine,
            session_id,
            officer_id,
            EnrolmentStatus::ListeAttente,
            Some(rank),
            now,
        )
        .await?;
        Enrolled::Waitlisted {
            position: waitlist_position(&txn, session_id, rank).await?,
        }
    };
    if let Some(invitation) = invitation {
        crate::invitation::service::accepted(&txn, invitation, now).await?;
    }
    let about = About::of(&txn, &s).await?;
    let notice = match &outcome {
        Enrolled::Confirmed => events::confirmed(&about, officer_id, By::Officer),
        Enrolled::Waitlisted { position } => {
            events::waitlisted(&about, officer_id, *position, By::Officer)
        }
    };
    deliver(&txn, vec![notice], now).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// An officer gives up their seat or leaves the waitlist (§3.5). A freed seat goes at once to the
/// first waiting officer (§3.4).
pub async fn withdraw<C>(
    db: &C,
    officer_id: i32,
    session_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Withdrawn>
where
    C: TransactionTrait + ConnectionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let officer = lock_officer(&txn, officer_id).await?;
    let s = visible_session(&txn, session_id).await?;
    if now >= s.starts_at {
        return Err(AppError::refused(
            "Cette session a déjà commencé : la désinscription n'est plus possible. Contactez la MiRVOG.",
        ));
    }
    let Some(mine) = own_enrolment(&txn, session_id, officer_id)
        .await?
        .filter(|e| e.status.is_live())
    else {
        return Err(AppError::refused(
            "Vous n'êtes pas inscrit à cette session.",
        ));
    };

    let was_waitlisted = mine.status == EnrolmentStatus::ListeAttente;
    let late = !was_waitlisted && now > s.cancellation_deadline;
    let new_status = if late {
        EnrolmentStatus::DesistementTardif
    } else {
        EnrolmentStatus::Desinscrit
    };
    let mut row: enrolment::ActiveModel = mine.into();
    row.status = Set(new_status);
    row.waitlist_rank = Set(None);
    row.cancelled_at = Set(Some(now));
    row.updated_at = Set(now);
    row.update(&txn).await?;

    let promoted = if was_waitlisted {
        Vec::new()
    } else {
        release_seat(&txn, session_id).await?;
        promote_waitlist(&txn, session_id, now).await?
    };
    let about = About::of(&txn, &s).await?;
    let mut notices = vec![events::withdrawn(
        &about,
        officer_id,
        late,
        was_waitlisted,
        By::Officer,
    )];
    notices.extend(events::promoted(&about, &promoted));
    if late {
        let staff = crate::notification::service::staff_ids(&txn).await?;
        notices.extend(events::late_withdrawal(
            &about,
            &staff,
            &officer.display_name,
        ));
    }
    deliver(&txn, notices, now).await?;
    txn.commit().await?;
    Ok(Withdrawn {
        late,
        was_waitlisted,
        promoted,
    })
}

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
pub(super) async fn take_seat<C: ConnectionTrait>(txn: &C, session_id: i32) -> AppResult<bool> {
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

pub(super) async fn release_seat<C: ConnectionTrait>(txn: &C, session_id: i32) -> AppResult<()> {
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
pub(super) async fn next_waitlist_rank<C: ConnectionTrait>(
    txn: &C,
    session_id: i32,
) -> AppResult<i64> {
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

/// Writes the officer's place: updates their earlier (cancelled) row or inserts the first one.
pub(super) async fn save_place<C: ConnectionTrait>(
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

/// Locks the officer's user row for the rest of the transaction (PostgreSQL `FOR UPDATE`; on
/// SQLite the immediate transaction already holds the write lock) and checks the role.
pub(crate) async fn lock_officer<C: ConnectionTrait>(
    txn: &C,
    officer_id: i32,
) -> AppResult<user::Model> {
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

/// The session whatever its status (staff side).
pub async fn any_session<C: ConnectionTrait>(db: &C, session_id: i32) -> AppResult<session::Model> {
    session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The session as an officer may see it: drafts do not exist for them (§2).
async fn visible_session<C: ConnectionTrait>(db: &C, session_id: i32) -> AppResult<session::Model> {
    session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .filter(|s| s.status != SessionStatus::Brouillon)
        .ok_or(AppError::NotFound)
}

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

/// Another live place of an officer (confirmed or waiting) in a session overlapping in time.
pub struct Clash {
    pub title: String,
    pub dates: String,
    pub waiting: bool,
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
    }))
}

/// §3.3 for the officer themself: the message names the other session.
async fn check_no_overlap<C: ConnectionTrait>(
    txn: &C,
    officer_id: i32,
    s: &session::Model,
) -> AppResult<()> {
    let Some(clash) = find_clash(txn, officer_id, s.id, s.starts_at, s.ends_at).await? else {
        return Ok(());
    };
    let place = if clash.waiting {
        "êtes sur la liste d'attente de"
    } else {
        "êtes déjà inscrit à"
    };
    Err(AppError::Refused(format!(
        "Impossible : vous {place} « {} » ({}), qui a lieu en même temps.",
        clash.title, clash.dates
    )))
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
