//! The staff workspace without script: forms that come back with their messages, and
//! « Remplir la session » invitations.

use super::helpers::*;
use app::model::Role;
use axum::body::Body;
use axum::http::{StatusCode, header};
use sea_orm::EntityTrait;

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
        "message once: {html}"
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
    assert!(html.contains("Vous avez décliné l"), "{html}");
    assert!(!html.contains("Invitation de la MiRVOG"));
}

/// The statistics through the real app: the page for staff, the CSV as French Excel opens it
/// (its name says the period), bad filters refused in French next to their field or as a 400.
#[tokio::test]
async fn statistics_page_and_export() {
    let app = test_app().await;
    app.user("gestion@test.demo", Role::Staff).await;
    let staff = app.login("gestion@test.demo", None).await;
    let t = app::testing::training(&app.db, "Gouvernance").await;
    let start = chrono::Utc::now() - chrono::Duration::days(20);
    app::testing::session_at(&app.db, t.id, start, 7, 5).await;

    let html = body_text(app.send(get("/gestion/statistiques", Some(&staff))).await).await;
    assert!(html.contains("Les 12 derniers mois"), "default period");
    assert!(html.contains("Taux de remplissage par mois"));
    assert!(html.contains("<svg"), "the charts are drawn on the server");
    assert!(html.contains("Exporter (CSV)"));

    let res = app
        .send(get(
            "/gestion/statistiques/export.csv?periode=annee&annee=2026&tri=remplissage&ordre=asc",
            Some(&staff),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        res.headers()[header::CONTENT_DISPOSITION],
        "attachment; filename=\"cassiopee-statistiques-du-2026-01-01-au-2026-12-31.csv\""
    );
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(
        text.starts_with("\u{feff}Formation;Thème;Sessions tenues;"),
        "{text}"
    );

    let bad = "/gestion/statistiques?periode=dates&du=%22%3E%3Cscript%3Ealert(1)%3C/script%3E\
               &au=1999-01-01&formation=%3Cscript%3E";
    let res = app.send(get(bad, Some(&staff))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(
        html.contains("Saisissez une date"),
        "the date is refused next to it"
    );
    assert!(
        html.contains("Cette formation n&#x27;existe pas")
            || html.contains("Cette formation n'existe pas")
    );
    // What was typed comes back in its field, unable to leave the attribute.
    assert!(
        html.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)"),
        "the typed date is kept, escaped"
    );
    assert!(!html.contains("\"><script>alert(1)"), "{html}");

    let res = app
        .send(get(
            "/gestion/statistiques/export.csv?periode=dates&du=1950-01-01&au=2026-01-01",
            Some(&staff),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        body_text(res)
            .await
            .starts_with("Export impossible avec ces filtres")
    );
}
