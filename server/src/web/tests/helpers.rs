//! What every router test shares: the app on a fresh database, users and logins, requests as a
//! browser sends them, and reading the answers.

use crate::config::Config;
use crate::web::{AppState, router};
use app::model::Role;
use axum::Router;
use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;
use http::Request as HttpRequest;
use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tower::ServiceExt;

pub(super) const PASSWORD: &str = "mot-de-passe-solide";

pub(super) struct TestApp {
    router: Router,
    pub(super) db: DatabaseConnection,
    state: AppState,
    config: Config,
}

pub(super) async fn test_app() -> TestApp {
    test_app_with(app::password::PasswordGate::for_the_server()).await
}

/// The app with its own gate for password checks (a small one to test floods of logins).
pub(super) async fn test_app_with(password_gate: app::password::PasswordGate) -> TestApp {
    let leptos_options = LeptosOptions::builder().output_name("cassiopee").build();
    app_with(password_gate, leptos_options).await
}

/// The app as deployed behind HTTPS (`CASSIOPEE_SECURE_COOKIES=true`).
pub(super) async fn test_app_over_https() -> TestApp {
    let leptos_options = LeptosOptions::builder().output_name("cassiopee").build();
    let mut app = app_with(
        app::password::PasswordGate::for_the_server(),
        leptos_options,
    )
    .await;
    app.config.secure_cookies = true;
    app.router = app.build_another_router();
    app
}

/// The app serving the site's files from `site_root`, as a release build (file names hashed).
pub(super) async fn test_app_serving(site_root: &std::path::Path) -> TestApp {
    let leptos_options = LeptosOptions::builder()
        .output_name("cassiopee")
        .site_root(site_root.to_str().unwrap())
        .hash_files(true)
        .build();
    app_with(
        app::password::PasswordGate::for_the_server(),
        leptos_options,
    )
    .await
}

async fn app_with(
    password_gate: app::password::PasswordGate,
    leptos_options: LeptosOptions,
) -> TestApp {
    // A file database with the production pool (several connections, acquire timeout): a
    // single in-memory connection once stalled a run for minutes instead of failing.
    let db = app::testing::file_sqlite().await;
    let config = Config {
        database_url: String::new(),
        site_addr: "127.0.0.1:0".parse().unwrap(),
        secure_cookies: false,
        public_url: "http://cassiopee.test".to_owned(),
        mail: crate::config::MailSettings {
            from: "Cassiopée <test@cassiopee.invalid>".parse().unwrap(),
            transport: crate::config::MailTransport::Folder(std::env::temp_dir()),
        },
        trusted_proxies: crate::web::client_addr::Networks::parse("T", "10.0.0.1").unwrap(),
        metrics_allow: crate::web::client_addr::Networks::parse("M", "127.0.0.1, ::1").unwrap(),
    };
    let state = AppState {
        leptos_options,
        db: db.clone(),
        public_url: app::notification::PublicUrl::new(&config.public_url),
        password_gate,
        trusted_proxies: config.trusted_proxies.clone(),
    };
    let router = router(state.clone(), &config);
    TestApp {
        router,
        db,
        state,
        config,
    }
}

impl TestApp {
    /// Builds the router again, as another instance (or another test) of the process does.
    pub(super) fn build_another_router(&self) -> Router {
        router(self.state.clone(), &self.config)
    }

    pub(super) async fn user(&self, email: &str, role: Role) -> i32 {
        app::accounts::create_user(&self.db, email, "Général Test", role, PASSWORD.to_owned())
            .await
            .unwrap()
            .id
    }

    /// One request through the app; a request that does not answer within 30 s fails the test
    /// with its method and path instead of hanging the run.
    pub(super) async fn send(&self, req: HttpRequest<Body>) -> Response {
        let what = format!("{} {}", req.method(), req.uri());
        tokio::time::timeout(Duration::from_secs(30), self.router.clone().oneshot(req))
            .await
            .unwrap_or_else(|_| panic!("no answer within 30 s to {what}"))
            .unwrap()
    }

    /// Logs in like the HTML form does and returns the session cookie.
    pub(super) async fn login(&self, email: &str, cookie: Option<&str>) -> String {
        let mut req = post("/api/connexion")
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, "http://cassiopee.test/connexion");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let form = format!("email={email}&password={PASSWORD}&next=");
        let res = self.send(req.body(Body::from(form)).unwrap()).await;
        assert_eq!(res.status(), StatusCode::FOUND, "login redirects");
        session_cookie(&res).expect("a session cookie")
    }
}

/// A same-origin form POST, as a browser sends it; the caller adds the body.
pub(super) fn post(path: &str) -> http::request::Builder {
    HttpRequest::post(path)
        .header(header::HOST, "cassiopee.test")
        .header(header::ORIGIN, "http://cassiopee.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// Builds a POST request with its url-encoded form body.
pub(super) fn form_request(path: &str, form: &str, cookie: Option<&str>) -> HttpRequest<Body> {
    let mut req = post(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(form.to_owned())).unwrap()
}

pub(super) fn get(path: &str, cookie: Option<&str>) -> HttpRequest<Body> {
    let mut req = HttpRequest::get(path).header(header::HOST, "cassiopee.test");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::empty()).unwrap()
}

pub(super) fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cassiopee_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

pub(super) async fn body_text(res: Response) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 4 * 1024 * 1024)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub(super) fn location(res: &Response) -> String {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A published session in 30 days with one seat; returns its id.
pub(super) async fn open_session(db: &DatabaseConnection) -> i32 {
    let t = app::testing::training(db, "Gouvernance d'entreprise").await;
    let start = chrono::Utc::now() + chrono::Duration::days(30);
    app::testing::session_at(db, t.id, start, 7, 1).await.id
}
