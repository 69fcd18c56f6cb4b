//! Logging in and out, the current user as the header shows it, and which pages each role may
//! open (product §3.8). The checks run on the server; screens only display what they are told.

use crate::{error::AppError, model::Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

/// The logged-in user as the screens see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i32,
    pub display_name: String,
    pub role: Role,
    /// Unread notifications, for the header.
    pub unread: u64,
}

#[server(prefix = "/api", endpoint = "moi")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    let Some(u) = crate::caller::viewer() else {
        return Ok(None);
    };
    // Counted with the user by the server's middleware; counted here otherwise.
    let unread = match crate::caller::unread() {
        Some(n) => n,
        None => crate::notification::service::unread_count(&crate::db::db()?, u.id).await?,
    };
    Ok(Some(CurrentUser {
        id: u.id,
        display_name: u.display_name,
        role: u.role,
        unread,
    }))
}

/// Checks the credentials, renews the session id (no session fixation) and sends the browser to
/// `next` or to the role's home page. Posted by a plain HTML form, so it works without wasm.
#[server(prefix = "/api", endpoint = "connexion")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let user = match service::check_credentials(&crate::db::db()?, &email, password).await {
        Ok(user) => user,
        Err(error) => {
            // A form post goes back to the form with the error *and* what was typed (the
            // password aside); other clients just get the error.
            if crate::caller::is_form_post() {
                leptos_axum::redirect(&service::login_retry_url(&email, next.as_deref(), &error));
            }
            return Err(error);
        }
    };
    crate::caller::start_session(&user).await?;
    leptos_axum::redirect(&service::landing_page(user.role, next.as_deref()));
    Ok(())
}

#[server(prefix = "/api", endpoint = "deconnexion")]
pub async fn logout() -> Result<(), AppError> {
    crate::caller::end_session().await?;
    leptos_axum::redirect("/connexion");
    Ok(())
}
