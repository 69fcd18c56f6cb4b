use super::{
    Calendar, CalendarDay, CalendarEntry, Planning, PlanningFilters, PlanningRow, SessionForm,
};
use crate::{
    catalogue::Choice,
    dates,
    enrolment::service::{LIVE, any_session, find_clash, promote_waitlist},
    entities::{enrolment, session, training, user},
    error::{AppError, AppResult},
    forms::{Check, euros, euros_input},
    journal::service::{Change, Record, Snapshot},
    model::{EnrolmentStatus, SessionStatus},
    notification::{
        events::{self, About},
        service::deliver,
    },
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use std::collections::BTreeSet;

/// Default enrolment deadline, in days before the start.
const ENROLMENT_DAYS: i64 = 7;
/// Default end of free cancellation, in days before the start.
const CANCELLATION_DAYS: i64 = 3;
/// How many sessions the planning list shows at most.
const LIST_LIMIT: usize = 300;

/// The session form as typed.
#[derive(Clone, Debug, Default)]
pub struct SessionInput {
    pub training_id: String,
    pub start_date: String,
    pub start_time: String,
    pub end_date: String,
    pub end_time: String,
    pub location: String,
    pub visio_url: String,
    pub capacity: String,
    pub min_participants: String,
    /// Blank: [`ENROLMENT_DAYS`] before the start.
    pub enrolment_deadline: String,
    /// Blank: [`CANCELLATION_DAYS`] before the start.
    pub cancellation_deadline: String,
    pub cost: String,
    pub trainer: String,
}

/// A checked session, ready to save.
struct Valid {
    training: training::Model,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    location: String,
    visio_url: Option<String>,
    capacity: i32,
    min_participants: i32,
    enrolment_deadline: DateTime<Utc>,
    cancellation_deadline: DateTime<Utc>,
    cost_cents: Option<i64>,
    trainer: String,
}

/// What an edit changed that officers must hear about (the notification issue hooks here).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionChange {
    pub dates: bool,
    pub place: bool,
    /// Officers promoted because the capacity was raised.
    pub promoted: Vec<i32>,
}

impl SessionChange {
    pub fn message(&self) -> String {
        let mut m = "Session enregistrée.".to_owned();
        if self.dates || self.place {
            m.push_str(" Le changement de date ou de lieu est consigné au journal.");
        }
        match self.promoted.len() {
            0 => {}
            1 => m.push_str(" Un officier de la liste d'attente a obtenu une place."),
            n => m.push_str(&format!(
                " {n} officiers de la liste d'attente ont obtenu une place."
            )),
        }
        m
    }
}

/// Paris date and time fields to an instant, with the French message on the time field.
fn instant(
    c: &mut Check,
    date: Option<NaiveDate>,
    time: Option<NaiveTime>,
    field: &str,
) -> Option<DateTime<Utc>> {
    let at = dates::from_paris(date?, time?);
    if at.is_none() {
        c.fail(
            field,
            "Cette heure n'existe pas ce jour-là (passage à l'heure d'été).",
        );
    }
    at
}

/// A deadline given as a date, or its default `days` before the start (never in the past when
/// the session is planned at short notice: then the day before, or the start itself).
fn deadline(
    given: Option<NaiveDate>,
    starts_at: DateTime<Utc>,
    days: i64,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    if let Some(d) = given {
        return dates::end_of_day(d);
    }
    let start_day = dates::paris_date(starts_at);
    [days, 1]
        .into_iter()
        .map(|n| dates::end_of_day(start_day - Duration::days(n)))
        .find(|d| *d > now && *d <= starts_at)
        .unwrap_or(starts_at)
}

async fn check<C: ConnectionTrait>(
    db: &C,
    input: &SessionInput,
    existing: Option<&session::Model>,
    now: DateTime<Utc>,
) -> AppResult<Valid> {
    let mut c = Check::new();
    c.optional_text("training_id", &input.training_id, 20);
    let training = match input.training_id.trim().parse::<i32>() {
        Ok(id) => training::Entity::find_by_id(id).one(db).await?,
        Err(_) => None,
    };
    match &training {
        None => c.fail("training_id", "Choisissez une formation."),
        Some(t) if t.archived && existing.is_none_or(|s| s.training_id != t.id) => c.fail(
            "training_id",
            "Cette formation est archivée : réactivez-la d'abord.",
        ),
        Some(_) => {}
    }
    let start_date = c.date("start_date", &input.start_date);
    let start_time = c.time("start_time", &input.start_time);
    // A one-day session: the end date may be left blank.
    let end_date = c.optional_date("end_date", &input.end_date).or(start_date);
    let end_time = c.time("end_time", &input.end_time);
    let location = c.optional_text("location", &input.location, 200);
    let visio_url = c.optional_text("visio_url", &input.visio_url, 500);
    let capacity = c.integer("capacity", &input.capacity, 1, 500);
    let min_participants = c.integer("min_participants", &input.min_participants, 0, 500);
    let enrolment_date = c.optional_date("enrolment_deadline", &input.enrolment_deadline);
    let cancellation_date = c.optional_date("cancellation_deadline", &input.cancellation_deadline);
    let cost_cents = c.euros("cost", &input.cost);
    let trainer = c
        .optional_text("trainer", &input.trainer, 150)
        .unwrap_or_default();

    if let Some(url) = &visio_url {
        let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "https" | "http"));
        if !ok {
            c.fail(
                "visio_url",
                "Saisissez une adresse complète, commençant par https://.",
            );
        }
    }
    if location.is_none() && visio_url.is_none() {
        c.fail(
            "location",
            "Indiquez un lieu, ou un lien de visioconférence ci-dessous.",
        );
    }
    if !c.has_error("capacity") && !c.has_error("min_participants") && min_participants > capacity {
        c.fail(
            "min_participants",
            "Le minimum ne peut pas dépasser la capacité.",
        );
    }
    if let Some(s) = existing
        && !c.has_error("capacity")
        && capacity < s.seats_taken
    {
        c.fail(
            "capacity",
            format!(
                "{} officiers sont inscrits : la capacité ne peut pas être inférieure.",
                s.seats_taken
            ),
        );
    }
    let starts_at = instant(&mut c, start_date, start_time, "start_time");
    let ends_at = instant(&mut c, end_date, end_time, "end_time");
    if let (Some(start), Some(end)) = (starts_at, ends_at) {
        if end <= start {
            c.fail("end_time", "La fin doit être après le début.");
        }
        let moved = existing.is_none_or(|s| s.starts_at != start);
        if moved && start <= now {
            c.fail("start_date", "La session doit commencer dans le futur.");
        }
    }
    let starts = starts_at.unwrap_or(now);
    let enrolment_deadline = deadline(enrolment_date, starts, ENROLMENT_DAYS, now);
    let cancellation_deadline = deadline(cancellation_date, starts, CANCELLATION_DAYS, now);
    if enrolment_date.is_some() && starts_at.is_some() && enrolment_deadline > starts {
        c.fail(
            "enrolment_deadline",
            "La clôture des inscriptions doit précéder le début de la session.",
        );
    }
    if cancellation_date.is_some() && starts_at.is_some() && cancellation_deadline > starts {
        c.fail(
            "cancellation_deadline",
            "La fin de la désinscription sans frais doit précéder le début de la session.",
        );
    }
    c.done()?;
    Ok(Valid {
        training: training.ok_or(AppError::NotFound)?,
        starts_at: starts,
        ends_at: ends_at.unwrap_or(starts),
        location: location.unwrap_or_default(),
        visio_url,
        capacity,
        min_participants,
        enrolment_deadline,
        cancellation_deadline,
        cost_cents,
        trainer,
    })
}

/// The session's values as the journal shows them.
pub fn snapshot(s: &session::Model, title: &str) -> Snapshot {
    vec![
        ("Formation", title.to_owned()),
        ("Dates", dates::span(s.starts_at, s.ends_at)),
        ("Lieu", s.location.clone()),
        (
            "Lien de visioconférence",
            s.visio_url.clone().unwrap_or_default(),
        ),
        ("Capacité", s.capacity.to_string()),
        ("Minimum", s.min_participants.to_string()),
        (
            "Clôture des inscriptions",
            dates::day_time(s.enrolment_deadline),
        ),
        (
            "Désinscription sans frais jusqu'au",
            dates::day_time(s.cancellation_deadline),
        ),
        (
            "Coût réel",
            s.actual_cost_cents.map(euros).unwrap_or_default(),
        ),
        ("Intervenant", s.trainer.clone()),
        ("Statut", s.status.label().to_owned()),
    ]
}

/// A new session, as a draft.
pub async fn create<C>(
    db: &C,
    actor: i32,
    input: &SessionInput,
    now: DateTime<Utc>,
) -> AppResult<i32>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let v = check(&txn, input, None, now).await?;
    let s = session::ActiveModel {
        training_id: Set(v.training.id),
        starts_at: Set(v.starts_at),
        ends_at: Set(v.ends_at),
        location: Set(v.location),
        visio_url: Set(v.visio_url),
        capacity: Set(v.capacity),
        min_participants: Set(v.min_participants),
        enrolment_deadline: Set(v.enrolment_deadline),
        cancellation_deadline: Set(v.cancellation_deadline),
        actual_cost_cents: Set(v.cost_cents),
        trainer: Set(v.trainer),
        status: Set(SessionStatus::Brouillon),
        seats_taken: Set(0),
        waitlist_seq: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Change::new(actor, "Session créée", Record::Session, s.id)
        .after(&snapshot(&s, &v.training.title))
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(s.id)
}

/// Edits a session that is neither cancelled nor finished. A capacity raised hands the new
/// seats to the waitlist (§3.4); new dates must not make a participant's places overlap (§3.3).
pub async fn update<C>(
    db: &C,
    actor: i32,
    id: i32,
    input: &SessionInput,
    now: DateTime<Utc>,
) -> AppResult<SessionChange>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let old = lock_session(&txn, id).await?;
    editable(&old)?;
    let v = check(&txn, input, Some(&old), now).await?;
    let dates_changed = old.starts_at != v.starts_at || old.ends_at != v.ends_at;
    if dates_changed {
        check_participants_free(&txn, id, v.starts_at, v.ends_at).await?;
    }
    let old_title = training_title(&txn, old.training_id).await?;
    let old_about = About::of(&txn, &old).await?;
    let mut row: session::ActiveModel = old.clone().into();
    row.training_id = Set(v.training.id);
    row.starts_at = Set(v.starts_at);
    row.ends_at = Set(v.ends_at);
    row.location = Set(v.location);
    row.visio_url = Set(v.visio_url);
    row.capacity = Set(v.capacity);
    row.min_participants = Set(v.min_participants);
    row.enrolment_deadline = Set(v.enrolment_deadline);
    row.cancellation_deadline = Set(v.cancellation_deadline);
    row.actual_cost_cents = Set(v.cost_cents);
    row.trainer = Set(v.trainer);
    row.updated_at = Set(now);
    let new = row.update(&txn).await?;
    let promoted = if new.capacity > old.capacity {
        promote_waitlist(&txn, id, now).await?
    } else {
        Vec::new()
    };
    let (before, after) = (
        snapshot(&old, &old_title),
        snapshot(&new, &v.training.title),
    );
    if before != after {
        Change::new(actor, "Session modifiée", Record::Session, id)
            .before(&before)
            .after(&after)
            .write(&txn, now)
            .await?;
    }
    let change = SessionChange {
        dates: dates_changed,
        place: old.location != new.location || old.visio_url != new.visio_url,
        promoted,
    };
    let about = About::of(&txn, &new).await?;
    let mut notices = Vec::new();
    if change.dates || change.place {
        let told = live_officers(&txn, id).await?;
        notices.extend(events::changed(&about, &old_about, &told));
    }
    notices.extend(events::promoted(&about, &change.promoted));
    deliver(&txn, notices, now).await?;
    txn.commit().await?;
    Ok(change)
}

/// Draft → published; waiting officers (enrolled by staff beyond capacity) get the seats.
pub async fn publish<C>(db: &C, actor: i32, id: i32, now: DateTime<Utc>) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let s = lock_session(&txn, id).await?;
    if s.status != SessionStatus::Brouillon {
        return Err(AppError::refused(format!(
            "Seul un brouillon peut être publié ; cette session est « {} ».",
            s.status.label()
        )));
    }
    if s.starts_at <= now {
        return Err(AppError::refused(
            "Cette session a déjà commencé : changez d'abord ses dates.",
        ));
    }
    set_status(&txn, &s, SessionStatus::Publiee, now).await?;
    let promoted = promote_waitlist(&txn, id, now).await?;
    Change::new(actor, "Session publiée", Record::Session, id)
        .write(&txn, now)
        .await?;
    // Those whose programme needs the training and who are free then; already placed officers
    // (staff enrolled them into the draft) hear of their own place.
    let (needs, _) = crate::invitation::service::candidates(&txn, &s, now).await?;
    let interested: Vec<i32> = needs.iter().map(|n| n.officer.id).collect();
    let about = About::of(&txn, &s).await?;
    let mut notices = events::promoted(&about, &promoted);
    notices.extend(events::new_session(&about, &interested));
    deliver(&txn, notices, now).await?;
    txn.commit().await?;
    Ok(())
}

/// « Annuler la session »: the session and every place in it are kept (§3.6); returns the
/// officers holding a live place, who must be told.
pub async fn cancel<C>(db: &C, actor: i32, id: i32, now: DateTime<Utc>) -> AppResult<Vec<i32>>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let s = lock_session(&txn, id).await?;
    match s.status {
        SessionStatus::Annulee => return Err(AppError::refused("Cette session est déjà annulée.")),
        SessionStatus::Terminee => {
            return Err(AppError::refused(
                "Une session terminée ne peut pas être annulée.",
            ));
        }
        _ => {}
    }
    if s.ends_at <= now {
        return Err(AppError::refused(
            "Une session déjà passée ne peut pas être annulée.",
        ));
    }
    set_status(&txn, &s, SessionStatus::Annulee, now).await?;
    let affected = live_officers(&txn, id).await?;
    Change::new(actor, "Session annulée", Record::Session, id)
        .before(&vec![("Statut", s.status.label().to_owned())])
        .after(&vec![
            ("Statut", SessionStatus::Annulee.label().to_owned()),
            ("Officiers concernés", affected.len().to_string()),
        ])
        .write(&txn, now)
        .await?;
    let about = About::of(&txn, &s).await?;
    deliver(&txn, events::cancelled(&about, &affected), now).await?;
    txn.commit().await?;
    Ok(affected)
}

/// Officers holding a live place (seat or waitlist) in a session.
async fn live_officers<C: ConnectionTrait>(txn: &C, id: i32) -> AppResult<Vec<i32>> {
    Ok(enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::OfficerId)
        .filter(enrolment::Column::SessionId.eq(id))
        .filter(enrolment::Column::Status.is_in(LIVE))
        .into_tuple::<i32>()
        .all(txn)
        .await?)
}

/// A copy of the session starting on another day at the same time, as a draft with no one
/// enrolled; every date moves by the same number of days.
pub async fn duplicate<C>(
    db: &C,
    actor: i32,
    id: i32,
    start_date: &str,
    now: DateTime<Utc>,
) -> AppResult<i32>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let s = any_session(&txn, id).await?;
    let mut c = Check::new();
    let day = c.date("start_date", start_date);
    c.done()?;
    let day = day.ok_or(AppError::NotFound)?;
    let shift = Duration::days((day - dates::paris_date(s.starts_at)).num_days());
    // Move by calendar days in Paris time, so that 9 h stays 9 h across a change of time.
    let moved = |at: DateTime<Utc>| {
        let local = dates::paris(at);
        dates::from_paris(local.date_naive() + shift, local.time()).unwrap_or(at + shift)
    };
    let starts_at = moved(s.starts_at);
    if starts_at <= now {
        return Err(AppError::refused(
            "Choisissez une date à venir pour la nouvelle session.",
        ));
    }
    let title = training_title(&txn, s.training_id).await?;
    let copy = session::ActiveModel {
        training_id: Set(s.training_id),
        starts_at: Set(starts_at),
        ends_at: Set(moved(s.ends_at)),
        location: Set(s.location.clone()),
        visio_url: Set(s.visio_url.clone()),
        capacity: Set(s.capacity),
        min_participants: Set(s.min_participants),
        enrolment_deadline: Set(Ord::min(
            Ord::max(moved(s.enrolment_deadline), now),
            starts_at,
        )),
        cancellation_deadline: Set(Ord::min(
            Ord::max(moved(s.cancellation_deadline), now),
            starts_at,
        )),
        actual_cost_cents: Set(s.actual_cost_cents),
        trainer: Set(s.trainer.clone()),
        status: Set(SessionStatus::Brouillon),
        seats_taken: Set(0),
        waitlist_seq: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut after = snapshot(&copy, &title);
    after.push(("Copie de la session du", dates::day(s.starts_at)));
    Change::new(
        actor,
        "Session créée par duplication",
        Record::Session,
        copy.id,
    )
    .after(&after)
    .write(&txn, now)
    .await?;
    txn.commit().await?;
    Ok(copy.id)
}

fn editable(s: &session::Model) -> AppResult<()> {
    match s.status {
        SessionStatus::Annulee => Err(AppError::refused(
            "Une session annulée ne peut plus être modifiée.",
        )),
        SessionStatus::Terminee => Err(AppError::refused(
            "Une session terminée ne peut plus être modifiée.",
        )),
        _ => Ok(()),
    }
}

/// The session row, locked for this transaction on PostgreSQL (SQLite: the write lock).
pub async fn lock_session<C: ConnectionTrait>(txn: &C, id: i32) -> AppResult<session::Model> {
    session::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

async fn set_status<C: ConnectionTrait>(
    txn: &C,
    s: &session::Model,
    status: SessionStatus,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut row: session::ActiveModel = s.clone().into();
    row.status = Set(status);
    row.updated_at = Set(now);
    row.update(txn).await?;
    Ok(())
}

pub async fn training_title<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<String> {
    Ok(training::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|t| t.title)
        .unwrap_or_default())
}

/// §3.3 when staff move a session: every officer holding a place in it must be free at the new
/// time. The refusal names each officer and the session in the way.
async fn check_participants_free<C: ConnectionTrait>(
    txn: &C,
    id: i32,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> AppResult<()> {
    let people = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(id))
        .filter(enrolment::Column::Status.is_in(LIVE))
        .find_also_related(user::Entity)
        .all(txn)
        .await?;
    let mut clashes = Vec::new();
    for (e, officer) in people {
        if let Some(clash) = find_clash(txn, e.officer_id, id, starts, ends).await? {
            let name = officer.map(|o| o.display_name).unwrap_or_default();
            clashes.push(format!("{name} (« {} », {})", clash.title, clash.dates));
        }
    }
    if clashes.is_empty() {
        return Ok(());
    }
    Err(AppError::Refused(format!(
        "Ces nouvelles dates chevauchent une autre session de participants : {}. Rien n'a été modifié.",
        clashes.join(" ; ")
    )))
}

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
        crate::enrolment::service::count_by_session(db, &ids, EnrolmentStatus::ListeAttente)
            .await?;
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

/// Taux de remplissage in whole percent (§6).
pub fn fill_percent(taken: i32, capacity: i32) -> i32 {
    if capacity > 0 {
        taken * 100 / capacity
    } else {
        0
    }
}

pub fn place_label(s: &session::Model) -> String {
    match (&s.visio_url, s.location.is_empty()) {
        (Some(_), true) => "À distance".to_owned(),
        (Some(_), false) => format!("{} et à distance", s.location),
        (None, _) => s.location.clone(),
    }
}

fn month_label_of(code: &str) -> String {
    let mut parts = code.split('-');
    let year = parts.next().and_then(|y| y.parse().ok()).unwrap_or(2000);
    let month = parts.next().and_then(|m| m.parse().ok()).unwrap_or(1);
    dates::month_label(year, month)
}

/// The month grid (Monday first) with the sessions of each day, cancelled ones included.
pub async fn calendar<C: ConnectionTrait>(
    db: &C,
    month: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Calendar> {
    let today = dates::paris_date(now);
    let first = month
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today));
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
