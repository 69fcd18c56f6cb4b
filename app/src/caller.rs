//! Who is calling: the user a request comes from, the role checks every server function starts
//! with (product §3.8), and the web session that links a browser to its user. Screens never
//! decide who may do what: they ask the server, which asks here.

use crate::{
    entities::{notification, user},
    error::{AppError, AppResult},
    model::Role,
};
use leptos::prelude::*;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QuerySelect, QueryTrait,
    sea_query::Expr,
};
use tower_sessions::Session;

/// Key of the user id in the web session (the session store keeps it in a column too).
pub const USER_ID: &str = "user_id";

/// Key of the instant (seconds since 1970) the web session was last kept alive.
pub const SEEN_AT: &str = "vu";

/// How often a session in use is written back, which moves its idle expiry (12 hours) on.
const KEEP_ALIVE_EVERY_SECONDS: i64 = 5 * 60;

/// Keeps a session in use alive: a write at most every five minutes, so that reading pages
/// writes nothing (on SQLite every write waits for the one writer). The idle expiry is then
/// counted from the last activity give or take five minutes.
pub async fn keep_alive(session: &Session, now: chrono::DateTime<chrono::Utc>) {
    let seen = session.get::<i64>(SEEN_AT).await.ok().flatten();
    if seen.is_none_or(|at| now.timestamp() - at >= KEEP_ALIVE_EVERY_SECONDS)
        && let Err(e) = session.insert(SEEN_AT, now.timestamp()).await
    {
        tracing::warn!(error = %e, "keeping the web session alive");
    }
}

/// The client a request comes from (its address, or the one a trusted proxy received it
/// from), found by the server's middleware and stored in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

/// The current request's client address, when the server's middleware found it.
pub fn client_addr() -> Option<std::net::IpAddr> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddr>().copied())
        .map(|ClientAddr(addr)| addr)
}

/// The user a request comes from, resolved once per request by the server's middleware (from
/// the session cookie) and stored in the request's extensions.
#[derive(Clone, Debug, Default)]
pub struct Viewer(pub Option<user::Model>);

/// The viewer's unread notifications, counted with the user when the request came in (the
/// header shows them on every page: one query fewer per page).
#[derive(Clone, Copy, Debug)]
pub struct Unread(pub u64);

/// Loads the active user recorded in a web session, if any, with their unread notifications
/// ([`notification::unread`]), in one query. [`AppError::Unavailable`] when the database (of
/// the web sessions or of the users) does not answer: the caller is then neither anonymous nor
/// known, and must not be treated as either.
pub async fn user_of_session(
    db: &DatabaseConnection,
    session: &Session,
) -> Result<Option<(user::Model, Unread)>, AppError> {
    let id = match session.get::<i32>(USER_ID).await {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(None),
        Err(tower_sessions::session::Error::Store(
            tower_sessions::session_store::Error::Backend(e),
        )) => {
            tracing::warn!(error = %e, "web session not loaded");
            return Err(AppError::Unavailable);
        }
        // A record that does not decode is no session.
        Err(_) => return Ok(None),
    };
    let unread = Expr::SubQuery(None, Box::new(notification::unread_of_each_user().into()));
    let query = user::Entity::find_by_id(id)
        .expr_as(unread, "unread")
        .build(db.get_database_backend());
    let found = async {
        let Some(row) = db.query_one_raw(query).await? else {
            return Ok(None);
        };
        let unread: i64 = row.try_get("", "unread")?;
        Ok::<_, sea_orm::DbErr>(Some((
            user::Model::from_query_result(&row, "")?,
            Unread(unread.max(0) as u64),
        )))
    };
    match found.await {
        Ok(found) => Ok(found.filter(|(u, _)| u.active)),
        Err(e) if crate::error::is_unreachable(&e) => Err(AppError::from(e)),
        Err(e) => {
            tracing::error!(error = %e, "loading the session's user");
            Ok(None)
        }
    }
}

/// The viewer's unread notifications counted by [`user_of_session`], when the request went
/// through the server's middleware.
pub fn unread() -> Option<u64> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Unread>().copied())
        .map(|Unread(n)| n)
}

/// The current request's user. Tests may `provide_context(Viewer(..))` directly.
pub fn viewer() -> Option<user::Model> {
    if let Some(Viewer(user)) = use_context::<Viewer>() {
        return user;
    }
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
        .and_then(|v| v.0)
}

pub fn require_user() -> AppResult<user::Model> {
    viewer().ok_or(AppError::NotLoggedIn)
}

/// Officers only: their enrolments, programme and feedback are theirs alone (§3.8).
pub fn require_officer() -> AppResult<user::Model> {
    let user = require_user()?;
    if user.role == Role::Officer {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Gestionnaires and administrateurs.
pub fn require_staff() -> AppResult<user::Model> {
    let user = require_user()?;
    if user.role.is_staff() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Administrateurs only: staff accounts and roles.
pub fn require_admin() -> AppResult<user::Model> {
    let user = require_user()?;
    if user.role == Role::Admin {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The web session of the current request.
pub fn session() -> AppResult<Session> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Session>().cloned())
        .ok_or_else(|| {
            tracing::error!("no web session layer on this request");
            AppError::Internal
        })
}

pub fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "web session store");
    AppError::Internal
}

/// Links the web session to the user who just proved who they are: a new session id (no
/// session fixation) and nothing of the previous visitor's session data (a message, a pending
/// CSV import).
pub async fn start_session(user: &user::Model) -> AppResult<()> {
    let session = session()?;
    session.clear().await;
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(USER_ID, user.id)
        .await
        .map_err(session_error)?;
    session
        .insert(SEEN_AT, chrono::Utc::now().timestamp())
        .await
        .map_err(session_error)?;
    tracing::info!(user_id = user.id, "login");
    Ok(())
}

pub async fn end_session() -> AppResult<()> {
    session()?.flush().await.map_err(session_error)
}

/// Whether the current request is a plain HTML form post (a browser without wasm), which
/// expects a redirect rather than data.
pub fn is_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .is_some_and(|accept| accept.contains("text/html"))
}
