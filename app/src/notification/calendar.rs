//! Calendar files (iCalendar, RFC 5545) of sessions: attached to the emails about a session and
//! served as each officer's private feed (`/calendrier/{jeton}.ics`). Times are local to
//! Europe/Paris with its VTIMEZONE, one UID per session across updates (the SEQUENCE grows with
//! each change), and a cancelled session or a given-up place is sent with METHOD:CANCEL.

use crate::{
    dates,
    entities::{calendar_feed, enrolment, session, training, user},
    error::AppResult,
    model::SessionStatus,
    records::{place::SEAT_HOLDING, session::training_title},
};
use chrono::{DateTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

/// The time zone of every session, as RFC 5545 defines it (rules in force since 1996).
const PARIS: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//MiRVOG//Cassiopée//FR\r
CALSCALE:GREGORIAN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Paris\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
END:VCALENDAR\r
";

/// Whether the file adds (or updates) the session or takes it out of the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Publish,
    Cancel,
}

/// A calendar holding Europe/Paris and the given sessions.
fn calendar(method: Method, name: Option<&str>) -> Calendar {
    let mut cal: Calendar = PARIS.parse().expect("the Europe/Paris VTIMEZONE parses");
    cal.append_property((
        "METHOD",
        match method {
            Method::Publish => "PUBLISH",
            Method::Cancel => "CANCEL",
        },
    ));
    if let Some(name) = name {
        cal.name(name);
    }
    cal
}

fn paris(at: DateTime<Utc>) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: dates::paris(at).naive_local(),
        tzid: "Europe/Paris".to_owned(),
    }
}

/// The event of a session; `cancelled` marks it so (a cancelled session, or a place given up).
fn event(s: &session::Model, title: &str, base_url: &str, cancelled: bool) -> Event {
    let mut place = s.location.clone();
    if let Some(url) = &s.visio_url {
        place = if place.is_empty() {
            url.clone()
        } else {
            format!("{place} – {url}")
        };
    }
    let link = format!("{base_url}/sessions/{}", s.id);
    let mut e = Event::new();
    e.uid(&format!("session-{}@cassiopee.mirvog", s.id))
        .sequence(u32::try_from(s.updated_at.timestamp()).unwrap_or(0))
        .timestamp(s.updated_at)
        .summary(title)
        .location(&place)
        .description(&format!(
            "Formation de reconversion (MiRVOG). Détails et inscription : {link}"
        ))
        .url(&link)
        .starts(paris(s.starts_at))
        .ends(paris(s.ends_at));
    e.status(if cancelled {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    });
    e.done()
}

/// The file attached to an email about one session.
pub async fn session_file<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    method: Method,
    base_url: &str,
) -> AppResult<Option<String>> {
    let Some((s, Some(t))) = session::Entity::find_by_id(session_id)
        .find_also_related(training::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let cancelled = method == Method::Cancel || s.status == SessionStatus::Annulee;
    let method = if cancelled {
        Method::Cancel
    } else {
        Method::Publish
    };
    let mut cal = calendar(method, None);
    cal.push(event(&s, &t.title, base_url, cancelled));
    Ok(Some(cal.to_string()))
}

/// An officer's feed: every session they hold (or held, and attended) a seat in; a cancelled
/// session stays, marked cancelled; a place given up leaves the feed (calendar apps replace the
/// whole feed at each refresh, so it leaves their calendar too).
pub async fn feed<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    base_url: &str,
) -> AppResult<String> {
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::OfficerId.eq(officer_id))
        .filter(enrolment::Column::Status.is_in(SEAT_HOLDING))
        .find_also_related(session::Entity)
        // A draft is not in anyone's calendar until it is published.
        .filter(session::Column::Status.ne(SessionStatus::Brouillon))
        .order_by_asc(session::Column::StartsAt)
        .all(db)
        .await?;
    let mut cal = calendar(Method::Publish, Some("Cassiopée – mes formations"));
    for (_, s) in rows {
        let Some(s) = s else { continue };
        let title = training_title(db, s.training_id).await?;
        cal.push(event(
            &s,
            &title,
            base_url,
            s.status == SessionStatus::Annulee,
        ));
    }
    Ok(cal.to_string())
}

/// The address of the user's feed, if they made one.
pub async fn feed_link<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    base_url: &str,
) -> AppResult<Option<String>> {
    Ok(calendar_feed::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|f| feed_url(base_url, &f.token)))
}

fn feed_url(base_url: &str, token: &str) -> String {
    format!("{base_url}/calendrier/{token}.ics")
}

/// « Créer mon lien d'agenda »: a new secret address (any earlier one stops working).
pub async fn new_feed<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<String> {
    revoke_feed(db, user_id).await?;
    let token = crate::password::secret_token();
    calendar_feed::ActiveModel {
        user_id: Set(user_id),
        token: Set(token.clone()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(feed_url(base_url, &token))
}

/// « Révoquer ce lien »: the address stops working at once.
pub async fn revoke_feed<C: ConnectionTrait>(db: &C, user_id: i32) -> AppResult<()> {
    calendar_feed::Entity::delete_by_id(user_id)
        .exec(db)
        .await?;
    Ok(())
}

/// The feed behind a token (`/calendrier/{token}.ics`), or `None` for an unknown or revoked
/// token or a deactivated account.
pub async fn feed_for_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
    base_url: &str,
) -> AppResult<Option<String>> {
    let Some(f) = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::Token.eq(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let active = user::Entity::find_by_id(f.user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.active);
    if !active {
        return Ok(None);
    }
    Ok(Some(feed(db, f.user_id, base_url).await?))
}
