//! The real axum application, driven request by request: login, role checks (product §3.8),
//! the enrolment actions through their server functions, and the HTTP hardening.

use super::*;
use app::model::Role;
use axum::body::Body;
use http::Request as HttpRequest;
use sea_orm::EntityTrait;
use std::time::Duration;
use tower::ServiceExt;

const PASSWORD: &str = "mot-de-passe-solide";

struct TestApp {
    router: Router,
    db: DatabaseConnection,
}

async fn test_app() -> TestApp {
    // A file database with the production pool (several connections, acquire timeout): a
    // single in-memory connection once stalled a run for minutes instead of failing.
    let db = app::testing::file_sqlite().await;
    let leptos_options = LeptosOptions::builder().output_name("cassiopee").build();
    let config = Config {
        database_url: String::new(),
        site_addr: "127.0.0.1:0".parse().unwrap(),
        secure_cookies: false,
        demo: false,
        public_url: "http://cassiopee.test".to_owned(),
    };
    let router = router(
        AppState {
            leptos_options,
            db: db.clone(),
        },
        &config,
    );
    TestApp { router, db }
}

impl TestApp {
    async fn user(&self, email: &str, role: Role) -> i32 {
        app::accounts::create_user(&self.db, email, "Général Test", role, PASSWORD.to_owned())
            .await
            .unwrap()
            .id
    }

    /// One request through the app; a request that does not answer within 30 s fails the test
    /// with its method and path instead of hanging the run.
    async fn send(&self, req: HttpRequest<Body>) -> Response {
        let what = format!("{} {}", req.method(), req.uri());
        tokio::time::timeout(Duration::from_secs(30), self.router.clone().oneshot(req))
            .await
            .unwrap_or_else(|_| panic!("no answer within 30 s to {what}"))
            .unwrap()
    }

    /// Logs in like the HTML form does and returns the session cookie.
    async fn login(&self, email: &str, cookie: Option<&str>) -> String {
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
fn post(path: &str) -> http::request::Builder {
    HttpRequest::post(path)
        .header(header::HOST, "cassiopee.test")
        .header(header::ORIGIN, "http://cassiopee.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// Builds a POST request with its url-encoded form body.
fn form_request(path: &str, form: &str, cookie: Option<&str>) -> HttpRequest<Body> {
    let mut req = post(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(form.to_owned())).unwrap()
}

fn get(path: &str, cookie: Option<&str>) -> HttpRequest<Body> {
    let mut req = HttpRequest::get(path).header(header::HOST, "cassiopee.test");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::empty()).unwrap()
}

fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cassiopee_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

async fn body_text(res: Response) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 4 * 1024 * 1024)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn location(res: &Response) -> String {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A published session in 30 days with one seat; returns its id.
async fn open_session(db: &DatabaseConnection) -> i32 {
    let t = app::testing::training(db, "Gouvernance d'entreprise").await;
    let start = chrono::Utc::now() + chrono::Duration::days(30);
    app::testing::session_at(db, t.id, start, 7, 1).await.id
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login() {
    let app = test_app().await;
    let res = app.send(get("/mes-formations", None)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/connexion?next=%2Fmes-formations");
    let res = app.send(get("/connexion", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    for label in ["Adresse électronique", "Mot de passe", "Se connecter"] {
        assert!(html.contains(label), "{label}");
    }
}

#[tokio::test]
async fn login_renews_the_session_id_and_sets_a_safe_cookie() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    let req = form_request(
        "/api/connexion",
        &format!("email=officier@test.demo&password={PASSWORD}&next=/mes-formations"),
        None,
    );
    let res = app.send(req).await;
    assert_eq!(location(&res), "/mes-formations");
    let raw = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
        "{raw}"
    );
    let first = session_cookie(&res).unwrap();
    let second = app.login("officier@test.demo", Some(&first)).await;
    assert_ne!(first, second, "a new session id at each login");
    // The old id no longer opens anything.
    let res = app.send(get("/mes-formations", Some(&first))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_password_is_refused_in_french() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    let res = app
        .send(form_request(
            "/api/connexion",
            "email=officier@test.demo&password=faux&next=",
            None,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.headers().get(header::LOCATION).is_none());
    assert!(
        body_text(res)
            .await
            .contains("Adresse électronique ou mot de passe incorrect")
    );
}

#[tokio::test]
async fn a_refused_login_keeps_the_typed_address() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    let req = post("/api/connexion")
        .header(header::ACCEPT, "text/html")
        .header(
            header::REFERER,
            "http://cassiopee.test/connexion?next=/mes-formations",
        )
        .body(Body::from(
            "email=officier@test.demo&password=faux&next=/mes-formations",
        ))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = location(&res);
    assert!(
        back.starts_with("/connexion?email=officier%40test.demo&next=%2Fmes-formations&__path="),
        "{back}"
    );
    let html = body_text(app.send(get(&back, None)).await).await;
    assert!(html.contains("Adresse électronique ou mot de passe incorrect."));
    assert!(
        html.contains(r#"value="officier@test.demo""#),
        "the address is typed back in"
    );
    assert!(html.contains(r#"name="next" value="/mes-formations""#));
}

#[tokio::test]
async fn officers_get_403_on_staff_pages_and_functions() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    let cookie = app.login("officier@test.demo", None).await;
    let res = app.send(get("/gestion", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(body_text(res).await.contains("Accès refusé"));
    let res = app
        .send(form_request("/api/tableau-de-bord", "", Some(&cookie)))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Staff may open /gestion but hold no enrolments of their own.
    app.user("gestion@test.demo", Role::Staff).await;
    let staff = app.login("gestion@test.demo", None).await;
    assert_eq!(
        app.send(get("/gestion", Some(&staff))).await.status(),
        StatusCode::OK
    );
    let res = app
        .send(form_request(
            "/api/place",
            "session_id=1&action=Enrol",
            Some(&staff),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .send(form_request("/api/mes-formations", "", None))
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_officer_enrols_through_the_server_function() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    let s = open_session(&app.db).await;
    let cookie = app.login("officier@test.demo", None).await;

    let enrol = || {
        form_request(
            "/api/place",
            &format!("session_id={s}&action=Enrol"),
            Some(&cookie),
        )
    };
    let res = app.send(enrol()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let json = body_text(res).await;
    assert!(json.contains("inscription est confirmée"), "{json}");
    assert!(
        json.contains("\"action\":{\"Ok\":\"Withdraw\"}"),
        "the answer offers the withdrawal: {json}"
    );
    let res = app.send(enrol()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("déjà inscrit"));

    let res = app
        .send(get(&format!("/sessions/{s}"), Some(&cookie)))
        .await;
    let html = body_text(res).await;
    assert!(
        html.contains("Se désinscrire"),
        "the page offers the withdrawal"
    );
    let res = app
        .send(form_request("/api/mes-formations", "", Some(&cookie)))
        .await;
    let json = body_text(res).await;
    assert!(
        json.contains(&format!("\"session_id\":{s}")) && json.contains("Inscrit"),
        "{json}"
    );
}

/// §3.8: the place an officer acts on is always their own — the server functions take no
/// officer id, so another officer's request cannot touch it.
#[tokio::test]
async fn an_officer_cannot_change_another_officers_place() {
    let app = test_app().await;
    app.user("a@test.demo", Role::Officer).await;
    app.user("b@test.demo", Role::Officer).await;
    let s = open_session(&app.db).await;
    let a = app.login("a@test.demo", None).await;
    let b = app.login("b@test.demo", None).await;
    let form = |action: &str| format!("session_id={s}&action={action}");
    let res = app
        .send(form_request("/api/place", &form("Enrol"), Some(&a)))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let res = app
        .send(form_request("/api/place", &form("Withdraw"), Some(&b)))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(res)
            .await
            .contains("Vous n'êtes pas inscrit à cette session.")
    );
    let mine = body_text(
        app.send(form_request("/api/mes-formations", "", Some(&b)))
            .await,
    )
    .await;
    assert!(
        !mine.contains(&format!("\"session_id\":{s}")),
        "B holds nothing: {mine}"
    );
    let theirs = body_text(
        app.send(form_request("/api/mes-formations", "", Some(&a)))
            .await,
    )
    .await;
    assert!(theirs.contains(&format!("\"session_id\":{s}")) && theirs.contains("Inscrit"));
}

/// Drafts exist for staff only: an officer gets « Page introuvable » (404).
#[tokio::test]
async fn drafts_are_shown_to_staff_only() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    app.user("gestion@test.demo", Role::Staff).await;
    let s = open_session(&app.db).await;
    let mut draft: app::entities::session::ActiveModel =
        app::entities::session::Entity::find_by_id(s)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
    draft.status = Set(app::model::SessionStatus::Brouillon);
    draft.update(&app.db).await.unwrap();

    let staff = app.login("gestion@test.demo", None).await;
    let res = app.send(get(&format!("/sessions/{s}"), Some(&staff))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        body_text(res)
            .await
            .contains("Brouillon (non visible des officiers)")
    );
    let officer = app.login("officier@test.demo", None).await;
    let res = app
        .send(get(&format!("/sessions/{s}"), Some(&officer)))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body_text(res).await.contains("Page introuvable"));
}

#[tokio::test]
async fn without_javascript_the_form_post_comes_back_to_the_page() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    let s = open_session(&app.db).await;
    let cookie = app.login("officier@test.demo", None).await;
    let page = format!("http://cassiopee.test/sessions/{s}");
    // What a browser without wasm sends when the « S'inscrire » form is submitted.
    let submit = || {
        post("/api/place")
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, &page)
            .header(header::COOKIE, &cookie)
            .body(Body::from(format!("session_id={s}&action=Enrol")))
            .unwrap()
    };
    let res = app.send(submit()).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    // server_fn strips earlier error parameters from the referer and may leave a bare `?`.
    assert_eq!(location(&res).trim_end_matches('?'), page);
    // A refusal comes back in the URL, for the page to show.
    let res = app.send(submit()).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = location(&res);
    assert!(back.contains("__err="), "{back}");
    // …and the page shows it, rendered by the server.
    let path = back.trim_start_matches("http://cassiopee.test");
    let html = body_text(app.send(get(path, Some(&cookie))).await).await;
    assert!(html.contains("Vous êtes déjà inscrit à cette session."));
}

#[tokio::test]
async fn cross_origin_writes_are_refused() {
    let app = test_app().await;
    let req = HttpRequest::post("/api/place")
        .header(header::HOST, "cassiopee.test")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("session_id=1&action=Enrol"))
        .unwrap();
    assert_eq!(app.send(req).await.status(), StatusCode::FORBIDDEN);
    let req = HttpRequest::post("/api/place")
        .header(header::HOST, "cassiopee.test")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("session_id=1&action=Enrol"))
        .unwrap();
    assert_eq!(app.send(req).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn personal_pages_are_not_cached() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    let cookie = app.login("officier@test.demo", None).await;
    let res = app.send(get("/mes-formations", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers().get(header::CACHE_CONTROL).unwrap(),
        "private, no-store"
    );
    assert_eq!(
        res.headers().get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
}

/// Every staff and admin server function, with a body it accepts. A new staff function must be
/// added here: `the_table_lists_every_staff_function` fails otherwise.
const STAFF_FUNCTIONS: &[(&str, &str)] = &[
    ("/api/tableau-de-bord", ""),
    ("/api/gestion/formations", "archived=false"),
    ("/api/gestion/formation", ""),
    (
        "/api/gestion/formation/enregistrer",
        "title=T&description=&theme=Th&provider=P&format=hybride&duration_hours=7&default_capacity=10&fixed_cost=&seat_cost=",
    ),
    ("/api/gestion/formation/archiver", "id=1&archived=true"),
    ("/api/gestion/sessions", "filters[period]=a-venir"),
    ("/api/gestion/calendrier", ""),
    ("/api/gestion/session/formulaire", ""),
    (
        "/api/gestion/session/enregistrer",
        "training_id=1&start_date=2030-01-10&start_time=09:00&end_date=2030-01-10&end_time=17:00&location=Paris&visio_url=&capacity=10&min_participants=2&enrolment_deadline=&cancellation_deadline=&cost=&trainer=",
    ),
    ("/api/gestion/session/publier", "id=1"),
    ("/api/gestion/session/annuler", "id=1"),
    (
        "/api/gestion/session/dupliquer",
        "id=1&start_date=2030-02-01",
    ),
    ("/api/gestion/session", "id=1"),
    ("/api/gestion/session/inscrire", "session_id=1&choix[2]=on"),
    ("/api/gestion/session/remplir", "session_id=1"),
    ("/api/gestion/session/inviter", "session_id=1&choix[2]=on"),
    (
        "/api/gestion/session/retirer",
        "session_id=1&enrolment_id=1",
    ),
    (
        "/api/gestion/session/liste-attente",
        "session_id=1&enrolment_id=1&direction=haut",
    ),
    (
        "/api/gestion/session/presence",
        "session_id=1&presence[1]=present",
    ),
    ("/api/gestion/officiers", "inactive=false"),
    ("/api/gestion/officier", "id=1"),
    ("/api/gestion/officier/formulaire", ""),
    (
        "/api/gestion/officier/enregistrer",
        "display_name=Jean%20Martin&email=jean.martin@mirvog.test&grade=G&armee=A&phone=&departure_date=",
    ),
    ("/api/gestion/officier/activer", "id=999&active=false"),
    (
        "/api/gestion/officier/mot-de-passe",
        "id=999&password=un-mot-de-passe-long",
    ),
    (
        "/api/gestion/programme/enregistrer",
        "officer_id=1&starts_on=2027-01-01&ends_on=2027-12-31&career_goal=",
    ),
    ("/api/gestion/officiers/import", ""),
    ("/api/gestion/officiers/import/fichier", MULTIPART),
    ("/api/gestion/officiers/import/confirmer", ""),
    ("/api/gestion/officiers/import/abandonner", ""),
    (
        "/api/gestion/programme/ajouter",
        "officer_id=1&training_id=1&priority=obligatoire",
    ),
    (
        "/api/gestion/programme/element",
        "officer_id=1&item_id=1&action=retirer",
    ),
];

/// Marks the file upload: its body is a multipart form with a small CSV.
const MULTIPART: &str = "multipart";
const BOUNDARY: &str = "cassiopee-test-boundary";

/// A staff function call as a browser form sends it (multipart for the file upload).
fn staff_call(path: &str, body: &str, cookie: Option<&str>) -> HttpRequest<Body> {
    if body != MULTIPART {
        return form_request(path, body, cookie);
    }
    let file = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"o.csv\"\r\nContent-Type: text/csv\r\n\r\nNom;Adresse électronique;Grade;Armée\r\nJean;j@m.fr;Général;Terre\r\n\r\n--{BOUNDARY}--\r\n"
    );
    let mut req = HttpRequest::post(path)
        .header(header::HOST, "cassiopee.test")
        .header(header::ORIGIN, "http://cassiopee.test")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(file)).unwrap()
}

/// Admin functions: refused to officers, staff (gestionnaires) and anonymous users.
const ADMIN_FUNCTIONS: &[(&str, &str)] = &[
    ("/api/admin/utilisateurs", ""),
    ("/api/admin/courriels", ""),
    (
        "/api/admin/utilisateur/creer",
        "display_name=Paul&email=paul@mirvog.test&role=staff&password=un-mot-de-passe-long",
    ),
    (
        "/api/admin/utilisateur/modifier",
        "id=999&action=desactiver",
    ),
];

/// Staff pages: officers get 403, anonymous visitors the login page.
const STAFF_PAGES: &[&str] = &[
    "/gestion",
    "/gestion/formations",
    "/gestion/formations/nouvelle",
    "/gestion/formations/1",
    "/gestion/sessions",
    "/gestion/sessions?vue=calendrier",
    "/gestion/sessions/nouvelle",
    "/gestion/sessions/1",
    "/gestion/sessions/1/modifier",
    "/gestion/sessions/1/annuler",
    "/gestion/sessions/1/remplir",
    "/gestion/officiers",
    "/gestion/officiers/nouveau",
    "/gestion/officiers/1",
    "/gestion/officiers/1/modifier",
    "/gestion/officiers/import",
    "/admin/utilisateurs",
];

#[tokio::test]
async fn every_staff_function_refuses_officers_and_anonymous_users() {
    let app = test_app().await;
    let officer_id = app.user("officier@test.demo", Role::Officer).await;
    let officer = app.login("officier@test.demo", None).await;
    app.user("gestion@test.demo", Role::Staff).await;
    let staff = app.login("gestion@test.demo", None).await;
    let t = app::testing::training(&app.db, "Gouvernance").await;
    let start = chrono::Utc::now() + chrono::Duration::days(30);
    app::testing::session_at(&app.db, t.id, start, 7, 5).await;

    for (path, body) in STAFF_FUNCTIONS {
        let res = app.send(staff_call(path, body, Some(&officer))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "officer on {path}");
        let res = app.send(staff_call(path, body, None)).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "anonymous on {path}"
        );
        // The body is one the function reads: staff get past the role check.
        let res = app.send(staff_call(path, body, Some(&staff))).await;
        assert!(
            ![StatusCode::FORBIDDEN, StatusCode::UNAUTHORIZED].contains(&res.status()),
            "staff on {path}: {}",
            res.status()
        );
    }
    app.user("admin@test.demo", Role::Admin).await;
    let admin = app.login("admin@test.demo", None).await;
    for (path, body) in ADMIN_FUNCTIONS {
        for (who, cookie) in [("officer", Some(&officer)), ("staff", Some(&staff))] {
            let res = app
                .send(form_request(path, body, cookie.map(String::as_str)))
                .await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} on {path}");
        }
        let res = app.send(form_request(path, body, None)).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "anonymous on {path}"
        );
        let res = app.send(form_request(path, body, Some(&admin))).await;
        assert!(
            ![StatusCode::FORBIDDEN, StatusCode::UNAUTHORIZED].contains(&res.status()),
            "admin on {path}: {}",
            res.status()
        );
    }
    for page in ["/admin/utilisateurs", "/admin/courriels"] {
        let res = app.send(get(page, Some(&staff))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "staff on {page}");
        assert_eq!(
            app.send(get(page, Some(&admin))).await.status(),
            StatusCode::OK,
            "admin on {page}"
        );
    }
    for page in STAFF_PAGES {
        let res = app.send(get(page, Some(&officer))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "officer on {page}");
        let res = app.send(get(page, None)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "anonymous on {page}");
        assert!(location(&res).starts_with("/connexion?next="), "{page}");
    }
    // Nothing was written by the refused calls.
    let journal = app::entities::journal::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        journal
            .iter()
            .all(|j| j.actor_id.is_some_and(|a| a != officer_id))
    );
}

#[test]
fn the_table_lists_every_staff_function() {
    let listed: Vec<&str> = STAFF_FUNCTIONS
        .iter()
        .chain(ADMIN_FUNCTIONS)
        .map(|(p, _)| *p)
        .collect();
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        if path.starts_with("/api/gestion") || path.starts_with("/api/admin") {
            assert!(
                listed.contains(&path),
                "{path} is a staff function missing from STAFF_FUNCTIONS"
            );
        }
    }
}

/// A staff form posted without script: on success the browser goes to the new record and the
/// page says so once; a refused form comes back with the message next to the field and every
/// typed value.
#[tokio::test]
async fn staff_forms_work_without_javascript() {
    let app = test_app().await;
    app.user("gestion@test.demo", Role::Staff).await;
    let staff = app.login("gestion@test.demo", None).await;
    let form = "title=Gouvernance%20d%27entreprise&description=&theme=Direction&provider=IFA&format=hybride&duration_hours=14&default_capacity=12&fixed_cost=4%20800&seat_cost=";
    let req = post("/api/gestion/formation/enregistrer")
        .header(header::ACCEPT, "text/html")
        .header(
            header::REFERER,
            "http://cassiopee.test/gestion/formations/nouvelle",
        )
        .header(header::COOKIE, &staff)
        .body(Body::from(form))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let target = location(&res);
    assert!(target.starts_with("/gestion/formations/"), "{target}");
    let html = body_text(app.send(get(&target, Some(&staff))).await).await;
    assert!(html.contains("Formation créée."), "the message is shown");
    assert!(
        html.contains("Gouvernance d&#x27;entreprise") || html.contains("Gouvernance d'entreprise")
    );
    let again = body_text(app.send(get(&target, Some(&staff))).await).await;
    assert!(!again.contains("Formation créée."), "and only once");

    // Same title again, and a bad capacity: refused, values kept.
    let bad = form.replace("default_capacity=12", "default_capacity=douze");
    let req = post("/api/gestion/formation/enregistrer")
        .header(header::ACCEPT, "text/html")
        .header(
            header::REFERER,
            "http://cassiopee.test/gestion/formations/nouvelle",
        )
        .header(header::COOKIE, &staff)
        .body(Body::from(bad))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = location(&res).replace("http://cassiopee.test", "");
    assert!(back.starts_with("/gestion/formations/nouvelle?"), "{back}");
    let html = body_text(app.send(get(&back, Some(&staff))).await).await;
    assert!(
        html.contains("Saisissez un nombre entier entre 1 et 500."),
        "field message"
    );
    assert!(
        html.contains("Une formation porte déjà ce titre."),
        "title message"
    );
    assert!(html.contains(r#"value="douze""#), "typed value kept");
    assert!(html.contains("fr-input-group--error"));
}

/// « Remplir la session » through the app: staff invite with a plain form, the link opens the
/// session for its officer (« S'inscrire » there accepts), nobody else can use it, and the
/// officer may decline without script.
#[tokio::test]
async fn an_invitation_link_opens_the_session_for_its_officer_only() {
    let app = test_app().await;
    let invited = app.user("invite@test.demo", Role::Officer).await;
    app.user("autre@test.demo", Role::Officer).await;
    app.user("gestion@test.demo", Role::Staff).await;
    let s = open_session(&app.db).await;
    let staff = app.login("gestion@test.demo", None).await;
    let html = body_text(
        app.send(get(&format!("/gestion/sessions/{s}/remplir"), Some(&staff)))
            .await,
    )
    .await;
    assert!(html.contains("Remplir la session") && html.contains("1 place libre."));

    let req = post("/api/gestion/session/inviter")
        .header(header::ACCEPT, "text/html")
        .header(
            header::REFERER,
            format!("http://cassiopee.test/gestion/sessions/{s}/remplir"),
        )
        .header(header::COOKIE, &staff)
        .body(Body::from(format!("session_id={s}&choix[{invited}]=on")))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), format!("/gestion/sessions/{s}#invitations"));
    let html = body_text(
        app.send(get(&format!("/gestion/sessions/{s}"), Some(&staff)))
            .await,
    )
    .await;
    assert!(
        html.contains("1 officier invité (Général Test)"),
        "message once"
    );
    let token = app::entities::invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .token;
    assert!(
        html.contains(&format!("/invitations/{token}")),
        "staff see the link"
    );

    let link = format!("/invitations/{token}");
    let officer = app.login("invite@test.demo", None).await;
    let res = app.send(get(&link, Some(&officer))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains("Invitation de la MiRVOG"), "{html}");
    assert!(html.contains("S&#x27;inscrire") || html.contains("S'inscrire"));
    assert!(html.contains("Décliner l"), "{html}");

    let other = app.login("autre@test.demo", None).await;
    let res = app.send(get(&link, Some(&other))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not theirs");
    assert_eq!(
        app.send(get(&link, Some(&staff))).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = app.send(get(&link, None)).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "anonymous: to the login page"
    );

    // Declined without script: back to the session, said once, the invitation gone.
    let req = post("/api/invitation/decliner")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, format!("http://cassiopee.test{link}"))
        .header(header::COOKIE, &officer)
        .body(Body::from(format!("session_id={s}")))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), format!("/sessions/{s}"));
    let html = body_text(
        app.send(get(&format!("/sessions/{s}"), Some(&officer)))
            .await,
    )
    .await;
    assert!(html.contains("Vous avez décliné l"));
    assert!(!html.contains("Invitation de la MiRVOG"));
}

/// The private calendar feed answers calendar apps without a session, until revoked.
#[tokio::test]
async fn the_calendar_feed_needs_its_secret_address_only() {
    let app = test_app().await;
    let id = app.user("agenda@test.demo", Role::Officer).await;
    let s = open_session(&app.db).await;
    app::enrolment::service::enrol(&app.db, id, s, chrono::Utc::now())
        .await
        .unwrap();
    let url = app::notification::calendar::new_feed(&app.db, id, chrono::Utc::now())
        .await
        .unwrap();
    let path = &url[url.find("/calendrier/").unwrap()..];
    let res = app.send(get(path, None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    let body = body_text(res).await;
    assert!(
        body.contains("BEGIN:VEVENT") && body.contains("TZID=Europe/Paris"),
        "{body}"
    );

    app::notification::calendar::revoke_feed(&app.db, id)
        .await
        .unwrap();
    assert_eq!(
        app.send(get(path, None)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.send(get("/calendrier/inconnu.ics", None))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
