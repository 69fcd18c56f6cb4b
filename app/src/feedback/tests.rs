//! Feedback: only after a session the officer attended, one per officer, refusals in French.

use super::service::*;
use crate::{
    entities::feedback,
    error::AppError,
    model::EnrolmentStatus,
    testing::{officer, place, session_at, test_db, training},
};
use chrono::{Duration, Utc};
use sea_orm::EntityTrait;

fn input(overall: &str, usefulness: &str, comment: &str) -> FeedbackInput {
    FeedbackInput {
        overall: overall.into(),
        usefulness: usefulness.into(),
        comment: comment.into(),
    }
}

#[tokio::test]
async fn an_officer_present_gives_and_changes_feedback_after_the_session() {
    let db = test_db().await;
    let t = training(&db, "Négocier").await;
    let s = session_at(&db, t.id, Utc::now() - Duration::days(3), 7, 5).await;
    let present = officer(&db, "Anne Présente").await;
    let absent = officer(&db, "Bruno Absent").await;
    for (o, status) in [
        (&present, EnrolmentStatus::Present),
        (&absent, EnrolmentStatus::Absent),
    ] {
        place(&db, s.id, o.id, status).await;
    }
    let now = Utc::now();
    assert!(mine(&db, absent.id, &s, now).await.unwrap().is_none());
    let err = give(&db, absent.id, s.id, &input("4", "4", ""), now)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused(_)));

    let form = mine(&db, present.id, &s, now).await.unwrap().unwrap();
    assert!(form.given_on.is_none());
    // A missing mark and a long comment: refused next to each field, the comment kept.
    let long = "x".repeat(2001);
    let Err(AppError::Invalid(e)) = give(&db, present.id, s.id, &input("", "9", &long), now).await
    else {
        panic!("expected field errors");
    };
    assert_eq!(
        e.message("overall").as_deref(),
        Some("Choisissez une note de 1 à 5.")
    );
    assert_eq!(
        e.message("usefulness").as_deref(),
        Some("Saisissez un nombre entier entre 1 et 5.")
    );
    assert_eq!(
        e.message("comment").as_deref(),
        Some("2000 caractères au plus.")
    );
    assert!(e.values.iter().any(|(k, v)| k == "comment" && *v == long));

    give(
        &db,
        present.id,
        s.id,
        &input("5", "4", "Très concret."),
        now,
    )
    .await
    .unwrap();
    give(
        &db,
        present.id,
        s.id,
        &input("4", "4", "Très concret, un peu long."),
        now,
    )
    .await
    .unwrap();
    let rows = feedback::Entity::find().all(&db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].overall_rating, rows[0].usefulness_rating), (4, 4));
    assert_eq!(rows[0].comment, "Très concret, un peu long.");
    let form = mine(&db, present.id, &s, now).await.unwrap().unwrap();
    assert!(form.given_on.is_some());
    assert!(
        form.values
            .contains(&("overall".to_owned(), "4".to_owned()))
    );

    // Not before the end of the session.
    let later = session_at(&db, t.id, Utc::now() + Duration::days(3), 7, 5).await;
    assert!(mine(&db, present.id, &later, now).await.unwrap().is_none());
}
