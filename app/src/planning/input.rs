//! The session form as staff type it, read and checked field by field (French messages next
//! to each field), with the deadlines' defaults relative to the start.

use crate::model::max_len;
use crate::{
    checks::Check,
    dates,
    entities::{session, training},
    error::{AppError, AppResult},
};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

/// Default enrolment deadline, in days before the start.
const ENROLMENT_DAYS: i64 = 7;
/// Default end of free cancellation, in days before the start.
const CANCELLATION_DAYS: i64 = 3;
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
pub(super) struct Valid {
    pub(super) training: training::Model,
    pub(super) starts_at: DateTime<Utc>,
    pub(super) ends_at: DateTime<Utc>,
    pub(super) location: String,
    pub(super) visio_url: Option<String>,
    pub(super) capacity: i32,
    pub(super) min_participants: i32,
    pub(super) enrolment_deadline: DateTime<Utc>,
    pub(super) cancellation_deadline: DateTime<Utc>,
    pub(super) cost_cents: Option<i64>,
    pub(super) trainer: String,
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

/// The session being edited, if any, with how many officers hold a live place in it.
pub(super) struct Existing<'a> {
    pub(super) session: &'a session::Model,
    pub(super) placed: usize,
}

/// Reads and checks the form; `existing` is the session being edited.
pub(super) async fn check<C: ConnectionTrait>(
    db: &C,
    input: &SessionInput,
    existing: Option<Existing<'_>>,
    now: DateTime<Utc>,
) -> AppResult<Valid> {
    let placed = existing.as_ref().map_or(0, |e| e.placed);
    let existing = existing.map(|e| e.session);
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
        // The officers placed chose that training: it cannot change under them.
        Some(t) if placed > 0 && existing.is_some_and(|s| s.training_id != t.id) => c.fail(
            "training_id",
            if placed == 1 {
                "1 officier a une place dans cette session : sa formation ne peut plus changer. Annulez-la et planifiez une session de l'autre formation.".to_owned()
            } else {
                format!(
                    "{placed} officiers ont une place dans cette session : sa formation ne peut plus changer. Annulez-la et planifiez une session de l'autre formation."
                )
            },
        ),
        Some(_) => {}
    }
    let start_date = c.date("start_date", &input.start_date);
    let start_time = c.time("start_time", &input.start_time);
    // A one-day session: the end date may be left blank.
    let end_date = c.optional_date("end_date", &input.end_date).or(start_date);
    let end_time = c.time("end_time", &input.end_time);
    let location = c.optional_text("location", &input.location, max_len::LOCATION);
    let visio_url = c.optional_text("visio_url", &input.visio_url, max_len::VISIO_URL);
    let capacity = c.integer("capacity", &input.capacity, 1, 500);
    let min_participants = c.integer("min_participants", &input.min_participants, 0, 500);
    let enrolment_date = c.optional_date("enrolment_deadline", &input.enrolment_deadline);
    let cancellation_date = c.optional_date("cancellation_deadline", &input.cancellation_deadline);
    let cost_cents = c.euros("cost", &input.cost);
    let trainer = c
        .optional_text("trainer", &input.trainer, max_len::TRAINER)
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
