//! What staff read of the planning: the list with its filters, the month calendar, and the
//! session form's values (an existing session's, or a new one prefilled from its training).

use super::{
    Calendar, CalendarDay, CalendarEntry, Planning, PlanningFilters, PlanningRow, SessionForm,
    lifecycle::editable,
};
use crate::{
    dates,
    entities::{session, training},
    error::{AppError, AppResult},
    format::{euros_input, fill_percent, place_label},
    model::{Choice, EnrolmentStatus, SessionStatus},
    records::session::{any_session, training_title},
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::BTreeSet;

/// How many sessions the planning list shows at most.
const LIST_LIMIT: usize = 300;
/// The planning list: sessions matching the filters, soonest first for upcoming ones, latest
/// first for past ones.
pub async fn planning<C: ConnectionTrait>(
    db: &C,
    f: &PlanningFilters,
    now: DateTime<Utc>,
) -> AppResult<Planning> {
    let mut q = session::Entity::find().find_also_related(training::Entity);
    let period = f.period.as_deref().unwrap_or("a-venir");
    q = match period {
        "passees" => q
            .filter(session::Column::EndsAt.lte(now))
            .order_by_desc(session::Column::StartsAt),
        "toutes" => q.order_by_desc(session::Column::StartsAt),
        _ => q
            .filter(session::Column::EndsAt.gt(now))
            .order_by_asc(session::Column::StartsAt),
    };
    if let Some(status) = f.status.as_deref().and_then(SessionStatus::from_code) {
        q = q.filter(session::Column::Status.eq(status));
    }
    if let Some(t) = f.training {
        q = q.filter(session::Column::TrainingId.eq(t));
    }
    let rows = q.all(db).await?;
    let months: BTreeSet<String> = rows
        .iter()
        .map(|(s, _)| dates::month_code(s.starts_at))
        .collect();
    let month = f.month.as_deref().filter(|m| !m.is_empty());
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|(s, _)| month.is_none_or(|m| dates::month_code(s.starts_at) == m))
        .collect();
    let truncated = rows.len() > LIST_LIMIT;
    let rows: Vec<_> = rows.into_iter().take(LIST_LIMIT).collect();
    let ids: Vec<i32> = rows.iter().map(|(s, _)| s.id).collect();
    let waiting =
        crate::records::place::count_by_session(db, &ids, EnrolmentStatus::ListeAttente).await?;
    let trainings = training::Entity::find()
        .order_by_asc(training::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: if t.archived {
                format!("{} (archivée)", t.title)
            } else {
                t.title
            },
        })
        .collect();
    Ok(Planning {
        rows: rows
            .into_iter()
            .map(|(s, t)| PlanningRow {
                id: s.id,
                title: t.map(|t| t.title).unwrap_or_default(),
                dates: dates::span(s.starts_at, s.ends_at),
                place: place_label(&s),
                status: s.status,
                seats: format!("{} / {}", s.seats_taken, s.capacity),
                fill_percent: fill_percent(s.seats_taken, s.capacity),
                waiting: waiting.get(&s.id).copied().unwrap_or(0),
            })
            .collect(),
        truncated,
        trainings,
        months: months
            .into_iter()
            .map(|m| Choice {
                label: month_label_of(&m),
                value: m,
            })
            .collect(),
    })
}

fn month_label_of(code: &str) -> String {
    let mut parts = code.split('-');
    let year = parts.next().and_then(|y| y.parse().ok()).unwrap_or(2000);
    let month = parts.next().and_then(|m| m.parse().ok()).unwrap_or(1);
    crate::dates::month_label(year, month)
}

/// The month grid (Monday first) with the sessions of each day, cancelled ones included.
pub async fn calendar<C: ConnectionTrait>(
    db: &C,
    month: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Calendar> {
    let today = dates::paris_date(now);
    let first = match month.map(str::trim).filter(|m| !m.is_empty()) {
        None => today.with_day(1).unwrap_or(today),
        Some(m) => dates::month_start(m).ok_or_else(|| {
            AppError::refused(format!("Mois invalide : « {m} » (attendu : 2027-01)."))
        })?,
    };
    let next_first = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    let prev_first = first
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(first);
    let grid_start = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let last = next_first - Duration::days(1);
    let grid_end = last + Duration::days(i64::from(6 - last.weekday().num_days_from_monday()));

    let from = dates::from_paris(grid_start, NaiveTime::MIN).unwrap_or(now);
    let to = dates::end_of_day(grid_end);
    let sessions = session::Entity::find()
        .filter(session::Column::StartsAt.lt(to))
        .filter(session::Column::EndsAt.gt(from))
        .find_also_related(training::Entity)
        .order_by_asc(session::Column::StartsAt)
        .all(db)
        .await?;

    let mut weeks = Vec::new();
    let mut day = grid_start;
    while day <= grid_end {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            let entries = sessions
                .iter()
                .filter(|(s, _)| {
                    dates::paris_date(s.starts_at) <= day && day <= dates::paris_date(s.ends_at)
                })
                .map(|(s, t)| CalendarEntry {
                    id: s.id,
                    time: dates::time(s.starts_at),
                    title: t.as_ref().map(|t| t.title.clone()).unwrap_or_default(),
                    status: s.status,
                })
                .collect();
            let noon =
                dates::from_paris(day, NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default())
                    .unwrap_or(now);
            week.push(CalendarDay {
                day: day.day(),
                label: dates::day(noon),
                in_month: day.month() == first.month(),
                today: day == today,
                sessions: entries,
            });
            day += Duration::days(1);
        }
        weeks.push(week);
    }
    let code = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    Ok(Calendar {
        label: dates::month_label(first.year(), first.month()),
        month: code(first),
        previous: code(prev_first),
        next: code(next_first),
        weeks,
    })
}

/// The values of the session form: an existing session's, or a new one prefilled from the
/// training (capacity, cost) with deadlines left blank (their defaults are relative to the start).
pub async fn form<C: ConnectionTrait>(
    db: &C,
    id: Option<i32>,
    training_id: Option<i32>,
) -> AppResult<SessionForm> {
    let trainings: Vec<(String, String)> = training::Entity::find()
        .filter(training::Column::Archived.eq(false))
        .order_by_asc(training::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id.to_string(), t.title))
        .collect();
    let pair = |k: &str, v: String| (k.to_owned(), v);
    if let Some(id) = id {
        let s = any_session(db, id).await?;
        editable(&s)?;
        let title = training_title(db, s.training_id).await?;
        let mut trainings = trainings;
        if !trainings
            .iter()
            .any(|(v, _)| *v == s.training_id.to_string())
        {
            trainings.push((s.training_id.to_string(), format!("{title} (archivée)")));
        }
        return Ok(SessionForm {
            id: Some(id),
            title,
            trainings,
            seats_taken: s.seats_taken,
            values: vec![
                pair("training_id", s.training_id.to_string()),
                pair("start_date", dates::input_date(s.starts_at)),
                pair("start_time", dates::input_time(s.starts_at)),
                pair("end_date", dates::input_date(s.ends_at)),
                pair("end_time", dates::input_time(s.ends_at)),
                pair("location", s.location.clone()),
                pair("visio_url", s.visio_url.clone().unwrap_or_default()),
                pair("capacity", s.capacity.to_string()),
                pair("min_participants", s.min_participants.to_string()),
                pair(
                    "enrolment_deadline",
                    dates::input_date(s.enrolment_deadline),
                ),
                pair(
                    "cancellation_deadline",
                    dates::input_date(s.cancellation_deadline),
                ),
                pair("cost", euros_input(s.actual_cost_cents)),
                pair("trainer", s.trainer.clone()),
            ],
        });
    }
    let training = match training_id {
        Some(t) => training::Entity::find_by_id(t)
            .one(db)
            .await?
            .filter(|t| !t.archived),
        None => None,
    };
    let mut values = vec![
        pair("start_time", "09:00".into()),
        pair("end_time", "17:30".into()),
    ];
    if let Some(t) = &training {
        let cost = match (t.fixed_cost_cents, t.seat_cost_cents) {
            (None, None) => None,
            (f, s) => Some(f.unwrap_or(0) + s.unwrap_or(0) * i64::from(t.default_capacity)),
        };
        values.extend([
            pair("training_id", t.id.to_string()),
            pair("capacity", t.default_capacity.to_string()),
            pair(
                "min_participants",
                Ord::max(t.default_capacity / 2, 1).to_string(),
            ),
            pair("cost", euros_input(cost)),
        ]);
    }
    Ok(SessionForm {
        id: None,
        title: training.map(|t| t.title).unwrap_or_default(),
        trainings,
        seats_taken: 0,
        values,
    })
}
