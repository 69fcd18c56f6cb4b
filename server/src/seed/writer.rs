//! Writing the plan: a handful of multi-row inserts in the seed's transaction.

use super::SeedReport;
use super::data::Kind;
use super::planner::Plan;
use app::entities::{
    enrolment, feedback, officer_profile, programme, programme_item, session, training, user,
};
use app::error::AppError;
use app::model::{EnrolmentStatus, Role, SessionStatus};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// Rows per INSERT: far below SQLite's and PostgreSQL's limits on bound parameters.
const BATCH: usize = 200;

pub(super) async fn write_plan(
    txn: &DatabaseTransaction,
    plan: &Plan,
    hash: &str,
) -> Result<SeedReport, AppError> {
    let since = history_start(plan);
    let users = insert_users(txn, plan, hash, since).await?;
    let trainings = insert_trainings(txn, plan, since).await?;
    let sessions = insert_sessions(txn, plan, &trainings).await?;
    let enrolments = plan.enrolments.iter().map(|e| enrolment::ActiveModel {
        session_id: Set(sessions[e.session]),
        officer_id: Set(users[e.officer]),
        status: Set(e.status),
        waitlist_rank: Set(e.waitlist_rank),
        created_at: Set(e.created_at),
        updated_at: Set(e.updated_at),
        confirmed_at: Set(e.confirmed_at),
        cancelled_at: Set(e.cancelled_at),
        ..Default::default()
    });
    insert_batches(txn, enrolments.collect()).await?;
    let feedback = plan.feedback.iter().map(|f| feedback::ActiveModel {
        session_id: Set(sessions[f.session]),
        officer_id: Set(users[f.officer]),
        overall_rating: Set(f.overall),
        usefulness_rating: Set(f.usefulness),
        comment: Set(f.comment.to_owned()),
        created_at: Set(f.created_at),
        ..Default::default()
    });
    insert_batches(txn, feedback.collect()).await?;
    insert_programmes(txn, plan, &users, &trainings).await?;
    Ok(SeedReport {
        created: true,
        officers: plan
            .users
            .iter()
            .filter(|u| u.role == Role::Officer)
            .count(),
        trainings: trainings.len(),
        sessions: sessions.len(),
        enrolments: plan.enrolments.len(),
        feedback: plan.feedback.len(),
    })
}

/// When the accounts and the catalogue were created: a year before now, or a month before the
/// first session was planned.
fn history_start(plan: &Plan) -> DateTime<Utc> {
    let first_session = plan.sessions.iter().map(|s| s.created_at).min();
    (plan.now - Duration::days(365)).min(first_session.unwrap_or(plan.now) - Duration::days(30))
}

/// Inserts the users and their officer profiles; returns the database id of each user index.
async fn insert_users(
    txn: &DatabaseTransaction,
    plan: &Plan,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i32>, AppError> {
    let rows = plan.users.iter().map(|u| user::ActiveModel {
        email: Set(u.email.clone()),
        display_name: Set(u.display_name.clone()),
        role: Set(u.role),
        password_hash: Set(hash.to_owned()),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    });
    insert_batches(txn, rows.collect()).await?;
    let emails = plan.users.iter().map(|u| u.email.clone());
    let stored = user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .all(txn)
        .await?;
    let ids: HashMap<String, i32> = stored.into_iter().map(|u| (u.email, u.id)).collect();
    let ids = plan
        .users
        .iter()
        .map(|u| ids.get(&u.email).copied())
        .collect::<Option<Vec<_>>>();
    let ids = ids.ok_or_else(|| lost_rows("users"))?;
    let profiles = plan.users.iter().zip(&ids).filter_map(|(u, &id)| {
        let p = u.profile.as_ref()?;
        Some(officer_profile::ActiveModel {
            user_id: Set(id),
            grade: Set(p.grade.to_owned()),
            armee: Set(p.armee.to_owned()),
            phone: Set(Some(p.phone.clone())),
            departure_date: Set(Some(p.departure)),
        })
    });
    insert_batches(txn, profiles.collect()).await?;
    Ok(ids)
}

/// Inserts the catalogue; returns the id of each training index of the plan.
async fn insert_trainings(
    txn: &DatabaseTransaction,
    plan: &Plan,
    created_at: DateTime<Utc>,
) -> Result<Vec<i32>, AppError> {
    // Trainings have no natural key: ours are the new rows, found by title above the old ids.
    let last = training::Entity::find()
        .order_by_desc(training::Column::Id)
        .one(txn)
        .await?;
    let last_id = last.map_or(0, |t| t.id);
    let rows = plan.trainings.iter().map(|t| training::ActiveModel {
        title: Set(t.title.clone()),
        description: Set(t.spec.description.to_owned()),
        theme: Set(t.spec.theme.to_owned()),
        provider: Set(t.spec.provider.to_owned()),
        format: Set(t.spec.format),
        duration_hours: Set(t.spec.hours),
        default_capacity: Set(t.spec.capacity),
        fixed_cost_cents: Set(t.spec.fixed_eur.map(|e| e * 100)),
        seat_cost_cents: Set(t.spec.seat_eur.map(|e| e * 100)),
        archived: Set(t.archived),
        created_at: Set(created_at),
        updated_at: Set(created_at),
        ..Default::default()
    });
    insert_batches(txn, rows.collect()).await?;
    let stored = training::Entity::find()
        .filter(training::Column::Id.gt(last_id))
        .all(txn)
        .await?;
    let ids: HashMap<String, i32> = stored.into_iter().map(|t| (t.title, t.id)).collect();
    let ids = plan
        .trainings
        .iter()
        .map(|t| ids.get(&t.title).copied())
        .collect::<Option<Vec<_>>>();
    ids.ok_or_else(|| lost_rows("trainings"))
}

/// Inserts the sessions with their seat counts, waitlist length and, once held, actual cost;
/// returns the id of each session index.
async fn insert_sessions(
    txn: &DatabaseTransaction,
    plan: &Plan,
    trainings: &[i32],
) -> Result<Vec<i32>, AppError> {
    let mut taken = vec![0i32; plan.sessions.len()];
    let mut waiting = vec![0i64; plan.sessions.len()];
    let mut billed = vec![0i64; plan.sessions.len()];
    for e in &plan.enrolments {
        use EnrolmentStatus::*;
        match e.status {
            Inscrit | Present | Absent | Excuse => taken[e.session] += 1,
            ListeAttente => waiting[e.session] += 1,
            Desinscrit | DesistementTardif => {}
        }
        // Providers bill the seats of late cancellations too.
        if matches!(e.status, Present | Absent | Excuse | DesistementTardif) {
            billed[e.session] += 1;
        }
    }
    let rows = plan.sessions.iter().enumerate().map(|(i, s)| {
        let spec = plan.trainings[s.training].spec;
        let cost = spec.fixed_eur.unwrap_or(0) * 100 + spec.seat_eur.unwrap_or(0) * 100 * billed[i];
        let status = match s.kind {
            Kind::Past => SessionStatus::Terminee,
            Kind::Draft => SessionStatus::Brouillon,
            Kind::Cancelled => SessionStatus::Annulee,
            _ => SessionStatus::Publiee,
        };
        let updated_at = match s.kind {
            Kind::Past => s.ends_at + Duration::hours(1),
            _ => s.created_at,
        };
        session::ActiveModel {
            training_id: Set(trainings[s.training]),
            starts_at: Set(s.starts_at),
            ends_at: Set(s.ends_at),
            location: Set(s.location.to_owned()),
            visio_url: Set(s.visio_url.clone()),
            capacity: Set(s.capacity),
            min_participants: Set((s.capacity * 4 + 5) / 10),
            enrolment_deadline: Set(s.enrolment_deadline),
            cancellation_deadline: Set(s.cancellation_deadline),
            actual_cost_cents: Set((s.kind == Kind::Past).then_some(cost)),
            trainer: Set(s.trainer.to_owned()),
            status: Set(status),
            seats_taken: Set(taken[i]),
            waitlist_seq: Set(waiting[i]),
            created_at: Set(s.created_at),
            updated_at: Set(updated_at),
            ..Default::default()
        }
    });
    insert_batches(txn, rows.collect()).await?;
    // The trainings are new, so all their sessions are ours; (training, start) is unique here.
    let stored = session::Entity::find()
        .filter(session::Column::TrainingId.is_in(trainings.iter().copied()))
        .all(txn)
        .await?;
    let ids: HashMap<(i32, DateTime<Utc>), i32> = stored
        .into_iter()
        .map(|s| ((s.training_id, s.starts_at), s.id))
        .collect();
    let ids = plan
        .sessions
        .iter()
        .map(|s| ids.get(&(trainings[s.training], s.starts_at)).copied());
    ids.collect::<Option<Vec<_>>>()
        .ok_or_else(|| lost_rows("sessions"))
}

async fn insert_programmes(
    txn: &DatabaseTransaction,
    plan: &Plan,
    users: &[i32],
    trainings: &[i32],
) -> Result<(), AppError> {
    let rows = plan.programmes.iter().map(|p| programme::ActiveModel {
        officer_id: Set(users[p.officer]),
        starts_on: Set(p.starts_on),
        ends_on: Set(p.ends_on),
        career_goal: Set(p.goal.to_owned()),
        created_at: Set(p.created_at),
        updated_at: Set(p.created_at),
        ..Default::default()
    });
    insert_batches(txn, rows.collect()).await?;
    let officers = plan.programmes.iter().map(|p| users[p.officer]);
    let stored = programme::Entity::find()
        .filter(programme::Column::OfficerId.is_in(officers))
        .all(txn)
        .await?;
    let ids: HashMap<i32, i32> = stored.into_iter().map(|p| (p.officer_id, p.id)).collect();
    let mut items = Vec::new();
    for p in &plan.programmes {
        let id = *ids
            .get(&users[p.officer])
            .ok_or_else(|| lost_rows("programmes"))?;
        items.extend(p.items.iter().enumerate().map(|(pos, &(t, priority))| {
            programme_item::ActiveModel {
                programme_id: Set(id),
                training_id: Set(trainings[t]),
                priority: Set(priority),
                position: Set(pos as i32),
                ..Default::default()
            }
        }));
    }
    insert_batches(txn, items).await?;
    Ok(())
}

/// Multi-row inserts of at most `BATCH` rows each.
async fn insert_batches<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait,
{
    let mut rows = rows.into_iter();
    loop {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return Ok(());
        }
        A::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
}

/// Rows just inserted could not be read back: a bug, never the user's doing.
fn lost_rows(table: &str) -> AppError {
    tracing::error!(table, "demo seed: inserted rows not found again");
    AppError::Internal
}
