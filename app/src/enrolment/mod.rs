//! Enrolment: an officer's place in a session (product §2, rules §3.1–3.5). The seat mechanics
//! ([`seats`]) under the officer's own actions ([`actions`]) and staff's ([`staff`]), and the
//! place as a session page shows it ([`place`]) with the four buttons' server function.

#[cfg(feature = "ssr")]
use crate::caller;
use crate::{error::AppError, model::EnrolmentStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod actions;
#[cfg(feature = "ssr")]
pub mod place;
#[cfg(feature = "ssr")]
pub mod seats;
#[cfg(feature = "ssr")]
pub mod staff;

/// What an officer may do on a session page right now. The page shows exactly this action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Enrol,
    JoinWaitlist,
    Withdraw,
    LeaveWaitlist,
}

impl Action {
    /// The button's words (product §4).
    pub fn label(self) -> &'static str {
        match self {
            Action::Enrol => "S'inscrire",
            Action::JoinWaitlist => "Rejoindre la liste d'attente",
            Action::Withdraw => "Se désinscrire",
            Action::LeaveWaitlist => "Quitter la liste d'attente",
        }
    }

    /// The value a form sends for this action (its serde name).
    pub fn code(self) -> &'static str {
        match self {
            Action::Enrol => "Enrol",
            Action::JoinWaitlist => "JoinWaitlist",
            Action::Withdraw => "Withdraw",
            Action::LeaveWaitlist => "LeaveWaitlist",
        }
    }
}

/// The officer's own part of a session page: what changes when they act.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceState {
    pub session_id: i32,
    /// Seats left, while the session is open.
    pub seats: Option<String>,
    pub mine: Option<EnrolmentStatus>,
    /// Set while waiting: 1-based position on the waitlist.
    pub waitlist_position: Option<u64>,
    /// The one action offered, or why there is none.
    pub action: Result<Action, String>,
    /// Set while staff's invitation to this session awaits the officer's answer.
    pub invitation: Option<String>,
}

/// What an action answers: a sentence for the officer and their place afterwards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionDone {
    pub message: String,
    pub place: PlaceState,
}

/// The four buttons of a session page. The server decides what actually happens: « S'inscrire »
/// may end on the waitlist if the last seat went meanwhile.
#[server(prefix = "/api", endpoint = "place")]
pub async fn act(session_id: i32, action: Action) -> Result<ActionDone, AppError> {
    let me = caller::require_officer()?;
    let db = crate::db::db()?;
    let now = chrono::Utc::now();
    let message = match action {
        Action::Enrol | Action::JoinWaitlist => {
            match actions::enrol(&db, me.id, session_id, now).await? {
                actions::Enrolled::Confirmed => "Votre inscription est confirmée.".to_owned(),
                actions::Enrolled::Waitlisted { position } => format!(
                    "La session est complète : vous êtes inscrit sur la liste d'attente, en position {position}."
                ),
            }
        }
        Action::Withdraw | Action::LeaveWaitlist => {
            let seen = if action == Action::Withdraw {
                EnrolmentStatus::Inscrit
            } else {
                EnrolmentStatus::ListeAttente
            };
            let out = actions::withdraw_as_seen(&db, me.id, session_id, seen, now).await?;
            if out.was_waitlisted {
                "Vous avez quitté la liste d'attente.".to_owned()
            } else if out.late {
                "Votre désinscription est enregistrée comme désistement tardif ; la MiRVOG en est informée."
                    .to_owned()
            } else {
                "Votre désinscription est enregistrée.".to_owned()
            }
        }
    };
    let place = place::place_state(&db, &me, session_id, now).await?;
    crate::flash::after_form_post(&message).await?;
    Ok(ActionDone { message, place })
}

#[cfg(all(test, feature = "ssr"))]
mod staff_tests;
#[cfg(all(test, feature = "ssr"))]
mod tests;
