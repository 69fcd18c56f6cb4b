//! The officers' catalogue (`/formations`) and session page (`/sessions/{id}`): what is coming,
//! how many seats are left, and what this officer may do.

#[cfg(feature = "ssr")]
use crate::caller;
use crate::{
    enrolment::PlaceState,
    error::AppError,
    model::{Choice, EnrolmentStatus},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod memo;
#[cfg(feature = "ssr")]
pub mod my_trainings;
#[cfg(feature = "ssr")]
pub mod service;

/// Filters of the catalogue, as they appear in the page's query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub theme: Option<String>,
    pub format: Option<String>,
    /// `YYYY-MM`, Paris time.
    pub month: Option<String>,
    /// Which page of trainings, from 1 (`?page=2`).
    #[serde(default)]
    pub page: Option<u32>,
}

/// Trainings per page of the catalogue: about what a phone shows in two or three screens, so
/// that the page stays light on the large data set (300 trainings).
pub const TRAININGS_PER_PAGE: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCard {
    pub id: i32,
    pub dates: String,
    pub place: String,
    /// « 3 places restantes », « 1 place restante », « Complet » or « Inscriptions closes ».
    pub seats: String,
    pub full: bool,
    /// Self-service enrolment is still open (deadline not passed).
    pub open: bool,
    /// The viewer's own state in this session, if any.
    pub mine: Option<EnrolmentStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingGroup {
    pub id: i32,
    pub title: String,
    pub theme: String,
    pub provider: String,
    pub format: String,
    pub duration: String,
    pub sessions: Vec<SessionCard>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The trainings of this page.
    pub groups: Vec<TrainingGroup>,
    /// This page (from 1) and how many there are (at least 1).
    pub page: u32,
    pub pages: u32,
    /// The addresses of the pages before and after this one, with the same filters.
    pub previous: Option<String>,
    pub next: Option<String>,
    pub themes: Vec<Choice>,
    pub formats: Vec<Choice>,
    pub months: Vec<Choice>,
}

/// Everything the session page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPage {
    pub id: i32,
    pub title: String,
    pub description: String,
    pub theme: String,
    pub provider: String,
    pub format: String,
    pub dates: String,
    pub place: String,
    pub visio_url: Option<String>,
    pub trainer: String,
    /// « Session annulée », « Session terminée » when not open.
    pub session_state: Option<String>,
    pub enrolment_deadline: String,
    pub cancellation_deadline: String,
    /// The viewer's own place and the action offered.
    pub my_place: PlaceState,
    /// After a session the officer attended: their « avis ».
    pub feedback: Option<crate::feedback::MyFeedback>,
}

#[server(prefix = "/api", endpoint = "catalogue")]
pub async fn get_catalogue(filters: Filters) -> Result<Catalogue, AppError> {
    let me = caller::require_user()?;
    service::catalogue(&crate::db::db()?, me.id, &filters, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session_page(id: i32) -> Result<SessionPage, AppError> {
    let me = caller::require_user()?;
    service::session_page(&crate::db::db()?, &me, id, chrono::Utc::now()).await
}

/// The page an invitation link opens: the session, with the officer's place and the
/// invitation.
#[server(prefix = "/api", endpoint = "invitation")]
pub async fn get_invitation_page(token: String) -> Result<SessionPage, AppError> {
    let me = caller::require_officer()?;
    let db = crate::db::db()?;
    let now = chrono::Utc::now();
    let session_id = crate::invitation::service::session_of_link(&db, me.id, &token).await?;
    service::session_page(&db, &me, session_id, now).await
}

/// One line of « Mes formations ».
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyEnrolment {
    pub session_id: i32,
    pub title: String,
    pub dates: String,
    pub place: String,
    pub status: EnrolmentStatus,
    /// Set while waiting: 1-based position on the waitlist.
    pub waitlist_position: Option<u64>,
    /// « Session annulée » when the session was cancelled.
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTrainings {
    /// Staff's invitations still waiting for the officer's answer (« Remplir la session »).
    pub invitations: Vec<crate::invitation::MyInvitation>,
    pub upcoming: Vec<MyEnrolment>,
    pub past: Vec<MyEnrolment>,
}

#[server(prefix = "/api", endpoint = "mes-formations")]
pub async fn get_my_trainings() -> Result<MyTrainings, AppError> {
    let me = caller::require_officer()?;
    my_trainings::my_trainings(&crate::db::db()?, me.id, chrono::Utc::now()).await
}

#[cfg(all(test, feature = "ssr"))]
mod tests;
#[cfg(all(test, feature = "ssr"))]
mod memo_tests;
