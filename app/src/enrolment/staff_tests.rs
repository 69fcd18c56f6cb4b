//! What staff do to places (bulk enrolment, removal, waitlist order, attendance), on SQLite.

use super::{actions::*, staff::*};
use crate::{
    entities::{enrolment, session},
    error::AppError,
    journal,
    model::{EnrolmentStatus, Role, SessionStatus},
    records::place::{own_enrolment, waitlist_position},
    testing::{
        in_days, officer, refusal, session_at, status_of, test_db, training, user_with_role,
    },
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

async fn staff(db: &DatabaseConnection) -> i32 {
    user_with_role(db, "Claire Gestion", Role::Staff).await.id
}

#[tokio::test]
async fn bulk_enrolment_fills_the_seats_then_the_waitlist() {
    let db = test_db().await;
    let actor = staff(&db).await;
    let t = training(&db, "Gouvernance").await;
    let s = session_at(&db, t.id, in_days(30), 7, 3).await;
    let early = officer(&db, "Aline Premier").await;
    enrol(&db, early.id, s.id, Utc::now()).await.unwrap();
    let mut ids = Vec::new();
    for name in ["Denis Quatre", "Bruno Deux", "Chloé Trois", "Emma Cinq"] {
        ids.push(officer(&db, name).await.id);
    }
    let out = enrol_officers(&db, actor, s.id, &ids, Utc::now())
        .await
        .unwrap();
    // Two seats were left: given in alphabetical order, the others wait in that order.
    assert_eq!(out.confirmed, ["Bruno Deux", "Chloé Trois"]);
    assert_eq!(
        out.waitlisted,
        [("Denis Quatre".to_owned(), 1), ("Emma Cinq".to_owned(), 2)]
    );
    assert_eq!(
        out.message(),
        "2 officiers inscrits ; session complète : 2 sur la liste d'attente (Denis Quatre, Emma Cinq)."
    );
    let fresh = session::Entity::find_by_id(s.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fresh.seats_taken, 3);
    // Each place is in the session's journal.
    let lines = journal::service::for_session(&db, s.id).await.unwrap();
    assert_eq!(lines.len(), 4);
    assert!(
        lines
            .iter()
            .all(|l| l.action == "Inscription par la gestion")
    );
}

#[tokio::test]
async fn bulk_enrolment_is_all_or_nothing_and_names_every_conflict() {
    let db = test_db().await;
    let actor = staff(&db).await;
    let t = training(&db, "Gouvernance").await;
    let other_t = training(&db, "Droit des sociétés").await;
    let start = in_days(30);
    let s = session_at(&db, t.id, start, 7, 10).await;
    let same_time = session_at(&db, other_t.id, start + Duration::hours(2), 3, 10).await;
    let busy = officer(&db, "Marc Occupé").await;
    enrol(&db, busy.id, same_time.id, Utc::now()).await.unwrap();
    let already = officer(&db, "Nina Déjà").await;
    enrol(&db, already.id, s.id, Utc::now()).await.unwrap();
    let free = officer(&db, "Paul Libre").await;

    let err = enrol_officers(
        &db,
        actor,
        s.id,
        &[free.id, busy.id, already.id],
        Utc::now(),
    )
    .await
    .unwrap_err();
    let msg = refusal(err);
    assert!(msg.starts_with("Aucune inscription n'a été faite"), "{msg}");
    assert!(
        msg.contains("Marc Occupé est inscrit à « Droit des sociétés »"),
        "{msg}"
    );
    assert!(
        msg.contains("Nina Déjà est déjà inscrit à cette session"),
        "{msg}"
    );
    // Nothing half-done: the free officer was not enrolled.
    assert!(own_enrolment(&db, s.id, free.id).await.unwrap().is_none());
    let fresh = session::Entity::find_by_id(s.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fresh.seats_taken, 1);
    assert!(
        enrol_officers(&db, actor, s.id, &[], Utc::now())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn reordered_waitlist_sets_the_promotion_order() {
    let db = test_db().await;
    let actor = staff(&db).await;
    let t = training(&db, "Gouvernance").await;
    let s = session_at(&db, t.id, in_days(30), 7, 1).await;
    let seated = officer(&db, "Assis").await;
    let first = officer(&db, "Premier").await;
    let second = officer(&db, "Second").await;
    let third = officer(&db, "Troisième").await;
    for o in [&seated, &first, &second, &third] {
        enrol(&db, o.id, s.id, Utc::now()).await.unwrap();
    }
    let third_place = own_enrolment(&db, s.id, third.id).await.unwrap().unwrap();
    // Third moves up twice: now first in line.
    assert_eq!(
        move_waiting(&db, actor, s.id, third_place.id, true, Utc::now())
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        move_waiting(&db, actor, s.id, third_place.id, true, Utc::now())
            .await
            .unwrap(),
        1
    );
    let err = move_waiting(&db, actor, s.id, third_place.id, true, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(
        refusal(err),
        "Cet officier est déjà en tête de la liste d'attente."
    );

    // Staff remove the seated officer: the seat goes to the new head of the queue.
    let seat = own_enrolment(&db, s.id, seated.id).await.unwrap().unwrap();
    let removed = remove_participant(&db, actor, s.id, seat.id, Utc::now())
        .await
        .unwrap();
    assert_eq!(removed.promoted, ["Troisième"]);
    assert!(!removed.late);
    assert_eq!(
        status_of(&db, s.id, third.id).await,
        EnrolmentStatus::Inscrit
    );
    assert_eq!(
        status_of(&db, s.id, seated.id).await,
        EnrolmentStatus::Desinscrit
    );
    let f = own_enrolment(&db, s.id, first.id).await.unwrap().unwrap();
    assert_eq!(
        waitlist_position(&db, s.id, f.waitlist_rank.unwrap())
            .await
            .unwrap(),
        1
    );
    let sec = own_enrolment(&db, s.id, second.id).await.unwrap().unwrap();
    assert_eq!(
        waitlist_position(&db, s.id, sec.waitlist_rank.unwrap())
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn attendance_once_started_and_the_session_ends_terminee() {
    let db = test_db().await;
    let actor = staff(&db).await;
    let t = training(&db, "Gouvernance").await;
    let start = in_days(10);
    let s = session_at(&db, t.id, start, 7, 5).await;
    let a = officer(&db, "Anne").await;
    let b = officer(&db, "Bernard").await;
    let c = officer(&db, "Cécile").await;
    for o in [&a, &b, &c] {
        enrol(&db, o.id, s.id, Utc::now()).await.unwrap();
    }
    let mut marks = Vec::new();
    for (o, mark) in [
        (&a, EnrolmentStatus::Present),
        (&b, EnrolmentStatus::Absent),
        (&c, EnrolmentStatus::Excuse),
    ] {
        marks.push((
            own_enrolment(&db, s.id, o.id).await.unwrap().unwrap().id,
            mark,
        ));
    }
    // Before the start: refused.
    let err = record_attendance(&db, actor, s.id, &marks, Utc::now())
        .await
        .unwrap_err();
    assert!(refusal(err).starts_with("La présence se note à partir du début"));
    // After the end: recorded, and the session is finished.
    let after = start + Duration::hours(8);
    assert_eq!(
        record_attendance(&db, actor, s.id, &marks, after)
            .await
            .unwrap(),
        3
    );
    assert_eq!(status_of(&db, s.id, b.id).await, EnrolmentStatus::Absent);
    let fresh = session::Entity::find_by_id(s.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fresh.status, SessionStatus::Terminee);
    // Corrections are possible and only changes are counted.
    let fix = vec![
        (marks[1].0, EnrolmentStatus::Excuse),
        (marks[0].0, EnrolmentStatus::Present),
    ];
    assert_eq!(
        record_attendance(&db, actor, s.id, &fix, after)
            .await
            .unwrap(),
        1
    );
    let lines = journal::service::for_session(&db, s.id).await.unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.details.contains(&"Statut : Absent → Excusé".to_owned()))
    );
    // Places no longer change once the session has run.
    let err = remove_participant(&db, actor, s.id, marks[0].0, after)
        .await
        .unwrap_err();
    assert_eq!(refusal(err), "Cette session est terminée.");
}

#[tokio::test]
async fn removal_after_the_cancellation_deadline_is_a_late_cancellation() {
    let db = test_db().await;
    let actor = staff(&db).await;
    let t = training(&db, "Gouvernance").await;
    let s = session_at(&db, t.id, in_days(2), 7, 5).await;
    let o = officer(&db, "Tardif").await;
    // Enrolled by staff (the officer's own deadline has passed).
    enrol_officers(&db, actor, s.id, &[o.id], Utc::now())
        .await
        .unwrap();
    let place = own_enrolment(&db, s.id, o.id).await.unwrap().unwrap();
    let removed = remove_participant(&db, actor, s.id, place.id, Utc::now())
        .await
        .unwrap();
    assert!(removed.late);
    assert_eq!(
        status_of(&db, s.id, o.id).await,
        EnrolmentStatus::DesistementTardif
    );
    // A place of another session cannot be touched through this one.
    let other = session_at(&db, t.id, in_days(40), 7, 5).await;
    let mut row: enrolment::ActiveModel = place.into();
    row.status = Set(EnrolmentStatus::Inscrit);
    let place = row.update(&db).await.unwrap();
    assert_eq!(
        remove_participant(&db, actor, other.id, place.id, Utc::now())
            .await
            .unwrap_err(),
        AppError::NotFound
    );
}
