//! Notifications (product §5): every event that concerns someone leaves an in-app message in
//! their centre (`/notifications`, unread count in the header) and, unless they turned that
//! kind off in `/profil`, an email in the outbox — both written in the transaction of the change
//! that causes them ([`service::deliver`]).

#[cfg(feature = "ssr")]
use crate::auth::service as auth;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[cfg(feature = "ssr")]
pub mod calendar;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
pub mod service;

/// The kinds of product §5; each can have its email turned off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    InscriptionConfirmee,
    ListeAttente,
    Promotion,
    Desinscription,
    SessionModifiee,
    SessionAnnulee,
    Rappel,
    Avis,
    NouvelleSession,
    Invitation,
    ListeAttenteClose,
    DesistementTardif,
    SousMinimum,
    PlacesLibres,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::InscriptionConfirmee,
        Kind::ListeAttente,
        Kind::Promotion,
        Kind::Desinscription,
        Kind::SessionModifiee,
        Kind::SessionAnnulee,
        Kind::Rappel,
        Kind::Avis,
        Kind::NouvelleSession,
        Kind::Invitation,
        Kind::ListeAttenteClose,
        Kind::DesistementTardif,
        Kind::SousMinimum,
        Kind::PlacesLibres,
    ];

    /// The stored value (`notifications.kind`, preferences).
    pub fn code(self) -> &'static str {
        match self {
            Kind::InscriptionConfirmee => "inscription_confirmee",
            Kind::ListeAttente => "liste_attente",
            Kind::Promotion => "promotion",
            Kind::Desinscription => "desinscription",
            Kind::SessionModifiee => "session_modifiee",
            Kind::SessionAnnulee => "session_annulee",
            Kind::Rappel => "rappel",
            Kind::Avis => "avis",
            Kind::NouvelleSession => "nouvelle_session",
            Kind::Invitation => "invitation",
            Kind::ListeAttenteClose => "liste_attente_close",
            Kind::DesistementTardif => "desistement_tardif",
            Kind::SousMinimum => "sous_minimum",
            Kind::PlacesLibres => "places_libres",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its name in `/profil` (product §5's words).
    pub fn label(self) -> &'static str {
        match self {
            Kind::InscriptionConfirmee => "Inscription confirmée",
            Kind::ListeAttente => "Inscription sur liste d'attente",
            Kind::Promotion => "Promotion depuis la liste d'attente",
            Kind::Desinscription => "Désinscription confirmée",
            Kind::SessionModifiee => "Session modifiée (date, lieu)",
            Kind::SessionAnnulee => "Session annulée",
            Kind::Rappel => "Rappels J-7 et J-1",
            Kind::Avis => "Questionnaire d'avis après la session",
            Kind::NouvelleSession => "Nouvelle session d'une formation de mon programme",
            Kind::Invitation => "Invitation de la MiRVOG à une session",
            Kind::ListeAttenteClose => "Liste d'attente close au début de la session",
            Kind::DesistementTardif => "Désistement tardif",
            Kind::SousMinimum => "Session sous le minimum à J-14",
            Kind::PlacesLibres => "Places libres alors qu'une liste d'attente existe",
        }
    }

    /// Staff kinds go to gestionnaires and administrateurs, the others to officers.
    pub fn for_staff(self) -> bool {
        matches!(
            self,
            Kind::DesistementTardif | Kind::SousMinimum | Kind::PlacesLibres
        )
    }
}

/// One line of the notification centre.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: i32,
    pub title: String,
    pub body: String,
    /// « samedi 28 novembre 2026 à 14 h 05 ».
    pub when: String,
    pub unread: bool,
    pub has_link: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Centre {
    pub items: Vec<Item>,
    pub unread: u64,
    /// Only the newest are listed.
    pub truncated: bool,
}

/// An email preference in `/profil`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    pub kind: Kind,
    pub email: bool,
}

/// One email of the outbox, for administrators (`/admin/courriels`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxLine {
    pub id: i32,
    pub recipient: String,
    pub subject: String,
    /// « En attente », « Envoyé »…
    pub status: String,
    pub attempts: i32,
    pub created: String,
    /// When sent, or when the next attempt is due.
    pub when: String,
    pub last_error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    /// (state, how many), every state.
    pub counts: Vec<(String, u64)>,
    /// The newest emails.
    pub recent: Vec<OutboxLine>,
}

#[server(prefix = "/api", endpoint = "admin/courriels")]
pub async fn get_outbox() -> Result<Outbox, AppError> {
    auth::require_admin()?;
    service::outbox(&auth::db()?).await
}

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn get_notifications() -> Result<Centre, AppError> {
    let me = auth::require_user()?;
    service::centre(&auth::db()?, me.id).await
}

/// « Tout marquer comme lu ».
#[server(prefix = "/api", endpoint = "notifications/tout-lu")]
pub async fn mark_all_read() -> Result<(), AppError> {
    let me = auth::require_user()?;
    let result = service::mark_all_read(&auth::db()?, me.id, chrono::Utc::now()).await;
    crate::flash::conclude(
        result.map(|n| match n {
            0 => "Aucune notification non lue.".to_owned(),
            1 => "1 notification marquée comme lue.".to_owned(),
            n => format!("{n} notifications marquées comme lues."),
        }),
        "/notifications",
    )
    .await
}

/// Opens a notification: marks it read and goes to what it is about.
#[server(prefix = "/api", endpoint = "notification/ouvrir")]
pub async fn open_notification(id: i32) -> Result<String, AppError> {
    let me = auth::require_user()?;
    let target = service::open(&auth::db()?, me.id, id, chrono::Utc::now()).await?;
    if crate::auth::service::is_form_post() {
        leptos_axum::redirect(&target);
    }
    Ok(target)
}

/// The address of the user's private calendar feed, if they made one.
#[server(prefix = "/api", endpoint = "profil/agenda")]
pub async fn get_calendar_link() -> Result<Option<String>, AppError> {
    let me = auth::require_user()?;
    calendar::feed_link(&auth::db()?, me.id).await
}

/// « Créer mon lien d'agenda » (`action=creer`, also « Remplacer » a known link) or
/// « Révoquer ce lien » (`action=revoquer`).
#[server(prefix = "/api", endpoint = "profil/agenda/modifier")]
pub async fn change_calendar_link(action: String) -> Result<(), AppError> {
    let me = auth::require_user()?;
    let db = auth::db()?;
    let result = match action.as_str() {
        "creer" => calendar::new_feed(&db, me.id, chrono::Utc::now())
            .await
            .map(|_| {
                "Nouveau lien d'agenda créé : tout lien précédent ne fonctionne plus.".to_owned()
            }),
        "revoquer" => calendar::revoke_feed(&db, me.id)
            .await
            .map(|()| "Lien d'agenda révoqué : il ne fonctionne plus.".to_owned()),
        _ => Err(AppError::refused(
            "Le formulaire envoyé est incomplet ou invalide.",
        )),
    };
    crate::flash::conclude(result, "/profil#agenda").await
}

/// The link at the foot of an email: stop this kind of email.
#[server(prefix = "/api", endpoint = "profil/desabonner")]
pub async fn unsubscribe(kind: String) -> Result<(), AppError> {
    let me = auth::require_user()?;
    let result = match Kind::from_code(&kind) {
        Some(k) => service::set_email(&auth::db()?, me.id, k, false, chrono::Utc::now())
            .await
            .map(|()| format!("Vous ne recevrez plus de courriel « {} ».", k.label())),
        None => Err(AppError::refused("Ce type de message n'existe pas.")),
    };
    crate::flash::conclude(result, "/profil#preferences").await
}

#[server(prefix = "/api", endpoint = "profil/preferences")]
pub async fn get_preferences() -> Result<Vec<Preference>, AppError> {
    let me = auth::require_user()?;
    service::preferences(&auth::db()?, &me).await
}

/// « Enregistrer mes préférences »: `email[<kind code>]=on` for each kind mailed.
#[server(prefix = "/api", endpoint = "profil/preferences/enregistrer")]
pub async fn save_preferences(email: Option<HashMap<String, String>>) -> Result<(), AppError> {
    let me = auth::require_user()?;
    let on: Vec<String> = email.unwrap_or_default().into_keys().collect();
    let result = service::save_preferences(&auth::db()?, &me, &on, chrono::Utc::now()).await;
    crate::flash::conclude(
        result.map(|()| "Préférences enregistrées.".to_owned()),
        "/profil",
    )
    .await
}

#[cfg(all(test, feature = "ssr"))]
mod reminders_tests;
#[cfg(all(test, feature = "ssr"))]
mod tests;
