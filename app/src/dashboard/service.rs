use super::{Dashboard, UpcomingSession};
use crate::{
    dates,
    entities::{enrolment, session, training},
    error::AppResult,
    model::{EnrolmentStatus, SessionStatus},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use std::collections::HashMap;

/// How many upcoming sessions the dashboard lists.
const NEXT_SESSIONS: u64 = 20;

pub async fn dashboard<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<Dashboard> {
    let rows = session::Entity::find()
        .filter(session::Column::StartsAt.gt(now))
        .filter(session::Column::Status.is_in([SessionStatus::Publiee, SessionStatus::Brouillon]))
        .find_also_related(training::Entity)
        .order_by_asc(session::Column::StartsAt)
        .limit(NEXT_SESSIONS)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|(s, _)| s.id).collect();
    let waiting: HashMap<i32, i64> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::SessionId)
        .column_as(Expr::col(enrolment::Column::Id).count(), "n")
        .filter(enrolment::Column::SessionId.is_in(ids))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::ListeAttente))
        .group_by(enrolment::Column::SessionId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    let upcoming = rows
        .into_iter()
        .map(|(s, t)| {
            let waiting = u64::try_from(waiting.get(&s.id).copied().unwrap_or(0)).unwrap_or(0);
            let mut alerts = Vec::new();
            if s.status == SessionStatus::Publiee && s.seats_taken < s.min_participants {
                alerts.push(format!("Sous le minimum ({})", s.min_participants));
            }
            if waiting > 0 && s.seats_taken < s.capacity {
                alerts.push("Places libres avec liste d'attente".to_owned());
            }
            UpcomingSession {
                id: s.id,
                title: t.map(|t| t.title).unwrap_or_default(),
                dates: dates::span(s.starts_at, s.ends_at),
                status: s.status.label().to_owned(),
                confirmed: s.seats_taken,
                capacity: s.capacity,
                fill_percent: if s.capacity > 0 {
                    s.seats_taken * 100 / s.capacity
                } else {
                    0
                },
                waiting,
                alerts,
            }
        })
        .collect();
    Ok(Dashboard { upcoming })
}
