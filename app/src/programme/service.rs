use super::{ItemStatus, OpenSession, Programme, ProgrammeItem};
use crate::model::max_len;
use crate::{
    checks::Check,
    dates,
    enrolment::place::available_action,
    entities::{enrolment, programme, programme_item, session, training},
    error::{AppError, AppResult},
    format::{place_label, seats_label},
    journal::service::{Change, Record, Snapshot},
    model::{EnrolmentStatus, Priority, SessionStatus},
    records::place::waitlist_position,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// How many open sessions `/mon-programme` offers per item.
const NEXT_SESSIONS: u64 = 3;

/// An officer's programme with each item's status derived from their places. The officer's
/// own view (`officer_view`) adds the next open sessions of each item still to plan, and leaves
/// out places in drafts (the officer hears of them at publication); staff see every place.
pub async fn programme_of<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    now: DateTime<Utc>,
    officer_view: bool,
) -> AppResult<Option<Programme>> {
    let Some(p) = find(db, officer_id).await? else {
        return Ok(None);
    };
    let rows = programme_item::Entity::find()
        .filter(programme_item::Column::ProgrammeId.eq(p.id))
        .order_by_asc(programme_item::Column::Position)
        .order_by_asc(programme_item::Column::Id)
        .all(db)
        .await?;
    let trainings: HashMap<i32, String> = training::Entity::find()
        .filter(training::Column::Id.is_in(rows.iter().map(|r| r.training_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.title))
        .collect();
    // The officer's places, with their sessions, grouped by training.
    let mut places = enrolment::Entity::find()
        .filter(enrolment::Column::OfficerId.eq(officer_id))
        .find_also_related(session::Entity)
        .order_by_desc(session::Column::StartsAt)
        .all(db)
        .await?;
    if officer_view {
        places.retain(|(_, s)| {
            s.as_ref()
                .is_some_and(|s| s.status != SessionStatus::Brouillon)
        });
    }
    let mut by_training: HashMap<i32, Vec<(enrolment::Model, session::Model)>> = HashMap::new();
    for (e, s) in places {
        if let Some(s) = s {
            by_training.entry(s.training_id).or_default().push((e, s));
        }
    }
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let mine = by_training.remove(&r.training_id).unwrap_or_default();
        let (status, note, session_id) = derive(db, &mine, now).await?;
        // Sessions where the officer already holds a place (a waitlist) are not offered again.
        let held: Vec<i32> = mine
            .iter()
            .filter(|(e, _)| e.status.is_live())
            .map(|(_, s)| s.id)
            .collect();
        let next_sessions = if officer_view && status == ItemStatus::APlanifier {
            open_sessions(db, r.training_id, now)
                .await?
                .into_iter()
                .filter(|s| !held.contains(&s.id))
                .collect()
        } else {
            Vec::new()
        };
        items.push(ProgrammeItem {
            id: r.id,
            training_id: r.training_id,
            title: trainings.get(&r.training_id).cloned().unwrap_or_default(),
            priority: r.priority,
            status,
            note,
            session_id,
            next_sessions,
        });
    }
    let followed = items
        .iter()
        .filter(|i| i.status == ItemStatus::Suivie)
        .count();
    Ok(Some(Programme {
        starts_on: dates::date(p.starts_on),
        ends_on: dates::date(p.ends_on),
        career_goal: p.career_goal,
        items,
        followed,
    }))
}

/// The status of one item from the officer's places in sessions of its training (newest
/// first): attended → « Suivie »; a confirmed seat in a session not cancelled → « Inscrit »;
/// else « À planifier », with a note for a waitlist place or a missed session.
async fn derive<C: ConnectionTrait>(
    db: &C,
    places: &[(enrolment::Model, session::Model)],
    now: DateTime<Utc>,
) -> AppResult<(ItemStatus, Option<String>, Option<i32>)> {
    if let Some((_, s)) = places
        .iter()
        .find(|(e, _)| e.status == EnrolmentStatus::Present)
    {
        return Ok((
            ItemStatus::Suivie,
            Some(format!("Suivie le {}", dates::day(s.starts_at))),
            Some(s.id),
        ));
    }
    let live = |s: &session::Model| s.status != SessionStatus::Annulee && s.ends_at > now;
    if let Some((_, s)) = places
        .iter()
        .find(|(e, s)| e.status == EnrolmentStatus::Inscrit && live(s))
    {
        return Ok((
            ItemStatus::Inscrit,
            Some(format!("Session {}", dates::span(s.starts_at, s.ends_at))),
            Some(s.id),
        ));
    }
    if let Some((e, s)) = places
        .iter()
        .find(|(e, s)| e.status == EnrolmentStatus::ListeAttente && live(s))
    {
        let position = match e.waitlist_rank {
            Some(rank) => waitlist_position(db, s.id, rank).await?,
            None => 0,
        };
        let note = format!(
            "Liste d'attente (position {position}) pour la session du {}",
            dates::day(s.starts_at)
        );
        return Ok((ItemStatus::APlanifier, Some(note), Some(s.id)));
    }
    if let Some((e, s)) = places
        .iter()
        .find(|(e, _)| matches!(e.status, EnrolmentStatus::Absent | EnrolmentStatus::Excuse))
    {
        let note = format!(
            "{} à la session du {}",
            e.status.label(),
            dates::day(s.starts_at)
        );
        return Ok((ItemStatus::APlanifier, Some(note), Some(s.id)));
    }
    Ok((ItemStatus::APlanifier, None, None))
}

/// The next published sessions of a training still open to self-service enrolment.
pub async fn open_sessions<C: ConnectionTrait>(
    db: &C,
    training_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Vec<OpenSession>> {
    Ok(session::Entity::find()
        .filter(session::Column::TrainingId.eq(training_id))
        .filter(session::Column::Status.eq(SessionStatus::Publiee))
        .filter(session::Column::StartsAt.gt(now))
        .filter(session::Column::EnrolmentDeadline.gte(now))
        .order_by_asc(session::Column::StartsAt)
        .limit(NEXT_SESSIONS)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| {
            // A session without a place of the officer: « S'inscrire » or the waitlist.
            let action = available_action(&s, None, false, now).ok()?;
            Some(OpenSession {
                id: s.id,
                dates: dates::span(s.starts_at, s.ends_at),
                place: place_label(&s),
                seats: seats_label(s.capacity, s.seats_taken),
                action,
            })
        })
        .collect())
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
) -> AppResult<Option<programme::Model>> {
    Ok(programme::Entity::find()
        .filter(programme::Column::OfficerId.eq(officer_id))
        .one(db)
        .await?)
}

/// The programme form as typed.
pub struct ProgrammeInput {
    pub starts_on: String,
    pub ends_on: String,
    pub career_goal: String,
}

fn snapshot(p: &programme::Model) -> Snapshot {
    vec![
        ("Début", dates::date(p.starts_on)),
        ("Fin", dates::date(p.ends_on)),
        ("Projet professionnel", p.career_goal.clone()),
    ]
}

/// Creates or updates the programme's dates and career goal.
pub async fn save<C>(
    db: &C,
    actor: i32,
    officer_id: i32,
    input: ProgrammeInput,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    crate::records::officer::find_officer(&txn, officer_id).await?;
    let mut c = Check::new();
    let starts_on = c.date("starts_on", &input.starts_on);
    let ends_on = c.date("ends_on", &input.ends_on);
    let goal = c
        .optional_text("career_goal", &input.career_goal, max_len::CAREER_GOAL)
        .unwrap_or_default();
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e <= s
    {
        c.fail("ends_on", "La fin du programme doit être après son début.");
    }
    c.done()?;
    let (Some(starts_on), Some(ends_on)) = (starts_on, ends_on) else {
        return Err(AppError::Internal);
    };
    match find(&txn, officer_id).await? {
        Some(old) => {
            let mut row: programme::ActiveModel = old.clone().into();
            row.starts_on = Set(starts_on);
            row.ends_on = Set(ends_on);
            row.career_goal = Set(goal);
            row.updated_at = Set(now);
            let new = row.update(&txn).await?;
            let (before, after) = (snapshot(&old), snapshot(&new));
            if before != after {
                Change::new(actor, "Programme modifié", Record::Programme, officer_id)
                    .before(&before)
                    .after(&after)
                    .write(&txn, now)
                    .await?;
            }
        }
        None => {
            let new = programme::ActiveModel {
                officer_id: Set(officer_id),
                starts_on: Set(starts_on),
                ends_on: Set(ends_on),
                career_goal: Set(goal),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            Change::new(actor, "Programme créé", Record::Programme, officer_id)
                .after(&snapshot(&new))
                .write(&txn, now)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

fn priority(code: &str) -> AppResult<Priority> {
    Priority::from_code(code.trim()).ok_or_else(|| {
        AppError::refused("Choisissez une priorité : obligatoire, recommandée ou optionnelle.")
    })
}

async fn existing<C: ConnectionTrait>(db: &C, officer_id: i32) -> AppResult<programme::Model> {
    find(db, officer_id).await?.ok_or_else(|| {
        AppError::refused("Enregistrez d'abord les dates du programme de cet officier.")
    })
}

async fn item_of<C: ConnectionTrait>(
    db: &C,
    p: &programme::Model,
    item_id: i32,
) -> AppResult<programme_item::Model> {
    programme_item::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .filter(|i| i.programme_id == p.id)
        .ok_or(AppError::NotFound)
}

async fn title<C: ConnectionTrait>(db: &C, training_id: i32) -> AppResult<String> {
    crate::records::session::training_title(db, training_id).await
}

/// Adds a training to the programme, last; returns its title.
pub async fn add_item<C>(
    db: &C,
    actor: i32,
    officer_id: i32,
    training_id: &str,
    priority_code: &str,
    now: DateTime<Utc>,
) -> AppResult<String>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let p = existing(&txn, officer_id).await?;
    let prio = priority(priority_code)?;
    let t = match training_id.trim().parse::<i32>() {
        Ok(id) => training::Entity::find_by_id(id).one(&txn).await?,
        Err(_) => None,
    }
    .filter(|t| !t.archived)
    .ok_or_else(|| AppError::refused("Choisissez une formation du catalogue."))?;
    let items = programme_item::Entity::find()
        .filter(programme_item::Column::ProgrammeId.eq(p.id))
        .all(&txn)
        .await?;
    if items.iter().any(|i| i.training_id == t.id) {
        return Err(AppError::refused(format!(
            "« {} » est déjà au programme.",
            t.title
        )));
    }
    let position = items.iter().map(|i| i.position).max().unwrap_or(0) + 1;
    programme_item::ActiveModel {
        programme_id: Set(p.id),
        training_id: Set(t.id),
        priority: Set(prio),
        position: Set(position),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Change::new(
        actor,
        "Formation ajoutée au programme",
        Record::Programme,
        officer_id,
    )
    .after(&vec![
        ("Formation", t.title.clone()),
        ("Priorité", prio.label().to_owned()),
    ])
    .write(&txn, now)
    .await?;
    txn.commit().await?;
    Ok(t.title)
}

pub async fn set_priority<C>(
    db: &C,
    actor: i32,
    officer_id: i32,
    item_id: i32,
    code: &str,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let p = existing(&txn, officer_id).await?;
    let item = item_of(&txn, &p, item_id).await?;
    let prio = priority(code)?;
    if item.priority != prio {
        let name = title(&txn, item.training_id).await?;
        let old = item.priority;
        let mut row: programme_item::ActiveModel = item.into();
        row.priority = Set(prio);
        row.update(&txn).await?;
        Change::new(actor, "Priorité modifiée", Record::Programme, officer_id)
            .before(&vec![
                ("Formation", name.clone()),
                ("Priorité", old.label().to_owned()),
            ])
            .after(&vec![
                ("Formation", name),
                ("Priorité", prio.label().to_owned()),
            ])
            .write(&txn, now)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Moves an item one place up or down the programme's order.
pub async fn move_item<C>(
    db: &C,
    actor: i32,
    officer_id: i32,
    item_id: i32,
    up: bool,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let p = existing(&txn, officer_id).await?;
    let items = programme_item::Entity::find()
        .filter(programme_item::Column::ProgrammeId.eq(p.id))
        .order_by_asc(programme_item::Column::Position)
        .order_by_asc(programme_item::Column::Id)
        .all(&txn)
        .await?;
    let at = items
        .iter()
        .position(|i| i.id == item_id)
        .ok_or(AppError::NotFound)?;
    let other = match (up, at) {
        (true, 0) => {
            return Err(AppError::refused(
                "Cette formation est déjà la première du programme.",
            ));
        }
        (true, i) => i - 1,
        (false, i) if i + 1 == items.len() => {
            return Err(AppError::refused(
                "Cette formation est déjà la dernière du programme.",
            ));
        }
        (false, i) => i + 1,
    };
    // Positions may be equal after old edits: renumber the whole list, then swap.
    let mut order: Vec<&programme_item::Model> = items.iter().collect();
    order.swap(at, other);
    for (n, item) in order.iter().enumerate() {
        let pos = i32::try_from(n).unwrap_or(i32::MAX) + 1;
        if item.position != pos {
            let mut row: programme_item::ActiveModel = (*item).clone().into();
            row.position = Set(pos);
            row.update(&txn).await?;
        }
    }
    let name = title(&txn, items[at].training_id).await?;
    Change::new(
        actor,
        "Ordre du programme modifié",
        Record::Programme,
        officer_id,
    )
    .before(&vec![
        ("Formation", name.clone()),
        ("Rang", (at + 1).to_string()),
    ])
    .after(&vec![
        ("Formation", name),
        ("Rang", (other + 1).to_string()),
    ])
    .write(&txn, now)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Takes a training out of the programme (places already taken are kept); returns its title.
pub async fn remove_item<C>(
    db: &C,
    actor: i32,
    officer_id: i32,
    item_id: i32,
    now: DateTime<Utc>,
) -> AppResult<String>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let p = existing(&txn, officer_id).await?;
    let item = item_of(&txn, &p, item_id).await?;
    let name = title(&txn, item.training_id).await?;
    let prio = item.priority;
    item.delete(&txn).await?;
    Change::new(
        actor,
        "Formation retirée du programme",
        Record::Programme,
        officer_id,
    )
    .before(&vec![
        ("Formation", name.clone()),
        ("Priorité", prio.label().to_owned()),
    ])
    .write(&txn, now)
    .await?;
    txn.commit().await?;
    Ok(name)
}
