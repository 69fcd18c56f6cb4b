//! Logging in and out, the current user as the header shows it, and which pages each role may
//! open (product §3.8). The checks run on the server; screens only display what they are told.

use crate::{error::AppError, model::Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod reset;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod throttle;

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
    let db = crate::db::db()?;
    let client = crate::caller::client_addr();
    let user = match service::log_in(&db, &email, password, client, chrono::Utc::now()).await {
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

/// « Mot de passe oublié ? »: emails a link when an account has the address; says the same
/// either way. Requests are limited like logins (per address typed and per client address).
#[server(prefix = "/api", endpoint = "mot-de-passe-oublie")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let db = crate::db::db()?;
    let now = chrono::Utc::now();
    let keys = throttle::Keys::for_reset(&email, crate::caller::client_addr());
    let result = async {
        throttle::attempt(&db, &keys, now)
            .await
            .map_err(|e| match e {
                AppError::TooManyAttempts(seconds) => AppError::refused(format!(
                    "Trop de demandes de lien : réessayez dans {} minute(s).",
                    seconds.div_ceil(60).max(1)
                )),
                other => other,
            })?;
        // Answered at once, the link made and queued after: the answer takes the same time
        // whether an account has the address or not.
        let base = crate::notification::PublicUrl::current();
        tokio::spawn(async move {
            if let Err(e) = reset::ask(&db, &email, &base, now).await {
                tracing::error!(error = %e, "password reset link not queued");
            }
        });
        Ok(reset::ASKED.to_owned())
    }
    .await;
    crate::flash::conclude(result, "/connexion").await
}

/// Whose password a link changes (their name, for the page), or why it no longer works.
#[server(prefix = "/api", endpoint = "mot-de-passe/lien")]
pub async fn reset_link(token: String) -> Result<String, AppError> {
    let account = reset::account_of(&crate::db::db()?, &token, chrono::Utc::now()).await?;
    Ok(account.display_name)
}

/// The new password, through a link: the account's web sessions end, and the browser goes to
/// the login page.
#[server(prefix = "/api", endpoint = "mot-de-passe/nouveau")]
pub async fn choose_password(
    token: String,
    password: String,
    confirmation: String,
) -> Result<(), AppError> {
    let db = crate::db::db()?;
    let result = reset::set_password(&db, &token, password, &confirmation, chrono::Utc::now())
        .await
        .map(|_| "Votre mot de passe est changé : connectez-vous avec lui.".to_owned());
    crate::flash::conclude(result, "/connexion").await
}
