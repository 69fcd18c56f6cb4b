//! Writing notifications and their emails, and the notification centre.
//!
//! [`deliver`] is called inside the transaction of the change that causes the notices: they
//! commit or roll back with it. Several notices of one action for the same person become one
//! notification (product §5, « not noisy »).

use super::{Centre, Item, Preference, PublicUrl, calendar::Method};
use crate::{
    dates,
    entities::{email_outbox, notification, notification_preference, session, user},
    error::{AppError, AppResult},
    model::{EnrolmentStatus, NotificationKind as Kind, OutboxStatus, Role, SessionStatus},
    records::place::own_enrolment,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use std::collections::HashMap;

/// What one person should be told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub user_id: i32,
    pub kind: Kind,
    pub session_id: Option<i32>,
    /// Says what happened and to which session.
    pub title: String,
    /// Says what it means and what to do next.
    pub body: String,
    /// The page to open (a path).
    pub link: String,
}

/// Writes the notices, merged per person, and queues their emails, in the caller's transaction.
/// The links in the emails start with the public address of the current request
/// ([`PublicUrl::current`]).
pub async fn deliver<C: ConnectionTrait>(
    txn: &C,
    notices: Vec<Notice>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    deliver_with(txn, notices, &PublicUrl::current(), now).await
}

/// [`deliver`] for the notices of a change to a session's places or dates — unless the session
/// is a draft: officers hear of a draft's places only at its publication (product §2: they do
/// not see drafts).
pub async fn deliver_about<C: ConnectionTrait>(
    txn: &C,
    s: &session::Model,
    notices: Vec<Notice>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if s.status == SessionStatus::Brouillon {
        return Ok(());
    }
    deliver(txn, notices, now).await
}

/// [`deliver`] with the public address given, for work done outside a request (the reminder
/// scheduler).
pub async fn deliver_with<C: ConnectionTrait>(
    txn: &C,
    notices: Vec<Notice>,
    base: &PublicUrl,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for (user_id, group) in by_person(notices) {
        let Some(u) = user::Entity::find_by_id(user_id)
            .one(txn)
            .await?
            .filter(|u| u.active)
        else {
            continue;
        };
        let kinds: Vec<Kind> = group.iter().map(|n| n.kind).collect();
        let n = merge(group);
        let saved = notification::ActiveModel {
            user_id: Set(user_id),
            kind: Set(n.kind),
            title: Set(crate::format::clip(&n.title, 300)),
            body: Set(n.body.clone()),
            link: Set(Some(n.link.clone())),
            session_id: Set(n.session_id),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        if mails_any(txn, user_id, &kinds).await? {
            let ics = match n.session_id {
                Some(session_id) => attachment(txn, session_id, user_id, &kinds, base).await?,
                None => None,
            };
            queue_email(txn, &u, &n, saved.id, ics, base, now).await?;
        }
    }
    Ok(())
}

/// Notices grouped by person, in the order people first appear.
fn by_person(notices: Vec<Notice>) -> Vec<(i32, Vec<Notice>)> {
    let mut groups: Vec<(i32, Vec<Notice>)> = Vec::new();
    for n in notices {
        match groups.iter_mut().find(|(id, _)| *id == n.user_id) {
            Some((_, g)) => g.push(n),
            None => groups.push((n.user_id, vec![n])),
        }
    }
    groups
}

/// One notice out of several for the same person: titles side by side, bodies one after the
/// other, the first one's kind and link.
fn merge(mut group: Vec<Notice>) -> Notice {
    if group.len() == 1 {
        return group.remove(0);
    }
    let mut first = group[0].clone();
    first.title = group
        .iter()
        .map(|n| n.title.as_str())
        .collect::<Vec<_>>()
        .join(" · ");
    first.body = group
        .iter()
        .map(|n| n.body.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    first
}

/// Whether the person wants emails of at least one of these kinds (on unless turned off).
async fn mails_any<C: ConnectionTrait>(db: &C, user_id: i32, kinds: &[Kind]) -> AppResult<bool> {
    let off: Vec<Kind> = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(user_id))
        .filter(notification_preference::Column::Email.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.kind)
        .collect();
    Ok(kinds.iter().any(|k| !off.contains(k)))
}

/// The calendar file of an email about a session: the session added (or updated) for someone
/// holding a seat in it, taken out when it is cancelled or the place given up.
async fn attachment<C: ConnectionTrait>(
    txn: &C,
    session_id: i32,
    user_id: i32,
    kinds: &[Kind],
    base: &PublicUrl,
) -> AppResult<Option<String>> {
    const ADD: [Kind; 4] = [
        Kind::InscriptionConfirmee,
        Kind::Promotion,
        Kind::SessionModifiee,
        Kind::Rappel,
    ];
    const REMOVE: [Kind; 2] = [Kind::SessionAnnulee, Kind::Desinscription];
    let place = own_enrolment(txn, session_id, user_id).await?;
    let seated = place
        .as_ref()
        .is_some_and(|e| e.status == EnrolmentStatus::Inscrit);
    // Only a place that once had a seat is in the officer's calendar.
    let had_seat = place.as_ref().is_some_and(|e| e.confirmed_at.is_some());
    let method = if had_seat && kinds.iter().any(|k| REMOVE.contains(k)) {
        Method::Cancel
    } else if seated && kinds.iter().any(|k| ADD.contains(k)) {
        Method::Publish
    } else {
        return Ok(None);
    };
    super::calendar::session_file(txn, session_id, method, base.as_str()).await
}

async fn queue_email<C: ConnectionTrait>(
    txn: &C,
    to: &user::Model,
    n: &Notice,
    notification_id: i32,
    ics: Option<String>,
    base: &PublicUrl,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mail = super::email::compose(n, &to.display_name, base.as_str());
    let unsubscribe = super::unsubscribe::token(txn, to.id, n.kind).await?;
    super::outbox::queue(
        txn,
        super::outbox::Outgoing {
            recipient: to.email.clone(),
            mail,
            notification_id: Some(notification_id),
            ics,
            unsubscribe_url: Some(format!("{}/desabonnement/{unsubscribe}", base.as_str())),
        },
        now,
    )
    .await
}

/// Active gestionnaires and administrateurs, who receive the staff kinds.
pub async fn staff_ids<C: ConnectionTrait>(db: &C) -> AppResult<Vec<i32>> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.is_in([Role::Staff, Role::Admin]))
        .filter(user::Column::Active.eq(true))
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

/// How many emails `/admin/courriels` lists.
const OUTBOX_SHOWN: u64 = 200;

/// The outbox for administrators: how many emails in each state, and the newest.
pub async fn outbox<C: ConnectionTrait>(db: &C) -> AppResult<super::Outbox> {
    let mut counts = Vec::new();
    for state in OutboxStatus::ALL {
        let n = email_outbox::Entity::find()
            .filter(email_outbox::Column::Status.eq(state))
            .count(db)
            .await?;
        counts.push((state.label().to_owned(), n));
    }
    let recent = email_outbox::Entity::find()
        .order_by_desc(email_outbox::Column::Id)
        .limit(OUTBOX_SHOWN)
        .all(db)
        .await?
        .into_iter()
        .map(|m| super::OutboxLine {
            id: m.id,
            recipient: m.recipient,
            subject: m.subject,
            status: m.status.label().to_owned(),
            attempts: m.attempts,
            created: dates::day_time(m.created_at),
            when: match m.sent_at {
                Some(at) => format!("Envoyé le {}", dates::day_time(at)),
                None if m.status == OutboxStatus::EnAttente => {
                    format!("Prochain essai le {}", dates::day_time(m.next_attempt_at))
                }
                None => String::new(),
            },
            last_error: m.last_error,
        })
        .collect();
    Ok(super::Outbox { counts, recent })
}

/// How many notifications the centre lists.
const SHOWN: u64 = 100;

/// The notification centre, newest first.
pub async fn centre<C: ConnectionTrait>(db: &C, user_id: i32) -> AppResult<Centre> {
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(SHOWN + 1)
        .all(db)
        .await?;
    let truncated = rows.len() as u64 > SHOWN;
    Ok(Centre {
        items: rows
            .into_iter()
            .take(SHOWN as usize)
            .map(|n| Item {
                id: n.id,
                title: n.title,
                body: n.body,
                when: dates::day_time(n.created_at),
                unread: n.read_at.is_none(),
                has_link: n.link.is_some(),
            })
            .collect(),
        unread: unread_count(db, user_id).await?,
        truncated,
    })
}

pub async fn unread_count<C: ConnectionTrait>(db: &C, user_id: i32) -> AppResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::unread())
        .count(db)
        .await?)
}

/// « Tout marquer comme lu »; returns how many were unread.
pub async fn mark_all_read<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let res = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(now)))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::unread())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Marks one of the user's notifications read and returns the page it is about.
pub async fn open<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    id: i32,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let n = notification::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|n| n.user_id == user_id)
        .ok_or(AppError::NotFound)?;
    let target = n
        .link
        .clone()
        .unwrap_or_else(|| "/notifications".to_owned());
    if n.read_at.is_none() {
        let mut row: notification::ActiveModel = n.into();
        row.read_at = Set(Some(now));
        row.update(db).await?;
    }
    Ok(target)
}

/// The kinds that concern this user, with their email setting.
pub async fn preferences<C: ConnectionTrait>(
    db: &C,
    u: &user::Model,
) -> AppResult<Vec<Preference>> {
    let stored: HashMap<Kind, bool> = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(u.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.email))
        .collect();
    Ok(Kind::ALL
        .into_iter()
        .filter(|k| k.for_staff() == u.role.is_staff())
        .map(|kind| Preference {
            kind,
            email: stored.get(&kind).copied().unwrap_or(true),
        })
        .collect())
}

/// Saves the email setting of every kind that concerns the user: those in `on` are mailed.
pub async fn save_preferences<C>(
    db: &C,
    u: &user::Model,
    on: &[Kind],
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    for p in preferences(&txn, u).await? {
        let email = on.contains(&p.kind);
        set_email(&txn, u.id, p.kind, email, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Turns the email of one kind on or off for a user.
pub async fn set_email<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    kind: Kind,
    email: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    notification_preference::Entity::insert(notification_preference::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        email: Set(email),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            notification_preference::Column::UserId,
            notification_preference::Column::Kind,
        ])
        .update_columns([
            notification_preference::Column::Email,
            notification_preference::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
