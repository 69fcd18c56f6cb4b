//! The officer's place as a session page shows it: seats left, their own state, their position
//! on the waitlist, the one action offered (or why none is), and staff's invitation.

use super::{Action, PlaceState, actions::enrolment_open};
use crate::{
    dates,
    entities::{enrolment, session, user},
    error::AppResult,
    format::seats_label,
    model::{EnrolmentStatus, Role, SessionStatus},
    records::{
        invitation as invitations,
        place::{own_enrolment, waitlist_position},
        session::visible_session,
    },
};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// The one action the officer may take, or the French reason why none is possible. An officer
/// invited by staff (« Remplir la session ») may enrol after the enrolment deadline.
pub fn available_action(
    s: &session::Model,
    mine: Option<&enrolment::Model>,
    invited: bool,
    now: DateTime<Utc>,
) -> Result<Action, String> {
    if s.status == SessionStatus::Annulee {
        // Places are kept (§3.6), but there is nothing left to give up or to take.
        return Err("Cette session a été annulée.".to_owned());
    }
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
        _ => invitations::pending(db, s.id, viewer.id).await?,
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
            .then(|| seats_label(s.capacity, s.seats_taken)),
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
