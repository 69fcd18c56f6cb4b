use super::{Dashboard, UpcomingSession};
use crate::{
    dates,
    entities::{session, training},
    error::AppResult,
    model::{EnrolmentStatus, SessionStatus},
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

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
    let waiting =
        crate::enrolment::service::count_by_session(db, &ids, EnrolmentStatus::ListeAttente)
            .await?;
    let late =
        crate::enrolment::service::count_by_session(db, &ids, EnrolmentStatus::DesistementTardif)
            .await?;

    let upcoming = rows
        .into_iter()
        .map(|(s, t)| {
            let waiting = waiting.get(&s.id).copied().unwrap_or(0);
            let late = late.get(&s.id).copied().unwrap_or(0);
            let mut alerts = Vec::new();
            if s.status == SessionStatus::Publiee && s.seats_taken < s.min_participants {
                alerts.push(format!("Sous le minimum ({})", s.min_participants));
            }
            if waiting > 0 && s.seats_taken < s.capacity {
                alerts.push("Places libres avec liste d'attente".to_owned());
            }
            match late {
                0 => {}
                1 => alerts.push("1 désistement tardif".to_owned()),
                n => alerts.push(format!("{n} désistements tardifs")),
            }
            UpcomingSession {
                id: s.id,
                title: t.map(|t| t.title).unwrap_or_default(),
                dates: dates::span(s.starts_at, s.ends_at),
                status: s.status.label().to_owned(),
                confirmed: s.seats_taken,
                capacity: s.capacity,
                fill_percent: crate::planning::service::fill_percent(s.seats_taken, s.capacity),
                waiting,
                alerts,
            }
        })
        .collect();
    Ok(Dashboard { upcoming })
}
