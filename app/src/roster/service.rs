use super::{Allowed, OfficerChoice, Participant, StaffSession};
use crate::{
    dates,
    enrolment::staff::places,
    entities::user,
    error::AppResult,
    format::{euros, fill_percent, place_label},
    journal,
    model::{EnrolmentStatus, Role, SessionStatus},
    records::{
        officer::grades,
        session::{any_session, training_title},
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// How many officers a search shows.
const SEARCH_LIMIT: u64 = 60;

pub async fn staff_session<C: ConnectionTrait>(
    db: &C,
    id: i32,
    search: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<StaffSession> {
    let s = any_session(db, id).await?;
    let title = training_title(db, s.training_id).await?;
    let rows = places(db, id).await?;
    let grades = grades(db, rows.iter().map(|(e, _)| e.officer_id).collect()).await?;
    let mut participants = Vec::new();
    let mut waitlist = Vec::new();
    let mut former = Vec::new();
    let mine: HashMap<i32, EnrolmentStatus> =
        rows.iter().map(|(e, _)| (e.officer_id, e.status)).collect();
    for (e, u) in rows {
        let p = Participant {
            enrolment_id: e.id,
            officer_id: e.officer_id,
            name: u.map(|u| u.display_name).unwrap_or_default(),
            grade: grades.get(&e.officer_id).cloned().unwrap_or_default(),
            status: e.status,
        };
        match e.status {
            EnrolmentStatus::ListeAttente => waitlist.push(p),
            EnrolmentStatus::Desinscrit | EnrolmentStatus::DesistementTardif => former.push(p),
            _ => participants.push(p),
        }
    }
    participants.sort_by(|a, b| a.name.cmp(&b.name));
    former.sort_by(|a, b| a.name.cmp(&b.name));

    let live = matches!(s.status, SessionStatus::Brouillon | SessionStatus::Publiee);
    let allowed = Allowed {
        edit: live,
        publish: s.status == SessionStatus::Brouillon && now < s.starts_at,
        cancel: live && now < s.ends_at,
        places: live && now < s.starts_at,
        attendance: matches!(s.status, SessionStatus::Publiee | SessionStatus::Terminee)
            && now >= s.starts_at,
    };
    let search = search.map(str::trim).unwrap_or_default().to_owned();
    let choices = if search.is_empty() || !allowed.places {
        Vec::new()
    } else {
        find_officers(db, &search, &mine).await?
    };
    Ok(StaffSession {
        id,
        training_id: s.training_id,
        title,
        status: s.status,
        dates: dates::span(s.starts_at, s.ends_at),
        place: place_label(&s),
        visio_url: s.visio_url.clone(),
        trainer: s.trainer.clone(),
        capacity: s.capacity,
        seats_taken: s.seats_taken,
        min_participants: s.min_participants,
        fill_percent: fill_percent(s.seats_taken, s.capacity),
        enrolment_deadline: dates::day_time(s.enrolment_deadline),
        cancellation_deadline: dates::day_time(s.cancellation_deadline),
        cost: s
            .actual_cost_cents
            .map(euros)
            .unwrap_or_else(|| "Non renseigné".to_owned()),
        allowed,
        participants,
        waitlist,
        former,
        search,
        choices,
        invitations: crate::invitation::service::for_session(db, id).await?,
        journal: journal::service::for_session(db, id).await?,
    })
}

/// Active officers whose name or address contains every word typed (case-insensitive).
async fn find_officers<C: ConnectionTrait>(
    db: &C,
    search: &str,
    in_session: &HashMap<i32, EnrolmentStatus>,
) -> AppResult<Vec<OfficerChoice>> {
    let cond = Condition::all()
        .add(user::Column::Role.eq(Role::Officer))
        .add(user::Column::Active.eq(true))
        .add(crate::officers::service::name_search(search));
    let found = user::Entity::find()
        .filter(cond)
        .order_by_asc(user::Column::DisplayName)
        .limit(SEARCH_LIMIT)
        .all(db)
        .await?;
    let grades = grades(db, found.iter().map(|u| u.id).collect()).await?;
    Ok(found
        .into_iter()
        .map(|u| OfficerChoice {
            unavailable: in_session
                .get(&u.id)
                .filter(|s| s.is_live())
                .map(|s| s.label().to_owned()),
            grade: grades.get(&u.id).cloned().unwrap_or_default(),
            id: u.id,
            name: u.display_name,
            email: u.email,
        })
        .collect())
}
