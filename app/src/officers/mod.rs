//! Officers (`/gestion/officiers`): the accounts of the general officers followed by the MiRVOG,
//! their profile, their history and their programme, managed by staff.

// A form's server function takes one argument per field (see `planning`).
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::caller;
use crate::{
    error::AppError,
    journal::JournalLine,
    model::{Choice, EnrolmentStatus},
    programme::Programme,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerRow {
    pub id: i32,
    pub name: String,
    pub grade: String,
    pub armee: String,
    pub email: String,
    pub active: bool,
    /// « jusqu'au 30 juin 2027 », or none.
    pub programme: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerList {
    pub rows: Vec<OfficerRow>,
    pub truncated: bool,
}

/// One place of the officer's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub session_id: i32,
    pub title: String,
    pub dates: String,
    pub status: EnrolmentStatus,
    pub cancelled_session: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerPage {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub grade: String,
    pub armee: String,
    pub phone: String,
    pub departure: String,
    pub active: bool,
    /// The account has a password the officer can log in with.
    pub can_log_in: bool,
    pub history: Vec<HistoryLine>,
    pub programme: Option<Programme>,
    /// The programme form's values: starts_on, ends_on, career_goal.
    pub programme_values: Vec<(String, String)>,
    /// Active trainings not yet in the programme, for « Ajouter ».
    pub addable: Vec<Choice>,
    pub journal: Vec<JournalLine>,
}

/// The officer form: empty for a new officer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerForm {
    pub id: Option<i32>,
    pub name: String,
    pub values: Vec<(String, String)>,
}

#[server(prefix = "/api", endpoint = "gestion/officiers")]
pub async fn get_officers(search: Option<String>, inactive: bool) -> Result<OfficerList, AppError> {
    crate::caller::require_staff()?;
    service::list(&crate::db::db()?, search.as_deref().unwrap_or(""), inactive).await
}

#[server(prefix = "/api", endpoint = "gestion/officier")]
pub async fn get_officer(id: i32) -> Result<OfficerPage, AppError> {
    crate::caller::require_staff()?;
    service::page(&crate::db::db()?, id, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "gestion/officier/formulaire")]
pub async fn get_officer_form(id: Option<i32>) -> Result<OfficerForm, AppError> {
    crate::caller::require_staff()?;
    service::form(&crate::db::db()?, id).await
}

/// « Enregistrer » of the officer form; `id` is absent for a new officer. The password is only
/// read for a new officer and may be left blank (set it later on the officer's page).
#[server(prefix = "/api", endpoint = "gestion/officier/enregistrer")]
pub async fn save_officer(
    id: Option<i32>,
    display_name: String,
    email: String,
    grade: String,
    armee: String,
    phone: String,
    departure_date: String,
    password: Option<String>,
) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let input = service::OfficerInput {
        display_name,
        email,
        grade,
        armee,
        phone,
        departure_date,
        password: password.unwrap_or_default(),
    };
    let db = crate::db::db()?;
    let now = chrono::Utc::now();
    let result = match id {
        None => service::create(&db, me.id, &input, now)
            .await
            .map(|id| (id, "Officier créé.")),
        Some(id) => service::update(&db, me.id, id, &input, now)
            .await
            .map(|()| (id, "Fiche enregistrée.")),
    };
    let target = match &result {
        Ok((id, _)) => format!("/gestion/officiers/{id}"),
        Err(_) => "/gestion/officiers".to_owned(),
    };
    crate::flash::conclude(result.map(|(_, m)| m.to_owned()), &target).await
}

/// « Désactiver » / « Réactiver » an officer's account.
#[server(prefix = "/api", endpoint = "gestion/officier/activer")]
pub async fn set_officer_active(id: i32, active: bool) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let result =
        service::set_active(&crate::db::db()?, me.id, id, active, chrono::Utc::now()).await;
    let message = if active {
        "Compte réactivé : l'officier peut de nouveau se connecter."
    } else {
        "Compte désactivé : l'officier ne peut plus se connecter."
    };
    crate::flash::conclude(
        result.map(|()| message.to_owned()),
        &format!("/gestion/officiers/{id}"),
    )
    .await
}

/// « Définir le mot de passe » of an officer (given to them by telephone).
#[server(prefix = "/api", endpoint = "gestion/officier/mot-de-passe")]
pub async fn set_officer_password(id: i32, password: String) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let result =
        service::set_password(&crate::db::db()?, me.id, id, password, chrono::Utc::now()).await;
    crate::flash::conclude(
        result.map(|()| "Mot de passe enregistré : communiquez-le à l'officier.".to_owned()),
        &format!("/gestion/officiers/{id}"),
    )
    .await
}

#[cfg(all(test, feature = "ssr"))]
mod tests;
