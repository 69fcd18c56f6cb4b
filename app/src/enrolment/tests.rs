//! Product §3.1–3.5 as tests of the enrolment service.

use super::{Action, actions::*, place::*, seats::promote_waitlist};
use crate::{
    entities::{enrolment, session},
    error::AppError,
    model::{EnrolmentStatus, SessionStatus},
    records::place::{own_enrolment, waitlist_position},
    testing::{self, in_days, officer, refusal, session_at, status_of, test_db, training},
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

/// A one-seat session of a new training in 30 days, and two officers, A and B.
async fn one_seat(
    db: &DatabaseConnection,
    title: &str,
) -> (
    session::Model,
    crate::entities::user::Model,
    crate::entities::user::Model,
) {
    let t = training(db, title).await;
    let s = session_at(db, t.id, in_days(30), 7, 1).await;
    (s, officer(db, "A").await, officer(db, "B").await)
}

async fn seats_taken(db: &DatabaseConnection, session_id: i32) -> i32 {
    session::Entity::find_by_id(session_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .seats_taken
}

#[tokio::test]
async fn capacity_is_never_exceeded_and_extra_officers_wait() {
    let db = test_db().await;
    let t = training(&db, "Gouvernance").await;
    let s = session_at(&db, t.id, in_days(30), 7, 2).await;
    let mut outcomes = Vec::new();
    for name in ["A", "B", "C", "D"] {
        let o = officer(&db, name).await;
        outcomes.push(enrol(&db, o.id, s.id, Utc::now()).await.unwrap());
    }
    assert_eq!(
        outcomes,
        vec![
            Enrolled::Confirmed,
            Enrolled::Confirmed,
            Enrolled::Waitlisted { position: 1 },
            Enrolled::Waitlisted { position: 2 }
        ]
    );
    assert_eq!(seats_taken(&db, s.id).await, 2);
}

#[tokio::test]
async fn one_live_place_per_officer_and_session() {
    let db = test_db().await;
    let (s, a, b) = one_seat(&db, "Finance").await;
    enrol(&db, a.id, s.id, Utc::now()).await.unwrap();
    assert!(
        refusal(enrol(&db, a.id, s.id, Utc::now()).await.unwrap_err()).contains("déjà inscrit")
    );
    enrol(&db, b.id, s.id, Utc::now()).await.unwrap();
    assert!(
        refusal(enrol(&db, b.id, s.id, Utc::now()).await.unwrap_err()).contains("liste d'attente")
    );

    // After withdrawing, the same row is reused: still one row per (session, officer).
    withdraw(&db, b.id, s.id, Utc::now()).await.unwrap();
    enrol(&db, b.id, s.id, Utc::now()).await.unwrap();
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(s.id))
        .filter(enrolment::Column::OfficerId.eq(b.id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, EnrolmentStatus::ListeAttente);

    // The schema refuses a second row even if a caller bypassed the service.
    let dup = enrolment::ActiveModel {
        session_id: Set(s.id),
        officer_id: Set(a.id),
        status: Set(EnrolmentStatus::ListeAttente),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&db)
    .await;
    assert!(dup.is_err());
}

#[tokio::test]
async fn overlapping_sessions_are_refused_naming_the_other() {
    let db = test_db().await;
    let law = training(&db, "Droit des sociétés").await;
    let com = training(&db, "Prise de parole").await;
    let start = in_days(40);
    let first = session_at(&db, law.id, start, 8, 5).await;
    let overlapping = session_at(&db, com.id, start + Duration::hours(4), 8, 5).await;
    let next_day = session_at(&db, com.id, start + Duration::days(1), 8, 5).await;
    let a = officer(&db, "A").await;

    enrol(&db, a.id, first.id, Utc::now()).await.unwrap();
    let msg = refusal(
        enrol(&db, a.id, overlapping.id, Utc::now())
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("Droit des sociétés"), "{msg}");
    assert_eq!(
        enrol(&db, a.id, next_day.id, Utc::now()).await.unwrap(),
        Enrolled::Confirmed
    );

    // A waitlisted place blocks overlaps too, so that a promotion can never create one.
    let full = session_at(&db, law.id, start + Duration::days(10), 8, 1).await;
    let clash = session_at(&db, com.id, start + Duration::days(10), 8, 5).await;
    let b = officer(&db, "B").await;
    enrol(&db, b.id, full.id, Utc::now()).await.unwrap();
    assert!(matches!(
        enrol(&db, a.id, full.id, Utc::now()).await,
        Ok(Enrolled::Waitlisted { .. })
    ));
    let msg = refusal(enrol(&db, a.id, clash.id, Utc::now()).await.unwrap_err());
    assert!(msg.contains("liste d'attente"), "{msg}");

    // A cancelled session no longer blocks anything.
    let mut cancelled: session::ActiveModel = first.into();
    cancelled.status = Set(SessionStatus::Annulee);
    cancelled.update(&db).await.unwrap();
    assert_eq!(
        enrol(&db, a.id, overlapping.id, Utc::now()).await.unwrap(),
        Enrolled::Confirmed
    );
}

#[tokio::test]
async fn freed_seat_goes_to_the_first_waiting_officer_at_once() {
    let db = test_db().await;
    let (s, a, b) = one_seat(&db, "Coaching").await;
    let c = officer(&db, "C").await;
    enrol(&db, a.id, s.id, Utc::now()).await.unwrap();
    enrol(&db, b.id, s.id, Utc::now()).await.unwrap();
    enrol(&db, c.id, s.id, Utc::now()).await.unwrap();

    let out = withdraw(&db, a.id, s.id, Utc::now()).await.unwrap();
    assert_eq!(
        out,
        Withdrawn {
            late: false,
            was_waitlisted: false,
            promoted: vec![b.id]
        }
    );
    assert_eq!(
        status_of(&db, s.id, a.id).await,
        EnrolmentStatus::Desinscrit
    );
    assert_eq!(status_of(&db, s.id, b.id).await, EnrolmentStatus::Inscrit);
    let c_row = own_enrolment(&db, s.id, c.id).await.unwrap().unwrap();
    assert_eq!(
        waitlist_position(&db, s.id, c_row.waitlist_rank.unwrap())
            .await
            .unwrap(),
        1
    );
    assert_eq!(seats_taken(&db, s.id).await, 1);

    // Leaving the waitlist frees no seat and promotes nobody.
    let out = withdraw(&db, c.id, s.id, Utc::now()).await.unwrap();
    assert_eq!(
        out,
        Withdrawn {
            late: false,
            was_waitlisted: true,
            promoted: vec![]
        }
    );
    assert_eq!(seats_taken(&db, s.id).await, 1);
}

#[tokio::test]
async fn nobody_is_promoted_into_a_cancelled_or_started_session() {
    let db = test_db().await;
    let (s, a, b) = one_seat(&db, "Numérique").await;
    enrol(&db, a.id, s.id, Utc::now()).await.unwrap();
    enrol(&db, b.id, s.id, Utc::now()).await.unwrap();

    // Free the seat behind the service's back, as a capacity change would, then promote.
    let mut row: session::ActiveModel = session::Entity::find_by_id(s.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.capacity = Set(2);
    row.status = Set(SessionStatus::Annulee);
    let s2 = row.update(&db).await.unwrap();
    assert!(
        promote_waitlist(&db, s.id, Utc::now())
            .await
            .unwrap()
            .is_empty()
    );

    let mut row: session::ActiveModel = s2.into();
    row.status = Set(SessionStatus::Publiee);
    row.update(&db).await.unwrap();
    let after_start = in_days(30) + Duration::hours(1);
    assert!(
        promote_waitlist(&db, s.id, after_start)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        status_of(&db, s.id, b.id).await,
        EnrolmentStatus::ListeAttente
    );

    // Before the start, the raised capacity goes to the waiting officer.
    assert_eq!(
        promote_waitlist(&db, s.id, Utc::now()).await.unwrap(),
        vec![b.id]
    );
    assert_eq!(seats_taken(&db, s.id).await, 2);
}

#[tokio::test]
async fn deadlines_close_enrolment_and_make_late_withdrawals() {
    let db = test_db().await;
    let t = training(&db, "Management").await;
    let start = in_days(30);
    let s = session_at(&db, t.id, start, 7, 5).await;
    let a = officer(&db, "A").await;
    let b = officer(&db, "B").await;

    // Enrolment closes at the enrolment deadline (start − 7 days).
    let msg = refusal(
        enrol(&db, a.id, s.id, start - Duration::days(6))
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("closes"), "{msg}");
    enrol(&db, a.id, s.id, start - Duration::days(8))
        .await
        .unwrap();
    enrol(&db, b.id, s.id, start - Duration::days(8))
        .await
        .unwrap();

    // Before the cancellation deadline: a plain withdrawal.
    let out = withdraw(&db, a.id, s.id, start - Duration::days(4))
        .await
        .unwrap();
    assert!(!out.late);
    assert_eq!(
        status_of(&db, s.id, a.id).await,
        EnrolmentStatus::Desinscrit
    );

    // After the start: refused.
    let msg = refusal(
        withdraw(&db, b.id, s.id, start + Duration::minutes(1))
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("déjà commencé"), "{msg}");

    // Between the cancellation deadline and the start: a late withdrawal.
    let out = withdraw(&db, b.id, s.id, start - Duration::days(1))
        .await
        .unwrap();
    assert!(out.late);
    assert_eq!(
        status_of(&db, s.id, b.id).await,
        EnrolmentStatus::DesistementTardif
    );
    assert_eq!(seats_taken(&db, s.id).await, 0);
}

#[tokio::test]
async fn only_published_sessions_and_officers() {
    let db = test_db().await;
    let t = training(&db, "RH").await;
    let s = session_at(&db, t.id, in_days(30), 7, 5).await;
    let staff = testing::user_with_role(&db, "Gestionnaire", crate::model::Role::Staff).await;
    assert!(matches!(
        enrol(&db, staff.id, s.id, Utc::now()).await,
        Err(AppError::Refused(_))
    ));

    let mut draft: session::ActiveModel = s.into();
    draft.status = Set(SessionStatus::Brouillon);
    let draft = draft.update(&db).await.unwrap();
    let a = officer(&db, "A").await;
    assert_eq!(
        enrol(&db, a.id, draft.id, Utc::now()).await,
        Err(AppError::NotFound)
    );
}

#[tokio::test]
async fn the_page_offers_exactly_one_action() {
    let db = test_db().await;
    let (s, a, b) = one_seat(&db, "Communication").await;
    let now = Utc::now();
    assert_eq!(available_action(&s, None, false, now), Ok(Action::Enrol));
    enrol(&db, a.id, s.id, now).await.unwrap();
    let s = session::Entity::find_by_id(s.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mine = own_enrolment(&db, s.id, a.id).await.unwrap();
    assert_eq!(
        available_action(&s, mine.as_ref(), false, now),
        Ok(Action::Withdraw)
    );
    assert_eq!(
        available_action(&s, None, false, now),
        Ok(Action::JoinWaitlist)
    );
    enrol(&db, b.id, s.id, now).await.unwrap();
    let mine = own_enrolment(&db, s.id, b.id).await.unwrap();
    assert_eq!(
        available_action(&s, mine.as_ref(), false, now),
        Ok(Action::LeaveWaitlist)
    );
    assert!(available_action(&s, None, false, s.enrolment_deadline + Duration::hours(1)).is_err());
}

#[tokio::test]
async fn a_place_in_a_cancelled_session_is_neither_offered_nor_given_up() {
    let db = test_db().await;
    let t = training(&db, "Annulée entre-temps").await;
    let s = session_at(&db, t.id, in_days(30), 7, 2).await;
    let seated = officer(&db, "Sylvie Assise").await;
    let waiting = officer(&db, "Victor Attente").await;
    testing::user_with_role(&db, "Claire Gestion", crate::model::Role::Staff).await;
    enrol(&db, seated.id, s.id, Utc::now()).await.unwrap();
    let mut row: session::ActiveModel = s.clone().into();
    row.capacity = Set(1);
    row.update(&db).await.unwrap();
    enrol(&db, waiting.id, s.id, Utc::now()).await.unwrap();
    // Cancelled (places are kept, §3.6).
    let s = testing::set_status(&db, s.id, SessionStatus::Annulee).await;

    // Two days before the start: past the free cancellation, yet nothing to give up.
    let late = s.starts_at - Duration::days(2);
    for o in [&seated, &waiting] {
        let mine = own_enrolment(&db, s.id, o.id).await.unwrap();
        assert_eq!(
            available_action(&s, mine.as_ref(), false, late),
            Err("Cette session a été annulée.".to_owned())
        );
        let err = withdraw(&db, o.id, s.id, late).await.unwrap_err();
        assert_eq!(
            refusal(err),
            "Cette session a été annulée : il n'y a plus de place à libérer."
        );
    }
    assert_eq!(
        status_of(&db, s.id, seated.id).await,
        EnrolmentStatus::Inscrit
    );
    assert_eq!(
        status_of(&db, s.id, waiting.id).await,
        EnrolmentStatus::ListeAttente
    );
    let staff_told = crate::entities::notification::Entity::find()
        .filter(
            crate::entities::notification::Column::Kind
                .eq(crate::model::NotificationKind::DesistementTardif),
        )
        .all(&db)
        .await
        .unwrap();
    assert!(staff_told.is_empty(), "no late withdrawal to report");
}

/// §3.1 and §3.4 under concurrency: 200 officers enrol at once into a 10-seat session, then the
/// 10 confirmed officers withdraw at once.
async fn race(db: DatabaseConnection) {
    let t = training(&db, "Séminaire de gouvernance").await;
    let s = session_at(&db, t.id, in_days(60), 7, 10).await;
    let mut officers = Vec::new();
    for i in 0..200 {
        officers.push(officer(&db, &format!("Officier {i}")).await.id);
    }

    let tasks: Vec<_> = officers
        .iter()
        .map(|&id| {
            let db = db.clone();
            tokio::spawn(async move { enrol(&db, id, s.id, Utc::now()).await })
        })
        .collect();
    let mut confirmed = 0;
    let mut positions = Vec::new();
    for task in tasks {
        match task.await.unwrap().expect("no enrolment may fail") {
            Enrolled::Confirmed => confirmed += 1,
            Enrolled::Waitlisted { position } => positions.push(position),
        }
    }
    positions.sort();
    assert_eq!(confirmed, 10);
    assert_eq!(positions, (1..=190).collect::<Vec<u64>>());
    assert_eq!(seats_taken(&db, s.id).await, 10);

    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(s.id))
        .order_by_asc(enrolment::Column::WaitlistRank)
        .all(&db)
        .await
        .unwrap();
    let holders: Vec<i32> = rows
        .iter()
        .filter(|e| e.status == EnrolmentStatus::Inscrit)
        .map(|e| e.officer_id)
        .collect();
    let first_waiting: Vec<i32> = rows
        .iter()
        .filter(|e| e.status == EnrolmentStatus::ListeAttente)
        .take(10)
        .map(|e| e.officer_id)
        .collect();
    assert_eq!(holders.len(), 10);

    let tasks: Vec<_> = holders
        .iter()
        .map(|&id| {
            let db = db.clone();
            tokio::spawn(async move { withdraw(&db, id, s.id, Utc::now()).await })
        })
        .collect();
    let mut promoted = Vec::new();
    for task in tasks {
        promoted.extend(
            task.await
                .unwrap()
                .expect("no withdrawal may fail")
                .promoted,
        );
    }
    promoted.sort();
    let mut expected = first_waiting.clone();
    expected.sort();
    assert_eq!(
        promoted, expected,
        "the first 10 waiting officers are promoted"
    );
    assert_eq!(seats_taken(&db, s.id).await, 10);
    let confirmed_now = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(s.id))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Inscrit))
        .all(&db)
        .await
        .unwrap();
    let mut now_ids: Vec<i32> = confirmed_now.iter().map(|e| e.officer_id).collect();
    now_ids.sort();
    assert_eq!(now_ids, expected);
    // The remaining 180 keep their order, now at positions 1..180.
    let still_waiting = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(s.id))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::ListeAttente))
        .order_by_asc(enrolment::Column::WaitlistRank)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(still_waiting.len(), 180);
    let last = still_waiting.last().unwrap();
    assert_eq!(
        waitlist_position(&db, s.id, last.waitlist_rank.unwrap())
            .await
            .unwrap(),
        180
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn race_on_file_sqlite() {
    race(testing::file_sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn race_on_postgres() {
    if let Some(db) = testing::postgres().await {
        race(db).await;
    }
}

#[test]
fn action_codes_are_their_serde_names() {
    for action in [
        Action::Enrol,
        Action::JoinWaitlist,
        Action::Withdraw,
        Action::LeaveWaitlist,
    ] {
        let json = serde_json::to_string(&action).unwrap();
        assert_eq!(json, format!("\"{}\"", action.code()));
    }
}
