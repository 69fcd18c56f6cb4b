//! Read side of the catalogue and session page.

use super::{
    Catalogue, Filters, SessionCard, SessionPage, TRAININGS_PER_PAGE, TrainingGroup, memo,
};
use crate::{
    dates,
    enrolment::actions::enrolment_open_at,
    enrolment::place::place_in,
    entities::{enrolment, session, training, user},
    error::{AppError, AppResult},
    format::seats_label,
    model::{Choice, EnrolmentStatus, SessionStatus, TrainingFormat},
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
    sea_query::{Expr, Query, SelectStatement},
};
use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};

/// Upcoming published sessions of active trainings, grouped by training, filtered, a page of
/// trainings at a time in the order of their next session.
///
/// The database does the filtering and the paging: on the large data set (1,000 upcoming
/// sessions) only the page's 8 trainings and their sessions are read, and the choices come as
/// one row per theme and month.
pub async fn catalogue<C: ConnectionTrait>(
    db: &C,
    viewer_id: i32,
    filters: &Filters,
    now: DateTime<Utc>,
) -> AppResult<Catalogue> {
    // Read before anything it stands for (see `memo`).
    let stamp = memo::stamp(db).await?;
    let choices = match memo::choices(&stamp, now) {
        Some(remembered) => remembered,
        None => {
            let computed = Arc::new(choices(db, now).await?);
            let until = next_start(db, now).await?;
            memo::keep_choices(&stamp, now, until, Arc::clone(&computed));
            computed
        }
    };
    let (themes, months) = &*choices;
    let (groups, page, pages) = match Kept::from(filters) {
        // A theme no offered session has (a hand-edited address) keeps nothing, and is not
        // remembered: an address may hold anything, up to the size of a request.
        Some(kept) if kept.theme.is_some_and(|t| !themes.contains(t)) => (Vec::new(), 1, 1),
        Some(kept) => {
            let key = kept.key(filters.page);
            let found = match memo::page(&stamp, now, &key) {
                Some(remembered) => remembered,
                None => {
                    let computed = Arc::new(page_of_trainings(db, &kept, filters.page, now).await?);
                    memo::keep_page(&stamp, now, key, Arc::clone(&computed));
                    computed
                }
            };
            let groups = groups_of(db, viewer_id, &kept, &found.ids, now).await?;
            (groups, found.page, found.pages)
        }
        // A month that does not exist (a hand-edited address) keeps nothing.
        None => (Vec::new(), 1, 1),
    };
    Ok(Catalogue {
        groups,
        page: page as u32,
        pages: pages as u32,
        previous: (page > 1).then(|| page_link(filters, page - 1)),
        next: (page < pages).then(|| page_link(filters, page + 1)),
        themes: themes
            .iter()
            .map(|t| Choice {
                value: t.clone(),
                label: t.clone(),
            })
            .collect(),
        formats: TrainingFormat::ALL
            .iter()
            .map(|f| Choice {
                value: f.code().to_owned(),
                label: f.label().to_owned(),
            })
            .collect(),
        months: months
            .iter()
            .map(|first| Choice {
                value: format!("{:04}-{:02}", first.year(), first.month()),
                label: dates::month_title(first.year(), first.month()),
            })
            .collect(),
    })
}

/// What the filters keep. An unknown format keeps everything, as the form's « Tous » does.
struct Kept<'a> {
    theme: Option<&'a str>,
    format: Option<TrainingFormat>,
    month: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl<'a> Kept<'a> {
    /// `None` when the month filter names no month.
    fn from(filters: &'a Filters) -> Option<Self> {
        let given = |v: &'a Option<String>| v.as_deref().filter(|v| !v.is_empty());
        let month = match given(&filters.month) {
            Some(code) => Some(dates::month_bounds(code)?),
            None => None,
        };
        Some(Kept {
            theme: given(&filters.theme),
            format: given(&filters.format).and_then(TrainingFormat::from_code),
            month,
        })
    }

    /// What the page's trainings are remembered under: two addresses that keep the same
    /// sessions share it.
    fn key(&self, asked: Option<u32>) -> memo::PageKey {
        memo::PageKey {
            theme: self.theme.map(str::to_owned),
            format: self.format,
            month: self.month,
            asked,
        }
    }
}

/// The sessions an officer may find: published, not started, of a training still offered.
fn offered(now: DateTime<Utc>) -> Select<session::Entity> {
    session::Entity::find()
        .inner_join(training::Entity)
        .filter(session::Column::Status.eq(SessionStatus::Publiee))
        .filter(session::Column::StartsAt.gt(now))
        .filter(training::Column::Archived.eq(false))
}

/// The offered sessions the filters keep.
fn kept(kept: &Kept, now: DateTime<Utc>) -> Select<session::Entity> {
    let mut query = offered(now);
    if let Some(theme) = kept.theme {
        query = query.filter(training::Column::Theme.eq(theme));
    }
    if let Some(format) = kept.format {
        query = query.filter(training::Column::Format.eq(format));
    }
    if let Some((start, end)) = kept.month {
        query = query
            .filter(session::Column::StartsAt.gte(start))
            .filter(session::Column::StartsAt.lt(end));
    }
    query
}

/// The theme and month choices: every theme and month an officer could find, whatever the
/// filters say, so that a choice never leads to an empty page.
///
/// The database sorts the sessions into Paris months whose bounds are computed here, and
/// answers one row per theme and month (reading the 1,000 start times of the large data set to
/// sort them here took longer than the rest of the page). The months are those of the next
/// three years, in one query; a session planned further ahead (the database answers it with no
/// month) has the months counted again up to the last session, in two more.
async fn choices<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> AppResult<(BTreeSet<String>, BTreeSet<NaiveDate>)> {
    let horizon = months_until(now, now + chrono::Months::new(HORIZON_MONTHS));
    let found = themes_and_months(db, now, &horizon).await?;
    if !found.iter().any(|(_, month)| month.is_none()) {
        return Ok(sorted(found, &horizon));
    }
    // The months run up to the last published session (of any training: an archived
    // training's later session only adds a month that matches no row).
    let last = published_start(db, now, session::Column::StartsAt.max()).await?;
    let months = match last {
        Some(last) => months_until(now, last),
        None => Vec::new(),
    };
    let found = themes_and_months(db, now, &months).await?;
    Ok(sorted(found, &months))
}

/// The start of the next published session, when the catalogue next changes by itself (that
/// session leaves it). Any training's: an archived one's only makes the memo end early.
async fn next_start<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    published_start(db, now, session::Column::StartsAt.min()).await
}

/// The first or last start (`aggregate`, `MIN` or `MAX` of the start) of the published
/// sessions still to come, of any training.
async fn published_start<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    aggregate: Expr,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(session::Entity::find()
        .select_only()
        .expr_as(aggregate, "start")
        .filter(session::Column::Status.eq(SessionStatus::Publiee))
        .filter(session::Column::StartsAt.gt(now))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten())
}

/// How far ahead the first query of [`choices`] sorts sessions into months.
const HORIZON_MONTHS: u32 = 36;

/// One row per theme and month (an index into `months`, `None` past the last one) of the
/// offered sessions.
async fn themes_and_months<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    months: &[(NaiveDate, DateTime<Utc>)],
) -> AppResult<Vec<(String, Option<i32>)>> {
    let Some(((_, end), later)) = months.split_first() else {
        return Ok(Vec::new());
    };
    let mut month_of = Expr::case(session::Column::StartsAt.lt(*end), 0);
    for (index, (_, end)) in later.iter().enumerate() {
        month_of = month_of.case(session::Column::StartsAt.lt(*end), index as i32 + 1);
    }
    Ok(offered(now)
        .select_only()
        .column(training::Column::Theme)
        .expr_as(month_of, "month")
        .distinct()
        .into_tuple::<(String, Option<i32>)>()
        .all(db)
        .await?)
}

/// The themes, and the first days of the months found.
fn sorted(
    found: Vec<(String, Option<i32>)>,
    months: &[(NaiveDate, DateTime<Utc>)],
) -> (BTreeSet<String>, BTreeSet<NaiveDate>) {
    let mut themes = BTreeSet::new();
    let mut firsts = BTreeSet::new();
    for (theme, month) in found {
        themes.insert(theme);
        if let Some(&(first, _)) = month.and_then(|m| months.get(usize::try_from(m).ok()?)) {
            firsts.insert(first);
        }
    }
    (themes, firsts)
}

/// The Paris months from now's to `last`'s (their first days), each with the instant it ends.
fn months_until(now: DateTime<Utc>, last: DateTime<Utc>) -> Vec<(NaiveDate, DateTime<Utc>)> {
    let mut months = Vec::new();
    let Some(mut first) = dates::month_start(&dates::month_code(now)) else {
        return months;
    };
    while let Some(next) = first.checked_add_months(chrono::Months::new(1)) {
        let Some(end) = dates::from_paris(next, chrono::NaiveTime::MIN) else {
            break;
        };
        months.push((first, end));
        if end > last {
            break;
        }
        first = next;
    }
    months
}

/// The trainings of the page asked for (the nearest that exists), the page's number and the
/// number of pages.
async fn page_of_trainings<C: ConnectionTrait>(
    db: &C,
    filters: &Kept<'_>,
    asked: Option<u32>,
    now: DateTime<Utc>,
) -> AppResult<memo::Page> {
    // The page's trainings, each row with the number of trainings of all pages.
    let page_of = |page: usize| {
        kept(filters, now)
            .select_only()
            .column(session::Column::TrainingId)
            .column_as(Expr::cust("COUNT(*) OVER ()"), "trainings")
            .group_by(session::Column::TrainingId)
            .order_by(session::Column::StartsAt.min(), Order::Asc)
            .order_by_asc(session::Column::TrainingId)
            .limit(TRAININGS_PER_PAGE as u64)
            .offset(((page - 1) * TRAININGS_PER_PAGE) as u64)
            .into_tuple::<(i32, i64)>()
            .all(db)
    };
    let mut page = asked.unwrap_or(1).max(1) as usize;
    let mut rows = page_of(page).await?;
    if rows.is_empty() && page > 1 {
        // A page past the end (the list got shorter since the link was made): the last one.
        let trainings = kept(filters, now)
            .select_only()
            .column(session::Column::TrainingId)
            .distinct()
            .count(db)
            .await?;
        page = (trainings as usize).div_ceil(TRAININGS_PER_PAGE).max(1);
        rows = page_of(page).await?;
    }
    let trainings = rows.first().map_or(0, |&(_, n)| n.max(0) as usize);
    let pages = trainings.div_ceil(TRAININGS_PER_PAGE).max(1);
    let ids = rows.into_iter().map(|(id, _)| id).collect();
    Ok(memo::Page { ids, page, pages })
}

/// The trainings `ids`, in that order, with their kept sessions.
async fn groups_of<C: ConnectionTrait>(
    db: &C,
    viewer_id: i32,
    filters: &Kept<'_>,
    ids: &[i32],
    now: DateTime<Utc>,
) -> AppResult<Vec<TrainingGroup>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The kept sessions of those trainings, with what their cards show of the training (joined
    // by `kept` already) and the viewer's own place in each (one row per session and officer at
    // most): only the columns the page shows, a third of the whole rows (reading and decoding
    // them was a tenth of the page's time on the large data set).
    let sessions = kept(filters, now)
        .select_only()
        .columns([
            session::Column::Id,
            session::Column::TrainingId,
            session::Column::StartsAt,
            session::Column::EndsAt,
            session::Column::Location,
            session::Column::Capacity,
            session::Column::SeatsTaken,
            session::Column::Status,
            session::Column::EnrolmentDeadline,
        ])
        .columns([
            training::Column::Title,
            training::Column::Theme,
            training::Column::Provider,
            training::Column::Format,
            training::Column::DurationHours,
        ])
        .filter(session::Column::TrainingId.is_in(ids.iter().copied()))
        .expr_as(
            Expr::SubQuery(None, Box::new(own_place(viewer_id).into())),
            "mine",
        )
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(session::Column::Id)
        .into_model::<CardRow>()
        .all(db)
        .await?;
    let mut groups: HashMap<i32, TrainingGroup> = HashMap::new();
    for s in sessions {
        let open =
            enrolment_open_at(s.status, s.starts_at, s.enrolment_deadline, false, now).is_ok();
        let card = SessionCard {
            id: s.id,
            dates: dates::span(s.starts_at, s.ends_at),
            place: s.location,
            seats: if open {
                seats_label(s.capacity, s.seats_taken)
            } else {
                "Inscriptions closes".to_owned()
            },
            full: s.seats_taken >= s.capacity,
            open,
            mine: s.mine,
        };
        groups
            .entry(s.training_id)
            .or_insert_with(|| TrainingGroup {
                id: s.training_id,
                title: s.title,
                theme: s.theme,
                provider: s.provider,
                format: s.format.label().to_owned(),
                duration: duration_label(s.duration_hours),
                sessions: Vec::new(),
            })
            .sessions
            .push(card);
    }
    Ok(ids.iter().filter_map(|id| groups.remove(id)).collect())
}

/// The status of the viewer's place in the session of the outer query, if any.
fn own_place(viewer_id: i32) -> SelectStatement {
    use sea_orm::sea_query::ExprTrait;
    Query::select()
        .column(enrolment::Column::Status)
        .from(enrolment::Entity)
        .and_where(
            Expr::col((enrolment::Entity, enrolment::Column::SessionId))
                .equals((session::Entity, session::Column::Id)),
        )
        .and_where(enrolment::Column::OfficerId.eq(viewer_id))
        .and_where(
            enrolment::Column::Status
                .is_in([EnrolmentStatus::Inscrit, EnrolmentStatus::ListeAttente]),
        )
        .to_owned()
}

/// A session of the catalogue: what its card shows, its training's title and labels, and the
/// viewer's own place in it, if any.
#[derive(FromQueryResult)]
struct CardRow {
    id: i32,
    training_id: i32,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    location: String,
    capacity: i32,
    seats_taken: i32,
    status: SessionStatus,
    enrolment_deadline: DateTime<Utc>,
    title: String,
    theme: String,
    provider: String,
    format: TrainingFormat,
    duration_hours: i32,
    mine: Option<EnrolmentStatus>,
}

/// `/formations` with the same filters, on page `page` (the first page has no `page`).
fn page_link(filters: &Filters, page: usize) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("theme", &filters.theme),
        ("format", &filters.format),
        ("mois", &filters.month),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            query.append_pair(key, v);
        }
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "/formations".to_owned()
    } else {
        format!("/formations?{query}")
    }
}

fn duration_label(hours: i32) -> String {
    match hours {
        1 => "1 heure".to_owned(),
        h if h % 7 == 0 && h >= 7 => match h / 7 {
            1 => "1 jour (7 h)".to_owned(),
            d => format!("{d} jours ({h} h)"),
        },
        h => format!("{h} heures"),
    }
}

/// The session page for a user. Officers see published, cancelled and finished sessions;
/// drafts exist only for staff.
pub async fn session_page<C: ConnectionTrait>(
    db: &C,
    viewer: &user::Model,
    session_id: i32,
    now: DateTime<Utc>,
) -> AppResult<SessionPage> {
    let (s, t) = session::Entity::find_by_id(session_id)
        .find_also_related(training::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = t.ok_or(AppError::NotFound)?;
    if s.status == SessionStatus::Brouillon && !viewer.role.is_staff() {
        return Err(AppError::NotFound);
    }
    let my_place = place_in(db, viewer, &s, now).await?;
    let feedback = crate::feedback::service::mine(db, viewer.id, &s, now).await?;
    let session_state = match s.status {
        SessionStatus::Annulee => Some("Session annulée".to_owned()),
        SessionStatus::Terminee => Some("Session terminée".to_owned()),
        SessionStatus::Brouillon => Some("Brouillon (non visible des officiers)".to_owned()),
        SessionStatus::Publiee if now >= s.starts_at => Some("Session commencée".to_owned()),
        SessionStatus::Publiee => None,
    };
    Ok(SessionPage {
        id: s.id,
        title: t.title,
        description: t.description,
        theme: t.theme,
        provider: t.provider,
        format: t.format.label().to_owned(),
        dates: dates::span(s.starts_at, s.ends_at),
        place: s.location.clone(),
        visio_url: s.visio_url.clone(),
        trainer: s.trainer.clone(),
        session_state,
        enrolment_deadline: dates::day_time(s.enrolment_deadline),
        cancellation_deadline: dates::day_time(s.cancellation_deadline),
        my_place,
        feedback,
    })
}
