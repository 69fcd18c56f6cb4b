//! HTTP hardening: cross-origin writes refused, personal pages not cached.

use super::helpers::*;
use app::model::Role;
use axum::body::Body;
use axum::http::{StatusCode, header};
use http::Request as HttpRequest;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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

/// Building a router renders the app once with Leptos' resource loading suspended, by a flag
/// that holds for the whole process: a page whose data started loading at that moment waited
/// forever (the tests, which build a router each, stalled for 20 s now and then). Pages served
/// while other routers are built all answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answer_while_another_router_is_being_built() {
    let app = Arc::new(test_app().await);
    app.user("officier@test.demo", Role::Officer).await;
    let cookie = app.login("officier@test.demo", None).await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            let mut built = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(app.build_another_router());
                built += 1;
                tokio::task::yield_now().await;
            }
            built
        })
    };
    for n in 0..200 {
        let answer = tokio::time::timeout(
            Duration::from_secs(5),
            app.send(get("/mes-formations", Some(&cookie))),
        )
        .await;
        let res = answer.unwrap_or_else(|_| panic!("request {n} still unanswered after 5 s"));
        assert_eq!(res.status(), StatusCode::OK);
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.await.unwrap();
    assert!(built > 0, "routers were built meanwhile");
    println!("200 pages answered while {built} routers were built");
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

/// Pages and server function answers go out compressed to clients that accept it (brotli
/// first, else gzip), with `Vary: Accept-Encoding`; the others get them as they are.
#[tokio::test]
async fn answers_are_compressed_for_clients_that_accept_it() {
    let app = test_app().await;
    let page = |encoding: Option<&'static str>| {
        let mut req = HttpRequest::get("/connexion").header(header::HOST, "cassiopee.test");
        if let Some(e) = encoding {
            req = req.header(header::ACCEPT_ENCODING, e);
        }
        req.body(Body::empty()).unwrap()
    };
    let size = |res: axum::response::Response| async move {
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .len()
    };
    let plain = app.send(page(None)).await;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    let plain_size = size(plain).await;

    let brotli = app.send(page(Some("gzip, deflate, br"))).await;
    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
    assert!(
        brotli.headers()[header::VARY]
            .to_str()
            .unwrap()
            .contains("accept-encoding")
    );
    let brotli_size = size(brotli).await;
    assert!(
        brotli_size * 2 < plain_size,
        "{brotli_size} bytes compressed, {plain_size} plain"
    );

    let gzip = app.send(page(Some("gzip"))).await;
    assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");

    // A server function's answer too.
    let req = HttpRequest::post("/api/moi")
        .header(header::HOST, "cassiopee.test")
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), StatusCode::OK);
}
