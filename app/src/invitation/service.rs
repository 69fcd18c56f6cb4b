//! « Remplir la session »: who could take a free seat, and the invitations staff send them.
//!
//! A candidate is an active officer whose current programme (ending on or after the session's
//! day) contains the session's training, who has not followed it (no « Présent »), holds no
//! live place in any session of it (this one included), and is free at those dates (§3.3).
//! Candidates come by priority (obligatoire first), then by programme end (the officers leaving
//! soonest first), then by name.
//!
//! An invitation does not hold a seat: the officer accepts by enrolling (first come, first
//! served, the waitlist when full), which staff allow past the enrolment deadline, until the
//! start. One invitation per officer and session; inviting again re-opens it.

use super::{Candidate, FillPage, InvitationLine, MyInvitation};
use crate::{
    dates,
    enrolment::staff::{chosen_ids, lock_and_check},
    entities::{enrolment, invitation, programme, programme_item, session, user},
    error::{AppError, AppResult},
    journal::service::{Change, Record, Snapshot},
    model::{EnrolmentStatus, InvitationStatus, Priority, Role, SessionStatus},
    notification::{
        events::{self, About},
        service::deliver,
    },
    records::{
        invitation::pending,
        place::{find_clash, own_enrolment, place_covers},
        session::{any_session, training_title},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// A candidate before display: what the order is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub officer: user::Model,
    pub priority: Priority,
    pub programme_ends: NaiveDate,
}

/// The candidates of a session in order, and how many more need the training but are busy at
/// those dates.
pub async fn candidates<C: ConnectionTrait>(
    db: &C,
    s: &session::Model,
    now: DateTime<Utc>,
) -> AppResult<(Vec<Need>, u64)> {
    let session_day = dates::paris_date(s.starts_at);
    let items = programme_item::Entity::find()
        .filter(programme_item::Column::TrainingId.eq(s.training_id))
        .all(db)
        .await?;
    let priorities: HashMap<i32, Priority> =
        items.iter().map(|i| (i.programme_id, i.priority)).collect();
    // programme id → (officer, end), for programmes still running on the session's day.
    let programmes: HashMap<i32, (i32, NaiveDate)> = programme::Entity::find()
        .filter(programme::Column::Id.is_in(priorities.keys().copied()))
        .filter(programme::Column::EndsOn.gte(session_day))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.officer_id, (p.id, p.ends_on)))
        .map(|(officer, (id, end))| (id, (officer, end)))
        .collect();
    let officers: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(programmes.values().map(|(o, _)| *o)))
        .filter(user::Column::Role.eq(Role::Officer))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let covered = covered(db, s.training_id, officers.keys().copied().collect(), now).await?;

    let mut needs = Vec::new();
    let mut busy = 0;
    for (programme_id, (officer_id, ends)) in programmes {
        let Some(officer) = officers.get(&officer_id) else {
            continue;
        };
        if covered.contains(&officer_id) {
            continue;
        }
        if find_clash(db, officer_id, s.id, s.starts_at, s.ends_at)
            .await?
            .is_some()
        {
            busy += 1;
            continue;
        }
        needs.push(Need {
            officer: officer.clone(),
            priority: priorities[&programme_id],
            programme_ends: ends,
        });
    }
    needs.sort_by(|a, b| {
        (a.priority.rank(), a.programme_ends, &a.officer.display_name).cmp(&(
            b.priority.rank(),
            b.programme_ends,
            &b.officer.display_name,
        ))
    });
    Ok((needs, busy))
}

/// Officers who followed the training or hold a live place in a session of it to come.
async fn covered<C: ConnectionTrait>(
    db: &C,
    training_id: i32,
    officers: Vec<i32>,
    now: DateTime<Utc>,
) -> AppResult<HashSet<i32>> {
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::OfficerId.is_in(officers))
        .find_also_related(session::Entity)
        .filter(session::Column::TrainingId.eq(training_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(e, s)| s.map(|s| (e, s)))
        .filter(|(e, s)| place_covers(e, s, now))
        .map(|(e, _)| e.officer_id)
        .collect())
}

/// The page « Remplir la session ».
pub async fn fill_page<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    now: DateTime<Utc>,
) -> AppResult<FillPage> {
    let s = any_session(db, session_id).await?;
    let free = (s.capacity - s.seats_taken).max(0);
    let closed = match s.status {
        SessionStatus::Annulee => Some("Cette session est annulée."),
        SessionStatus::Terminee => Some("Cette session est terminée."),
        _ if now >= s.starts_at => Some("Cette session a déjà commencé."),
        _ => None,
    };
    let (needs, busy) = candidates(db, &s, now).await?;
    let grades =
        crate::records::officer::grades(db, needs.iter().map(|n| n.officer.id).collect()).await?;
    let asked: HashMap<i32, invitation::Model> = invitation::Entity::find()
        .filter(invitation::Column::SessionId.eq(session_id))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.officer_id, i))
        .collect();
    let mut to_suggest = free;
    let candidates = needs
        .into_iter()
        .map(|n| {
            let invitation = asked.get(&n.officer.id);
            let suggested = invitation.is_none() && to_suggest > 0;
            if suggested {
                to_suggest -= 1;
            }
            Candidate {
                officer_id: n.officer.id,
                grade: grades.get(&n.officer.id).cloned().unwrap_or_default(),
                name: n.officer.display_name,
                priority: n.priority,
                programme_ends: dates::date(n.programme_ends),
                invitation: invitation.map(invitation_state),
                suggested,
            }
        })
        .collect();
    Ok(FillPage {
        session_id,
        title: training_title(db, s.training_id).await?,
        dates: dates::span(s.starts_at, s.ends_at),
        free,
        closed: closed.map(str::to_owned),
        can_invite: s.status == SessionStatus::Publiee,
        candidates,
        busy,
    })
}

/// « Invitée le 28 novembre 2026 », « Déclinée le … ».
fn invitation_state(i: &invitation::Model) -> String {
    match (i.status, i.answered_at) {
        (InvitationStatus::EnAttente, _) | (_, None) => {
            format!("Invité le {}", dates::day(i.created_at))
        }
        (InvitationStatus::Acceptee, Some(at)) => {
            format!("Invitation acceptée le {}", dates::day(at))
        }
        (InvitationStatus::Declinee, Some(at)) => {
            format!("Invitation déclinée le {}", dates::day(at))
        }
    }
}

/// Result of [`invite`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invited {
    /// (officer id, name) of each officer invited now, for their notification.
    pub invited: Vec<(i32, String)>,
    /// Officers whose invitation was already waiting for their answer.
    pub already: Vec<String>,
}

impl Invited {
    pub fn message(&self) -> String {
        let names = |v: Vec<&str>| v.join(", ");
        let mut m = match self.invited.len() {
            0 => "Aucune nouvelle invitation.".to_owned(),
            1 => format!(
                "1 officier invité ({}) : l'invitation s'affiche sur la page de la session et dans « Mes formations ».",
                self.invited[0].1
            ),
            n => format!(
                "{n} officiers invités ({}) : l'invitation s'affiche sur la page de la session et dans « Mes formations ».",
                names(self.invited.iter().map(|(_, n)| n.as_str()).collect())
            ),
        };
        if !self.already.is_empty() {
            m.push_str(&format!(
                " Déjà invités, en attente de réponse : {}.",
                names(self.already.iter().map(String::as_str).collect())
            ));
        }
        m
    }
}

/// Invites the chosen officers to a published session that has not started. All or nothing:
/// an officer who cannot be invited (not an active officer, already placed, busy at that time)
/// stops the whole batch and is named.
pub async fn invite<C>(
    db: &C,
    actor: i32,
    session_id: i32,
    officer_ids: &[i32],
    now: DateTime<Utc>,
) -> AppResult<Invited>
where
    C: ConnectionTrait + TransactionTrait,
{
    let ids = chosen_ids(officer_ids, "Cochez au moins un officier à inviter.")?;
    let txn = crate::db::begin_write(db).await?;
    let (s, chosen) = lock_and_check(
        &txn,
        session_id,
        &ids,
        "Aucune invitation n'a été envoyée",
        |s| open_to_invitations(s, now),
    )
    .await?;
    let officers: Vec<_> = chosen.into_iter().map(|(o, _)| o).collect();

    let session_name = format!(
        "{}, {}",
        training_title(&txn, s.training_id).await?,
        dates::day(s.starts_at)
    );
    let about = About::of(&txn, &s).await?;
    let mut notices = Vec::new();
    let mut out = Invited::default();
    for o in officers {
        let existing = invitation::Entity::find()
            .filter(invitation::Column::SessionId.eq(session_id))
            .filter(invitation::Column::OfficerId.eq(o.id))
            .one(&txn)
            .await?;
        let saved = match existing {
            Some(i) if i.status == InvitationStatus::EnAttente => {
                out.already.push(o.display_name);
                continue;
            }
            // Declined or accepted (then given up): asked again, same link.
            Some(i) => {
                let mut row: invitation::ActiveModel = i.into();
                row.status = Set(InvitationStatus::EnAttente);
                row.created_by = Set(actor);
                row.created_at = Set(now);
                row.answered_at = Set(None);
                row.update(&txn).await?
            }
            None => {
                invitation::ActiveModel {
                    session_id: Set(session_id),
                    officer_id: Set(o.id),
                    token: Set(crate::password::secret_token()),
                    status: Set(InvitationStatus::EnAttente),
                    created_by: Set(actor),
                    created_at: Set(now),
                    answered_at: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        let snapshot: Snapshot = vec![
            ("Officier", o.display_name.clone()),
            ("Session", session_name.clone()),
            ("Statut", saved.status.label().to_owned()),
        ];
        Change::new(actor, "Invitation envoyée", Record::Invitation, saved.id)
            .after(&snapshot)
            .write(&txn, now)
            .await?;
        notices.push(events::invited(
            &about,
            o.id,
            format!("/invitations/{}", saved.token),
        ));
        out.invited.push((o.id, o.display_name));
    }
    deliver(&txn, notices, now).await?;
    txn.commit().await?;
    Ok(out)
}

/// Invitations go to published sessions not yet started: officers do not see drafts.
fn open_to_invitations(s: &session::Model, now: DateTime<Utc>) -> AppResult<()> {
    match s.status {
        SessionStatus::Brouillon => Err(AppError::refused(
            "Publiez d'abord la session : les officiers ne voient pas les brouillons. Vous pouvez aussi les inscrire directement.",
        )),
        SessionStatus::Annulee => Err(AppError::refused("Cette session est annulée.")),
        SessionStatus::Terminee => Err(AppError::refused("Cette session est terminée.")),
        SessionStatus::Publiee if now >= s.starts_at => Err(AppError::refused(
            "Cette session a déjà commencé : il n'est plus temps d'inviter.",
        )),
        SessionStatus::Publiee => Ok(()),
    }
}

/// « Décliner l'invitation ».
pub async fn decline<C>(
    db: &C,
    officer_id: i32,
    session_id: i32,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let Some(i) = pending(&txn, session_id, officer_id).await? else {
        return Err(AppError::refused(
            "Vous n'avez pas d'invitation en attente pour cette session.",
        ));
    };
    let mut row: invitation::ActiveModel = i.into();
    row.status = Set(InvitationStatus::Declinee);
    row.answered_at = Set(Some(now));
    row.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The session an invitation link leads to, for the officer it was sent to (anyone else is
/// told it does not exist).
pub async fn session_of_link<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    token: &str,
) -> AppResult<i32> {
    invitation::Entity::find()
        .filter(invitation::Column::Token.eq(token))
        .one(db)
        .await?
        .filter(|i| i.officer_id == officer_id)
        .map(|i| i.session_id)
        .ok_or(AppError::NotFound)
}

/// The invitations of a session, for its staff page: newest first, with the officer's place
/// in the session now.
pub async fn for_session<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
) -> AppResult<Vec<InvitationLine>> {
    let rows = invitation::Entity::find()
        .filter(invitation::Column::SessionId.eq(session_id))
        .order_by_desc(invitation::Column::CreatedAt)
        .order_by_desc(invitation::Column::Id)
        .all(db)
        .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for i in rows {
        let name = user::Entity::find_by_id(i.officer_id)
            .one(db)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        let place = own_enrolment(db, session_id, i.officer_id)
            .await?
            .filter(|e| e.status != EnrolmentStatus::Desinscrit)
            .map(|e| e.status.label().to_owned());
        lines.push(InvitationLine {
            officer_id: i.officer_id,
            name,
            state: invitation_state(&i),
            place,
            link: (i.status == InvitationStatus::EnAttente)
                .then(|| format!("/invitations/{}", i.token)),
        });
    }
    Ok(lines)
}

/// The officer's invitations still open (published session not started, no place taken), for
/// « Mes formations ».
pub async fn open_for_officer<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Vec<MyInvitation>> {
    let rows = invitation::Entity::find()
        .filter(invitation::Column::OfficerId.eq(officer_id))
        .filter(invitation::Column::Status.eq(InvitationStatus::EnAttente))
        .find_also_related(session::Entity)
        .filter(session::Column::Status.eq(SessionStatus::Publiee))
        .filter(session::Column::StartsAt.gt(now))
        .order_by_asc(session::Column::StartsAt)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for (i, s) in rows {
        let Some(s) = s else { continue };
        let placed = own_enrolment(db, s.id, officer_id)
            .await?
            .is_some_and(|e| e.status.is_live());
        if placed {
            continue;
        }
        out.push(MyInvitation {
            session_id: s.id,
            title: training_title(db, s.training_id).await?,
            dates: dates::span(s.starts_at, s.ends_at),
            place: crate::format::place_label(&s),
            invited_on: dates::day(i.created_at),
        });
    }
    Ok(out)
}
