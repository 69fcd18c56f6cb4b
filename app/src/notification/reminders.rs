//! The reminder scheduler (product §5): reminders J-7 and J-1 to the participants, the staff
//! alert at J-14 for a session under its minimum, the closing of the waitlist when a session
//! starts (the officers still waiting are told), and the alert when seats are free while a
//! waitlist exists (it should never happen). The server runs [`run`] every minute.
//!
//! Each (reminder, session, day of its start) is done once: a row of `scheduled_notices`,
//! unique per triple, is inserted in the transaction of the notifications; a second instance, or
//! a run after a restart, finds it and does nothing, and a session moved to another day gets its
//! reminders again for that day (moved within its day, it does not). The session is read again, locked, in that transaction: a
//! session cancelled or moved since the scheduler listed it gets nothing. Windows are computed from the present, so a run after
//! downtime catches up (a J-7 reminder missed during a day off still goes out at J-6), and a
//! reminder whose moment has passed is not sent late (no J-7 once J-1 is due).

use super::{
    PublicUrl,
    events::{self, About},
    service::{deliver_with, staff_ids},
};
use crate::{
    entities::{enrolment, scheduled_notice, session},
    error::AppResult,
    model::{EnrolmentStatus, SessionStatus},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    TransactionSession, TransactionTrait,
    sea_query::{LockBehavior, LockType, OnConflict},
};

/// The scheduled kinds, as stored in `scheduled_notices.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    J7,
    J1,
    UnderMinimum,
    WaitlistClosed,
    FreeSeatsWithWaitlist,
    /// The « avis » asked of the officers present, once the session is over.
    Feedback,
}

impl Reminder {
    pub const ALL: [Reminder; 6] = [
        Reminder::J7,
        Reminder::J1,
        Reminder::UnderMinimum,
        Reminder::WaitlistClosed,
        Reminder::FreeSeatsWithWaitlist,
        Reminder::Feedback,
    ];

    fn code(self) -> &'static str {
        match self {
            Reminder::J7 => "rappel_j7",
            Reminder::J1 => "rappel_j1",
            Reminder::UnderMinimum => "sous_minimum_j14",
            Reminder::WaitlistClosed => "liste_attente_close",
            Reminder::FreeSeatsWithWaitlist => "places_libres",
            Reminder::Feedback => "avis",
        }
    }

    /// Published sessions this reminder may concern now.
    fn window(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        match self {
            Reminder::J7 => (now + Duration::days(1), now + Duration::days(7)),
            Reminder::J1 => (now, now + Duration::days(1)),
            Reminder::UnderMinimum => (now, now + Duration::days(14)),
            // Started in the last week (older ones are history, not news).
            Reminder::WaitlistClosed => (now - Duration::days(7), now),
            Reminder::FreeSeatsWithWaitlist => (now, now + Duration::days(3650)),
            // Over (checked below) in the last month or so; attendance may be noted late.
            Reminder::Feedback => (now - Duration::days(35), now),
        }
    }
}

/// Does what is due now; returns how many (reminder, session) pairs were sent by this call.
/// `base` starts the links of the emails.
pub async fn run<C>(db: &C, base: &PublicUrl, now: DateTime<Utc>) -> AppResult<usize>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut done = 0;
    for reminder in Reminder::ALL {
        let (from, to) = reminder.window(now);
        let sessions = session::Entity::find()
            .filter(
                session::Column::Status.is_in([SessionStatus::Publiee, SessionStatus::Terminee]),
            )
            .filter(session::Column::StartsAt.gt(from))
            .filter(session::Column::StartsAt.lte(to))
            .all(db)
            .await?;
        let already: Vec<(i32, Option<String>)> = scheduled_notice::Entity::find()
            .select_only()
            .column(scheduled_notice::Column::SessionId)
            .column(scheduled_notice::Column::SessionDay)
            .filter(scheduled_notice::Column::Kind.eq(reminder.code()))
            .filter(scheduled_notice::Column::SessionId.is_in(sessions.iter().map(|s| s.id)))
            .into_tuple()
            .all(db)
            .await?;
        let done_for = |s: &session::Model| already.contains(&(s.id, Some(day_of(s))));
        for s in sessions.into_iter().filter(|s| !done_for(s)) {
            if once(db, reminder, &s, base, now).await? {
                done += 1;
            }
        }
    }
    Ok(done)
}

/// The Paris day of a session's start, which a reminder is marked for.
fn day_of(s: &session::Model) -> String {
    crate::dates::paris_date(s.starts_at).to_string()
}

/// Sends one reminder of one session unless it was already done (by anyone); true if sent.
pub(crate) async fn once<C>(
    db: &C,
    reminder: Reminder,
    s: &session::Model,
    base: &PublicUrl,
    now: DateTime<Utc>,
) -> AppResult<bool>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    // As it is now, locked: cancelled, moved or unpublished since it was listed, it is no
    // longer this reminder's business. A session another instance is handling (locked) is
    // skipped: that instance sends its reminder, and this one moves on to the next session.
    let mut find = session::Entity::find_by_id(s.id);
    if txn.get_database_backend() == DbBackend::Postgres {
        find = find.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(s) = &find.one(&txn).await? else {
        return Ok(false);
    };
    let (from, to) = reminder.window(now);
    let still_due = matches!(s.status, SessionStatus::Publiee | SessionStatus::Terminee)
        && s.starts_at > from
        && s.starts_at <= to;
    if !still_due {
        return Ok(false);
    }
    let Some(notices) = notices(&txn, reminder, s, now).await? else {
        return Ok(false);
    };
    let inserted = scheduled_notice::Entity::insert(scheduled_notice::ActiveModel {
        kind: Set(reminder.code().to_owned()),
        session_id: Set(s.id),
        session_day: Set(Some(day_of(s))),
        done_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            scheduled_notice::Column::Kind,
            scheduled_notice::Column::SessionId,
            scheduled_notice::Column::SessionDay,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        // Another instance did it meanwhile.
        return Ok(false);
    }
    deliver_with(&txn, notices, base, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// What the reminder says to whom, or `None` when it concerns nobody (nothing is marked then,
/// so that a session filling up or emptying later is still looked at).
async fn notices<C: ConnectionTrait>(
    txn: &C,
    reminder: Reminder,
    s: &session::Model,
    now: DateTime<Utc>,
) -> AppResult<Option<Vec<super::service::Notice>>> {
    let seated = officers(txn, s.id, EnrolmentStatus::Inscrit).await?;
    let waiting = officers(txn, s.id, EnrolmentStatus::ListeAttente).await?;
    let about = About::of(txn, s).await?;
    let out = match reminder {
        Reminder::Feedback => {
            let present = officers(txn, s.id, EnrolmentStatus::Present).await?;
            if s.ends_at > now || present.is_empty() {
                return Ok(None);
            }
            events::feedback_request(&about, &present)
        }
        Reminder::J7 | Reminder::J1 if seated.is_empty() => return Ok(None),
        Reminder::J7 => events::reminder(&about, &seated, 7),
        Reminder::J1 => events::reminder(&about, &seated, 1),
        Reminder::UnderMinimum if s.seats_taken >= s.min_participants => return Ok(None),
        Reminder::UnderMinimum => events::under_minimum(
            &about,
            &staff_ids(txn).await?,
            s.seats_taken,
            s.min_participants,
        ),
        Reminder::WaitlistClosed if waiting.is_empty() => return Ok(None),
        Reminder::WaitlistClosed => events::waitlist_closed(&about, &waiting),
        Reminder::FreeSeatsWithWaitlist if waiting.is_empty() || s.seats_taken >= s.capacity => {
            return Ok(None);
        }
        Reminder::FreeSeatsWithWaitlist => events::free_seats_with_waitlist(
            &about,
            &staff_ids(txn).await?,
            s.capacity - s.seats_taken,
            waiting.len(),
        ),
    };
    Ok(Some(out))
}

async fn officers<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    status: EnrolmentStatus,
) -> AppResult<Vec<i32>> {
    Ok(enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::OfficerId)
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.eq(status))
        .into_tuple::<i32>()
        .all(db)
        .await?)
}
