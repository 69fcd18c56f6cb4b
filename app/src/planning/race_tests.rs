//! Product §3 under real concurrency on PostgreSQL (two connections released together by a
//! barrier, many times over): a session cancelled while an officer enrols or staff enrol
//! someone, and a session moved while one of its participants enrols elsewhere. Each round
//! checks the invariant whatever the order the database chose.

use super::{
    input::SessionInput,
    lifecycle::{cancel, update},
};
use crate::{
    enrolment::{actions::enrol, staff::enrol_officers},
    entities::{enrolment, notification, session},
    model::{EnrolmentStatus, NotificationKind, Role, SessionStatus},
    testing::{officer, postgres, session_at, training, user_with_role},
};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::sync::Arc;
use tokio::sync::Barrier;

const ROUNDS: usize = 25;

/// Runs `a` and `b` at the same instant on their own connections.
async fn together<A, B>(a: A, b: B) -> (A::Output, B::Output)
where
    A: Future,
    B: Future,
{
    let barrier = Arc::new(Barrier::new(2));
    let (ba, bb) = (barrier.clone(), barrier);
    tokio::join!(
        async move {
            ba.wait().await;
            a.await
        },
        async move {
            bb.wait().await;
            b.await
        }
    )
}

async fn places(db: &DatabaseConnection, session_id: i32) -> Vec<enrolment::Model> {
    enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .all(db)
        .await
        .unwrap()
}

async fn told_of_cancellation(db: &DatabaseConnection, officer_id: i32, session_id: i32) -> bool {
    !notification::Entity::find()
        .filter(notification::Column::UserId.eq(officer_id))
        .filter(notification::Column::SessionId.eq(session_id))
        .filter(notification::Column::Kind.eq(NotificationKind::SessionAnnulee))
        .all(db)
        .await
        .unwrap()
        .is_empty()
}

/// After a cancellation raced with placements: every live place in the session belongs to an
/// officer told of the cancellation (§3.6), whoever won.
async fn everyone_placed_is_told(db: &DatabaseConnection, s: &session::Model) {
    let now = session::Entity::find_by_id(s.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.status, SessionStatus::Annulee);
    for p in places(db, s.id).await {
        if p.status.is_live() {
            assert!(
                told_of_cancellation(db, p.officer_id, s.id).await,
                "officer {} holds a place ({:?}) in a cancelled session and was not told",
                p.officer_id,
                p.status
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_cancelled_while_someone_is_placed_leaves_nobody_untold_on_postgres() {
    let Some(db) = postgres().await else { return };
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Course contre la montre").await;
    for round in 0..ROUNDS {
        let s = session_at(&db, t.id, Utc::now() + Duration::days(30), 7, 5).await;
        let o = officer(&db, &format!("Officier {round}")).await.id;
        let (db_a, db_b) = (db.clone(), db.clone());
        let now = Utc::now();
        let (placed, cancelled) = if round % 2 == 0 {
            let (p, c) =
                together(enrol(&db_a, o, s.id, now), cancel(&db_b, staff, s.id, now)).await;
            (p.map(|_| ()), c)
        } else {
            let (p, c) = together(
                enrol_officers(&db_a, staff, s.id, &[o], now),
                cancel(&db_b, staff, s.id, now),
            )
            .await;
            (p.map(|_| ()), c)
        };
        cancelled.expect("the cancellation goes through");
        if let Err(e) = placed {
            // Placed after the cancellation: refused with the reason.
            assert!(e.to_string().contains("annulée"), "{e}");
        }
        everyone_placed_is_told(&db, &s).await;
    }
}

fn moved_to(training_id: i32, day: chrono::NaiveDate) -> SessionInput {
    SessionInput {
        training_id: training_id.to_string(),
        start_date: day.format("%Y-%m-%d").to_string(),
        start_time: "09:00".into(),
        end_date: String::new(),
        end_time: "17:00".into(),
        location: "École militaire, Paris".into(),
        capacity: "5".into(),
        min_participants: "1".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_moved_while_a_participant_enrols_elsewhere_makes_no_overlap_on_postgres() {
    let Some(db) = postgres().await else { return };
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Déplacer").await;
    for round in 0..ROUNDS {
        let offset = 20 + 3 * round as i64;
        // The officer holds a seat in `a`; `b` is another day. Staff move `a` onto `b`'s day
        // while the officer enrols in `b`: one of the two must be refused.
        let a = session_at(&db, t.id, Utc::now() + Duration::days(offset), 7, 5).await;
        let day = crate::dates::paris_date(Utc::now() + Duration::days(offset + 1));
        let ten = chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        let b_start = crate::dates::from_paris(day, ten).unwrap();
        let b = session_at(&db, t.id, b_start, 4, 5).await;
        let o = officer(&db, &format!("Officier {round}")).await.id;
        enrol(&db, o, a.id, Utc::now()).await.unwrap();
        let (db_a, db_b) = (db.clone(), db.clone());
        let now = Utc::now();
        let (moved, enrolled) = together(
            update(&db_a, staff, a.id, &moved_to(t.id, day), now),
            enrol(&db_b, o, b.id, now),
        )
        .await;
        assert!(
            moved.is_err() || enrolled.is_err(),
            "round {round}: both the move and the enrolment went through"
        );
        let live: Vec<i32> = enrolment::Entity::find()
            .filter(enrolment::Column::OfficerId.eq(o))
            .filter(
                enrolment::Column::Status
                    .is_in([EnrolmentStatus::Inscrit, EnrolmentStatus::ListeAttente]),
            )
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.session_id)
            .collect();
        let sessions: Vec<session::Model> = session::Entity::find()
            .filter(session::Column::Id.is_in(live))
            .all(&db)
            .await
            .unwrap();
        for x in &sessions {
            for y in &sessions {
                assert!(
                    x.id == y.id || x.ends_at <= y.starts_at || y.ends_at <= x.starts_at,
                    "round {round}: overlapping places {} and {}",
                    x.id,
                    y.id
                );
            }
        }
    }
}
