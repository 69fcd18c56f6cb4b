//! Product §3.8 role checks: staff pages and drafts, and the table of every staff and admin
//! server function, refused to officers and anonymous users.

use super::helpers::*;
use app::model::Role;
use axum::body::Body;
use axum::http::{StatusCode, header};
use http::Request as HttpRequest;
use sea_orm::EntityTrait;

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

/// Every staff and admin server function, with a body it accepts. A new staff function must be
/// added here: `the_table_lists_every_staff_function` fails otherwise.
const STAFF_FUNCTIONS: &[(&str, &str)] = &[
    ("/api/tableau-de-bord", ""),
    ("/api/statistiques", "filters[periode]=12-mois"),
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
    "/gestion/statistiques",
    "/gestion/statistiques?periode=annee&annee=2026",
    "/gestion/statistiques/export.csv",
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

    app.user("admin@test.demo", Role::Admin).await;
    let admin = app.login("admin@test.demo", None).await;
    // Refused calls first: they write nothing anywhere.
    let before = written(&app.db).await;
    for (path, body) in STAFF_FUNCTIONS {
        let res = app.send(staff_call(path, body, Some(&officer))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "officer on {path}");
        let res = app.send(staff_call(path, body, None)).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "anonymous on {path}"
        );
    }
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
    }
    assert_eq!(
        written(&app.db).await,
        before,
        "a refused call wrote something"
    );
    // The bodies are ones the functions read: staff and admins get past the role check, to
    // an answer that is theirs (done, or refused for a reason of the data), never a failure.
    for (path, body) in STAFF_FUNCTIONS {
        let res = app.send(staff_call(path, body, Some(&staff))).await;
        let status = res.status();
        assert!(
            ![StatusCode::FORBIDDEN, StatusCode::UNAUTHORIZED].contains(&status)
                && !status.is_server_error(),
            "staff on {path}: {status} {}",
            body_text(res).await
        );
    }
    for (path, body) in ADMIN_FUNCTIONS {
        let res = app.send(form_request(path, body, Some(&admin))).await;
        let status = res.status();
        assert!(
            ![StatusCode::FORBIDDEN, StatusCode::UNAUTHORIZED].contains(&status)
                && !status.is_server_error(),
            "admin on {path}: {status} {}",
            body_text(res).await
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

/// The server functions of every user (officers' own data, the current user, login), which
/// check for themselves who may call them: every function is in one of the three tables.
const USER_FUNCTIONS: &[&str] = &[
    "/api/avis",
    "/api/catalogue",
    "/api/connexion",
    "/api/deconnexion",
    "/api/invitation",
    "/api/invitation/decliner",
    "/api/mes-formations",
    // « Mot de passe oublié ? »: for anybody, the link being the key.
    "/api/mot-de-passe-oublie",
    "/api/mot-de-passe/lien",
    "/api/mot-de-passe/nouveau",
    "/api/message",
    "/api/moi",
    "/api/mon-programme",
    "/api/notification/ouvrir",
    "/api/notifications",
    "/api/notifications/tout-lu",
    "/api/place",
    "/api/profil/agenda",
    "/api/profil/agenda/modifier",
    "/api/profil/desabonner",
    "/api/profil/preferences",
    "/api/profil/preferences/enregistrer",
    "/api/session",
];

#[test]
fn the_tables_list_every_server_function() {
    let listed: Vec<&str> = STAFF_FUNCTIONS
        .iter()
        .chain(ADMIN_FUNCTIONS)
        .map(|(p, _)| *p)
        .chain(USER_FUNCTIONS.iter().copied())
        .collect();
    let real: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    for path in &real {
        assert!(
            listed.contains(path),
            "{path} is in no table: add it to STAFF_FUNCTIONS, ADMIN_FUNCTIONS or USER_FUNCTIONS"
        );
    }
    for path in &listed {
        assert!(
            real.contains(path),
            "{path} is listed but is no server function"
        );
    }
}

/// How many rows the tables that refused calls could write hold.
async fn written(db: &sea_orm::DatabaseConnection) -> [u64; 6] {
    use app::entities::{email_outbox, enrolment, invitation, journal, session, user};
    use sea_orm::PaginatorTrait;
    [
        enrolment::Entity::find().count(db).await.unwrap(),
        invitation::Entity::find().count(db).await.unwrap(),
        email_outbox::Entity::find().count(db).await.unwrap(),
        user::Entity::find().count(db).await.unwrap(),
        session::Entity::find().count(db).await.unwrap(),
        journal::Entity::find().count(db).await.unwrap(),
    ]
}
