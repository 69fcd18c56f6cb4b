//! The rules of product §3 checked on what a database holds, whatever wrote it: the demo and
//! large data sets (`seed`), the simulated years (`simulate`), a restored backup or a server
//! killed under load (`cassiopee check`). Each broken rule is returned as a French sentence
//! naming the rows, so that a failing test or an operator sees what went wrong.
//!
//! - §3.1 `seats_taken` equals the seat-holding places (inscrit, présent, absent, excusé) and
//!   never exceeds the capacity;
//! - §3.2 one row, hence at most one live place, per (session, officer);
//! - §3.3 no officer holds seats in two sessions (not cancelled) that overlap, nor live places
//!   in two such sessions to come;
//! - §3.4 waitlist ranks are set exactly on waiting places, distinct and handed out by the
//!   session's counter; no waitlist beside free seats in a published session to come; every
//!   seat was confirmed before the start (nobody is promoted into a started session);
//! - §3.5 every withdrawal happened before the start; a désistement tardif after the
//!   cancellation deadline, a seat given up in time before it;
//! - attendance is noted only in sessions held and started.

use app::entities::{enrolment, session};
use app::model::{EnrolmentStatus, SessionStatus};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use std::collections::{BTreeMap, BTreeSet};

fn holds_seat(status: EnrolmentStatus) -> bool {
    app::records::place::SEAT_HOLDING.contains(&status)
}

fn attended(status: EnrolmentStatus) -> bool {
    use EnrolmentStatus::*;
    matches!(status, Present | Absent | Excuse)
}

/// Every broken rule at `now`, in a stable order; empty when all hold (tests: a database that
/// cannot be read fails the test).
#[cfg(test)]
pub(crate) async fn violations<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Vec<String> {
    broken_rules(db, now)
        .await
        .expect("read sessions and places")
}

/// Every broken rule at `now`, in a stable order; empty when all hold.
pub(crate) async fn broken_rules<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<Vec<String>, sea_orm::DbErr> {
    let sessions: BTreeMap<i32, session::Model> = session::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut places = enrolment::Entity::find().all(db).await?;
    places.sort_by_key(|e| e.id);
    let mut out = Vec::new();

    let mut pairs = BTreeSet::new();
    let mut by_session: BTreeMap<i32, Vec<&enrolment::Model>> = BTreeMap::new();
    for e in &places {
        if !pairs.insert((e.session_id, e.officer_id)) {
            out.push(format!(
                "§3.2 : l'officier {} a deux lignes dans la session {}",
                e.officer_id, e.session_id
            ));
        }
        by_session.entry(e.session_id).or_default().push(e);
        let Some(s) = sessions.get(&e.session_id) else {
            out.push(format!("la place {} est d'une session absente", e.id));
            continue;
        };
        check_place(e, s, now, &mut out);
    }

    for s in sessions.values() {
        let rows = by_session.get(&s.id).map(Vec::as_slice).unwrap_or_default();
        let seats = rows.iter().filter(|e| holds_seat(e.status)).count() as i32;
        if s.seats_taken != seats {
            out.push(format!(
                "§3.1 : la session {} compte {} places occupées, ses inscriptions en tiennent {seats}",
                s.id, s.seats_taken
            ));
        }
        if s.seats_taken > s.capacity {
            out.push(format!(
                "§3.1 : la session {} a {} places occupées pour {}",
                s.id, s.seats_taken, s.capacity
            ));
        }
        let ranks: Vec<i64> = rows.iter().filter_map(|e| e.waitlist_rank).collect();
        let distinct: BTreeSet<i64> = ranks.iter().copied().collect();
        if distinct.len() != ranks.len() || ranks.iter().any(|r| *r < 1 || *r > s.waitlist_seq) {
            out.push(format!(
                "§3.4 : la session {} a les rangs d'attente {ranks:?} (compteur {})",
                s.id, s.waitlist_seq
            ));
        }
        let open = s.status == SessionStatus::Publiee && s.starts_at > now;
        if open && !ranks.is_empty() && s.seats_taken < s.capacity {
            out.push(format!(
                "§3.4 : la session {} a {} place(s) libre(s) et {} officier(s) en attente",
                s.id,
                s.capacity - s.seats_taken,
                ranks.len()
            ));
        }
    }

    check_overlaps(&places, &sessions, now, &mut out);
    Ok(out)
}

/// The rules one place must keep on its own.
fn check_place(
    e: &enrolment::Model,
    s: &session::Model,
    now: DateTime<Utc>,
    out: &mut Vec<String>,
) {
    let waiting = e.status == EnrolmentStatus::ListeAttente;
    if waiting != e.waitlist_rank.is_some() {
        out.push(format!(
            "§3.4 : la place {} est {:?} avec le rang {:?}",
            e.id, e.status, e.waitlist_rank
        ));
    }
    if holds_seat(e.status) {
        match e.confirmed_at {
            None => out.push(format!("la place {} occupe un siège jamais confirmé", e.id)),
            Some(c) if c >= s.starts_at => out.push(format!(
                "§3.4 : la place {} a été confirmée le {c}, après le début de la session {}",
                e.id, s.id
            )),
            Some(_) => {}
        }
    }
    if let Some(c) = e.cancelled_at {
        if c >= s.starts_at {
            out.push(format!(
                "§3.5 : la place {} a été abandonnée après le début de la session {}",
                e.id, s.id
            ));
        }
        let late = c > s.cancellation_deadline;
        match e.status {
            EnrolmentStatus::DesistementTardif if !late => out.push(format!(
                "§3.5 : la place {} est un désistement tardif avant la date limite",
                e.id
            )),
            EnrolmentStatus::Desinscrit if late && e.confirmed_at.is_some() => out.push(format!(
                "§3.5 : la place {} a été rendue après la date limite sans désistement tardif",
                e.id
            )),
            _ => {}
        }
    }
    if attended(e.status) {
        let held = matches!(s.status, SessionStatus::Publiee | SessionStatus::Terminee);
        if !held || s.starts_at > now {
            out.push(format!(
                "présence notée sur la place {} de la session {} ({:?}, début {})",
                e.id, s.id, s.status, s.starts_at
            ));
        }
    }
}

/// Which places of an officer are compared, given its session and the present.
type Keep = fn(&enrolment::Model, &session::Model, DateTime<Utc>) -> bool;

/// §3.3: seats in sessions held, and live places in sessions to come, never overlap for one
/// officer.
fn check_overlaps(
    places: &[enrolment::Model],
    sessions: &BTreeMap<i32, session::Model>,
    now: DateTime<Utc>,
    out: &mut Vec<String>,
) {
    let kinds: [(&str, Keep); 2] = [
        ("des sièges", |e, _, _| holds_seat(e.status)),
        ("des places vivantes", |e, s, now| {
            e.status.is_live() && s.starts_at > now
        }),
    ];
    for (what, keep) in kinds {
        let mut by_officer: BTreeMap<i32, Vec<&session::Model>> = BTreeMap::new();
        for e in places {
            let Some(s) = sessions.get(&e.session_id) else {
                continue;
            };
            if s.status != SessionStatus::Annulee && keep(e, s, now) {
                by_officer.entry(e.officer_id).or_default().push(s);
            }
        }
        for (officer, list) in by_officer {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    if a.starts_at < b.ends_at && b.starts_at < a.ends_at {
                        out.push(format!(
                            "§3.3 : l'officier {officer} a {what} dans les sessions {} et {}, qui se chevauchent",
                            a.id, b.id
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The checker agrees with the demo data set, planned to keep every rule.
    #[tokio::test]
    async fn the_demo_data_set_keeps_every_rule() {
        let db = app::testing::test_db().await;
        crate::seed::seed_demo(&db).await.expect("seed");
        let now = chrono::Utc::now();
        let broken = super::violations(&db, now).await;
        assert!(broken.is_empty(), "{broken:#?}");

        // And it sees a broken count.
        use app::entities::session;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let s = session::Entity::find()
            .filter(session::Column::SeatsTaken.gt(0))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let mut row: session::ActiveModel = s.clone().into();
        row.seats_taken = Set(s.seats_taken - 1);
        row.update(&db).await.unwrap();
        let broken = super::violations(&db, now).await;
        assert!(broken.iter().any(|b| b.starts_with("§3.1")), "{broken:#?}");
    }
}
