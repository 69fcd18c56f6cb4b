//! Server side of logging in: checking credentials, where a user lands afterwards, and the page
//! access table (product §4, §3.8) the server's middleware applies. Who is calling, and the role
//! checks, are in [`crate::caller`].

use crate::{
    entities::user,
    error::{AppError, AppResult},
    model::Role,
};
use sea_orm::ConnectionTrait;

/// Verifies an email and password. Unknown emails still cost one hash verification, so timing
/// does not reveal which accounts exist; the message is the same in both cases.
#[tracing::instrument(skip_all)]
pub async fn check_credentials<C: ConnectionTrait>(
    db: &C,
    email: &str,
    password: String,
) -> AppResult<user::Model> {
    let email = email.trim().to_lowercase();
    if email.is_empty() || password.is_empty() {
        return Err(AppError::refused(
            "Saisissez votre adresse électronique et votre mot de passe.",
        ));
    }
    if password.chars().count() > crate::accounts::MAX_PASSWORD_LEN {
        // No account has such a password; hashing megabytes would be a cheap denial of service.
        return Err(AppError::refused(
            "Adresse électronique ou mot de passe incorrect.",
        ));
    }
    let found = crate::accounts::find_by_email(db, &email)
        .await?
        .filter(|u| u.active);
    let hash = found
        .as_ref()
        .map_or(crate::password::DUMMY_HASH.to_owned(), |u| {
            u.password_hash.clone()
        });
    let ok = crate::password::verify_password(password.clone(), hash).await?;
    match found {
        Some(user) if ok => {
            if crate::password::is_outdated(&user.password_hash) {
                upgrade_hash(db, &user, password).await;
            }
            Ok(user)
        }
        _ => {
            tracing::info!("failed login");
            Err(AppError::refused(
                "Adresse électronique ou mot de passe incorrect.",
            ))
        }
    }
}

/// A login as the form posts it: counted, and refused at once when its account or its client
/// address went over its limit ([`throttle`](super::throttle)), else the credentials checked;
/// a success takes its count back (the same way whether the account exists or not).
pub async fn log_in<C: ConnectionTrait>(
    db: &C,
    email: &str,
    password: String,
    client: Option<std::net::IpAddr>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<user::Model> {
    use super::throttle;
    let keys = throttle::Keys::new(email, client);
    // Counted before the check: simultaneous guesses cannot all slip under the limit.
    throttle::attempt(db, &keys, now).await?;
    let user = check_credentials(db, email, password).await?;
    throttle::succeeded(db, &keys).await?;
    Ok(user)
}

/// Replaces a hash made with an older setting by one of today's, now that the password is
/// known to match it. Only if the stored hash is still the one checked (a password changed
/// meanwhile stays); a failure is logged and the login goes on: the old hash still works.
async fn upgrade_hash<C: ConnectionTrait>(db: &C, account: &user::Model, password: String) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let hash = match crate::password::hash_password(password).await {
        Ok(hash) => hash,
        Err(e) => {
            tracing::warn!(error = %e, "password hash not upgraded");
            return;
        }
    };
    let done = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .filter(user::Column::Id.eq(account.id))
        .filter(user::Column::PasswordHash.eq(account.password_hash.as_str()))
        .exec(db)
        .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, "password hash not upgraded");
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

/// Where a user goes after login: the page they asked for, if it is a page of this site they
/// may open, else their role's home. `next` is joined to the public address with the `url`
/// crate, as a browser would read it (tabs and newlines dropped, `\\` as `/`): anything that
/// leaves the origin is refused, and the path kept is the parser's, encoded, so that nothing a
/// Location header cannot carry gets through.
pub fn landing_page(role: Role, next: Option<&str>) -> String {
    let base = crate::notification::PublicUrl::current();
    let local = next.and_then(|next| same_origin_path(base.as_str(), next));
    match local {
        Some(path)
            if page_access(&path, Some(role)) == PageAccess::Allowed && path != "/connexion" =>
        {
            path
        }
        _ => home(role).to_owned(),
    }
}

/// The path and query of `next` when it stays on `base`'s origin.
fn same_origin_path(base: &str, next: &str) -> Option<String> {
    let base = url::Url::parse(&format!("{base}/")).ok()?;
    if !next.starts_with('/') || next.chars().any(char::is_control) {
        return None;
    }
    let target = base.join(next).ok()?;
    if target.origin() != base.origin() {
        return None;
    }
    // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as
    // another site: a path kept must start with exactly one slash.
    let path = target.path();
    if path.starts_with("//") || path.starts_with("/\\") {
        return None;
    }
    Some(match target.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    })
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
    // A one-click unsubscribe link (RFC 8058) is opened and posted without a session too.
    let public = path == "/connexion"
        || path == "/mot-de-passe-oublie"
        || path == "/mot-de-passe"
        || path.starts_with("/calendrier/")
        || path.starts_with("/desabonnement/");
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

    /// A hash of an earlier release (argon2's default, 19 MiB × 2) still lets its owner in,
    /// and that login replaces it by one of today's setting, which matches the same password.
    #[tokio::test]
    async fn a_login_replaces_a_hash_of_an_older_setting() {
        use argon2::{PasswordHasher, password_hash::SaltString};
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
        let db = crate::testing::test_db().await;
        let officer = crate::testing::officer(&db, "Ancien Réglage").await;
        let salt = SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").unwrap();
        let old = argon2::Argon2::default()
            .hash_password(b"un mot de passe solide", &salt)
            .unwrap()
            .to_string();
        assert!(old.contains("m=19456,t=2"), "{old}");
        assert!(crate::password::is_outdated(&old));
        let mut row: user::ActiveModel = officer.clone().into();
        row.password_hash = Set(old.clone());
        row.update(&db).await.unwrap();

        let wrong = check_credentials(&db, &officer.email, "pas le bon".into()).await;
        assert!(wrong.is_err());
        let id = officer.id;
        let stored = |db: sea_orm::DatabaseConnection| async move {
            let row = user::Entity::find_by_id(id).one(&db).await.unwrap();
            row.unwrap().password_hash
        };
        assert_eq!(
            stored(db.clone()).await,
            old,
            "a refused login changes nothing"
        );

        check_credentials(&db, &officer.email, "un mot de passe solide".into())
            .await
            .expect("the old hash still matches");
        let new = stored(db.clone()).await;
        assert!(new.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{new}");
        assert!(!crate::password::is_outdated(&new));
        check_credentials(&db, &officer.email, "un mot de passe solide".into())
            .await
            .expect("the new hash matches");
        assert_eq!(stored(db.clone()).await, new, "an up-to-date hash is kept");
    }

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

    #[tokio::test]
    async fn a_long_accented_password_can_be_set_and_then_used() {
        let db = crate::testing::test_db().await;
        // 1,000 characters, 2,000 bytes: within the limit, which counts characters.
        let password = "é".repeat(1000);
        crate::accounts::create_user(
            &db,
            "long@exemple.fr",
            "Mot Long",
            Role::Officer,
            password.clone(),
        )
        .await
        .expect("accepted when set");
        let user = check_credentials(&db, "long@exemple.fr", password)
            .await
            .expect("accepted at login too");
        assert_eq!(user.email, "long@exemple.fr");
    }

    #[test]
    fn landing_page_refuses_control_characters_and_other_origins() {
        // Browsers drop tabs and newlines from a Location: « /\t/evil.example » would open
        // evil.example, and a newline cannot go in a header at all.
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\\evil.example",
            "//evil.example/formations",
            "http://evil.example/formations",
            "javascript:alert(1)",
            "/formations\u{0}",
            "/.//evil.example",
            "/..//evil.example",
            "/%2e//evil.example",
            "/a/..//evil.example",
            "/./\\evil.example",
        ] {
            assert_eq!(
                landing_page(Role::Officer, Some(next)),
                "/formations",
                "{next:?}"
            );
        }
        // A local page keeps its query, encoded as a Location header carries it.
        assert_eq!(
            landing_page(Role::Officer, Some("/formations?theme=Droit des affaires")),
            "/formations?theme=Droit%20des%20affaires"
        );
        assert_eq!(
            landing_page(Role::Staff, Some("/gestion/sessions/12")),
            "/gestion/sessions/12"
        );
    }
}
