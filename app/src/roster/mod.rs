//! A session's staff page (`/gestion/sessions/{id}`): its participants, waitlist and former
//! places, the officer search of « Inscrire des officiers », attendance, and the journal.
//! The rules behind each button are in [`crate::enrolment::staff`] and [`crate::planning`].

#[cfg(feature = "ssr")]
use crate::caller;
use crate::{
    error::AppError,
    journal::JournalLine,
    model::{Direction, EnrolmentStatus, SessionStatus},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub enrolment_id: i32,
    pub officer_id: i32,
    pub name: String,
    pub grade: String,
    pub status: EnrolmentStatus,
}

/// An officer found by the search of « Inscrire des officiers ».
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerChoice {
    pub id: i32,
    pub name: String,
    pub grade: String,
    pub email: String,
    /// Why they cannot be chosen (« Déjà inscrit »), if so.
    pub unavailable: Option<String>,
}

/// What the buttons of the page may do now (decided by the server, shown by the page).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowed {
    pub edit: bool,
    pub publish: bool,
    pub cancel: bool,
    /// Enrol, remove, reorder.
    pub places: bool,
    pub attendance: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    pub id: i32,
    pub training_id: i32,
    pub title: String,
    pub status: SessionStatus,
    pub dates: String,
    pub place: String,
    pub visio_url: Option<String>,
    pub trainer: String,
    pub capacity: i32,
    pub seats_taken: i32,
    pub min_participants: i32,
    pub fill_percent: i32,
    pub enrolment_deadline: String,
    pub cancellation_deadline: String,
    pub cost: String,
    pub allowed: Allowed,
    /// Confirmed participants (or their attendance), by name.
    pub participants: Vec<Participant>,
    /// Waiting officers in queue order.
    pub waitlist: Vec<Participant>,
    /// Places given up (désinscrit, désistement tardif).
    pub former: Vec<Participant>,
    pub search: String,
    pub choices: Vec<OfficerChoice>,
    /// Invitations of « Remplir la session », newest first.
    pub invitations: Vec<crate::invitation::InvitationLine>,
    pub journal: Vec<JournalLine>,
}

#[server(prefix = "/api", endpoint = "gestion/session")]
pub async fn get_staff_session(id: i32, search: Option<String>) -> Result<StaffSession, AppError> {
    crate::caller::require_staff()?;
    service::staff_session(&crate::db::db()?, id, search.as_deref(), chrono::Utc::now()).await
}

/// « Inscrire » with the officers ticked: `choix[<officer id>]=on`.
#[server(prefix = "/api", endpoint = "gestion/session/inscrire")]
pub async fn enrol_officers(
    session_id: i32,
    choix: Option<HashMap<i32, String>>,
) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let ids: Vec<i32> = choix.unwrap_or_default().into_keys().collect();
    let result = crate::enrolment::staff::enrol_officers(
        &crate::db::db()?,
        me.id,
        session_id,
        &ids,
        chrono::Utc::now(),
    )
    .await;
    crate::flash::conclude(
        result.map(|r| r.message()),
        &format!("/gestion/sessions/{session_id}"),
    )
    .await
}

/// « Retirer » a participant or a waiting officer.
#[server(prefix = "/api", endpoint = "gestion/session/retirer")]
pub async fn remove_participant(session_id: i32, enrolment_id: i32) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let result = crate::enrolment::staff::remove_participant(
        &crate::db::db()?,
        me.id,
        session_id,
        enrolment_id,
        chrono::Utc::now(),
    )
    .await;
    let message = result.map(|r| {
        let mut m = if r.late {
            format!("{} est retiré de la session (désistement tardif).", r.name)
        } else {
            format!("{} est retiré de la session.", r.name)
        };
        if !r.promoted.is_empty() {
            m.push_str(&format!(
                " Place attribuée à {} (liste d'attente).",
                r.promoted.join(", ")
            ));
        }
        m
    });
    crate::flash::conclude(message, &format!("/gestion/sessions/{session_id}")).await
}

/// « Monter » / « Descendre » on the waitlist.
#[server(prefix = "/api", endpoint = "gestion/session/liste-attente")]
pub async fn move_waiting(
    session_id: i32,
    enrolment_id: i32,
    direction: Direction,
) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let up = direction == Direction::Up;
    let result = crate::enrolment::staff::move_waiting(
        &crate::db::db()?,
        me.id,
        session_id,
        enrolment_id,
        up,
        chrono::Utc::now(),
    )
    .await;
    crate::flash::conclude(
        result.map(|pos| {
            format!("Liste d'attente mise à jour : l'officier est maintenant en position {pos}.")
        }),
        &format!("/gestion/sessions/{session_id}#liste-attente"),
    )
    .await
}

/// The attendance of one participant, as the form sends it (`present`, `absent`, `excuse`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    Present,
    Absent,
    Excuse,
}

impl Presence {
    pub const ALL: [Presence; 3] = [Presence::Present, Presence::Absent, Presence::Excuse];

    /// The place's status it records.
    pub fn status(self) -> EnrolmentStatus {
        match self {
            Presence::Present => EnrolmentStatus::Present,
            Presence::Absent => EnrolmentStatus::Absent,
            Presence::Excuse => EnrolmentStatus::Excuse,
        }
    }

    /// The value a form sends.
    pub fn code(self) -> &'static str {
        match self {
            Presence::Present => "present",
            Presence::Absent => "absent",
            Presence::Excuse => "excuse",
        }
    }
}

/// « Enregistrer la présence »: `presence[<enrolment id>]=present|absent|excuse`.
#[server(prefix = "/api", endpoint = "gestion/session/presence")]
pub async fn record_attendance(
    session_id: i32,
    presence: Option<HashMap<i32, Presence>>,
) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let marks: Vec<(i32, EnrolmentStatus)> = presence
        .unwrap_or_default()
        .into_iter()
        .map(|(id, p)| (id, p.status()))
        .collect();
    let result = crate::enrolment::staff::record_attendance(
        &crate::db::db()?,
        me.id,
        session_id,
        &marks,
        chrono::Utc::now(),
    )
    .await;
    crate::flash::conclude(
        result.map(|n| match n {
            0 => "Présence enregistrée (aucun changement).".to_owned(),
            1 => "Présence enregistrée : 1 changement.".to_owned(),
            n => format!("Présence enregistrée : {n} changements."),
        }),
        &format!("/gestion/sessions/{session_id}"),
    )
    .await
}
