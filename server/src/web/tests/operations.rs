//! What the operator reads: the log line of each request, with its id.

use super::helpers::*;
use axum::body::Body;
use axum::http::StatusCode;
use http::Request as HttpRequest;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, Once};

/// Log lines written to memory, as the server writes them to its standard output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn json_lines(&self) -> Vec<serde_json::Value> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

thread_local! {
    /// Where the lines logged on this thread go, while a test captures them.
    static CAPTURE: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Writes to the capture of the current thread, if any (else nowhere).
struct ToCapture;

impl std::io::Write for ToCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|slot| {
            if let Some(c) = slot.borrow().as_ref() {
                c.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures what this thread logs from now on, with the server's JSON logger. The logger is
/// the process's global one, set once: a logger set for one thread only misses the lines of
/// any call site another test's thread reached first (tracing then caches « nobody listens »
/// for it).
fn capture_logs() -> Captured {
    static GLOBAL: Once = Once::new();
    GLOBAL.call_once(|| {
        let logger = crate::logger(
            crate::config::LogFormat::Json,
            tracing_subscriber::EnvFilter::new("info"),
            || ToCapture,
        );
        tracing::subscriber::set_global_default(logger).expect("no other global logger");
    });
    let captured = Captured::default();
    CAPTURE.with(|slot| *slot.borrow_mut() = Some(captured.clone()));
    captured
}

fn get_with_id(path: &str, id: Option<&str>) -> HttpRequest<Body> {
    let mut req = HttpRequest::get(path);
    if let Some(id) = id {
        req = req.header("x-request-id", id);
    }
    req.body(Body::empty()).unwrap()
}

/// The answer lines (one per request) of the captured log.
fn answers(lines: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    lines
        .iter()
        .filter(|l| l["fields"]["message"] == "réponse")
        .collect()
}

// A current-thread runtime: the subscriber set for this thread sees every line of the requests.
#[tokio::test]
async fn each_request_is_logged_once_with_its_id_method_path_status_and_duration() {
    let app = test_app().await;
    let captured = capture_logs();

    // The proxy's id is kept, sent back and logged.
    let res = app
        .send(get_with_id("/connexion", Some("nginx-7f3a_01")))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-request-id"], "nginx-7f3a_01");
    // Without one, or with one that is not sane, the server makes its own.
    let res = app
        .send(get_with_id("/formations?mois=2027-01&jeton=secret", None))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "anonymous: to the login"
    );
    let made = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(made.len(), 36, "a UUID: {made}");
    // An address that is a key is logged without it.
    app.send(get_with_id("/desabonnement/1.rappel.SECRETSIGNATURE", None))
        .await;
    let long = "a".repeat(65);
    for insane in ["a b", "<script>", long.as_str()] {
        let res = app.send(get_with_id("/healthz", Some(insane))).await;
        let id = res.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, insane);
        assert_eq!(id.len(), 36, "a UUID: {id}");
    }

    let lines = captured.json_lines();
    let answers = answers(&lines);
    assert_eq!(answers.len(), 6, "one line per request: {lines:#?}");
    assert_eq!(answers[2]["span"]["path"], "/desabonnement/…");
    let first = answers[0];
    assert_eq!(first["span"]["id"], "nginx-7f3a_01");
    assert_eq!(first["span"]["method"], "GET");
    assert_eq!(first["span"]["path"], "/connexion");
    assert_eq!(first["fields"]["status"], 200);
    assert!(
        first["fields"]["duration_ms"].as_f64().unwrap() > 0.0,
        "{first}"
    );
    assert_eq!(first["level"], "INFO");
    let second = answers[1];
    assert_eq!(second["span"]["id"], made.as_str());
    // The query, which may hold a secret, is not logged.
    assert_eq!(second["span"]["path"], "/formations");
    let all = format!("{lines:?}");
    assert!(!all.contains("secret") && !all.contains("mois="), "{all}");
    assert!(!all.contains("SECRETSIGNATURE"), "{all}");
    assert!(!all.contains("<script>"), "{all}");
}

fn from(addr: &str, mut req: HttpRequest<Body>) -> HttpRequest<Body> {
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo::<std::net::SocketAddr>(
            addr.parse().unwrap(),
        ));
    req
}

/// The value of one series of the metrics' text (0 when absent).
fn series(text: &str, name_and_labels: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_are_shown_only_to_allowed_addresses() {
    let app = test_app().await;
    let scrape = |addr: &'static str, forwarded: Option<&'static str>| {
        let mut req = HttpRequest::get("/metrics");
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        from(addr, req.body(Body::empty()).unwrap())
    };
    let before = body_text(app.send(scrape("127.0.0.1:5000", None)).await).await;

    app.send(get("/connexion", None)).await;
    app.send(get("/connexion", None)).await;
    app.send(get("/sessions/12345", None)).await;
    app.send(get("/wp-admin/setup.php", None)).await;
    app.send(get("/pkg/absent-a1b2.css", None)).await;
    // One email waiting in the queue.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let now = chrono::Utc::now();
    app::entities::email_outbox::ActiveModel {
        recipient: Set("officier@mirvog.test".into()),
        subject: Set("Sujet".into()),
        body_text: Set("Texte".into()),
        body_html: Set("<p>Texte</p>".into()),
        status: Set(app::model::OutboxStatus::EnAttente),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    let res = app.send(scrape("127.0.0.1:5000", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("openmetrics")
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(!res.headers().contains_key("set-cookie"));
    let after = body_text(res).await;
    let delta = |series_name: &str| series(&after, series_name) - series(&before, series_name);
    // Other tests of this process count their requests too: at least ours are there.
    assert!(
        delta(r#"cassiopee_http_requests_total{route="/connexion",method="GET",status="200"}"#)
            >= 2.0,
        "{after}"
    );
    // Anonymous, the session page redirects to the login: named by its pattern all the same.
    assert!(
        delta(r#"cassiopee_http_requests_total{route="/sessions/{id}",method="GET",status="303"}"#)
            >= 1.0,
        "{after}"
    );
    // An address the app does not have is « autre » (the login page for an anonymous
    // visitor), a missing file of the site « fichier ».
    assert!(
        delta(r#"cassiopee_http_requests_total{route="autre",method="GET",status="303"}"#) >= 1.0,
        "{after}"
    );
    assert!(
        delta(r#"cassiopee_http_requests_total{route="fichier",method="GET",status="404"}"#) >= 1.0,
        "{after}"
    );
    assert!(
        series(
            &after,
            r#"cassiopee_http_request_duration_seconds_count{route="/connexion"}"#
        ) >= 2.0,
        "{after}"
    );
    assert_eq!(series(&after, "cassiopee_email_queue"), 1.0, "{after}");
    assert!(after.contains("cassiopee_emails_sent_total"), "{after}");
    assert!(after.contains("cassiopee_emails_failed_total"), "{after}");
    assert!(!after.contains("wp-admin"), "no series per unknown address");

    // Refused, as if nothing were there: another address; a request that says it was
    // forwarded by an undeclared proxy; no known address at all. The declared proxy
    // (10.0.0.1) forwarding for this machine is let through.
    for (addr, forwarded) in [
        ("203.0.113.5:4000", None),
        ("127.0.0.1:4000", Some("198.51.100.7")),
        ("10.0.0.1:4000", Some("198.51.100.7")),
    ] {
        let res = app.send(scrape(addr, forwarded)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{addr} {forwarded:?}");
        assert!(!body_text(res).await.contains("cassiopee_"));
    }
    let res = app.send(get("/metrics", None)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.send(scrape("10.0.0.1:4000", Some("127.0.0.1"))).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn with_the_database_out_of_reach_pages_and_actions_answer_a_french_503() {
    let app = test_app().await;
    app.user("officier@mirvog.test", app::model::Role::Officer)
        .await;
    let cookie = app.login("officier@mirvog.test", None).await;
    assert_eq!(
        app.send(get("/mes-formations", Some(&cookie)))
            .await
            .status(),
        StatusCode::OK
    );
    // The pool closed: every query fails as with a database that went away.
    app.db.clone().close().await.unwrap();

    // A logged-in visitor is neither sent to the login page nor shown an empty page.
    let res = app.send(get("/mes-formations", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "5");
    let html = body_text(res).await;
    assert!(html.contains("momentanément indisponible"), "{html}");
    assert!(html.contains("rien n'a été enregistré"), "{html}");
    // A server function says so in its own error.
    let res = app
        .send(form_request(
            "/api/place",
            "session_id=1&action=Enrol",
            Some(&cookie),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(body_text(res).await.contains("Unavailable"));
    // The login itself, for a visitor without a session.
    let res = app
        .send(
            post("/api/connexion")
                .body(Body::from("email=officier@mirvog.test&password=x&next="))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let res = app.send(get("/readyz", None)).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_one_click_unsubscribe_link_turns_a_kind_off_without_login_and_a_get_changes_nothing() {
    let app = test_app().await;
    let id = app
        .user("officier@mirvog.test", app::model::Role::Officer)
        .await;
    let kind = app::model::NotificationKind::Rappel;
    let token = app::notification::unsubscribe::token(&app.db, id, kind)
        .await
        .unwrap();
    let path = format!("/desabonnement/{token}");
    let mailed = |db: sea_orm::DatabaseConnection| async move {
        let user = app::entities::user::Entity::find_by_id(id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        app::notification::service::preferences(&db, &user)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.kind == kind)
            .unwrap()
            .email
    };
    use sea_orm::EntityTrait;

    // Opened (by a person, or a link checker): a page with the button, nothing changed.
    let res = app.send(get(&path, None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(
        html.contains(kind.label()) && html.contains("<form method=\"post\">"),
        "{html}"
    );
    assert!(mailed(app.db.clone()).await);

    // The mail provider's POST, from its own servers: no session, another origin.
    let res = app
        .send(
            HttpRequest::post(&path)
                .header("host", "cassiopee.test")
                .header("origin", "https://mail.exemple.fr")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("List-Unsubscribe=One-Click"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_text(res).await.contains("vous ne recevrez plus"));
    assert!(!mailed(app.db.clone()).await);

    // A forged or damaged link: a French 404, nothing changed.
    let forged = format!(
        "/desabonnement/{}.promotion.{}",
        id,
        token.rsplit('.').next().unwrap()
    );
    for bad in [
        forged.as_str(),
        "/desabonnement/1.rappel.AAAA",
        "/desabonnement/%FF",
    ] {
        let res = app.send(post(bad).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{bad}");
        assert!(body_text(res).await.contains("n'est pas valable"));
    }
}
