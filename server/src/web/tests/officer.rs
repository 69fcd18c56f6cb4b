//! The officer's actions through the app: enrolment by server function and by plain form,
//! places that are theirs only, and the private calendar feed.

use super::helpers::*;
use app::model::Role;
use axum::body::Body;
use axum::http::{StatusCode, header};

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

/// The private calendar feed answers calendar apps without a session, until revoked.
#[tokio::test]
async fn the_calendar_feed_needs_its_secret_address_only() {
    let app = test_app().await;
    let id = app.user("agenda@test.demo", Role::Officer).await;
    let s = open_session(&app.db).await;
    app::enrolment::actions::enrol(&app.db, id, s, chrono::Utc::now())
        .await
        .unwrap();
    let url = app::notification::calendar::new_feed(
        &app.db,
        id,
        "http://cassiopee.test",
        chrono::Utc::now(),
    )
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

/// An action applies to the state the officer saw: « Quitter la liste d'attente » posted from
/// a page shown before a promotion must not give up the seat the officer has since received.
#[tokio::test]
async fn leaving_the_waitlist_after_a_promotion_keeps_the_seat() {
    let app = test_app().await;
    app.user("assise@test.demo", Role::Officer).await;
    let waiting = app.user("attente@test.demo", Role::Officer).await;
    let s = open_session(&app.db).await; // one seat
    let seated = app.login("assise@test.demo", None).await;
    let late = app.login("attente@test.demo", None).await;
    let act = |action: &str, cookie: &str| {
        form_request(
            "/api/place",
            &format!("session_id={s}&action={action}"),
            Some(cookie),
        )
    };
    assert_eq!(
        app.send(act("Enrol", &seated)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.send(act("JoinWaitlist", &late)).await.status(),
        StatusCode::OK
    );
    // The seat frees: the waiting officer is promoted…
    assert_eq!(
        app.send(act("Withdraw", &seated)).await.status(),
        StatusCode::OK
    );
    // … and then posts « Quitter la liste d'attente » from the page they still had open.
    let res = app.send(act("LeaveWaitlist", &late)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = body_text(res).await;
    assert!(
        text.contains("vous êtes maintenant inscrit"),
        "the refusal shows the new state: {text}"
    );
    assert_eq!(
        app::testing::status_of(&app.db, s, waiting).await,
        app::model::EnrolmentStatus::Inscrit
    );
    // Withdrawing from a seat one does not hold is refused the same way.
    let res = app.send(act("Withdraw", &seated)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
