use super::JournalLine;
use crate::{
    dates,
    entities::{enrolment, invitation, journal, user},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// What a journal line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Training,
    Session,
    Enrolment,
    Officer,
    Programme,
    Account,
    Invitation,
}

impl Record {
    /// Whose journal a change to an account goes to, with its identity label: an officer's
    /// own, or the staff accounts'.
    pub fn for_account(role: crate::model::Role) -> (Record, &'static str) {
        if role == crate::model::Role::Officer {
            (Record::Officer, "Officier")
        } else {
            (Record::Account, "Compte")
        }
    }

    fn code(self) -> &'static str {
        match self {
            Record::Training => "formation",
            Record::Session => "session",
            Record::Enrolment => "inscription",
            Record::Officer => "officier",
            Record::Programme => "programme",
            Record::Account => "compte",
            Record::Invitation => "invitation",
        }
    }
}

/// A record's values as staff read them: (French label, displayed value), in display order.
pub type Snapshot = Vec<(&'static str, String)>;

/// Labels shown on every line where they appear, changed or not: they say which record it is.
const IDENTITY: [&str; 4] = ["Officier", "Session", "Formation", "Compte"];

/// A change by a staff member, written in the caller's transaction:
/// `Change::new(actor, "Session publiée", Record::Session, id).before(b).after(a).write(db, now)`.
pub struct Change<'a> {
    /// None: the operator, on the server's command line (the journal says « Système »).
    actor_id: Option<i32>,
    action: &'a str,
    what: Record,
    id: i32,
    before: Option<&'a Snapshot>,
    after: Option<&'a Snapshot>,
}

impl<'a> Change<'a> {
    /// `action` is the French sentence the journal shows (« Session publiée »).
    pub fn new(actor_id: i32, action: &'a str, what: Record, id: i32) -> Self {
        Change {
            actor_id: Some(actor_id),
            action,
            what,
            id,
            before: None,
            after: None,
        }
    }

    /// A change made by the operator with a `cassiopee` command, not by a logged-in user.
    pub fn by_the_operator(action: &'a str, what: Record, id: i32) -> Self {
        Change {
            actor_id: None,
            ..Change::new(0, action, what, id)
        }
    }

    pub fn before(mut self, s: &'a Snapshot) -> Self {
        self.before = Some(s);
        self
    }

    pub fn after(mut self, s: &'a Snapshot) -> Self {
        self.after = Some(s);
        self
    }

    pub async fn write<C: ConnectionTrait>(self, db: &C, now: DateTime<Utc>) -> AppResult<()> {
        journal::ActiveModel {
            actor_id: Set(self.actor_id),
            action: Set(self.action.to_owned()),
            entity_type: Set(self.what.code().to_owned()),
            entity_id: Set(self.id),
            before: Set(self.before.map(to_json)),
            after: Set(self.after.map(to_json)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(())
    }
}

fn to_json(s: &Snapshot) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn from_json(raw: Option<&str>) -> Vec<(String, String)> {
    raw.and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default()
}

/// The journal of a session: the session itself and the places in it, newest first.
pub async fn for_session<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
) -> AppResult<Vec<JournalLine>> {
    let places = enrolment_ids(db, enrolment::Column::SessionId, session_id).await?;
    let invitations = invitation_ids(db, invitation::Column::SessionId, session_id).await?;
    let cond = Condition::any()
        .add(about(Record::Session, vec![session_id]))
        .add(about(Record::Enrolment, places))
        .add(about(Record::Invitation, invitations));
    lines(db, cond).await
}

/// The journal of an officer: their account, programme and places, newest first.
pub async fn for_officer<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
) -> AppResult<Vec<JournalLine>> {
    let places = enrolment_ids(db, enrolment::Column::OfficerId, officer_id).await?;
    let invitations = invitation_ids(db, invitation::Column::OfficerId, officer_id).await?;
    let cond = Condition::any()
        .add(about(Record::Officer, vec![officer_id]))
        .add(about(Record::Programme, vec![officer_id]))
        .add(about(Record::Enrolment, places))
        .add(about(Record::Invitation, invitations));
    lines(db, cond).await
}

/// The journal of a training.
pub async fn for_training<C: ConnectionTrait>(
    db: &C,
    training_id: i32,
) -> AppResult<Vec<JournalLine>> {
    lines(db, about(Record::Training, vec![training_id])).await
}

/// The journal of staff accounts.
pub async fn for_accounts<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i32>,
) -> AppResult<Vec<JournalLine>> {
    lines(db, about(Record::Account, ids)).await
}

fn about(what: Record, ids: Vec<i32>) -> Condition {
    Condition::all()
        .add(journal::Column::EntityType.eq(what.code()))
        .add(journal::Column::EntityId.is_in(ids))
}

async fn enrolment_ids<C: ConnectionTrait>(
    db: &C,
    column: enrolment::Column,
    id: i32,
) -> AppResult<Vec<i32>> {
    Ok(enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Id)
        .filter(column.eq(id))
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

async fn invitation_ids<C: ConnectionTrait>(
    db: &C,
    column: invitation::Column,
    id: i32,
) -> AppResult<Vec<i32>> {
    Ok(invitation::Entity::find()
        .select_only()
        .column(invitation::Column::Id)
        .filter(column.eq(id))
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

/// How many lines a page shows at most.
const SHOWN: u64 = 200;

async fn lines<C: ConnectionTrait>(db: &C, cond: Condition) -> AppResult<Vec<JournalLine>> {
    let rows = journal::Entity::find()
        .filter(cond)
        .order_by_desc(journal::Column::CreatedAt)
        .order_by_desc(journal::Column::Id)
        .limit(SHOWN)
        .all(db)
        .await?;
    let actor_ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_id).collect();
    let names: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| JournalLine {
            at: dates::day_time(r.created_at),
            actor: r
                .actor_id
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| "Système".to_owned()),
            action: r.action,
            details: details(
                &from_json(r.before.as_deref()),
                &from_json(r.after.as_deref()),
            ),
        })
        .collect())
}

/// The lines of a change: identity labels, then each changed value « Label : avant → après »;
/// a creation or a removal lists its values.
fn details(before: &[(String, String)], after: &[(String, String)]) -> Vec<String> {
    let old: HashMap<&str, &str> = before
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let base = if after.is_empty() { before } else { after };
    for (label, value) in base {
        let identity = IDENTITY.contains(&label.as_str());
        match old.get(label.as_str()) {
            Some(prev) if !after.is_empty() && *prev != value && !identity => {
                out.push(format!("{label} : {} → {}", shown(prev), shown(value)));
            }
            Some(_) if !identity && !after.is_empty() && !before.is_empty() => {}
            _ => out.push(format!("{label} : {}", shown(value))),
        }
    }
    out
}

fn shown(v: &str) -> &str {
    if v.is_empty() { "—" } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn details_show_identity_and_changes_only() {
        let before = pairs(&[
            ("Officier", "Jean Martin"),
            ("Statut", "Inscrit"),
            ("Lieu", "Paris"),
        ]);
        let after = pairs(&[
            ("Officier", "Jean Martin"),
            ("Statut", "Présent"),
            ("Lieu", "Paris"),
        ]);
        assert_eq!(
            details(&before, &after),
            vec!["Officier : Jean Martin", "Statut : Inscrit → Présent"]
        );
        let created = pairs(&[("Titre", "Négocier"), ("Lieu", "")]);
        assert_eq!(details(&[], &created), vec!["Titre : Négocier", "Lieu : —"]);
    }
}
