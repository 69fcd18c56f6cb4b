//! « Avis » (product §2): after attending a session, an officer rates it (note globale 1–5,
//! utilité pour mon projet 1–5, commentaire), from the session page. The scheduler asks for it
//! once the session is over (`notification::reminders`).

#[cfg(feature = "ssr")]
use crate::caller;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

/// The officer's feedback on a session they attended: the form's values (given or not yet).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyFeedback {
    pub session_id: i32,
    /// « Avis donné le … » once given (it can still be changed).
    pub given_on: Option<String>,
    pub values: Vec<(String, String)>,
}

/// « Envoyer mon avis ».
#[server(prefix = "/api", endpoint = "avis")]
pub async fn give_feedback(
    session_id: i32,
    overall: Option<String>,
    usefulness: Option<String>,
    comment: String,
) -> Result<(), AppError> {
    let me = caller::require_officer()?;
    let input = service::FeedbackInput {
        overall: overall.unwrap_or_default(),
        usefulness: usefulness.unwrap_or_default(),
        comment,
    };
    let result = service::give(
        &crate::db::db()?,
        me.id,
        session_id,
        &input,
        chrono::Utc::now(),
    )
    .await;
    crate::flash::conclude(
        result.map(|()| "Merci : votre avis est enregistré.".to_owned()),
        &format!("/sessions/{session_id}#avis"),
    )
    .await
}

#[cfg(all(test, feature = "ssr"))]
mod tests;
