//! Giving feedback: only an officer marked « Présent » at a session that is over; one avis per
//! officer and session, which they may change.

use super::MyFeedback;
use crate::model::max_len;
use crate::{
    checks::Check,
    dates,
    entities::{feedback, session},
    error::{AppError, AppResult},
    model::EnrolmentStatus,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

pub struct FeedbackInput {
    pub overall: String,
    pub usefulness: String,
    pub comment: String,
}

/// The feedback block of a session page, if the officer may give feedback there.
pub async fn mine<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    s: &session::Model,
    now: DateTime<Utc>,
) -> AppResult<Option<MyFeedback>> {
    if !may_give(db, officer_id, s, now).await? {
        return Ok(None);
    }
    let given = existing(db, s.id, officer_id).await?;
    Ok(Some(MyFeedback {
        session_id: s.id,
        given_on: given.as_ref().map(|f| dates::day(f.created_at)),
        values: given
            .map(|f| {
                vec![
                    ("overall".to_owned(), f.overall_rating.to_string()),
                    ("usefulness".to_owned(), f.usefulness_rating.to_string()),
                    ("comment".to_owned(), f.comment),
                ]
            })
            .unwrap_or_default(),
    }))
}

async fn may_give<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    s: &session::Model,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    if now < s.ends_at {
        return Ok(false);
    }
    Ok(crate::records::place::own_enrolment(db, s.id, officer_id)
        .await?
        .is_some_and(|e| e.status == EnrolmentStatus::Present))
}

async fn existing<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    officer_id: i32,
) -> AppResult<Option<feedback::Model>> {
    Ok(feedback::Entity::find()
        .filter(feedback::Column::SessionId.eq(session_id))
        .filter(feedback::Column::OfficerId.eq(officer_id))
        .one(db)
        .await?)
}

/// Records (or changes) the officer's feedback.
pub async fn give<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    session_id: i32,
    input: &FeedbackInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let s = crate::records::session::any_session(db, session_id).await?;
    if !may_give(db, officer_id, &s, now).await? {
        return Err(AppError::refused(
            "Un avis se donne après une session à laquelle vous avez été présent.",
        ));
    }
    let mut c = Check::new();
    let overall = rating(&mut c, "overall", &input.overall);
    let usefulness = rating(&mut c, "usefulness", &input.usefulness);
    let comment = c
        .optional_text("comment", &input.comment, max_len::COMMENT)
        .unwrap_or_default();
    c.done()?;
    match existing(db, session_id, officer_id).await? {
        Some(f) => {
            let mut row: feedback::ActiveModel = f.into();
            row.overall_rating = Set(overall);
            row.usefulness_rating = Set(usefulness);
            row.comment = Set(comment);
            row.update(db).await?;
        }
        None => {
            feedback::ActiveModel {
                session_id: Set(session_id),
                officer_id: Set(officer_id),
                overall_rating: Set(overall),
                usefulness_rating: Set(usefulness),
                comment: Set(comment),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// A mark from 1 to 5 (radio buttons): « Choisissez une note de 1 à 5. » when missing.
fn rating(c: &mut Check, name: &str, raw: &str) -> i16 {
    if raw.trim().is_empty() {
        c.fail(name, "Choisissez une note de 1 à 5.");
        return 1;
    }
    i16::try_from(c.integer(name, raw, 1, 5)).unwrap_or(1)
}
