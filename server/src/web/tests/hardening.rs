//! HTTP hardening: cross-origin writes refused, personal pages not cached.

use super::helpers::*;
use app::model::Role;
use axum::body::Body;
use axum::http::{StatusCode, header};
use http::Request as HttpRequest;

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
