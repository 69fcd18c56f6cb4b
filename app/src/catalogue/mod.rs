//! The officers' catalogue (`/formations`) and session page (`/sessions/{id}`): what is coming,
//! how many seats are left, and what this officer may do.

#[cfg(feature = "ssr")]
use crate::auth::service as auth;
use crate::{enrolment::PlaceState, error::AppError, model::EnrolmentStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

/// Filters of the catalogue, as they appear in the page's query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub theme: Option<String>,
    pub format: Option<String>,
    /// `YYYY-MM`, Paris time.
    pub month: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

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
    pub groups: Vec<TrainingGroup>,
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
    let me = auth::require_user()?;
    service::catalogue(&auth::db()?, me.id, &filters, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session_page(id: i32) -> Result<SessionPage, AppError> {
    let me = auth::require_user()?;
    service::session_page(&auth::db()?, &me, id, chrono::Utc::now()).await
}

/// « 3 places restantes », « 1 place restante », « Complet ».
pub fn seats_label(capacity: i32, taken: i32) -> String {
    match capacity - taken {
        n if n <= 0 => "Complet".to_owned(),
        1 => "1 place restante".to_owned(),
        n => format!("{n} places restantes"),
    }
}
