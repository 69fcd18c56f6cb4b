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

/// A release build's site: the bundle under hashed names, the DSFR under its version, the page
/// script; in a directory of its own, removed with the value.
struct Site(std::path::PathBuf);

impl Site {
    fn new(name: &str) -> Site {
        let root = std::env::temp_dir().join(format!("cassiopee-{name}-{}", std::process::id()));
        let dsfr = root.join(app::assets::DSFR.trim_start_matches('/'));
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::create_dir_all(dsfr.join("fonts")).unwrap();
        std::fs::write(dsfr.join("fonts/Marianne-Regular.woff2"), [7u8; 3000]).unwrap();
        let wasm: Vec<u8> = (0..40_000u32).flat_map(|n| (n % 7).to_le_bytes()).collect();
        std::fs::write(root.join("pkg/cassiopee.Xy12.wasm"), wasm).unwrap();
        std::fs::write(
            root.join("pkg/cassiopee.Xy12.js"),
            "export default 1;\n".repeat(200),
        )
        .unwrap();
        std::fs::write(
            dsfr.join("dsfr.min.css"),
            ".fr-btn{color:#000091}\n".repeat(500),
        )
        .unwrap();
        std::fs::write(root.join("hors-ligne.js"), "\"use strict\";\n".repeat(100)).unwrap();
        Site(root)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The bundle (hashed names) and the DSFR (under its version) are kept a year and sent
/// compressed; the page script, revalidated; pages, never kept.
#[tokio::test]
async fn site_files_are_kept_as_long_as_their_names_allow_and_sent_compressed() {
    let site = Site::new("cache");
    let app = test_app_serving(&site.0).await;
    let fetch = |path: String| {
        HttpRequest::get(path)
            .header(header::HOST, "cassiopee.test")
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .body(Body::empty())
            .unwrap()
    };
    let dsfr = format!("{}/dsfr.min.css", app::assets::DSFR);
    for (path, lifetime) in [
        (
            "/pkg/cassiopee.Xy12.wasm".to_owned(),
            "public, max-age=31536000, immutable",
        ),
        (
            "/pkg/cassiopee.Xy12.js".to_owned(),
            "public, max-age=31536000, immutable",
        ),
        (dsfr, "public, max-age=31536000, immutable"),
        ("/hors-ligne.js".to_owned(), "no-cache"),
        ("/connexion".to_owned(), "private, no-store"),
    ] {
        let res = app.send(fetch(path.clone())).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], lifetime, "{path}");
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br", "{path}");
    }
    // A file that is not there is not kept a year.
    let res = app.send(fetch("/pkg/cassiopee.Old1.wasm".to_owned())).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
}

/// `/sw.js` is this build's worker: its version and the files it keeps at installation, never
/// kept itself without asking; the pages of a logged-in user name the account they are for.
#[tokio::test]
async fn the_service_worker_knows_the_build_and_pages_name_their_account() {
    let site = Site::new("worker");
    let app = test_app_serving(&site.0).await;
    let res = app.send(get("/sw.js", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let worker = body_text(res).await;
    assert!(!worker.contains("__CASSIOPEE"), "every blank filled");
    let font = format!("{}/fonts/Marianne-Regular.woff2", app::assets::DSFR);
    assert!(
        worker.contains(&format!(
            r#"const PRECACHE = ["/pkg/cassiopee.Xy12.js","/pkg/cassiopee.Xy12.wasm","{font}","/hors-ligne.js"];"#
        )),
        "{worker}"
    );
    let version = |js: &str| {
        js.lines()
            .find(|l| l.starts_with("const VERSION"))
            .unwrap()
            .to_owned()
    };
    // A new build: the worker's bytes change, so browsers install it.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(site.0.join("pkg/cassiopee.Xy12.js"), "export default 2;").unwrap();
    let again = body_text(app.send(get("/sw.js", None)).await).await;
    assert_ne!(version(&again), version(&worker));

    let id = app.user("officier@test.demo", Role::Officer).await;
    let cookie = app.login("officier@test.demo", None).await;
    let res = app.send(get("/mes-formations", Some(&cookie))).await;
    assert_eq!(
        res.headers()["x-cassiopee-compte"],
        format!("u{id}").as_str()
    );
    let res = app.send(get("/connexion", None)).await;
    assert_eq!(res.headers()["x-cassiopee-compte"], "-", "nobody's page");
    let res = app.send(get("/gestion", Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.headers()["x-cassiopee-compte"],
        format!("u{id}").as_str()
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

/// Requests beyond the server's [`crate::web::IN_FLIGHT`] wait their turn instead of all
/// working at once, and none is refused: 3 turns, 12 requests of 50 ms sent together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_beyond_the_turns_wait_and_none_is_refused() {
    use axum::{Router, middleware, routing::get};
    use std::sync::atomic::AtomicUsize;
    use tower::ServiceExt;
    let (busy, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let handler = {
        let (busy, most) = (busy.clone(), most.clone());
        move || async move {
            let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            busy.fetch_sub(1, Ordering::SeqCst);
            "fait"
        }
    };
    let app = Router::new()
        .route("/", get(handler))
        .layer(middleware::from_fn_with_state(
            Arc::new(tokio::sync::Semaphore::new(3)),
            crate::web::take_a_turn,
        ));
    let requests: Vec<_> = (0..12)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let req = HttpRequest::get("/").body(Body::empty()).unwrap();
                app.oneshot(req).await.unwrap().status()
            })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(most.load(Ordering::SeqCst), 3, "three at once, never more");
}

/// The operator's probes: `/healthz` answers while the process is up; `/readyz` while the
/// database answers with every migration applied, else 503 with the French reason. Neither
/// starts a web session nor is kept by a cache.
#[tokio::test]
async fn the_probes_say_whether_the_instance_is_up_and_ready() {
    use sea_orm::ConnectionTrait;
    let app = test_app().await;
    for (path, body) in [("/healthz", "ok\n"), ("/readyz", "prêt\n")] {
        let res = app.send(get(path, None)).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.headers().get(header::SET_COOKIE).is_none(), "{path}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store", "{path}");
        assert_eq!(body_text(res).await, body, "{path}");
    }
    // The last migration undone in the record: this instance is not ready.
    app.db
        .execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = 'm20261130_000007_catalogue_index'",
        )
        .await
        .unwrap();
    let res = app.send(get("/readyz", None)).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body_text(res).await,
        "migrations du schéma non appliquées : m20261130_000007_catalogue_index\n"
    );
    assert_eq!(
        app.send(get("/healthz", None)).await.status(),
        StatusCode::OK
    );
}

/// The nonce a Content-Security-Policy allows scripts with.
fn csp_nonce(res: &axum::response::Response) -> String {
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    let start = csp.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_a_page_the_nonce_of_its_scripts() {
    let app = test_app().await;
    app.user("officier@mirvog.test", Role::Officer).await;
    let cookie = app.login("officier@mirvog.test", None).await;
    for path in ["/connexion", "/mes-formations", "/page-inexistante"] {
        let cookie = (path != "/connexion").then_some(cookie.as_str());
        let res = app.send(get(path, cookie)).await;
        let nonce = csp_nonce(&res);
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        for directive in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "'wasm-unsafe-eval'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
        assert!(
            !csp.contains("'unsafe-inline' 'unsafe-eval'")
                && !csp.contains("script-src 'self' 'unsafe-inline'")
        );
        assert_eq!(res.headers()["x-frame-options"], "DENY");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        // Not behind HTTPS here: no HSTS.
        assert!(!res.headers().contains_key("strict-transport-security"));
        let html = body_text(res).await;
        // Every inline script of the page carries the nonce of its answer's policy.
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(
            !scripts.is_empty(),
            "{path}: the page has its hydration scripts"
        );
        for script in scripts {
            let tag = &script[..script.find('>').unwrap()];
            if !tag.contains("src=") {
                assert!(
                    tag.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: <script{tag}>"
                );
            }
        }
    }
    // A new nonce for every answer.
    let a = csp_nonce(&app.send(get("/connexion", None)).await);
    let b = csp_nonce(&app.send(get("/connexion", None)).await);
    assert_ne!(a, b);
    assert!(a.len() >= 22, "128 bits: {a}");
    // Site files and server functions carry the policy too.
    let res = app.send(get("/healthz", None)).await;
    assert!(
        !res.headers().contains_key("content-security-policy"),
        "probes are plain text"
    );
    let res = app.send(get("/sw.js", None)).await;
    assert!(res.headers().contains_key("content-security-policy"));
}

#[tokio::test]
async fn behind_https_browsers_are_told_to_keep_to_it() {
    let app = test_app_over_https().await;
    let res = app.send(get("/connexion", None)).await;
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}
