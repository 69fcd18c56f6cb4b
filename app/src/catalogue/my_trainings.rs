//! « Mes formations »: an officer's places, upcoming and past.

use super::{MyEnrolment, MyTrainings};
use crate::{
    dates,
    entities::{enrolment, session, training},
    error::AppResult,
    model::{EnrolmentStatus, SessionStatus},
    records::place::waitlist_position,
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

pub async fn my_trainings<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    now: DateTime<Utc>,
) -> AppResult<MyTrainings> {
    // Drafts do not exist for officers: a place staff gave in one shows once it is published.
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::OfficerId.eq(officer_id))
        .find_also_related(session::Entity)
        .filter(session::Column::Status.ne(SessionStatus::Brouillon))
        .order_by_asc(session::Column::StartsAt)
        .all(db)
        .await?;
    let training_ids: Vec<i32> = rows
        .iter()
        .filter_map(|(_, s)| s.as_ref().map(|s| s.training_id))
        .collect();
    let titles: HashMap<i32, String> = training::Entity::find()
        .filter(training::Column::Id.is_in(training_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.title))
        .collect();

    let mut out = MyTrainings::default();
    for (e, s) in rows {
        let Some(s) = s else { continue };
        let upcoming = s.starts_at > now;
        let shown = if upcoming {
            e.status.is_live()
        } else {
            e.status != EnrolmentStatus::Desinscrit && e.status != EnrolmentStatus::ListeAttente
        };
        if !shown {
            continue;
        }
        let waitlist_position = match (e.status, e.waitlist_rank) {
            (EnrolmentStatus::ListeAttente, Some(rank)) => {
                Some(waitlist_position(db, s.id, rank).await?)
            }
            _ => None,
        };
        let line = MyEnrolment {
            session_id: s.id,
            title: titles.get(&s.training_id).cloned().unwrap_or_default(),
            dates: dates::span(s.starts_at, s.ends_at),
            place: s.location.clone(),
            status: e.status,
            waitlist_position,
            note: (s.status == SessionStatus::Annulee).then(|| "Session annulée".to_owned()),
        };
        if upcoming {
            out.upcoming.push(line)
        } else {
            out.past.push(line)
        }
    }
    // Most recent first for the past.
    out.past.reverse();
    out.invitations = crate::invitation::service::open_for_officer(db, officer_id, now).await?;
    Ok(out)
}
