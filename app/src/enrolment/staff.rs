//! What staff do to the places of a session (product §4, `/gestion/sessions/{id}`): enrol
//! several officers at once, remove a participant, reorder the waitlist, take attendance. The
//! seat rules are those of [`super::service`]; every change is written to the journal (§3.7).
//!
//! Locks are taken in the order written in [`crate::records`].

use super::seats::{next_waitlist_rank, promote_waitlist, release_seat, save_place, take_seat};
use crate::{
    dates,
    entities::{enrolment, session, user},
    error::{AppError, AppResult},
    journal::service::{Change, Record, Snapshot},
    model::{EnrolmentStatus, SessionStatus},
    notification::{
        events::{self, About, By},
        service::deliver_about,
    },
    records::{
        officer::lock_officer,
        place::{SEAT_HOLDING, find_clash, own_enrolment, waitlist_position},
        session::{lock_session, training_title},
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};

/// Result of [`enrol_officers`]: names, in the order they were placed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkEnrolled {
    pub confirmed: Vec<String>,
    /// (name, position on the waitlist).
    pub waitlisted: Vec<(String, u64)>,
}

impl BulkEnrolled {
    pub fn message(&self) -> String {
        let n = self.confirmed.len();
        let mut m = match n {
            0 => "Aucun officier inscrit".to_owned(),
            1 => "1 officier inscrit".to_owned(),
            n => format!("{n} officiers inscrits"),
        };
        match self.waitlisted.len() {
            0 => m.push('.'),
            w => {
                let names: Vec<&str> = self.waitlisted.iter().map(|(n, _)| n.as_str()).collect();
                m.push_str(&format!(
                    " ; session complète : {w} sur la liste d'attente ({}).",
                    names.join(", ")
                ));
            }
        }
        m
    }
}

/// The places of an enrolment as the journal shows them.
fn snapshot(e: &enrolment::Model, officer: &str, session: &str) -> Snapshot {
    let mut s = vec![
        ("Officier", officer.to_owned()),
        ("Session", session.to_owned()),
        ("Statut", e.status.label().to_owned()),
    ];
    if let Some(rank) = e.waitlist_rank {
        s.push(("Rang sur la liste d'attente", rank.to_string()));
    }
    s
}

/// « Leadership, 12 janvier 2027 » for journal lines.
async fn session_name<C: ConnectionTrait>(db: &C, s: &session::Model) -> AppResult<String> {
    let title = training_title(db, s.training_id).await?;
    Ok(format!("{title}, {}", dates::day(s.starts_at)))
}

/// Places may still change: the session is a draft or published and has not started.
fn open_to_staff(s: &session::Model, now: DateTime<Utc>) -> AppResult<()> {
    match s.status {
        SessionStatus::Annulee => Err(AppError::refused("Cette session est annulée.")),
        SessionStatus::Terminee => Err(AppError::refused("Cette session est terminée.")),
        _ if now >= s.starts_at => Err(AppError::refused(
            "Cette session a déjà commencé : les inscriptions ne changent plus ; notez la présence.",
        )),
        _ => Ok(()),
    }
}

/// The most officers one bulk action (enrolment, invitations) takes.
pub const MAX_AT_ONCE: usize = 200;

/// Refuses an empty choice or one larger than [`MAX_AT_ONCE`]; the ids sorted, once each.
pub(crate) fn chosen_ids(officer_ids: &[i32], empty: &str) -> AppResult<Vec<i32>> {
    let mut ids = officer_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::refused(empty));
    }
    if ids.len() > MAX_AT_ONCE {
        return Err(AppError::refused(format!(
            "Vous avez coché {} officiers : {MAX_AT_ONCE} officiers au plus à la fois.",
            ids.len()
        )));
    }
    Ok(ids)
}

/// « Inscrire des officiers »: every chosen officer gets a seat while there are some, the rest
/// go to the waitlist in that order. All or nothing: if any officer cannot be enrolled (already
/// placed, inactive, busy at that time — §3.3), nothing is done and every problem is named.
pub async fn enrol_officers<C>(
    db: &C,
    actor: i32,
    session_id: i32,
    officer_ids: &[i32],
    now: DateTime<Utc>,
) -> AppResult<BulkEnrolled>
where
    C: ConnectionTrait + TransactionTrait,
{
    let ids = chosen_ids(officer_ids, "Cochez au moins un officier à inscrire.")?;
    let txn = crate::db::begin_write(db).await?;
    let (s, chosen) = lock_and_check(
        &txn,
        session_id,
        &ids,
        "Aucune inscription n'a été faite",
        |s| open_to_staff(s, now),
    )
    .await?;

    let name = session_name(&txn, &s).await?;
    let about = About::of(&txn, &s).await?;
    let mut notices = Vec::with_capacity(chosen.len());
    let mut out = BulkEnrolled::default();
    for (o, mine) in chosen {
        let placed = if take_seat(&txn, session_id).await? {
            out.confirmed.push(o.display_name.clone());
            notices.push(events::confirmed(&about, o.id, By::Staff));
            save_place(
                &txn,
                mine,
                session_id,
                o.id,
                EnrolmentStatus::Inscrit,
                None,
                now,
            )
            .await?
        } else {
            let rank = next_waitlist_rank(&txn, session_id).await?;
            let e = save_place(
                &txn,
                mine,
                session_id,
                o.id,
                EnrolmentStatus::ListeAttente,
                Some(rank),
                now,
            )
            .await?;
            let position = waitlist_position(&txn, session_id, rank).await?;
            notices.push(events::waitlisted(&about, o.id, position, By::Staff));
            out.waitlisted.push((o.display_name.clone(), position));
            e
        };
        Change::new(
            actor,
            "Inscription par la gestion",
            Record::Enrolment,
            placed.id,
        )
        .after(&snapshot(&placed, &o.display_name, &name))
        .write(&txn, now)
        .await?;
    }
    deliver_about(&txn, &s, notices, now).await?;
    txn.commit().await?;
    Ok(out)
}

/// Locks the chosen officers (by id), then the session — the lock order of [`crate::records`]
/// — and checks, under those locks, that the session takes places (`session_ok`) and that each
/// officer can get one: an active officer, not already placed there, free at that time (§3.3).
/// Returns the locked session and the officers by name with their earlier place there, if any;
/// otherwise refuses with `refusal` and every problem named, so that nothing is half done.
pub(crate) async fn lock_and_check<C: ConnectionTrait>(
    txn: &C,
    session_id: i32,
    ids: &[i32],
    refusal: &str,
    session_ok: impl FnOnce(&session::Model) -> AppResult<()>,
) -> AppResult<(session::Model, Vec<(user::Model, Option<enrolment::Model>)>)> {
    let mut officers = Vec::with_capacity(ids.len());
    let mut problems = Vec::new();
    for id in ids {
        match lock_officer(txn, *id).await {
            Ok(o) => officers.push(o),
            Err(AppError::NotFound) | Err(AppError::Refused(_)) => {
                problems.push(format!("le compte n° {id} n'est pas un officier actif"));
            }
            Err(e) => return Err(e),
        }
    }
    let s = &lock_session(txn, session_id).await?;
    session_ok(s)?;
    officers.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    let mut chosen = Vec::with_capacity(officers.len());
    for o in officers {
        let mine = own_enrolment(txn, s.id, o.id).await?;
        match mine.as_ref().map(|e| e.status) {
            Some(EnrolmentStatus::Inscrit) => {
                problems.push(format!(
                    "{} est déjà inscrit à cette session",
                    o.display_name
                ));
            }
            Some(EnrolmentStatus::ListeAttente) => problems.push(format!(
                "{} est déjà sur la liste d'attente de cette session",
                o.display_name
            )),
            _ => {}
        }
        if let Some(c) = find_clash(txn, o.id, s.id, s.starts_at, s.ends_at).await? {
            let place = if c.waiting {
                "est sur la liste d'attente de"
            } else {
                "est inscrit à"
            };
            problems.push(format!(
                "{} {place} « {} » ({}), qui a lieu en même temps",
                o.display_name, c.title, c.dates
            ));
        }
        chosen.push((o, mine));
    }
    if !problems.is_empty() {
        return Err(AppError::Refused(format!(
            "{refusal} : {}.",
            problems.join(" ; ")
        )));
    }
    Ok((s.clone(), chosen))
}

/// Result of [`remove_participant`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    pub name: String,
    /// Recorded as a désistement tardif (after the cancellation deadline, §3.5).
    pub late: bool,
    /// Officers promoted into the freed seat (§3.4).
    pub promoted: Vec<String>,
}

/// Staff take an officer out of a session (or off its waitlist) before it starts. The freed
/// seat goes to the first waiting officer at once (§3.4).
pub async fn remove_participant<C>(
    db: &C,
    actor: i32,
    session_id: i32,
    enrolment_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Removed>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let e = place_of(&txn, session_id, enrolment_id).await?;
    let officer = user::Entity::find_by_id(e.officer_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // Read again under the officer's lock: the officer may have just left.
    let e = place_of(&txn, session_id, enrolment_id).await?;
    let s = lock_session(&txn, session_id).await?;
    open_to_staff(&s, now)?;
    if !e.status.is_live() {
        return Err(AppError::refused(format!(
            "{} n'a plus de place dans cette session.",
            officer.display_name
        )));
    }
    let confirmed = e.status == EnrolmentStatus::Inscrit;
    let late = confirmed && now > s.cancellation_deadline;
    let name = session_name(&txn, &s).await?;
    let before = snapshot(&e, &officer.display_name, &name);
    let mut row: enrolment::ActiveModel = e.into();
    row.status = Set(if late {
        EnrolmentStatus::DesistementTardif
    } else {
        EnrolmentStatus::Desinscrit
    });
    row.waitlist_rank = Set(None);
    row.cancelled_at = Set(Some(now));
    row.updated_at = Set(now);
    let after = row.update(&txn).await?;
    Change::new(
        actor,
        "Retrait par la gestion",
        Record::Enrolment,
        enrolment_id,
    )
    .before(&before)
    .after(&snapshot(&after, &officer.display_name, &name))
    .write(&txn, now)
    .await?;
    let promoted_ids = if confirmed {
        release_seat(&txn, session_id).await?;
        promote_waitlist(&txn, session_id, now).await?
    } else {
        Vec::new()
    };
    let mut promoted = Vec::new();
    for id in &promoted_ids {
        if let Some(u) = user::Entity::find_by_id(*id).one(&txn).await? {
            promoted.push(u.display_name);
        }
    }
    let about = About::of(&txn, &s).await?;
    let mut notices = vec![events::withdrawn(
        &about,
        officer.id,
        late,
        !confirmed,
        By::Staff,
    )];
    notices.extend(events::promoted(&about, &promoted_ids));
    deliver_about(&txn, &s, notices, now).await?;
    txn.commit().await?;
    Ok(Removed {
        name: officer.display_name,
        late,
        promoted,
    })
}

/// Moves a waiting officer one place up (`up`) or down the waitlist (§3.4: staff may reorder).
pub async fn move_waiting<C>(
    db: &C,
    actor: i32,
    session_id: i32,
    enrolment_id: i32,
    up: bool,
    now: DateTime<Utc>,
) -> AppResult<u64>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let s = lock_session(&txn, session_id).await?;
    open_to_staff(&s, now)?;
    let queue = enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::ListeAttente))
        .order_by_asc(enrolment::Column::WaitlistRank)
        .order_by_asc(enrolment::Column::Id)
        .all(&txn)
        .await?;
    let Some(at) = queue.iter().position(|e| e.id == enrolment_id) else {
        return Err(AppError::refused(
            "Cet officier n'est plus sur la liste d'attente.",
        ));
    };
    let other = match (up, at) {
        (true, 0) => {
            return Err(AppError::refused(
                "Cet officier est déjà en tête de la liste d'attente.",
            ));
        }
        (true, i) => i - 1,
        (false, i) if i + 1 == queue.len() => {
            return Err(AppError::refused(
                "Cet officier est déjà le dernier de la liste d'attente.",
            ));
        }
        (false, i) => i + 1,
    };
    let (a, b) = (&queue[at], &queue[other]);
    for (row, rank) in [(a, b.waitlist_rank), (b, a.waitlist_rank)] {
        let mut m: enrolment::ActiveModel = row.clone().into();
        m.waitlist_rank = Set(rank);
        m.updated_at = Set(now);
        m.update(&txn).await?;
    }
    let officer = user::Entity::find_by_id(a.officer_id)
        .one(&txn)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let name = session_name(&txn, &s).await?;
    let before_pos = at as u64 + 1;
    let after_pos = other as u64 + 1;
    Change::new(actor, "Liste d'attente réordonnée", Record::Enrolment, a.id)
        .before(&vec![
            ("Officier", officer.clone()),
            ("Session", name.clone()),
            ("Position", before_pos.to_string()),
        ])
        .after(&vec![
            ("Officier", officer),
            ("Session", name),
            ("Position", after_pos.to_string()),
        ])
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(after_pos)
}

/// Attendance (product §2): once the session has started, each confirmed participant is marked
/// présent, absent or excusé (and can be corrected). A session past its end becomes
/// « terminée ». Returns how many marks changed.
pub async fn record_attendance<C>(
    db: &C,
    actor: i32,
    session_id: i32,
    marks: &[(i32, EnrolmentStatus)],
    now: DateTime<Utc>,
) -> AppResult<usize>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let s = lock_session(&txn, session_id).await?;
    if s.status == SessionStatus::Annulee || s.status == SessionStatus::Brouillon {
        return Err(AppError::refused(
            "La présence ne se note que pour une session publiée qui a eu lieu.",
        ));
    }
    if now < s.starts_at {
        return Err(AppError::refused(format!(
            "La présence se note à partir du début de la session ({}).",
            dates::day_time(s.starts_at)
        )));
    }
    let name = session_name(&txn, &s).await?;
    let mut changed = 0;
    for (enrolment_id, mark) in marks {
        if !matches!(
            mark,
            EnrolmentStatus::Present | EnrolmentStatus::Absent | EnrolmentStatus::Excuse
        ) {
            return Err(AppError::refused("Choisissez Présent, Absent ou Excusé."));
        }
        let e = place_of(&txn, session_id, *enrolment_id).await?;
        if !SEAT_HOLDING.contains(&e.status) {
            return Err(AppError::refused(
                "Seuls les participants inscrits ont une présence à noter.",
            ));
        }
        if e.status == *mark {
            continue;
        }
        let officer = user::Entity::find_by_id(e.officer_id)
            .one(&txn)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        let before = snapshot(&e, &officer, &name);
        let mut row: enrolment::ActiveModel = e.into();
        row.status = Set(*mark);
        row.updated_at = Set(now);
        let after = row.update(&txn).await?;
        Change::new(actor, "Présence notée", Record::Enrolment, after.id)
            .before(&before)
            .after(&snapshot(&after, &officer, &name))
            .write(&txn, now)
            .await?;
        changed += 1;
    }
    if s.status == SessionStatus::Publiee && now >= s.ends_at {
        let mut row: session::ActiveModel = s.into();
        row.status = Set(SessionStatus::Terminee);
        row.updated_at = Set(now);
        row.update(&txn).await?;
        Change::new(actor, "Session terminée", Record::Session, session_id)
            .write(&txn, now)
            .await?;
    }
    txn.commit().await?;
    Ok(changed)
}

/// An enrolment of this session (the id comes from a form: it must belong here).
async fn place_of<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    enrolment_id: i32,
) -> AppResult<enrolment::Model> {
    enrolment::Entity::find_by_id(enrolment_id)
        .one(db)
        .await?
        .filter(|e| e.session_id == session_id)
        .ok_or(AppError::NotFound)
}

/// The live places of a session by state, for its staff page.
pub async fn places<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
) -> AppResult<Vec<(enrolment::Model, Option<user::Model>)>> {
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::SessionId.eq(session_id))
        .find_also_related(user::Entity)
        .order_by_asc(enrolment::Column::WaitlistRank)
        .order_by_asc(enrolment::Column::Id)
        .all(db)
        .await?)
}
