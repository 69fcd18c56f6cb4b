//! The officer's own actions on a session (product §3.1–3.5): enrol (a seat, else the
//! waitlist) and withdraw, each in one write transaction, on the seat mechanics of
//! [`super::seats`]:
//!
//! - §3.1 capacity: [`super::seats::take_seat`].
//! - §3.2 one live place: one `enrolments` row per (session, officer), unique in the schema.
//! - §3.3 no overlap: checked while the officer's own user row is locked, so that two requests
//!   of the same officer cannot both pass the check.
//! - §3.4 waitlist: a freed seat is handed to the first waiting officer in the same
//!   transaction ([`super::seats::promote_waitlist`]).
//! - §3.5 deadlines: enrolment closes at the enrolment deadline; withdrawal is possible until the
//!   start and becomes a « désistement tardif » after the cancellation deadline.
//!
//! Locks are taken in the order written in [`crate::records`].

use super::seats::{next_waitlist_rank, promote_waitlist, release_seat, save_place, take_seat};
use crate::{
    dates,
    entities::{enrolment, session},
    error::{AppError, AppResult},
    model::{EnrolmentStatus, SessionStatus},
    notification::{
        events::{self, About, By},
        service::deliver,
    },
    records::{
        invitation as invitations,
        officer::lock_officer,
        place::{find_clash, own_enrolment, waitlist_position},
        session::lock_visible_session,
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, TransactionSession, TransactionTrait,
};

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

/// Checks that self-service enrolment is open on this session (§3.5, §3.4 last sentence). The
/// enrolment deadline does not apply to an officer staff invited: the invitation is the
/// exception staff chose to make, until the session starts.
pub fn enrolment_open(s: &session::Model, invited: bool, now: DateTime<Utc>) -> Result<(), String> {
    enrolment_open_at(s.status, s.starts_at, s.enrolment_deadline, invited, now)
}

/// [`enrolment_open`] on the three columns it reads, for the lists that do not load whole
/// sessions (the catalogue).
pub fn enrolment_open_at(
    status: SessionStatus,
    starts_at: DateTime<Utc>,
    enrolment_deadline: DateTime<Utc>,
    invited: bool,
    now: DateTime<Utc>,
) -> Result<(), String> {
    match status {
        SessionStatus::Publiee => {}
        SessionStatus::Annulee => return Err("Cette session a été annulée.".into()),
        SessionStatus::Terminee => return Err("Cette session est terminée.".into()),
        SessionStatus::Brouillon => return Err("Cette session n'est pas encore ouverte.".into()),
    }
    if now >= starts_at {
        return Err("Cette session a déjà commencé : les inscriptions sont fermées.".into());
    }
    if now > enrolment_deadline && !invited {
        return Err(format!(
            "Les inscriptions à cette session sont closes depuis le {}.",
            dates::day_time(enrolment_deadline)
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
    let s = lock_visible_session(&txn, session_id).await?;
    let invitation = invitations::pending(&txn, session_id, officer_id).await?;
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
        invitations::accepted(&txn, invitation, now).await?;
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
    leave(db, officer_id, session_id, None, now).await
}

/// « Se désinscrire » (`seen` = inscrit) or « Quitter la liste d'attente » (`seen` = liste
/// d'attente), applied to the place the officer saw: if it changed meanwhile (promoted from
/// the waitlist, say), nothing is done and the refusal tells the place as it is now.
pub async fn withdraw_as_seen<C>(
    db: &C,
    officer_id: i32,
    session_id: i32,
    seen: EnrolmentStatus,
    now: DateTime<Utc>,
) -> AppResult<Withdrawn>
where
    C: TransactionTrait + ConnectionTrait,
{
    leave(db, officer_id, session_id, Some(seen), now).await
}

async fn leave<C>(
    db: &C,
    officer_id: i32,
    session_id: i32,
    seen: Option<EnrolmentStatus>,
    now: DateTime<Utc>,
) -> AppResult<Withdrawn>
where
    C: TransactionTrait + ConnectionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let officer = lock_officer(&txn, officer_id).await?;
    let s = lock_visible_session(&txn, session_id).await?;
    if s.status == SessionStatus::Annulee {
        return Err(AppError::refused(
            "Cette session a été annulée : il n'y a plus de place à libérer.",
        ));
    }
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
    match (seen, mine.status) {
        (Some(EnrolmentStatus::ListeAttente), EnrolmentStatus::Inscrit) => {
            return Err(AppError::refused(
                "Une place s'est libérée entre-temps : vous êtes maintenant inscrit à cette session. Si vous ne pouvez pas venir, utilisez « Se désinscrire ».",
            ));
        }
        (Some(seen), now_status) if seen != now_status => {
            return Err(AppError::refused(format!(
                "Votre place a changé entre-temps : vous êtes maintenant « {} ». Rien n'a été modifié.",
                now_status.label()
            )));
        }
        _ => {}
    }

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

/// §3.3 for the officer themself: the message names the other session.
async fn check_no_overlap<C: ConnectionTrait>(
    txn: &C,
    officer_id: i32,
    s: &session::Model,
) -> AppResult<()> {
    let Some(clash) = find_clash(txn, officer_id, s.id, s.starts_at, s.ends_at).await? else {
        return Ok(());
    };
    if clash.draft {
        // A place staff gave in a session not yet published: it exists, but is not the
        // officer's to know before publication.
        return Err(AppError::refused(
            "Impossible : la MiRVOG vous a déjà prévu une formation à ces dates. Contactez-la pour en savoir plus.",
        ));
    }
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
