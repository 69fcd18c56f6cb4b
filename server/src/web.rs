//! The axum application: Leptos pages and server functions, web sessions, and the middleware
//! that applies product §3.8 and the HTTP hardening of the foundation issue.

use crate::{config::Config, session_store::DbSessionStore};
use app::{
    app::{App, shell},
    auth::service::{PageAccess, home, page_access},
    caller::{Viewer, user_of_session},
    error::AppError,
    notification::PublicUrl,
    password::PasswordGate,
};
use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{
    CompressionLayer, CompressionLevel,
    predicate::{DefaultPredicate, NotForContentType, Predicate},
};
use tower_sessions::{Expiry, Session, SessionManagerLayer, cookie::SameSite};

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    /// The address users reach the application at, for links in emails and calendar files.
    pub public_url: PublicUrl,
    /// Bounds the password checks of the process (logins, password changes).
    pub password_gate: PasswordGate,
    /// The proxies whose `X-Forwarded-For` is believed (`CASSIOPEE_TRUSTED_PROXIES`).
    pub trusted_proxies: client_addr::Networks,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The account a page was made for (see [`with_account`]).
const ACCOUNT_HEADER: &str = "x-cassiopee-compte";

/// Idle time after which a web session expires.
const SESSION_IDLE: time::Duration = time::Duration::hours(12);

/// The app's routes, found once per process. Finding them renders the app with Leptos'
/// resource loading suspended by a flag that holds for the whole process: done again while
/// pages are served (another router built by a test, say), it left the data of those pages
/// waiting forever.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState, config: &Config) -> Router {
    // The probes of the operator's supervisor and load balancer, and the metrics: no session,
    // no turn to wait.
    let probes = probes::router(state.db.clone(), config);
    // Outermost: every request, probes included, gets its id, its log line and its count, and
    // the time logged is the whole answer's, compression included.
    probes
        .merge(app_router(state, config))
        .layer(middleware::from_fn_with_state(
            probes::route_names(),
            crate::metrics::record,
        ))
        .layer(request_log::propagate_id())
        .layer(request_log::trace())
        .layer(request_log::set_id())
        .layer(middleware::from_fn(request_log::drop_insane_id))
}

fn app_router(state: AppState, config: &Config) -> Router {
    let routes = routes();
    let db = state.db.clone();
    let public_url = state.public_url.clone();
    let password_gate = state.password_gate.clone();
    // What every page and server function finds in its context, the 404 page included: the
    // database, the public address, the password gate, and the nonce of the page's scripts.
    let context = move || {
        provide_context(db.clone());
        provide_context(public_url.clone());
        provide_context(password_gate.clone());
        let nonce = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<guards::CspNonce>().cloned());
        if let Some(guards::CspNonce(nonce)) = nonce {
            provide_context(nonce);
        }
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("cassiopee_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE));
    Router::new()
        .route("/sw.js", axum::routing::get(static_files::service_worker))
        .route("/calendrier/{file}", axum::routing::get(calendar_feed))
        .route(
            "/desabonnement/{token}",
            axum::routing::get(unsubscribe::page).post(unsubscribe::one_click),
        )
        .route(
            "/gestion/statistiques/export.csv",
            axum::routing::get(exports::statistics_csv),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(middleware::from_fn(answer_in_time))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            resolve_viewer,
        ))
        .layer(middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            note_the_client,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            Arc::new(Semaphore::new(IN_FLIGHT)),
            take_a_turn,
        ))
        .layer(middleware::from_fn(guards::limit_bodies))
        .layer(middleware::from_fn(guards::refuse_cross_origin))
        .layer(middleware::from_fn_with_state(
            guards::Hardening {
                hashed_bundle: state.leptos_options.hash_files,
                https: config.secure_cookies,
            },
            guards::harden_headers,
        ))
        .layer(compression())
        .layer(CatchPanicLayer::custom(answer_a_panic))
        .with_state(state)
}

/// Brotli, else gzip, for the clients that accept them: pages, server function answers, the
/// wasm, the scripts and the stylesheets (a page goes from about 30 KB to 5 KB, the wasm from
/// 366 KB to about 150 KB; the site's files are compressed at build time, at brotli's best).
/// Quality 4: on the large data set's 21 KB `/formations` it costs half of what 5 did (which
/// was a seventh of the page's time) for a page 6 % bigger (3.9 KB instead of 3.7). Images and
/// fonts are already compressed.
fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new().and(NotForContentType::const_new("font/"));
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(4))
        .compress_when(predicate)
}

/// `/calendrier/{token}.ics`: an officer's private feed, for calendar apps (no session: the
/// secret address is the key). An unknown or revoked token is a plain 404.
async fn calendar_feed(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match app::notification::calendar::feed_for_token(&state.db, token, state.public_url.as_str())
        .await
    {
        Ok(Some(ics)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "inline; filename=\"cassiopee.ics\"",
                ),
            ],
            ics,
        )
            .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            "Ce lien d'agenda n'existe pas ou a été révoqué.",
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "calendar feed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn is_page(path: &str) -> bool {
    !static_files::is_site_file(path) && !path.starts_with("/api/")
}

/// Notes the client's address for the rules that count by address (the login limits).
async fn note_the_client(
    State(trusted): State<client_addr::Networks>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
    if let Some(client) = client_addr::client(req.headers(), peer, &trusted) {
        req.extensions_mut()
            .insert(app::caller::ClientAddr(client.addr));
    }
    next.run(req).await
}

/// Finds who is calling (once per request) and applies the page access table: anonymous
/// visitors go to `/connexion`, a wrong role gets 403 with the French refusal page.
async fn resolve_viewer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if static_files::is_site_file(&path) {
        return next.run(req).await;
    }
    let user = match req.extensions().get::<Session>().cloned() {
        Some(session) => {
            let found = match user_of_session(&state.db, &session).await {
                Ok(found) => found,
                Err(e) => {
                    let accepts_html = req
                        .headers()
                        .get(header::ACCEPT)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.contains("text/html"));
                    return unavailable(&path, accepts_html, &e);
                }
            };
            if let Some((_, unread)) = &found {
                app::caller::keep_alive(&session, chrono::Utc::now()).await;
                req.extensions_mut().insert(*unread);
            }
            found.map(|(user, _)| user)
        }
        None => None,
    };
    let role = user.as_ref().map(|u| u.role);
    let account = user.as_ref().map(|u| u.id);
    req.extensions_mut().insert(Viewer(user));
    if !is_page(&path) {
        return next.run(req).await;
    }
    if path == "/" {
        return Redirect::to(role.map_or("/connexion", home)).into_response();
    }
    match page_access(&path, role) {
        PageAccess::Allowed => with_account(next.run(req).await, account),
        PageAccess::LoginRequired => {
            let target = req
                .uri()
                .path_and_query()
                .map_or(path.clone(), |pq| pq.to_string());
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("next", &target)
                .finish();
            Redirect::to(&format!("/connexion?{query}")).into_response()
        }
        // A fixed page: nothing of the forbidden page is computed for this user.
        PageAccess::Forbidden => {
            let page = FORBIDDEN_PAGE.replace("{DSFR}", app::assets::DSFR);
            with_account(
                (StatusCode::FORBIDDEN, axum::response::Html(page)).into_response(),
                account,
            )
        }
    }
}

/// The database is out of reach: a French 503 (a page for a page, the error itself for a server
/// function), to be tried again in a few seconds. Nobody is sent to the login page for it.
fn unavailable(path: &str, accepts_html: bool, error: &AppError) -> Response {
    let mut res = if is_page(path) || accepts_html {
        plain_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service momentanément indisponible",
            &format!(
                "<p class=\"fr-text--lead\">{}</p><a class=\"fr-btn\" href=\"\">Réessayer</a>",
                html_escape::encode_text(&error.to_string())
            ),
        )
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(error)).into_response()
    };
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    res
}

/// A page of its own, outside the app (a refusal, a short answer): the DSFR stylesheet, a title
/// and `body`, HTML the caller escaped.
pub(super) fn plain_page(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"fr\" data-fr-scheme=\"light\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} – Cassiopée</title><link rel=\"stylesheet\" href=\"{dsfr}/dsfr.min.css\"></head>\
         <body><main class=\"fr-container fr-py-4w\" role=\"main\"><h1>{title}</h1>{body}</main></body></html>\n",
        dsfr = app::assets::DSFR
    );
    (status, axum::response::Html(page)).into_response()
}

/// Names the account a page was made for (`u42`), or nobody (`-`): the service worker keeps
/// pages for reading offline under that name and shows them to no other account; a page of
/// another account, or of nobody, makes it forget the pages it kept (web/offline/sw.js).
fn with_account(mut res: Response, account: Option<i32>) -> Response {
    let name = account.map_or_else(|| "-".to_owned(), |id| format!("u{id}"));
    res.headers_mut()
        .insert(ACCOUNT_HEADER, HeaderValue::from_str(&name).expect("ascii"));
    res
}

/// The French 403 page of a staff or admin page opened by someone without the role.
const FORBIDDEN_PAGE: &str = r#"<!DOCTYPE html>
<html lang="fr" data-fr-scheme="light">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accès refusé – Cassiopée</title>
<link rel="stylesheet" href="{DSFR}/dsfr.min.css">
</head>
<body>
<header class="fr-header"><div class="fr-header__body"><div class="fr-container"><div class="fr-header__body-row">
<div class="fr-header__brand"><div class="fr-header__brand-top"><div class="fr-header__logo"><p class="fr-logo">Ministère<br>des Armées</p></div></div>
<div class="fr-header__service"><a href="/" title="Accueil – Cassiopée"><p class="fr-header__service-title">Cassiopée</p></a></div></div>
</div></div></div></header>
<main class="fr-container fr-py-4w" role="main">
<h1>Accès refusé</h1>
<p class="fr-text--lead">Vous n'avez pas les droits nécessaires pour ouvrir cette page.</p>
<p>Si vous pensez qu'il s'agit d'une erreur, contactez la MiRVOG.</p>
<a class="fr-btn" href="/">Retour à l'accueil</a>
</main>
</body>
</html>
"#;

/// How many requests the server works on at once; the others wait their turn, in order of
/// arrival, before their web session, their user or anything of their page is loaded. Two
/// cores and a pool of 4 (SQLite) or 16 (PostgreSQL) connections are busy with far fewer;
/// without a bound, 500 officers enrolling at once each held a loaded web session and a query
/// waiting for a connection (about 30 KB a request, 15 MB in all) for nothing.
pub(crate) const IN_FLIGHT: usize = 32;

/// Waits for one of the [`IN_FLIGHT`] turns, then lets the request in; the turn is given back
/// once the answer's headers are ready (its body is compressed and sent after). A request that
/// waited [`ANSWER_WITHIN`] without a turn gets a French 503.
pub(crate) async fn take_a_turn(
    State(turns): State<Arc<Semaphore>>,
    req: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(ANSWER_WITHIN, turns.acquire()).await {
        Ok(Ok(_turn)) => next.run(req).await,
        // Never closed: only a wait too long ends here.
        Ok(Err(_)) | Err(_) => {
            tracing::warn!(path = %req.uri().path(), "no turn in time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Le serveur est très occupé : réessayez dans un instant.",
            )
                .into_response()
        }
    }
}

/// How long a page or server function may take before the visitor is told to retry: a render
/// stalled by a bug must not hold the browser (and a connection) forever.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(20);

/// Answers 503 with a French message when the app has not answered in [`ANSWER_WITHIN`].
async fn answer_in_time(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    match tokio::time::timeout(ANSWER_WITHIN, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::error!(%path, "no answer in time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Le serveur a mis trop de temps à répondre : rechargez la page dans un instant.",
            )
                .into_response()
        }
    }
}

/// Server functions answer every error with 500; give the client the status that fits the
/// error instead (401, 403, 404, 422), so that logs, proxies and scripts can tell them apart.
/// Plain form posts are left alone: they are redirected back to the form's page.
async fn error_status(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match err {
            AppError::TooManyAttempts(seconds) => {
                parts
                    .headers
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            AppError::Unavailable => {
                parts
                    .headers
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            _ => {}
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A panic while answering (a bug): logged, and answered with the French message of a
/// technical error rather than a closed connection.
fn answer_a_panic(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(sans message)");
    tracing::error!(panic = detail, "panic while answering a request");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        AppError::Internal.to_string(),
    )
        .into_response()
}

pub(crate) mod client_addr;
mod exports;
mod guards;
mod probes;
mod request_log;
mod static_files;
mod unsubscribe;

pub(crate) use static_files::is_site_file;

#[cfg(test)]
mod tests;
