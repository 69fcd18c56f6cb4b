//! Server side of logging in: checking credentials, where a user lands afterwards, and the page
//! access table (product §4, §3.8) the server's middleware applies. Who is calling, and the role
//! checks, are in [`crate::caller`].

use crate::{
    entities::user,
    error::{AppError, AppResult},
    model::Role,
};

/// Verifies an email and password. Unknown emails still cost one hash verification, so timing
/// does not reveal which accounts exist; the message is the same in both cases.
#[tracing::instrument(skip_all)]
pub async fn check_credentials(email: &str, password: String) -> AppResult<user::Model> {
    let db = crate::db::db()?;
    let email = email.trim().to_lowercase();
    if email.is_empty() || password.is_empty() {
        return Err(AppError::refused(
            "Saisissez votre adresse électronique et votre mot de passe.",
        ));
    }
    if password.len() > crate::accounts::MAX_PASSWORD_LEN {
        // No account has such a password; hashing megabytes would be a cheap denial of service.
        return Err(AppError::refused(
            "Adresse électronique ou mot de passe incorrect.",
        ));
    }
    let found = crate::accounts::find_by_email(&db, &email)
        .await?
        .filter(|u| u.active);
    let hash = found
        .as_ref()
        .map_or(crate::password::DUMMY_HASH.to_owned(), |u| {
            u.password_hash.clone()
        });
    let ok = crate::password::verify_password(password, hash).await;
    match found {
        Some(user) if ok => Ok(user),
        _ => {
            tracing::info!("failed login");
            Err(AppError::refused(
                "Adresse électronique ou mot de passe incorrect.",
            ))
        }
    }
}

/// The login page again after a refused attempt: the typed email and the target kept, the error
/// encoded the way server functions pass errors to pages rendered without wasm.
pub fn login_retry_url(email: &str, next: Option<&str>, error: &AppError) -> String {
    use leptos::server_fn::{ServerFn, error::ServerFnUrlError};
    let base = "http://cassiopee.invalid/connexion";
    let Ok(mut url) = url::Url::parse(base) else {
        return "/connexion".to_owned();
    };
    url.query_pairs_mut()
        .append_pair("email", email.trim())
        .append_pair("next", next.unwrap_or(""));
    match ServerFnUrlError::new(super::Login::PATH, error.clone()).to_url(url.as_str()) {
        Ok(full) => format!("{}?{}", full.path(), full.query().unwrap_or_default()),
        Err(_) => "/connexion".to_owned(),
    }
}

/// Where a user goes after login: the page they asked for, if it is a local path they may
/// open, else their role's home.
pub fn landing_page(role: Role, next: Option<&str>) -> String {
    let local = next.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'));
    match local {
        Some(path)
            if page_access(path, Some(role)) == PageAccess::Allowed && path != "/connexion" =>
        {
            path.to_owned()
        }
        _ => home(role).to_owned(),
    }
}

pub fn home(role: Role) -> &'static str {
    if role.is_staff() {
        "/gestion"
    } else {
        "/formations"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageAccess {
    Allowed,
    /// Anonymous visitor on a page that needs an account: send them to `/connexion`.
    LoginRequired,
    /// Logged in, wrong role: answer 403 with the French refusal page.
    Forbidden,
}

/// The page access table of product §4 and §3.8, for page paths (not assets or server
/// functions, which check for themselves).
pub fn page_access(path: &str, role: Option<Role>) -> PageAccess {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    // Calendar apps fetch the private feed with its secret address, without a session.
    let public = path == "/connexion" || path.starts_with("/calendrier/");
    if public {
        return PageAccess::Allowed;
    }
    let Some(role) = role else {
        return PageAccess::LoginRequired;
    };
    let allowed = if under("/admin") {
        role == Role::Admin
    } else if under("/gestion") {
        role.is_staff()
    } else if under("/mes-formations") || under("/mon-programme") || under("/invitations") {
        role == Role::Officer
    } else {
        true
    };
    if allowed {
        PageAccess::Allowed
    } else {
        PageAccess::Forbidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_access_table() {
        use PageAccess::*;
        assert_eq!(page_access("/connexion", None), Allowed);
        assert_eq!(page_access("/calendrier/abc.ics", None), Allowed);
        assert_eq!(page_access("/mes-formations", None), LoginRequired);
        assert_eq!(page_access("/formations", None), LoginRequired);
        assert_eq!(page_access("/formations", Some(Role::Officer)), Allowed);
        assert_eq!(page_access("/gestion", Some(Role::Officer)), Forbidden);
        assert_eq!(
            page_access("/gestion/sessions/3", Some(Role::Officer)),
            Forbidden
        );
        assert_eq!(page_access("/gestionnaire", Some(Role::Officer)), Allowed);
        assert_eq!(page_access("/gestion", Some(Role::Staff)), Allowed);
        assert_eq!(
            page_access("/admin/utilisateurs", Some(Role::Staff)),
            Forbidden
        );
        assert_eq!(
            page_access("/admin/utilisateurs", Some(Role::Admin)),
            Allowed
        );
        assert_eq!(page_access("/mes-formations", Some(Role::Staff)), Forbidden);
        assert_eq!(page_access("/invitations/abc", None), LoginRequired);
        assert_eq!(
            page_access("/invitations/abc", Some(Role::Staff)),
            Forbidden
        );
        assert_eq!(
            page_access("/invitations/abc", Some(Role::Officer)),
            Allowed
        );
    }

    #[test]
    fn landing_page_ignores_foreign_or_forbidden_targets() {
        assert_eq!(
            landing_page(Role::Officer, Some("/mes-formations")),
            "/mes-formations"
        );
        assert_eq!(
            landing_page(Role::Officer, Some("//evil.example")),
            "/formations"
        );
        assert_eq!(
            landing_page(Role::Officer, Some("https://evil.example")),
            "/formations"
        );
        assert_eq!(landing_page(Role::Officer, Some("/gestion")), "/formations");
        assert_eq!(landing_page(Role::Staff, None), "/gestion");
    }
}
