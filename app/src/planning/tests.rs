//! Planning: sessions created from a training, published, edited, duplicated, cancelled.

use super::{input::*, lifecycle::*, views::*};
use crate::{
    enrolment::{actions::enrol, staff::enrol_officers},
    entities::session,
    error::AppError,
    journal,
    model::{EnrolmentStatus, Role, SessionStatus},
    records::place::own_enrolment,
    testing::{officer, session_at, test_db, training, user_with_role},
};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

fn input(training_id: i32, day: NaiveDate) -> SessionInput {
    SessionInput {
        training_id: training_id.to_string(),
        start_date: day.format("%Y-%m-%d").to_string(),
        start_time: "09:00".into(),
        end_date: day.format("%d/%m/%Y").to_string(),
        end_time: "17h30".into(),
        location: "École militaire, Paris".into(),
        visio_url: String::new(),
        capacity: "3".into(),
        min_participants: "2".into(),
        enrolment_deadline: String::new(),
        cancellation_deadline: String::new(),
        cost: "4 800".into(),
        trainer: "Mme Durand".into(),
    }
}

async fn load(db: &DatabaseConnection, id: i32) -> session::Model {
    session::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

fn in_days(days: i64) -> NaiveDate {
    crate::testing::in_days(days).date_naive()
}

#[tokio::test]
async fn a_new_session_is_a_draft_with_deadlines_relative_to_its_start() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let t = training(&db, "Gouvernance").await;
    let day = in_days(40);
    let id = create(&db, staff.id, &input(t.id, day), Utc::now())
        .await
        .unwrap();
    let s = load(&db, id).await;
    assert_eq!(s.status, SessionStatus::Brouillon);
    assert_eq!(crate::dates::input_time(s.starts_at), "09:00");
    assert_eq!(crate::dates::input_time(s.ends_at), "17:30");
    assert_eq!(
        crate::dates::paris_date(s.enrolment_deadline),
        day - Duration::days(7)
    );
    assert_eq!(
        crate::dates::paris_date(s.cancellation_deadline),
        day - Duration::days(3)
    );
    assert_eq!(crate::dates::input_time(s.enrolment_deadline), "23:59");
    assert_eq!(s.actual_cost_cents, Some(480_000));
    let lines = journal::service::for_session(&db, id).await.unwrap();
    assert_eq!(lines[0].action, "Session créée");
    assert!(lines[0].details.contains(&"Capacité : 3".to_owned()));
}

#[tokio::test]
async fn bad_session_fields_are_reported_in_french() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let t = training(&db, "Gouvernance").await;
    let mut bad = input(t.id, in_days(-2));
    bad.end_time = "08:00".into();
    bad.capacity = "2".into();
    bad.min_participants = "5".into();
    bad.location = String::new();
    bad.visio_url = "teams".into();
    let Err(AppError::Invalid(e)) = create(&db, staff.id, &bad, Utc::now()).await else {
        panic!("refused")
    };
    assert_eq!(
        e.message("end_time").as_deref(),
        Some("La fin doit être après le début.")
    );
    assert_eq!(
        e.message("start_date").as_deref(),
        Some("La session doit commencer dans le futur.")
    );
    assert_eq!(
        e.message("min_participants").as_deref(),
        Some("Le minimum ne peut pas dépasser la capacité.")
    );
    assert!(e.message("visio_url").is_some());
    // A link was typed, so no place is needed; it is the link that is wrong.
    assert!(e.message("location").is_none());
    assert_eq!(e.value("visio_url").as_deref(), Some("teams"));
    bad.visio_url = String::new();
    let Err(AppError::Invalid(e)) = create(&db, staff.id, &bad, Utc::now()).await else {
        panic!("refused")
    };
    assert_eq!(
        e.message("location").as_deref(),
        Some("Indiquez un lieu, ou un lien de visioconférence ci-dessous.")
    );
    assert!(session::Entity::find().all(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn publishing_a_draft_promotes_officers_enrolled_beyond_capacity() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let t = training(&db, "Gouvernance").await;
    let id = create(&db, staff.id, &input(t.id, in_days(40)), Utc::now())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for n in ["A", "B", "C", "D"] {
        ids.push(officer(&db, n).await.id);
    }
    let out = enrol_officers(&db, staff.id, id, &ids, Utc::now())
        .await
        .unwrap();
    assert_eq!(out.confirmed.len(), 3);
    publish(&db, staff.id, id, Utc::now()).await.unwrap();
    assert_eq!(load(&db, id).await.status, SessionStatus::Publiee);
    assert_eq!(
        publish(&db, staff.id, id, Utc::now()).await.unwrap_err(),
        AppError::refused("Seul un brouillon peut être publié ; cette session est « Publiée ».")
    );
    assert_eq!(load(&db, id).await.status, SessionStatus::Publiee);

    // Raising the capacity hands the new seat to the waiting officer (§3.4).
    let mut more = input(t.id, in_days(40));
    more.capacity = "4".into();
    let change = update(&db, staff.id, id, &more, Utc::now()).await.unwrap();
    assert_eq!(change.promoted, [ids[3]]);
    assert!(!change.dates && !change.place);
    // The capacity cannot go below the confirmed seats.
    more.capacity = "2".into();
    let Err(AppError::Invalid(e)) = update(&db, staff.id, id, &more, Utc::now()).await else {
        panic!("refused")
    };
    assert!(
        e.message("capacity")
            .unwrap()
            .starts_with("4 officiers sont inscrits")
    );
}

#[tokio::test]
async fn moving_a_session_onto_a_participants_other_session_is_refused() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let t = training(&db, "Gouvernance").await;
    let other = training(&db, "Négociation").await;
    let day = in_days(40);
    let id = create(&db, staff.id, &input(t.id, day), Utc::now())
        .await
        .unwrap();
    publish(&db, staff.id, id, Utc::now()).await.unwrap();
    let o = officer(&db, "Jeanne Prise").await;
    enrol(&db, o.id, id, Utc::now()).await.unwrap();
    let later = in_days(50);
    let busy_start =
        crate::dates::from_paris(later, chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap())
            .unwrap();
    let busy = session_at(&db, other.id, busy_start, 2, 5).await;
    enrol(&db, o.id, busy.id, Utc::now()).await.unwrap();

    let err = update(&db, staff.id, id, &input(t.id, later), Utc::now())
        .await
        .unwrap_err();
    let AppError::Refused(msg) = err else {
        panic!("refused")
    };
    assert!(msg.contains("Jeanne Prise (« Négociation »"), "{msg}");
    // Another day is fine, and the change of date is reported.
    let change = update(&db, staff.id, id, &input(t.id, in_days(45)), Utc::now())
        .await
        .unwrap();
    assert!(change.dates);
    let lines = journal::service::for_session(&db, id).await.unwrap();
    assert_eq!(lines[0].action, "Session modifiée");
    assert!(
        lines[0].details.iter().any(|d| d.starts_with("Dates : ")),
        "{:?}",
        lines[0].details
    );
}

#[tokio::test]
async fn cancelling_keeps_everything_and_duplicating_makes_a_new_draft() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await;
    let t = training(&db, "Gouvernance").await;
    let id = create(&db, staff.id, &input(t.id, in_days(40)), Utc::now())
        .await
        .unwrap();
    publish(&db, staff.id, id, Utc::now()).await.unwrap();
    let a = officer(&db, "A").await;
    enrol(&db, a.id, id, Utc::now()).await.unwrap();

    let target = in_days(70);
    let copy = duplicate(
        &db,
        staff.id,
        id,
        &target.format("%Y-%m-%d").to_string(),
        Utc::now(),
    )
    .await
    .unwrap();
    let c = load(&db, copy).await;
    let original = load(&db, id).await;
    assert_eq!(c.status, SessionStatus::Brouillon);
    assert_eq!(c.seats_taken, 0);
    assert_eq!(crate::dates::paris_date(c.starts_at), target);
    assert_eq!(crate::dates::input_time(c.starts_at), "09:00");
    assert_eq!(
        c.ends_at - c.starts_at,
        original.ends_at - original.starts_at
    );
    let sessions_before = session::Entity::find().all(&db).await.unwrap().len();
    let Err(AppError::Invalid(e)) = duplicate(&db, staff.id, id, "hier", Utc::now()).await else {
        panic!("a date that is not one is refused next to the field")
    };
    assert_eq!(
        e.message("start_date").as_deref(),
        Some("Saisissez une date, par exemple 31/01/2027.")
    );
    assert_eq!(
        session::Entity::find().all(&db).await.unwrap().len(),
        sessions_before
    );

    let affected = cancel(&db, staff.id, id, Utc::now()).await.unwrap();
    assert_eq!(affected, [a.id]);
    assert_eq!(load(&db, id).await.status, SessionStatus::Annulee);
    // Nothing deleted: the officer's place is still there.
    let place = own_enrolment(&db, id, a.id).await.unwrap().unwrap();
    assert_eq!(place.status, EnrolmentStatus::Inscrit);
    assert_eq!(
        cancel(&db, staff.id, id, Utc::now()).await.unwrap_err(),
        AppError::refused("Cette session est déjà annulée.")
    );
    let before = load(&db, id).await;
    assert_eq!(
        update(&db, staff.id, id, &input(t.id, in_days(41)), Utc::now())
            .await
            .unwrap_err(),
        AppError::refused("Une session annulée ne peut plus être modifiée.")
    );
    assert_eq!(load(&db, id).await, before, "nothing changed");
}

#[tokio::test]
async fn calendar_places_sessions_on_their_days() {
    let db = test_db().await;
    let t = training(&db, "Gouvernance").await;
    let start = crate::dates::from_paris(
        NaiveDate::from_ymd_opt(2027, 3, 30).unwrap(),
        chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
    )
    .unwrap();
    session_at(&db, t.id, start, 30, 5).await; // 30 h: over two days
    let cal = calendar(&db, Some("2027-03"), Utc::now()).await.unwrap();
    assert_eq!(cal.label, "mars 2027");
    assert_eq!(
        (cal.previous.as_str(), cal.next.as_str()),
        ("2027-02", "2027-04")
    );
    // March 2027 starts on a Monday: 5 weeks, the last one ending on Sunday 4 April.
    assert_eq!(cal.weeks.len(), 5);
    let days: Vec<_> = cal
        .weeks
        .iter()
        .flatten()
        .filter(|d| !d.sessions.is_empty())
        .collect();
    assert_eq!(days.iter().map(|d| d.day).collect::<Vec<_>>(), [30, 31]);
    assert_eq!(days[0].sessions[0].time, "9 h 00");
}

#[tokio::test]
async fn the_training_of_a_session_cannot_change_once_someone_is_placed() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Négocier").await;
    let other = training(&db, "Présider").await;
    let id = create(&db, staff, &input(t.id, in_days(30)), Utc::now())
        .await
        .unwrap();
    // Nobody placed yet: the draft may still change training.
    update(&db, staff, id, &input(other.id, in_days(30)), Utc::now())
        .await
        .unwrap();
    assert_eq!(load(&db, id).await.training_id, other.id);
    publish(&db, staff, id, Utc::now()).await.unwrap();
    let o = officer(&db, "Paul Inscrit").await;
    enrol(&db, o.id, id, Utc::now()).await.unwrap();

    let err = update(&db, staff, id, &input(t.id, in_days(30)), Utc::now())
        .await
        .unwrap_err();
    let AppError::Invalid(e) = err else {
        panic!("refused next to the field: {err:?}")
    };
    assert_eq!(
        e.message("training_id").as_deref(),
        Some(
            "1 officier a une place dans cette session : sa formation ne peut plus changer. Annulez-la et planifiez une session de l'autre formation."
        )
    );
    assert_eq!(load(&db, id).await.training_id, other.id);
}

#[tokio::test]
async fn a_month_out_of_range_is_refused_in_french() {
    let db = test_db().await;
    for month in ["-262143-01", "+262143-12", "2027-13", "10000-01", "janvier"] {
        let err = calendar(&db, Some(month), Utc::now()).await.unwrap_err();
        assert_eq!(
            err,
            AppError::refused(format!("Mois invalide : « {month} » (attendu : 2027-01)."))
        );
    }
    assert_eq!(
        calendar(&db, Some("2027-01"), Utc::now())
            .await
            .unwrap()
            .label,
        "janvier 2027"
    );
}
