//! Hostile input, everywhere (issue 13, point 4): a property-based test (proptest) posts
//! generated forms to every server function and generated query strings to every page, as
//! nobody, an officer, staff and an admin, on the demo data. The fields are those the server
//! functions read (and their `input[…]` / `filters[…]` forms), plus unknown ones; the values
//! are malformed, oversized, wrong-typed, missing, invalid UTF-8, HTML and script, SQL
//! meta-characters, reversed and absurd dates and numbers.
//!
//! Every answer must be below 500; a refusal must say why in French (never a parser's English);
//! an HTML answer never shows a submitted script unescaped; and the database must keep every
//! rule of product §3 afterwards (nothing stored half-way). It prints how many inputs it tried.

use super::helpers::*;
use app::model::Role;
use axum::body::Body;
use axum::http::header;
use http::Request as HttpRequest;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fields the server functions and their forms read.
const FIELDS: &[&str] = &[
    "action",
    "active",
    "archived",
    "armee",
    "cancellation_deadline",
    "capacity",
    "career_goal",
    "choix",
    "comment",
    "cost",
    "data",
    "default_capacity",
    "departure_date",
    "description",
    "direction",
    "display_name",
    "duration_hours",
    "email",
    "end_date",
    "end_time",
    "ends_on",
    "enrolment_deadline",
    "enrolment_id",
    "fixed_cost",
    "format",
    "grade",
    "id",
    "inactive",
    "item_id",
    "kind",
    "location",
    "min_participants",
    "month",
    "next",
    "officer_id",
    "overall",
    "password",
    "phone",
    "presence",
    "priority",
    "provider",
    "role",
    "search",
    "seat_cost",
    "session_id",
    "start_date",
    "start_time",
    "starts_on",
    "theme",
    "title",
    "token",
    "trainer",
    "training",
    "training_id",
    "usefulness",
    "visio_url",
    "page",
    "periode",
    "mois",
    "trimestre",
    "annee",
    "du",
    "au",
    "formation",
    "tri",
    "ordre",
    "status",
    "period",
    "officers",
    "officer_ids",
    "inconnu",
];

/// The pages whose query strings are read (filters, search, paging).
const PAGES: &[&str] = &[
    "/formations",
    "/mes-formations",
    "/mon-programme",
    "/notifications",
    "/gestion",
    "/gestion/sessions",
    "/gestion/calendrier",
    "/gestion/officiers",
    "/gestion/statistiques",
    "/gestion/formations",
    "/admin/utilisateurs",
    "/connexion",
];

const SCRIPT: &str = "<script>alert('cassiopée')</script>";

fn field() -> impl Strategy<Value = String> {
    let name = prop::sample::select(FIELDS).prop_map(str::to_owned);
    prop_oneof![
        4 => name.clone(),
        1 => name.clone().prop_map(|n| format!("input[{n}]")),
        1 => name.prop_map(|n| format!("filters[{n}]")),
        1 => "[a-z\\[\\]]{1,12}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(SCRIPT.to_owned()),
        Just("\"><img src=x onerror=alert(1)>".to_owned()),
        Just("'; DROP TABLE users; --".to_owned()),
        Just("1 OR 1=1".to_owned()),
        Just("%' OR '1'='1".to_owned()),
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("1".to_owned()),
        Just("2".to_owned()),
        Just("2147483648".to_owned()),
        Just("-9223372036854775809".to_owned()),
        Just("1e309".to_owned()),
        Just("NaN".to_owned()),
        Just("12,5".to_owned()),
        Just("2027-02-30".to_owned()),
        Just("0000-00-00".to_owned()),
        Just("9999-12-31".to_owned()),
        Just("-262143-01-01".to_owned()),
        Just("2031-13".to_owned()),
        Just("25:61".to_owned()),
        Just("2027-06-10".to_owned()),
        Just("09:00".to_owned()),
        Just("true".to_owned()),
        Just("Enrol".to_owned()),
        Just("admin".to_owned()),
        Just("officier@mirvog.demo".to_owned()),
        Just(String::new()),
        Just(" \t ".to_owned()),
        Just("\u{0}\u{202e}\u{feff}".to_owned()),
        "\\PC{0,40}",
        "[a-zé ]{2000,6000}",
    ]
}

/// A form body: fields (repeated or not), URL-encoded, with now and then bytes that are not
/// UTF-8 or a broken escape.
fn form() -> impl Strategy<Value = String> {
    let pair = (field(), value(), 0u8..10).prop_map(|(k, v, spoil)| {
        let mut out = url::form_urlencoded::Serializer::new(String::new())
            .append_pair(&k, &v)
            .finish();
        match spoil {
            0 => out.push_str("%FF%FE"),
            1 => out.push_str("%E9%"),
            2 => out = k.clone(),
            _ => {}
        }
        out
    });
    prop::collection::vec(pair, 0..8).prop_map(|pairs| pairs.join("&"))
}

/// What a refusal must not look like: a parser or a framework speaking English.
fn leaks_english(body: &str) -> bool {
    [
        "missing field",
        "invalid type",
        "invalid value",
        "unknown variant",
        "expected ",
        "Error:",
        "error:",
        "panicked",
        "Deserialization",
    ]
    .iter()
    .any(|s| body.contains(s))
}

#[test]
fn hostile_input_gets_a_french_4xx_or_an_answer_and_stores_nothing_half_way() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (app, cookies) = runtime.block_on(async {
        let app = test_app().await;
        crate::seed::seed_demo(&app.db).await.unwrap();
        app.user("hostile-officer@mirvog.test", Role::Officer).await;
        app.user("hostile-staff@mirvog.test", Role::Staff).await;
        app.user("hostile-admin@mirvog.test", Role::Admin).await;
        let mut cookies = vec![None];
        for who in ["officer", "staff", "admin"] {
            let email = format!("hostile-{who}@mirvog.test");
            cookies.push(Some(app.login(&email, None).await));
        }
        (app, cookies)
    });
    let server_fns: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        // Logging out would end the session the next cases use; the CSV upload has its own tests.
        .filter(|p| !p.ends_with("/deconnexion") && !p.contains("import/fichier"))
        .collect();
    let tried = AtomicUsize::new(0);
    // Answers by class: 2xx, 3xx, 4xx.
    let classes = [
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 1500,
        failure_persistence: None,
        ..Config::default()
    });
    let target = (
        any::<bool>(),
        any::<prop::sample::Index>(),
        0..cookies.len(),
        form(),
    );
    let outcome = runner.run(&target, |(to_a_page, which, who, form)| {
        let cookie = cookies[who].as_deref();
        let req = if to_a_page {
            let page = PAGES[which.index(PAGES.len())];
            let mut req = HttpRequest::get(format!("{page}?{form}"))
                .header(header::HOST, "cassiopee.test")
                .header(header::ACCEPT, "text/html");
            if let Some(c) = cookie {
                req = req.header(header::COOKIE, c);
            }
            req.body(Body::empty()).unwrap()
        } else {
            let path = server_fns[which.index(server_fns.len())];
            // Half as the browser's fetch (JSON answers), half as a plain form (a redirect).
            let accept = if form.len() % 2 == 0 {
                "text/html"
            } else {
                "*/*"
            };
            let mut req = post(path)
                .header(header::ACCEPT, accept)
                .header(header::REFERER, "http://cassiopee.test/formations");
            if let Some(c) = cookie {
                req = req.header(header::COOKIE, c);
            }
            req.body(Body::from(form.clone())).unwrap()
        };
        let what = format!("{} {} « {form} »", req.method(), req.uri().path());
        let res = runtime.block_on(app.send(req));
        tried.fetch_add(1, Ordering::Relaxed);
        let status = res.status();
        let html = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let body = runtime.block_on(body_text(res));
        prop_assert!(!status.is_server_error(), "{what}: {status} {body}");
        if let Some(class) = classes.get(usize::from(status.as_u16() / 100).saturating_sub(2)) {
            class.fetch_add(1, Ordering::Relaxed);
        }
        if status.is_client_error() {
            prop_assert!(!body.trim().is_empty(), "{what}: {status} without a word");
            prop_assert!(!leaks_english(&body), "{what}: {status} {body}");
        }
        if html {
            prop_assert!(
                !body.contains(SCRIPT),
                "{what}: a script shown back unescaped"
            );
            prop_assert!(
                !body.contains("<img src=x onerror"),
                "{what}: HTML shown back"
            );
        }
        Ok(())
    });
    let tried = tried.load(Ordering::Relaxed);
    let [ok, moved, refused] = classes.map(|c| c.load(Ordering::Relaxed));
    println!(
        "hostile inputs tried: {tried} (server functions and pages, four kinds of visitor): \
         {ok} answered, {moved} redirected, {refused} refused with a 4xx"
    );
    // The suite's last line of figures (scripts/test.sh) counts them.
    if let Ok(dir) = std::env::var("CASSIOPEE_FIGURES") {
        let engine = if app::testing::on_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let line = format!("hostile inputs tried on {engine}: {tried}, 0 answered 5xx\n");
        let _ = std::fs::create_dir_all(&dir);
        let file = std::path::Path::new(&dir).join("hostile.txt");
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
    }
    if let Err(e) = outcome {
        panic!("after {tried} inputs: {e}");
    }
    let broken = runtime
        .block_on(crate::invariants::broken_rules(&app.db, chrono::Utc::now()))
        .unwrap();
    assert!(broken.is_empty(), "{broken:#?}");
}
