//! Each event of product §5 leaves the right notification and outbox row, in the transaction of
//! its change; preferences, merging and the centre.

use crate::notification::service::*;
use crate::{
    enrolment::{
        actions::{enrol, withdraw},
        staff::{enrol_officers, remove_participant},
    },
    entities::{email_outbox, notification, session, user},
    error::AppError,
    model::{NotificationKind as Kind, OutboxStatus, Priority, Role},
    notification::PublicUrl,
    planning::{
        input::SessionInput,
        lifecycle::{cancel, create, publish, update},
    },
    testing::test_db,
    testing::{in_days, officer, programme, session_at, training, user_with_role},
};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

async fn notes(db: &DatabaseConnection, user_id: i32) -> Vec<notification::Model> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_asc(notification::Column::Id)
        .all(db)
        .await
        .unwrap()
}

async fn mails(db: &DatabaseConnection, to: &user::Model) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .filter(email_outbox::Column::Recipient.eq(to.email.clone()))
        .order_by_asc(email_outbox::Column::Id)
        .all(db)
        .await
        .unwrap()
}

/// The one notification of a user, checked against its kind and title; its mail is queued.
async fn only(
    db: &DatabaseConnection,
    to: &user::Model,
    kind: Kind,
    title: &str,
) -> notification::Model {
    let n = notes(db, to.id).await;
    assert_eq!(n.len(), 1, "{}: {n:?}", to.display_name);
    assert_eq!(n[0].kind, kind);
    assert_eq!(n[0].title, title);
    let m = mails(db, to).await;
    assert_eq!(m.len(), 1, "one mail for {}", to.display_name);
    assert_eq!(m[0].subject, format!("[Cassiopée] {title}"));
    assert_eq!(m[0].notification_id, Some(n[0].id));
    assert_eq!(m[0].status, OutboxStatus::EnAttente);
    n[0].clone()
}

async fn set_deadline_passed(db: &DatabaseConnection, s: &session::Model) {
    let mut row: session::ActiveModel = s.clone().into();
    row.cancellation_deadline = Set(Utc::now() - Duration::hours(1));
    row.update(db).await.unwrap();
}

#[tokio::test]
async fn an_officers_own_actions_and_their_consequences_are_notified() {
    let db = test_db().await;
    let staff_a = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let staff_b = user_with_role(&db, "Marc Admin", Role::Admin).await;
    let t = training(&db, "Lire un bilan").await;
    let s = session_at(&db, t.id, in_days(20), 7, 1).await;
    let seated = officer(&db, "Anne Première").await;
    let waiting = officer(&db, "Bruno Second").await;
    let now = Utc::now();

    enrol(&db, seated.id, s.id, now).await.unwrap();
    let n = only(
        &db,
        &seated,
        Kind::InscriptionConfirmee,
        "Inscription confirmée : Lire un bilan",
    )
    .await;
    assert_eq!(n.link.as_deref(), Some(&*format!("/sessions/{}", s.id)));
    assert!(
        n.body.contains("désinscrivez-vous : sans frais jusqu'au"),
        "{}",
        n.body
    );
    enrol(&db, waiting.id, s.id, now).await.unwrap();
    let n = only(
        &db,
        &waiting,
        Kind::ListeAttente,
        "Liste d'attente : Lire un bilan",
    )
    .await;
    assert!(n.body.contains("en position 1"));

    // A late withdrawal: the officer, the promoted one and every staff member are told.
    set_deadline_passed(&db, &s).await;
    withdraw(&db, seated.id, s.id, now).await.unwrap();
    let n = notes(&db, seated.id).await;
    assert_eq!(n.len(), 2);
    assert_eq!(n[1].kind, Kind::Desinscription);
    assert!(n[1].body.contains("désistement tardif"), "{}", n[1].body);
    let n = notes(&db, waiting.id).await;
    assert_eq!(n[1].kind, Kind::Promotion);
    assert_eq!(
        n[1].title,
        "Une place s'est libérée : vous êtes inscrit à Lire un bilan"
    );
    assert_eq!(mails(&db, &waiting).await.len(), 2);
    for staff in [&staff_a, &staff_b] {
        let n = only(
            &db,
            staff,
            Kind::DesistementTardif,
            "Désistement tardif : Anne Première – Lire un bilan",
        )
        .await;
        assert_eq!(
            n.link.as_deref(),
            Some(&*format!("/gestion/sessions/{}", s.id))
        );
    }

    // A refused action leaves nothing behind.
    let before = notification::Entity::find().all(&db).await.unwrap().len();
    let err = enrol(&db, waiting.id, s.id, now).await.unwrap_err();
    assert!(matches!(err, AppError::Refused(_)));
    assert_eq!(
        notification::Entity::find().all(&db).await.unwrap().len(),
        before
    );
}

#[tokio::test]
async fn staff_actions_tell_the_officers_concerned() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let t = training(&db, "Négocier").await;
    let s = session_at(&db, t.id, in_days(20), 7, 1).await;
    let a = officer(&db, "Alice Un").await;
    let b = officer(&db, "Bernard Deux").await;
    let now = Utc::now();

    enrol_officers(&db, staff.id, s.id, &[a.id, b.id], now)
        .await
        .unwrap();
    let n = only(
        &db,
        &a,
        Kind::InscriptionConfirmee,
        "Inscription confirmée : Négocier",
    )
    .await;
    assert!(n.body.starts_with("La MiRVOG vous a inscrit"));
    let n = only(&db, &b, Kind::ListeAttente, "Liste d'attente : Négocier").await;
    assert!(
        n.body
            .contains("la MiRVOG vous a inscrit sur la liste d'attente")
    );

    let seat = crate::records::place::own_enrolment(&db, s.id, a.id)
        .await
        .unwrap()
        .unwrap();
    remove_participant(&db, staff.id, s.id, seat.id, now)
        .await
        .unwrap();
    let n = notes(&db, a.id).await;
    assert_eq!(n[1].kind, Kind::Desinscription);
    assert!(
        n[1].body
            .starts_with("La MiRVOG vous a retiré de la session")
    );
    assert_eq!(notes(&db, b.id).await[1].kind, Kind::Promotion);

    cancel(&db, staff.id, s.id, now).await.unwrap();
    let n = notes(&db, b.id).await;
    assert_eq!(n.len(), 3);
    assert_eq!(n[2].kind, Kind::SessionAnnulee);
    assert!(n[2].title.starts_with("Session annulée : Négocier, "));
    assert_eq!(notes(&db, a.id).await.len(), 2, "no place left: not told");
}

fn input(training_id: i32, day: NaiveDate, place: &str, capacity: u32) -> SessionInput {
    SessionInput {
        training_id: training_id.to_string(),
        start_date: day.format("%Y-%m-%d").to_string(),
        start_time: "09:00".into(),
        end_date: String::new(),
        end_time: "17:30".into(),
        location: place.into(),
        visio_url: String::new(),
        capacity: capacity.to_string(),
        min_participants: "1".into(),
        enrolment_deadline: String::new(),
        cancellation_deadline: String::new(),
        cost: String::new(),
        trainer: String::new(),
    }
}

#[tokio::test]
async fn one_edit_gives_each_person_one_notification_and_publishing_tells_who_needs_it() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let t = training(&db, "Gouvernance").await;
    let day = crate::dates::paris_date(in_days(40));
    let id = create(&db, staff.id, &input(t.id, day, "Paris", 1), Utc::now())
        .await
        .unwrap();

    // An officer whose programme needs the training hears of the new session.
    let needs = officer(&db, "Claude Besoin").await;
    let now = Utc::now();
    programme(
        &db,
        needs.id,
        in_days(-10),
        in_days(200),
        &[(t.id, Priority::Obligatoire)],
    )
    .await;
    publish(&db, staff.id, id, now).await.unwrap();
    only(
        &db,
        &needs,
        Kind::NouvelleSession,
        "Nouvelle session : Gouvernance",
    )
    .await;

    let seated = officer(&db, "Denise Assise").await;
    let waiting = officer(&db, "Étienne Attente").await;
    enrol(&db, seated.id, id, now).await.unwrap();
    enrol(&db, waiting.id, id, now).await.unwrap();

    // Dates, place and capacity at once: one notification each, the promotion merged in.
    let later = day + Duration::days(7);
    update(&db, staff.id, id, &input(t.id, later, "Lyon", 2), now)
        .await
        .unwrap();
    let n = notes(&db, seated.id).await;
    assert_eq!(n.len(), 2);
    assert_eq!(n[1].title, "Session modifiée (date et lieu) : Gouvernance");
    assert!(
        n[1].body
            .contains("Nouveau lieu : Lyon (au lieu de : Paris).")
    );
    let n = notes(&db, waiting.id).await;
    assert_eq!(n.len(), 2, "{n:?}");
    assert_eq!(
        n[1].title,
        "Session modifiée (date et lieu) : Gouvernance · Une place s'est libérée : vous êtes inscrit à Gouvernance"
    );
    assert_eq!(mails(&db, &waiting).await.len(), 2);
}

#[tokio::test]
async fn an_email_kind_turned_off_still_notifies_in_the_app() {
    let db = test_db().await;
    let t = training(&db, "Communiquer <en crise>").await;
    let s = session_at(&db, t.id, in_days(20), 7, 5).await;
    let o = officer(&db, "Fanny Discrète").await;
    let prefs = preferences(&db, &o).await.unwrap();
    assert!(prefs.iter().all(|p| p.email && !p.kind.for_staff()));
    let keep: Vec<Kind> = prefs
        .iter()
        .map(|p| p.kind)
        .filter(|k| *k != Kind::InscriptionConfirmee)
        .collect();
    save_preferences(&db, &o, &keep, Utc::now()).await.unwrap();
    let off = preferences(&db, &o).await.unwrap();
    assert!(
        off.iter()
            .any(|p| p.kind == Kind::InscriptionConfirmee && !p.email)
    );

    enrol(&db, o.id, s.id, Utc::now()).await.unwrap();
    assert_eq!(notes(&db, o.id).await.len(), 1);
    assert!(
        mails(&db, &o).await.is_empty(),
        "email turned off for that kind"
    );

    // Other kinds still go out, with the text escaped in HTML and the way to stop them.
    withdraw(&db, o.id, s.id, Utc::now()).await.unwrap();
    let m = mails(&db, &o).await;
    assert_eq!(m.len(), 1);
    assert!(
        m[0].body_html.contains("Communiquer &lt;en crise&gt;"),
        "{}",
        m[0].body_html
    );
    assert!(
        m[0].body_html
            .contains("Ne plus recevoir ce type de message")
    );
    assert!(m[0].body_text.contains(&format!("/sessions/{}", s.id)));
    assert!(
        m[0].body_text
            .contains("« Désinscription confirmée » sont activés")
    );
    assert!(m[0].body_text.contains("/profil?desabonner=desinscription"));
    // That link's button turns the kind off.
    set_email(&db, o.id, Kind::Desinscription, false, Utc::now())
        .await
        .unwrap();
    let prefs = preferences(&db, &o).await.unwrap();
    assert!(
        prefs
            .iter()
            .any(|p| p.kind == Kind::Desinscription && !p.email)
    );
}

#[tokio::test]
async fn the_centre_lists_newest_first_opens_and_marks_read() {
    let db = test_db().await;
    let t = training(&db, "Piloter").await;
    let s1 = session_at(&db, t.id, in_days(20), 7, 5).await;
    let s2 = session_at(&db, t.id, in_days(40), 7, 5).await;
    let o = officer(&db, "Gaël Lecteur").await;
    let other = officer(&db, "Hélène Autre").await;
    enrol(&db, o.id, s1.id, Utc::now()).await.unwrap();
    enrol(&db, o.id, s2.id, Utc::now()).await.unwrap();

    let c = centre(&db, o.id).await.unwrap();
    assert_eq!(c.unread, 2);
    assert_eq!(c.items.len(), 2);
    assert!(c.items[0].id > c.items[1].id, "newest first");
    let target = open(&db, o.id, c.items[1].id, Utc::now()).await.unwrap();
    assert_eq!(target, format!("/sessions/{}", s1.id));
    assert_eq!(unread_count(&db, o.id).await.unwrap(), 1);
    assert_eq!(
        open(&db, other.id, c.items[0].id, Utc::now())
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(mark_all_read(&db, o.id, Utc::now()).await.unwrap(), 1);
    assert_eq!(unread_count(&db, o.id).await.unwrap(), 0);
}

/// The calendar file of an email, parsed: (METHOD, UID, DTSTART with its TZID, STATUS).
fn ics_of(mail: &email_outbox::Model) -> Option<(String, String, String, String, String)> {
    use icalendar::Component;
    let text = mail.ics_attachment.as_ref()?;
    let cal: icalendar::Calendar = text.parse().expect("a parseable calendar");
    let method = cal.property_value("METHOD").unwrap_or_default().to_owned();
    assert!(text.contains("BEGIN:VTIMEZONE") && text.contains("TZID:Europe/Paris"));
    let e = cal.events().next().expect("one event");
    let start = e.properties().get("DTSTART").expect("DTSTART");
    let tzid = start
        .params()
        .get("TZID")
        .map(|p| p.value().to_owned())
        .unwrap_or_default();
    Some((
        method,
        e.get_uid().unwrap_or_default().to_owned(),
        start.value().to_owned(),
        tzid,
        e.property_value("STATUS").unwrap_or_default().to_owned(),
    ))
}

#[tokio::test]
async fn emails_about_a_seat_carry_the_session_in_paris_time() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let t = training(&db, "Gouverner").await;
    // 12 January 2027, 8:30 UTC = 9:30 in Paris (winter); 1 seat.
    let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 1, 12, 8, 30, 0).unwrap();
    let s = session_at(&db, t.id, start, 8, 1).await;
    let seated = officer(&db, "Anne Assise").await;
    let waiting = officer(&db, "Bruno Debout").await;
    let now = start - Duration::days(30);
    enrol(&db, seated.id, s.id, now).await.unwrap();
    enrol(&db, waiting.id, s.id, now).await.unwrap();

    let (method, uid, dtstart, tzid, status) = ics_of(&mails(&db, &seated).await[0]).unwrap();
    assert_eq!(method, "PUBLISH");
    assert_eq!(uid, format!("session-{}@cassiopee.mirvog", s.id));
    assert_eq!(
        (dtstart.as_str(), tzid.as_str()),
        ("20270112T093000", "Europe/Paris")
    );
    assert_eq!(status, "CONFIRMED");
    assert!(
        ics_of(&mails(&db, &waiting).await[0]).is_none(),
        "no seat, no calendar entry"
    );

    // Cancelled: the same UID, METHOD:CANCEL, for the seat holder only.
    cancel(&db, staff.id, s.id, now).await.unwrap();
    let m = mails(&db, &seated).await;
    let (method, uid2, _, _, status) = ics_of(&m[1]).unwrap();
    assert_eq!((method.as_str(), status.as_str()), ("CANCEL", "CANCELLED"));
    assert_eq!(uid2, uid);
    assert!(ics_of(&mails(&db, &waiting).await[1]).is_none());
}

#[tokio::test]
async fn the_private_feed_lists_the_officers_seats_until_revoked() {
    use crate::notification::calendar::{feed_for_token, feed_link, new_feed, revoke_feed};
    let base = PublicUrl::DEFAULT;
    let db = test_db().await;
    let t = training(&db, "Présider").await;
    // 2 July 2027, 7:00 UTC = 9:00 in Paris (summer time).
    let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 7, 2, 7, 0, 0).unwrap();
    let s = session_at(&db, t.id, start, 8, 5).await;
    let left = session_at(&db, t.id, start + Duration::days(20), 8, 5).await;
    let o = officer(&db, "Inès Agenda").await;
    let now = start - Duration::days(40);
    enrol(&db, o.id, s.id, now).await.unwrap();
    enrol(&db, o.id, left.id, now).await.unwrap();
    withdraw(&db, o.id, left.id, now).await.unwrap();

    assert_eq!(feed_link(&db, o.id, base).await.unwrap(), None);
    let url = new_feed(&db, o.id, base, now).await.unwrap();
    assert_eq!(
        feed_link(&db, o.id, base).await.unwrap().as_deref(),
        Some(url.as_str())
    );
    let token = url
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned();
    let ics = feed_for_token(&db, &token, base)
        .await
        .unwrap()
        .expect("the feed");
    let cal: icalendar::Calendar = ics.parse().unwrap();
    let events: Vec<_> = cal.events().collect();
    assert_eq!(events.len(), 1, "the place given up is not in it");
    use icalendar::Component;
    assert_eq!(
        events[0].properties().get("DTSTART").unwrap().value(),
        "20270702T090000"
    );
    assert_eq!(events[0].get_summary(), Some("Présider"));

    // A new link replaces the old one; revoking ends it.
    let other = new_feed(&db, o.id, base, now).await.unwrap();
    assert_ne!(other, url);
    assert!(feed_for_token(&db, &token, base).await.unwrap().is_none());
    revoke_feed(&db, o.id).await.unwrap();
    let token2 = other.rsplit('/').next().unwrap().trim_end_matches(".ics");
    assert!(feed_for_token(&db, token2, base).await.unwrap().is_none());
}
