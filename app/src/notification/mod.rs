//! Notifications (product §5): every event that concerns someone leaves an in-app message in
//! their centre (`/notifications`, unread count in the header) and, unless they turned that
//! kind off in `/profil`, an email in the outbox — both written in the transaction of the change
//! that causes them ([`service::deliver`]).

#[cfg(feature = "ssr")]
use crate::caller;
use crate::{error::AppError, model::NotificationKind};
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
#[cfg(feature = "ssr")]
pub mod unsubscribe;

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
    pub kind: NotificationKind,
    pub email: bool,
}

/// The address users reach the application at (`CASSIOPEE_PUBLIC_URL`), without a trailing
/// slash, for the links in emails and calendar files. The server provides it as context to
/// every request and hands it to its background work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// The address of a server started with the default settings, used by code that runs
    /// outside a request (tests, command line).
    pub const DEFAULT: &'static str = "http://127.0.0.1:3000";

    pub fn new(url: &str) -> Self {
        PublicUrl(url.trim_end_matches('/').to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The current request's address, or [`Self::DEFAULT`] outside a request.
    pub fn current() -> PublicUrl {
        use_context::<PublicUrl>().unwrap_or_else(|| PublicUrl::new(Self::DEFAULT))
    }
}

impl Default for PublicUrl {
    fn default() -> Self {
        PublicUrl::new(Self::DEFAULT)
    }
}

/// What « Créer mon lien d'agenda » / « Remplacer » and « Révoquer ce lien » post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedAction {
    Creer,
    Revoquer,
}

impl FeedAction {
    /// The value a form sends.
    pub fn code(self) -> &'static str {
        match self {
            FeedAction::Creer => "creer",
            FeedAction::Revoquer => "revoquer",
        }
    }
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
    crate::caller::require_admin()?;
    service::outbox(&crate::db::db()?).await
}

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn get_notifications() -> Result<Centre, AppError> {
    let me = caller::require_user()?;
    service::centre(&crate::db::db()?, me.id).await
}

/// « Tout marquer comme lu ».
#[server(prefix = "/api", endpoint = "notifications/tout-lu")]
pub async fn mark_all_read() -> Result<(), AppError> {
    let me = caller::require_user()?;
    let result = service::mark_all_read(&crate::db::db()?, me.id, chrono::Utc::now()).await;
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
    let me = caller::require_user()?;
    let target = service::open(&crate::db::db()?, me.id, id, chrono::Utc::now()).await?;
    if crate::caller::is_form_post() {
        leptos_axum::redirect(&target);
    }
    Ok(target)
}

/// The address of the user's private calendar feed, if they made one.
#[server(prefix = "/api", endpoint = "profil/agenda")]
pub async fn get_calendar_link() -> Result<Option<String>, AppError> {
    let me = caller::require_user()?;
    calendar::feed_link(&crate::db::db()?, me.id, PublicUrl::current().as_str()).await
}

/// « Créer mon lien d'agenda » (`action=creer`, also « Remplacer » a known link) or
/// « Révoquer ce lien » (`action=revoquer`).
#[server(prefix = "/api", endpoint = "profil/agenda/modifier")]
pub async fn change_calendar_link(action: FeedAction) -> Result<(), AppError> {
    let me = caller::require_user()?;
    let db = crate::db::db()?;
    let result = match action {
        FeedAction::Creer => calendar::new_feed(
            &db,
            me.id,
            PublicUrl::current().as_str(),
            chrono::Utc::now(),
        )
        .await
        .map(|_| "Nouveau lien d'agenda créé : tout lien précédent ne fonctionne plus.".to_owned()),
        FeedAction::Revoquer => calendar::revoke_feed(&db, me.id)
            .await
            .map(|()| "Lien d'agenda révoqué : il ne fonctionne plus.".to_owned()),
    };
    crate::flash::conclude(result, "/profil#agenda").await
}

/// The link at the foot of an email: stop this kind of email.
#[server(prefix = "/api", endpoint = "profil/desabonner")]
pub async fn unsubscribe(kind: NotificationKind) -> Result<(), AppError> {
    let me = caller::require_user()?;
    let result = service::set_email(&crate::db::db()?, me.id, kind, false, chrono::Utc::now())
        .await
        .map(|()| format!("Vous ne recevrez plus de courriel « {} ».", kind.label()));
    crate::flash::conclude(result, "/profil#preferences").await
}

#[server(prefix = "/api", endpoint = "profil/preferences")]
pub async fn get_preferences() -> Result<Vec<Preference>, AppError> {
    let me = caller::require_user()?;
    service::preferences(&crate::db::db()?, &me).await
}

/// « Enregistrer mes préférences »: `email[<kind code>]=on` for each kind mailed.
#[server(prefix = "/api", endpoint = "profil/preferences/enregistrer")]
pub async fn save_preferences(
    email: Option<HashMap<NotificationKind, String>>,
) -> Result<(), AppError> {
    let me = caller::require_user()?;
    let on: Vec<NotificationKind> = email.unwrap_or_default().into_keys().collect();
    let result = service::save_preferences(&crate::db::db()?, &me, &on, chrono::Utc::now()).await;
    crate::flash::conclude(
        result.map(|()| "Préférences enregistrées.".to_owned()),
        "/profil",
    )
    .await
}
