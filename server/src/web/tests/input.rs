//! Hostile or broken requests get a 4xx with a French message, never a 5xx or a dropped
//! connection: every server function with a wrong content type, an empty body and garbage;
//! the CSV upload without a multipart form or with too much data; bulk actions with too many
//! officers.

use super::helpers::*;
use app::model::Role;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use futures::StreamExt;
use http::Request as HttpRequest;
use sea_orm::{EntityTrait, PaginatorTrait};

const UPLOAD: &str = "/api/gestion/officiers/import/fichier";

fn raw(path: &str, content_type: &str, body: Body, cookie: Option<&str>) -> HttpRequest<Body> {
    let mut req = HttpRequest::post(path)
        .header(header::HOST, "cassiopee.test")
        .header(header::ORIGIN, "http://cassiopee.test")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(body).unwrap()
}

#[tokio::test]
async fn every_server_function_answers_bad_input_with_a_4xx() {
    let app = test_app().await;
    app.user("admin@test.demo", Role::Admin).await;
    let admin = app.login("admin@test.demo", None).await;
    let bodies: [(&str, &str); 6] = [
        ("text/plain", "du texte, pas un formulaire"),
        ("application/x-www-form-urlencoded", ""),
        (
            "application/x-www-form-urlencoded",
            "%%%&&==&id=abc&session_id=-1",
        ),
        (
            "application/x-www-form-urlencoded",
            "month=-262143-01&mois=-262143-01",
        ),
        ("application/json", "{\"id\": "),
        ("multipart/form-data", "--x\r\n--x--"),
    ];
    let mut tried = 0;
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        for cookie in [None, Some(admin.as_str())] {
            for (content_type, body) in bodies {
                let res = app
                    .send(raw(path, content_type, Body::from(body), cookie))
                    .await;
                tried += 1;
                assert!(
                    !res.status().is_server_error(),
                    "{path} with {content_type} « {body} »: {}",
                    res.status()
                );
            }
        }
    }
    assert!(tried > 300, "{tried} requests");
}

#[tokio::test]
async fn the_csv_upload_refuses_what_is_not_a_multipart_form() {
    let app = test_app().await;
    app.user("gestion@test.demo", Role::Staff).await;
    let staff = app.login("gestion@test.demo", None).await;
    for (cookie, content_type) in [None, Some(staff.as_str())].into_iter().flat_map(|c| {
        [
            "text/plain",
            "multipart/form-data",
            "multipart/form-data; xboundary=1",
            "multipart/form-data-x; boundary=1",
            "multipart/mixed; boundary=1",
        ]
        .map(|t| (c, t))
    }) {
        let res = app
            .send(raw(UPLOAD, content_type, Body::from("Nom;Adresse"), cookie))
            .await;
        assert_eq!(
            res.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
        assert!(
            body_text(res)
                .await
                .contains("formulaire d'envoi de fichier"),
            "a French message"
        );
    }
}

/// A multipart upload whose file never ends: it must be cut at the limit, not read whole.
#[tokio::test]
async fn an_endless_upload_is_cut_at_two_megabytes() {
    let app = test_app().await;
    app.user("gestion@test.demo", Role::Staff).await;
    let staff = app.login("gestion@test.demo", None).await;
    let head = Bytes::from(
        "--b\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"o.csv\"\r\nContent-Type: text/csv\r\n\r\nNom;Adresse\r\n",
    );
    let line = Bytes::from("Jean Martin;jean.martin@exemple.fr;Général;Terre\r\n".repeat(1000));
    let chunks = futures::stream::once(async move { Ok::<_, std::io::Error>(head) })
        .chain(futures::stream::repeat_with(move || Ok(line.clone())));
    let res = app
        .send(raw(
            UPLOAD,
            "multipart/form-data; boundary=b",
            Body::from_stream(chunks),
            Some(&staff),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let text = body_text(res).await;
    assert!(text.contains("Ce fichier dépasse 2 Mo"), "{text}");
}

#[tokio::test]
async fn bulk_enrolment_and_invitations_take_at_most_200_officers() {
    let app = test_app().await;
    app.user("gestion@test.demo", Role::Staff).await;
    let staff = app.login("gestion@test.demo", None).await;
    let s = open_session(&app.db).await;
    let many: String = (1..=201).map(|i| format!("&choix[{i}]=on")).collect();
    for path in [
        "/api/gestion/session/inscrire",
        "/api/gestion/session/inviter",
    ] {
        let res = app
            .send(form_request(
                path,
                &format!("session_id={s}{many}"),
                Some(&staff),
            ))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let text = body_text(res).await;
        assert!(
            text.contains("200 officiers au plus à la fois"),
            "{path}: {text}"
        );
    }
    let places = app::entities::enrolment::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(places, 0, "nothing written");
}
