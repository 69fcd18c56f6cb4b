//! The personal training programme (product §2): per officer, dates, a career goal and the
//! trainings to follow with a priority. Item statuses are derived from enrolments, never stored:
//! « À planifier », « Inscrit », « Suivie ». Officers read theirs in `/mon-programme`; staff edit
//! it on the officer's page.

#[cfg(feature = "ssr")]
use crate::caller;
use crate::{error::AppError, model::Priority};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemStatus {
    APlanifier,
    Inscrit,
    Suivie,
}

impl ItemStatus {
    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::APlanifier => "À planifier",
            ItemStatus::Inscrit => "Inscrit",
            ItemStatus::Suivie => "Suivie",
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            ItemStatus::APlanifier => "fr-badge--warning",
            ItemStatus::Inscrit => "fr-badge--info",
            ItemStatus::Suivie => "fr-badge--success",
        }
    }
}

/// An upcoming session open to self-service enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSession {
    pub id: i32,
    pub dates: String,
    pub place: String,
    /// « 3 places restantes », « Complet ».
    pub seats: String,
    /// What the officer's button does (decided by the enrolment rules).
    pub action: crate::enrolment::Action,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeItem {
    pub id: i32,
    pub training_id: i32,
    pub title: String,
    pub priority: Priority,
    pub status: ItemStatus,
    /// « Session du 12 janvier 2027 », « Liste d'attente, position 2 », « Absent le … ».
    pub note: Option<String>,
    /// The session the status refers to, if any.
    pub session_id: Option<i32>,
    /// For an item still to plan: the next sessions open to enrolment.
    pub next_sessions: Vec<OpenSession>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub starts_on: String,
    pub ends_on: String,
    pub career_goal: String,
    pub items: Vec<ProgrammeItem>,
    pub followed: usize,
}

impl Programme {
    /// « N formations suivies sur M » (product §4).
    pub fn progress(&self) -> String {
        let n = self.followed;
        let m = self.items.len();
        if n <= 1 {
            format!("{n} formation suivie sur {m}")
        } else {
            format!("{n} formations suivies sur {m}")
        }
    }
}

#[server(prefix = "/api", endpoint = "mon-programme")]
pub async fn get_my_programme() -> Result<Option<Programme>, AppError> {
    let me = caller::require_officer()?;
    service::programme_of(&crate::db::db()?, me.id, chrono::Utc::now(), true).await
}

/// The programme dates and career goal, created on first save.
#[server(prefix = "/api", endpoint = "gestion/programme/enregistrer")]
pub async fn save_programme(
    officer_id: i32,
    starts_on: String,
    ends_on: String,
    career_goal: String,
) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let result = service::save(
        &crate::db::db()?,
        me.id,
        officer_id,
        service::ProgrammeInput {
            starts_on,
            ends_on,
            career_goal,
        },
        chrono::Utc::now(),
    )
    .await;
    crate::flash::conclude(
        result.map(|()| "Programme enregistré.".to_owned()),
        &page(officer_id),
    )
    .await
}

#[server(prefix = "/api", endpoint = "gestion/programme/ajouter")]
pub async fn add_programme_item(
    officer_id: i32,
    training_id: String,
    priority: String,
) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let result = service::add_item(
        &crate::db::db()?,
        me.id,
        officer_id,
        &training_id,
        &priority,
        chrono::Utc::now(),
    )
    .await;
    crate::flash::conclude(
        result.map(|t| format!("« {t} » ajoutée au programme.")),
        &page(officer_id),
    )
    .await
}

/// What a button of the programme editor does to an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemAction {
    /// Change the priority (with `priority`).
    Priorite,
    Haut,
    Bas,
    Retirer,
}

impl ItemAction {
    /// The value a form sends.
    pub fn code(self) -> &'static str {
        match self {
            ItemAction::Priorite => "priorite",
            ItemAction::Haut => "haut",
            ItemAction::Bas => "bas",
            ItemAction::Retirer => "retirer",
        }
    }
}

/// Changes an item of a programme: its priority, its place in the list, or removes it.
#[server(prefix = "/api", endpoint = "gestion/programme/element")]
pub async fn change_programme_item(
    officer_id: i32,
    item_id: i32,
    action: ItemAction,
    priority: Option<String>,
) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let db = crate::db::db()?;
    let now = chrono::Utc::now();
    let result = match action {
        ItemAction::Priorite => service::set_priority(
            &db,
            me.id,
            officer_id,
            item_id,
            priority.as_deref().unwrap_or(""),
            now,
        )
        .await
        .map(|()| "Priorité modifiée.".to_owned()),
        ItemAction::Haut | ItemAction::Bas => {
            let up = action == ItemAction::Haut;
            service::move_item(&db, me.id, officer_id, item_id, up, now)
                .await
                .map(|()| "Ordre du programme modifié.".to_owned())
        }
        ItemAction::Retirer => service::remove_item(&db, me.id, officer_id, item_id, now)
            .await
            .map(|t| format!("« {t} » retirée du programme.")),
    };
    crate::flash::conclude(result, &page(officer_id)).await
}

#[cfg(feature = "ssr")]
fn page(officer_id: i32) -> String {
    format!("/gestion/officiers/{officer_id}#programme")
}
