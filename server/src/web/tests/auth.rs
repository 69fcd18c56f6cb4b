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
