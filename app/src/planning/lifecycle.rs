//! A session's lifecycle (product §2, §4): created as a draft, edited, published, cancelled,
//! duplicated. Each change is journaled (§3.7) and notified (§5) in its own transaction; an
//! edit that moves the dates keeps every participant free (§3.3), a raised capacity promotes
//! the waitlist (§3.4), a cancellation keeps every place (§3.6).

use super::input::{Existing, SessionInput, check};
use crate::{
    checks::Check,
    dates,
    enrolment::seats::promote_waitlist,
    entities::{enrolment, session, user},
    error::{AppError, AppResult},
    format::euros,
    journal::service::{Change, Record, Snapshot},
    model::{EnrolmentStatus, SessionStatus},
    notification::{
        events::{self, About, By},
        service::{deliver, deliver_about},
    },
    records::{
        officer::lock_users,
        place::{LIVE, find_clash, live_officers, waitlist_position},
        session::{any_session, lock_session, training_title},
    },
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, TransactionSession, TransactionTrait,
};

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

/// A new session, saved as a draft with nobody placed in it.
struct Draft {
    training_id: i32,
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

impl Draft {
    async fn insert<C: ConnectionTrait>(
        self,
        txn: &C,
        now: DateTime<Utc>,
    ) -> AppResult<session::Model> {
        Ok(session::ActiveModel {
            training_id: Set(self.training_id),
            starts_at: Set(self.starts_at),
            ends_at: Set(self.ends_at),
            location: Set(self.location),
            visio_url: Set(self.visio_url),
            capacity: Set(self.capacity),
            min_participants: Set(self.min_participants),
            enrolment_deadline: Set(self.enrolment_deadline),
            cancellation_deadline: Set(self.cancellation_deadline),
            actual_cost_cents: Set(self.cost_cents),
            trainer: Set(self.trainer),
            status: Set(SessionStatus::Brouillon),
            seats_taken: Set(0),
            waitlist_seq: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?)
    }
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
    let s = Draft {
        training_id: v.training.id,
        starts_at: v.starts_at,
        ends_at: v.ends_at,
        location: v.location,
        visio_url: v.visio_url,
        capacity: v.capacity,
        min_participants: v.min_participants,
        enrolment_deadline: v.enrolment_deadline,
        cancellation_deadline: v.cancellation_deadline,
        cost_cents: v.cost_cents,
        trainer: v.trainer,
    }
    .insert(&txn, now)
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
    let (txn, old) = lock_with_participants(db, id).await?;
    editable(&old)?;
    // Every place not given up: attendance already noted counts too.
    let placed = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(id))
        .filter(enrolment::Column::Status.is_not_in([
            EnrolmentStatus::Desinscrit,
            EnrolmentStatus::DesistementTardif,
        ]))
        .count(&txn)
        .await?;
    let existing = Existing {
        session: &old,
        placed: usize::try_from(placed).unwrap_or(usize::MAX),
    };
    let v = check(&txn, input, Some(existing), now).await?;
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
    deliver_about(&txn, &new, notices, now).await?;
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
    promote_waitlist(&txn, id, now).await?;
    Change::new(actor, "Session publiée", Record::Session, id)
        .write(&txn, now)
        .await?;
    let about = About::of(&txn, &s).await?;
    // The places staff gave in the draft are announced now, as they stand after the free
    // seats went to the waitlist: nobody was told of them before.
    let mut notices = Vec::new();
    for (officer_id, status, rank) in places_of(&txn, id).await? {
        match (status, rank) {
            (EnrolmentStatus::Inscrit, _) => {
                notices.push(events::confirmed(&about, officer_id, By::Staff));
            }
            (EnrolmentStatus::ListeAttente, Some(rank)) => {
                let position = waitlist_position(&txn, id, rank).await?;
                notices.push(events::waitlisted(&about, officer_id, position, By::Staff));
            }
            _ => {}
        }
    }
    // Those whose programme needs the training and who are free then.
    let (needs, _) = crate::invitation::service::candidates(&txn, &s, now).await?;
    let interested: Vec<i32> = needs.iter().map(|n| n.officer.id).collect();
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
    if s.status == SessionStatus::Brouillon {
        // Nobody was told of a draft's places: there is nobody to tell now.
        txn.commit().await?;
        return Ok(Vec::new());
    }
    let about = About::of(&txn, &s).await?;
    deliver(&txn, events::cancelled(&about, &affected), now).await?;
    txn.commit().await?;
    Ok(affected)
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
    let copy = Draft {
        training_id: s.training_id,
        starts_at,
        ends_at: moved(s.ends_at),
        location: s.location.clone(),
        visio_url: s.visio_url.clone(),
        capacity: s.capacity,
        min_participants: s.min_participants,
        enrolment_deadline: Ord::min(Ord::max(moved(s.enrolment_deadline), now), starts_at),
        cancellation_deadline: Ord::min(Ord::max(moved(s.cancellation_deadline), now), starts_at),
        cost_cents: s.actual_cost_cents,
        trainer: s.trainer.clone(),
    }
    .insert(&txn, now)
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

pub(super) fn editable(s: &session::Model) -> AppResult<()> {
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

/// Begins the write of an edit: locks the officers holding a live place in the session, then
/// the session — the lock order of [`crate::records`] —, so that none of them can take a place
/// elsewhere while the session moves (§3.3). Someone placed between the read and the locks
/// makes it start again (PostgreSQL; on SQLite the write lock already holds everything).
async fn lock_with_participants<C>(db: &C, id: i32) -> AppResult<(C::Transaction, session::Model)>
where
    C: ConnectionTrait + TransactionTrait,
{
    for _ in 0..5 {
        let txn = crate::db::begin_write(db).await?;
        let mut placed = live_officers(&txn, id).await?;
        placed.sort_unstable();
        lock_users(&txn, &placed).await?;
        let s = lock_session(&txn, id).await?;
        let mut now_placed = live_officers(&txn, id).await?;
        now_placed.sort_unstable();
        if now_placed == placed {
            return Ok((txn, s));
        }
        txn.rollback().await?;
    }
    Err(AppError::refused(
        "Des officiers s'inscrivent à cette session en ce moment : réessayez dans un instant.",
    ))
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

/// Every place of a session: (officer, status, waitlist rank).
async fn places_of<C: ConnectionTrait>(
    txn: &C,
    id: i32,
) -> AppResult<Vec<(i32, EnrolmentStatus, Option<i64>)>> {
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(id))
        .all(txn)
        .await?
        .into_iter()
        .map(|e| (e.officer_id, e.status, e.waitlist_rank))
        .collect())
}
