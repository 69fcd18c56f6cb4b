//! Demo data set (product §7): French, realistic, idempotent; and the large data set of
//! `seed --large`, the same planner at a bigger scale, for the statistics and the benchmarks.
//!
//! The whole data set is first planned in memory — deterministic apart from being placed around
//! "now" — by code that keeps the enrolment invariants by construction (seat counts, waitlist
//! ranks, no overlapping places). It is then written in one transaction with a handful of
//! multi-row inserts, so seeding takes a fraction of a second even in a debug build; the
//! password is hashed once for every demo account.

pub(crate) mod calendar;
pub(crate) mod data;
mod planner;
pub(crate) mod rng;
#[cfg(test)]
mod tests;
mod writer;

use app::accounts::find_by_email;
use app::db::begin_write;
use app::entities::{enrolment, session, training, user};
use app::error::AppError;
use app::model::Role;
use chrono::{DateTime, Utc};
use planner::{Plan, Planner, Scale};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use writer::write_plan;

/// Password of every demo account, printed at start so that anyone can try each role.
pub const DEMO_PASSWORD: &str = "Cassiopee2026!";

const ADMIN_EMAIL: &str = "admin@mirvog.demo";
const DEMO_OFFICER_EMAIL: &str = "officier@mirvog.demo";
const EMAIL_DOMAIN: &str = "mirvog.demo";

/// The accounts the demo logins refer to; the officer is user index `DEMO_OFFICER`.
const FIXED_ACCOUNTS: [(&str, &str, Role); 4] = [
    (ADMIN_EMAIL, "Claire Moreau", Role::Admin),
    ("gestion@mirvog.demo", "Julien Bernard", Role::Staff),
    ("sophie.laurent@mirvog.demo", "Sophie Laurent", Role::Staff),
    (DEMO_OFFICER_EMAIL, "Général Antoine Dubois", Role::Officer),
];
const DEMO_OFFICER: usize = 3;
/// Officers generated besides the demo officer.
const OTHER_OFFICERS: usize = 120;

/// What `seed_demo` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedReport {
    /// False when the demo data set was already there (nothing was written).
    pub created: bool,
    pub officers: usize,
    pub trainings: usize,
    pub sessions: usize,
    pub enrolments: usize,
    pub feedback: usize,
}

/// Prints the demo logins of each role, in French, for `serve` and `seed --demo`.
pub fn print_demo_logins() {
    println!("Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})");
    for (email, name, role) in FIXED_ACCOUNTS {
        println!("  {:<17}{email:<30}{name}", format!("{} :", role.label()));
    }
    println!(
        "  … et {OTHER_OFFICERS} autres officiers (prenom.nom@{EMAIL_DOMAIN}, même mot de passe)."
    );
}

/// Creates the demo data set unless the demo administrator already exists.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<SeedReport, AppError> {
    if find_by_email(db, ADMIN_EMAIL).await?.is_some() {
        return existing_report(db).await;
    }
    let hash = app::password::hash_password(DEMO_PASSWORD.to_owned()).await?;
    seed_at(db, Utc::now(), &hash).await
}

/// The seed as if run at `now`, every account with this password hash.
async fn seed_at(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    hash: &str,
) -> Result<SeedReport, AppError> {
    let plan = Planner::new(now).build();
    let txn = begin_write(db).await?;
    // Checked again under the write lock, so that two seeds started together insert once.
    if find_by_email(&txn, ADMIN_EMAIL).await?.is_some() {
        txn.rollback().await?;
        return existing_report(db).await;
    }
    refuse_real_accounts(&txn).await?;
    refuse_partial_demo(&txn, &plan).await?;
    let report = write_plan(&txn, &plan, hash).await?;
    txn.commit().await?;
    tracing::info!(?report, "demo data set created");
    Ok(report)
}

/// Creates the large data set (`seed --large`): about three years, two behind and one ahead,
/// 2,000 officers, 300 trainings, 3,000 sessions, over 30,000 places, with the demo accounts
/// and their published password. Refused on a database that already holds any account or
/// training, so that it never mixes with other data.
pub async fn seed_large(db: &DatabaseConnection) -> Result<SeedReport, AppError> {
    let hash = app::password::hash_password(DEMO_PASSWORD.to_owned()).await?;
    seed_large_at(db, Utc::now(), &hash).await
}

async fn seed_large_at(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    hash: &str,
) -> Result<SeedReport, AppError> {
    let plan = Planner::with_scale(now, Scale::LARGE).build();
    let txn = begin_write(db).await?;
    // Checked under the write lock (on PostgreSQL, a transaction lock of its own: two seeds
    // started together would otherwise both find the base empty), so that they insert once.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7011026)")
            .await?;
    }
    let users = user::Entity::find().count(&txn).await?;
    let trainings = training::Entity::find().count(&txn).await?;
    if users + trainings > 0 {
        txn.rollback().await?;
        return Err(AppError::refused(format!(
            "Cette base contient déjà des données ({users} compte(s), {trainings} formation(s)) : \
             le jeu de mesure n'est chargé que dans une base vide."
        )));
    }
    let report = write_plan(&txn, &plan, hash).await?;
    txn.commit().await?;
    // PostgreSQL plans from table statistics, which autovacuum would only gather later: a
    // benchmark run just after the seed would otherwise measure plans made for empty tables.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    tracing::info!(?report, "large data set created");
    Ok(report)
}

async fn existing_report(db: &DatabaseConnection) -> Result<SeedReport, AppError> {
    let officers = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Officer))
        .count(db);
    Ok(SeedReport {
        created: false,
        officers: officers.await? as usize,
        trainings: training::Entity::find().count(db).await? as usize,
        sessions: session::Entity::find().count(db).await? as usize,
        enrolments: enrolment::Entity::find().count(db).await? as usize,
        feedback: app::entities::feedback::Entity::find().count(db).await? as usize,
    })
}

/// Demo data, with its published password, never goes into a database that holds real
/// accounts (product §7).
async fn refuse_real_accounts(txn: &DatabaseTransaction) -> Result<(), AppError> {
    let real = user::Entity::find()
        .filter(user::Column::Email.not_like(format!("%@{EMAIL_DOMAIN}")))
        .count(txn)
        .await?;
    if real > 0 {
        return Err(AppError::refused(format!(
            "Cette base contient déjà {real} compte(s) réel(s) : les données de démonstration, \
             dont le mot de passe est public, n'y sont pas ajoutées."
        )));
    }
    Ok(())
}

/// The active demo accounts (their password is published), the fixed ones first: `serve`
/// names them in a warning at every start.
pub async fn demo_accounts(db: &DatabaseConnection) -> Result<Vec<String>, AppError> {
    let mut emails: Vec<String> = user::Entity::find()
        .filter(user::Column::Email.like(format!("%@{EMAIL_DOMAIN}")))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect();
    let fixed = |e: &String| FIXED_ACCOUNTS.iter().position(|(f, _, _)| f == e);
    emails.sort_by_key(|e| (fixed(e).unwrap_or(usize::MAX), e.clone()));
    Ok(emails)
}

/// The start-up warning while demo accounts are active, or `None`.
pub fn demo_warning(accounts: &[String]) -> Option<String> {
    let (first, rest) = accounts.split_at(accounts.len().min(FIXED_ACCOUNTS.len()));
    if first.is_empty() {
        return None;
    }
    let more = match rest.len() {
        0 => String::new(),
        n => format!(" et {n} autre(s) @{EMAIL_DOMAIN}"),
    };
    Some(format!(
        "Comptes de démonstration actifs, au mot de passe public : {}{more}. Ne servez pas de vraies données avec eux (désactivez-les dans /admin/utilisateurs et /gestion/officiers).",
        first.join(", ")
    ))
}

/// Some demo address taken by a real account (the administrator was not): say so rather than
/// fail on the unique index.
async fn refuse_partial_demo(txn: &DatabaseTransaction, plan: &Plan) -> Result<(), AppError> {
    let emails = plan.users.iter().map(|u| u.email.clone());
    let taken = user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .all(txn)
        .await?;
    match taken.first() {
        None => Ok(()),
        Some(u) => Err(AppError::refused(format!(
            "Impossible de créer les données de démonstration : l'adresse {} est déjà utilisée.",
            u.email
        ))),
    }
}
