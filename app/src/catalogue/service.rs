//! Read side of the catalogue and session page.

use super::{Catalogue, Filters, SessionCard, SessionPage, TRAININGS_PER_PAGE, TrainingGroup};
use crate::{
    dates,
    enrolment::actions::enrolment_open,
    enrolment::place::place_in,
    entities::{enrolment, session, training, user},
    error::{AppError, AppResult},
    format::seats_label,
    model::{Choice, EnrolmentStatus, SessionStatus, TrainingFormat},
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashMap};

/// Upcoming published sessions of active trainings, grouped by training, filtered.
pub async fn catalogue<C: ConnectionTrait>(
    db: &C,
    viewer_id: i32,
    filters: &Filters,
    now: DateTime<Utc>,
) -> AppResult<Catalogue> {
    let rows = session::Entity::find()
        .filter(session::Column::Status.eq(SessionStatus::Publiee))
        .filter(session::Column::StartsAt.gt(now))
        .find_also_related(training::Entity)
        .filter(training::Column::Archived.eq(false))
        .order_by_asc(session::Column::StartsAt)
        .all(db)
        .await?;
    let mine: HashMap<i32, EnrolmentStatus> = enrolment::Entity::find()
        .filter(enrolment::Column::OfficerId.eq(viewer_id))
        .filter(
            enrolment::Column::Status
                .is_in([EnrolmentStatus::Inscrit, EnrolmentStatus::ListeAttente]),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.session_id, e.status))
        .collect();

    let mut themes = BTreeSet::new();
    let mut months = BTreeSet::new();
    let format = filters
        .format
        .as_deref()
        .and_then(TrainingFormat::from_code);
    let mut groups: Vec<TrainingGroup> = Vec::new();
    let mut index: HashMap<i32, usize> = HashMap::new();
    for (s, t) in rows {
        let Some(t) = t else { continue };
        themes.insert(t.theme.clone());
        let month = dates::month_code(s.starts_at);
        months.insert(month.clone());
        let keep = filters
            .theme
            .as_deref()
            .is_none_or(|th| th.is_empty() || th == t.theme)
            && format.is_none_or(|f| f == t.format)
            && filters
                .month
                .as_deref()
                .is_none_or(|m| m.is_empty() || m == month);
        if !keep {
            continue;
        }
        let open = enrolment_open(&s, false, now).is_ok();
        let card = SessionCard {
            id: s.id,
            dates: dates::span(s.starts_at, s.ends_at),
            place: s.location.clone(),
            seats: if open {
                seats_label(s.capacity, s.seats_taken)
            } else {
                "Inscriptions closes".to_owned()
            },
            full: s.seats_taken >= s.capacity,
            open,
            mine: mine.get(&s.id).copied(),
        };
        let at = *index.entry(t.id).or_insert_with(|| {
            groups.push(group_of(&t));
            groups.len() - 1
        });
        groups[at].sessions.push(card);
    }
    let pages = groups.len().div_ceil(TRAININGS_PER_PAGE).max(1);
    // A page past the end (the list got shorter since the link was made) shows the last one.
    let page = (filters.page.unwrap_or(1).max(1) as usize).min(pages);
    let groups = groups
        .into_iter()
        .skip((page - 1) * TRAININGS_PER_PAGE)
        .take(TRAININGS_PER_PAGE)
        .collect();
    Ok(Catalogue {
        groups,
        page: page as u32,
        pages: pages as u32,
        previous: (page > 1).then(|| page_link(filters, page - 1)),
        next: (page < pages).then(|| page_link(filters, page + 1)),
        themes: themes
            .into_iter()
            .map(|t| Choice {
                value: t.clone(),
                label: t,
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
            .into_iter()
            .map(|m| Choice {
                label: month_choice_label(&m),
                value: m,
            })
            .collect(),
    })
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

fn group_of(t: &training::Model) -> TrainingGroup {
    TrainingGroup {
        id: t.id,
        title: t.title.clone(),
        theme: t.theme.clone(),
        provider: t.provider.clone(),
        format: t.format.label().to_owned(),
        duration: duration_label(t.duration_hours),
        sessions: Vec::new(),
    }
}

fn month_choice_label(code: &str) -> String {
    let mut parts = code.split('-');
    let year = parts.next().and_then(|y| y.parse().ok()).unwrap_or(1970);
    let month = parts
        .next()
        .and_then(|m| m.parse().ok())
        .filter(|m| (1..=12).contains(m))
        .unwrap_or(1);
    dates::month_title(year, month)
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
