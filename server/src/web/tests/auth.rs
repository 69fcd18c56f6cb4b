//! Logging in: anonymous visitors sent to the login page, a new session cookie at each login,
//! refused logins answered in French.

use super::helpers::*;
use app::model::Role;
use axum::body::Body;
use axum::http::{StatusCode, header};

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
async fn a_login_target_with_control_characters_lands_on_the_home_page() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    // A tab would send the browser to evil.example; a newline cannot go in a header at all.
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
    ] {
        let req = post("/api/connexion")
            .header(header::ACCEPT, "text/html")
            .body(Body::from(format!(
                "email=officier@test.demo&password={PASSWORD}&next={next}"
            )))
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{next}");
        assert_eq!(location(&res), "/formations", "{next}");
        assert!(session_cookie(&res).is_some(), "{next}: logged in");
    }
}

#[tokio::test]
async fn a_login_starts_from_empty_session_data() {
    let app = test_app().await;
    app.user("premier@test.demo", Role::Staff).await;
    app.user("second@test.demo", Role::Officer).await;
    // The first user leaves a pending message in the session (a staff action's outcome)…
    let first = app.login("premier@test.demo", None).await;
    mark_all_read(&app, &first).await;
    // … then someone else logs in on the same browser: nothing of it is shown to them.
    let second = app.login("second@test.demo", Some(&first)).await;
    let res = app.send(get("/formations", Some(&second))).await;
    let html = body_text(res).await;
    assert!(
        !html.contains("Aucune notification non lue."),
        "the previous user's message leaked"
    );
}

#[tokio::test]
async fn a_password_reset_or_a_deactivation_ends_that_users_sessions() {
    let app = test_app().await;
    let admin = app.user("admin@test.demo", Role::Admin).await;
    let staff = app.user("gestion@test.demo", Role::Staff).await;
    let officer = app.user("officier@test.demo", Role::Officer).await;
    let staff_cookie = app.login("gestion@test.demo", None).await;
    let officer_cookie = app.login("officier@test.demo", None).await;
    let now = chrono::Utc::now();
    app::admin::service::reset_password(
        &app.db,
        admin,
        staff,
        "un-nouveau-mot-de-passe".into(),
        now,
    )
    .await
    .unwrap();
    let res = app.send(get("/gestion", Some(&staff_cookie))).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "logged out by the reset"
    );
    app::officers::service::set_active(&app.db, admin, officer, false, now)
        .await
        .unwrap();
    app::officers::service::set_active(&app.db, admin, officer, true, now)
        .await
        .unwrap();
    let res = app
        .send(get("/mes-formations", Some(&officer_cookie)))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "logged out by the deactivation"
    );
}

/// Password checks are bounded (one at a time, a short queue): a flood of logins gets « Trop de
/// tentatives » (429) for what does not fit, never a 5xx, and the memory stays bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_logins_is_answered_429_in_french() {
    let app = std::sync::Arc::new(test_app_with(app::password::PasswordGate::new(1, 2)).await);
    app.user("officier@test.demo", Role::Officer).await;
    let tries: Vec<_> = (0..40)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let req = form_request(
                    "/api/connexion",
                    "email=officier@test.demo&password=pas-le-bon&next=",
                    None,
                );
                let res = app.send(req).await;
                let status = res.status();
                (status, body_text(res).await)
            })
        })
        .collect();
    let mut busy = 0;
    for t in tries {
        let (status, text) = t.await.unwrap();
        assert!(!status.is_server_error(), "{status}: {text}");
        if status == StatusCode::TOO_MANY_REQUESTS {
            // The typed error: the page shows its French message (the gate's, or, once the
            // account had its failures, the login limit's).
            let error: app::error::AppError = serde_json::from_str(&text).unwrap();
            assert!(
                matches!(
                    error,
                    app::error::AppError::TooBusy | app::error::AppError::TooManyAttempts(_)
                ),
                "{error:?}"
            );
            busy += 1;
        } else {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        }
    }
    assert!(busy > 0, "some attempts were turned away");
}

/// Reading a page writes nothing to the database when nothing changed: the session is kept
/// alive by a write at most every few minutes, not on every page (on SQLite each write waits
/// for the one writer: every officer's every page used to take its turn). A session in use
/// still lasts 12 hours from its last activity, and a pending message is still shown once.
#[tokio::test]
async fn reading_pages_writes_the_session_only_every_few_minutes() {
    use app::entities::web_session;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = test_app().await;
    app.user("lecteur@test.demo", Role::Officer).await;
    let cookie = app.login("lecteur@test.demo", None).await;
    let row = || async {
        let rows = web_session::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(rows.len(), 1);
        rows.into_iter().next().unwrap()
    };
    let after_login = row().await;
    for page in [
        "/mes-formations",
        "/formations",
        "/notifications",
        "/mes-formations",
    ] {
        let res = app.send(get(page, Some(&cookie))).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        assert_eq!(row().await, after_login, "{page} wrote the session");
    }

    // Ten minutes later (the session's last write moved back), the next page keeps it alive.
    // (Edited as text: the record's id is a 128-bit number that a JSON value would round.)
    let mut earlier: web_session::ActiveModel = after_login.clone().into();
    let (before, after) = after_login
        .data
        .split_once("\"vu\":")
        .expect("the login records when the session was last kept alive");
    let digits = after
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>();
    let seen: i64 = digits.parse().unwrap();
    earlier.data = Set(format!(
        "{before}\"vu\":{}{}",
        seen - 600,
        &after[digits.len()..]
    ));
    let moved_back = earlier.update(&app.db).await.unwrap();
    let res = app.send(get("/mes-formations", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let kept_alive = row().await;
    assert!(
        kept_alive.expires_at > moved_back.expires_at,
        "the session's idle expiry moved on"
    );
    let res = app.send(get("/formations", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(row().await, kept_alive, "kept alive once, not on each page");
}

/// The header's unread count is counted with the user when the request comes in: only this
/// user's notifications without a read date, and none once « Tout marquer comme lu » is done.
#[tokio::test]
async fn the_header_counts_the_viewers_unread_notifications() {
    use app::entities::notification;
    use app::model::NotificationKind;
    use sea_orm::{ActiveModelTrait, Set};
    let app = test_app().await;
    let me = app.user("lecteur@test.demo", Role::Officer).await;
    let other = app.user("autre@test.demo", Role::Officer).await;
    let now = chrono::Utc::now();
    for (user, read_at) in [(me, None), (me, None), (me, Some(now)), (other, None)] {
        notification::ActiveModel {
            user_id: Set(user),
            kind: Set(NotificationKind::Promotion),
            title: Set("Place obtenue".to_owned()),
            body: Set("Vous avez une place.".to_owned()),
            created_at: Set(now),
            read_at: Set(read_at),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let cookie = app.login("lecteur@test.demo", None).await;
    let html = body_text(app.send(get("/formations", Some(&cookie))).await).await;
    assert!(html.contains(">2 non lues<"), "two unread in the header");
    mark_all_read(&app, &cookie).await;
    let html = body_text(app.send(get("/formations", Some(&cookie))).await).await;
    assert!(!html.contains("non lue"), "none left unread");
}

/// « Tout marquer comme lu » posted by the form of `/notifications` (a redirect back to it).
async fn mark_all_read(app: &TestApp, cookie: &str) {
    let res = app
        .send(
            post("/api/notifications/tout-lu")
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, cookie)
                .header(header::REFERER, "http://cassiopee.test/notifications")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
}

fn attempt(email: &str, password: &str) -> http::Request<Body> {
    form_request(
        "/api/connexion",
        &format!("email={email}&password={password}&next="),
        None,
    )
}

/// Issue 13: failed logins are limited per account, counted in the database, with a French
/// message and `Retry-After`; meanwhile even the right password waits; an address that no
/// account has is answered exactly the same; another account is not touched.
#[tokio::test]
async fn failed_logins_are_limited_per_account_with_a_time_to_wait() {
    let app = test_app().await;
    app.user("officier@test.demo", Role::Officer).await;
    app.user("autre@test.demo", Role::Officer).await;
    for email in ["officier@test.demo", "personne@test.demo"] {
        for n in 0..app::auth::throttle::ACCOUNT_FAILURES {
            let res = app.send(attempt(email, "faux")).await;
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{email} {n}"
            );
        }
        let res = app.send(attempt(email, PASSWORD)).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "{email}");
        let retry: i64 = res.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((850..=900).contains(&retry), "{retry}");
        let error: app::error::AppError = serde_json::from_str(&body_text(res).await).unwrap();
        assert_eq!(
            error.to_string(),
            "Trop de tentatives de connexion : réessayez dans 15 minutes."
        );
    }
    app.login("autre@test.demo", None).await;
}

fn through(peer: &str, forwarded: &str, email: &str) -> http::Request<Body> {
    let mut req = attempt(email, "faux");
    req.headers_mut()
        .insert("x-forwarded-for", forwarded.parse().unwrap());
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo::<std::net::SocketAddr>(
            peer.parse().unwrap(),
        ));
    req
}

/// The limit per client address: behind the trusted proxy (10.0.0.1 in the tests' settings),
/// the address it forwarded; from anyone else, the connection's own address, whatever
/// `X-Forwarded-For` it writes.
#[tokio::test]
async fn failed_logins_are_limited_per_client_address() {
    let app = test_app().await;
    let limit = app::auth::throttle::ADDRESS_FAILURES;
    for n in 0..limit {
        let res = app
            .send(through(
                "10.0.0.1:4000",
                "198.51.100.7",
                &format!("essai{n}@test.demo"),
            ))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{n}");
    }
    let res = app
        .send(through("10.0.0.1:4000", "198.51.100.7", "encore@test.demo"))
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    // Another visitor behind the same proxy is not.
    let res = app
        .send(through("10.0.0.1:4000", "198.51.100.8", "encore@test.demo"))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A client that is not the proxy changes its X-Forwarded-For in vain.
    for n in 0..limit {
        let forged = format!("192.0.2.{n}");
        app.send(through(
            "203.0.113.9:5000",
            &forged,
            &format!("autre{n}@test.demo"),
        ))
        .await;
    }
    let res = app
        .send(through(
            "203.0.113.9:5000",
            "192.0.2.250",
            "dernier@test.demo",
        ))
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// No user enumeration: a wrong password for an account and any password for an address no
/// account has get the same status and message, and take the same time: each pays one
/// password check (the unknown address against a dummy hash). Measured on 24 of each,
/// interleaved, the medians must be within 25 % of each other.
#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_cannot_be_told_apart() {
    let app = test_app().await;
    const N: usize = 24;
    for n in 0..N {
        app.user(&format!("compte{n}@test.demo"), Role::Officer)
            .await;
    }
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    let mut answers = std::collections::HashSet::new();
    for n in 0..N {
        for (email, times) in [
            (format!("compte{n}@test.demo"), &mut known),
            (format!("inconnu{n}@test.demo"), &mut unknown),
        ] {
            let started = std::time::Instant::now();
            let res = app.send(attempt(&email, "pas-le-bon")).await;
            times.push(started.elapsed().as_secs_f64());
            let status = res.status();
            answers.insert((status, body_text(res).await));
        }
    }
    assert_eq!(answers.len(), 1, "one answer for both: {answers:?}");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (k, u) = (median(&mut known), median(&mut unknown));
    let ratio = k / u;
    assert!(
        (0.8..=1.25).contains(&ratio),
        "median {:.1} ms for a wrong password, {:.1} ms for an unknown address",
        k * 1000.0,
        u * 1000.0
    );
}
