//! The one-time message shown at the top of the next page after a staff action posted by a
//! plain form (« Session publiée. », or why it was refused). Kept in the web session, so it
//! survives the redirect and is shown once.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub success: bool,
    pub message: String,
}

/// Takes the pending message, if any (it is then gone).
#[server(prefix = "/api", endpoint = "message")]
pub async fn take_flash() -> Result<Option<Flash>, AppError> {
    let Ok(session) = crate::caller::session() else {
        return Ok(None);
    };
    // Looked at first: removing marks the session changed, and a changed session is written
    // back to the database, which reading a page without a message must not cost.
    let pending = session
        .get::<Flash>(KEY)
        .await
        .map_err(crate::caller::session_error)?;
    if pending.is_none() {
        return Ok(None);
    }
    session
        .remove::<Flash>(KEY)
        .await
        .map_err(crate::caller::session_error)
}

#[cfg(feature = "ssr")]
const KEY: &str = "flash";

/// Ends a staff action posted by a form: on success the message is kept for the next page and
/// the browser is sent to `target`; a refusal is kept the same way and the browser goes back to
/// the page it came from. Refused form fields (`AppError::Invalid`) travel in the URL instead,
/// with what was typed. Scripts calling the API just get the result.
#[cfg(feature = "ssr")]
pub async fn conclude(
    result: crate::error::AppResult<String>,
    target: &str,
) -> Result<(), AppError> {
    let form_post = crate::caller::is_form_post();
    match result {
        Ok(message) => {
            if form_post {
                keep(true, message).await?;
                leptos_axum::redirect(target);
            }
            Ok(())
        }
        Err(error) => {
            if form_post && !matches!(error, AppError::Invalid(_)) {
                keep(false, error.to_string()).await?;
                // Back to the page as it was, without the error in its address.
                if let Some(back) = referer_path() {
                    leptos_axum::redirect(&back);
                }
            }
            Err(error)
        }
    }
}

/// The local path (and query) of the page the form was posted from.
#[cfg(feature = "ssr")]
fn referer_path() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let referer = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    Some(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    })
}

/// Keeps a success message for the next page when the request is a form post without script
/// (scripted callers show the answer themselves).
#[cfg(feature = "ssr")]
pub async fn after_form_post(message: &str) -> Result<(), AppError> {
    if crate::caller::is_form_post() {
        keep(true, message.to_owned()).await?;
    }
    Ok(())
}

#[cfg(feature = "ssr")]
async fn keep(success: bool, message: String) -> Result<(), AppError> {
    crate::caller::session()?
        .insert(KEY, Flash { success, message })
        .await
        .map_err(crate::caller::session_error)
}
