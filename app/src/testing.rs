//! Fixtures for the unit tests, in one place: throwaway databases (in-memory or file SQLite,
//! PostgreSQL), small builders for users, trainings and sessions, and the helpers the tests of
//! several modules share.

use crate::{
    entities::{enrolment, programme, programme_item, session, training, user},
    error::AppError,
    model::{EnrolmentStatus, Priority, Role, SessionStatus, TrainingFormat},
};
use chrono::{DateTime, Duration, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectOptions, ConnectionTrait, Database,
    DatabaseConnection, EntityTrait,
};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_suffix() -> String {
    format!(
        "{}_{}_{}",
        std::process::id(),
        Utc::now().timestamp_micros(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The tests' databases run on PostgreSQL instead of SQLite when `CASSIOPEE_TEST_ENGINE` is
/// `postgres` (the second pass of the Rust tests in `scripts/test.sh`): every test that takes
/// [`test_db`] or [`file_sqlite`] then runs on a new PostgreSQL database, with the production
/// connection settings.
pub fn on_postgres() -> bool {
    std::env::var("CASSIOPEE_TEST_ENGINE").as_deref() == Ok("postgres")
}

async fn postgres_for_every_test() -> DatabaseConnection {
    match postgres().await {
        Some(db) => db,
        None => panic!("CASSIOPEE_TEST_ENGINE=postgres but PostgreSQL does not answer"),
    }
}

/// A fresh in-memory database with the real migrations (PostgreSQL: see [`on_postgres`]).
pub async fn test_db() -> DatabaseConnection {
    if on_postgres() {
        return postgres_for_every_test().await;
    }
    // One connection: every connection to `:memory:` would otherwise be its own empty database.
    let mut opts = ConnectOptions::new("sqlite::memory:".to_owned());
    opts.max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    opts.map_sqlx_sqlite_opts(|o| o.foreign_keys(true));
    let db = Database::connect(opts).await.expect("in-memory sqlite");
    Migrator::up(&db, None).await.expect("migrations");
    db
}

/// Now plus a number of days (negative: in the past).
pub fn in_days(days: i64) -> DateTime<Utc> {
    Utc::now() + Duration::days(days)
}

/// The French reason of a refusal; any other error fails the test.
pub fn refusal(err: AppError) -> String {
    match err {
        AppError::Refused(msg) => msg,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The status of an officer's place in a session (the place must exist).
pub async fn status_of<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    officer_id: i32,
) -> EnrolmentStatus {
    crate::records::place::own_enrolment(db, session_id, officer_id)
        .await
        .expect("read enrolment")
        .expect("enrolment row")
        .status
}

/// A migrated SQLite database in a fresh file, with the production connection settings
/// (PostgreSQL: see [`on_postgres`]).
pub async fn file_sqlite() -> DatabaseConnection {
    if on_postgres() {
        return postgres_for_every_test().await;
    }
    crate::db::connect_and_migrate(&file_sqlite_url())
        .await
        .expect("file sqlite")
}

/// The URL of a new SQLite file (created on first connection), to connect to more than once.
pub fn file_sqlite_url() -> String {
    let dir = std::env::temp_dir().join(format!("cassiopee_test_{}", unique_suffix()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    format!("sqlite://{}/test.sqlite?mode=rwc", dir.display())
}

/// A migrated, empty PostgreSQL database on 127.0.0.1:5432, or `None` (with a loud message) when
/// no server answers. With `REQUIRE_POSTGRES=1` an unreachable server fails the test instead.
pub async fn postgres() -> Option<DatabaseConnection> {
    let url = postgres_url().await?;
    let db = crate::db::connect(&url)
        .await
        .expect("connect test database");
    Migrator::up(&db, None)
        .await
        .expect("migrations on postgres");
    Some(db)
}

/// A new, empty PostgreSQL database (not migrated), as a URL; `None` as for [`postgres`].
pub async fn postgres_url() -> Option<String> {
    let admin_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let admin = match Database::connect(&admin_url).await {
        Ok(db) => db,
        Err(e) => {
            if std::env::var("REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("REQUIRE_POSTGRES=1 but PostgreSQL is not reachable at {admin_url}: {e}");
            }
            eprintln!(
                "\n!!! SKIPPED: PostgreSQL not reachable at {admin_url} ({e}); set REQUIRE_POSTGRES=1 to fail instead.\n"
            );
            return None;
        }
    };
    let name = format!("cassiopee_test_{}", unique_suffix());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    Some(format!("{base}/{name}"))
}

pub async fn officer<C: ConnectionTrait>(db: &C, name: &str) -> user::Model {
    user_with_role(db, name, Role::Officer).await
}

pub async fn user_with_role<C: ConnectionTrait>(db: &C, name: &str, role: Role) -> user::Model {
    user::ActiveModel {
        email: Set(format!(
            "{}_{}@test.demo",
            name.to_lowercase().replace(' ', "."),
            unique_suffix()
        )),
        display_name: Set(name.to_owned()),
        role: Set(role),
        password_hash: Set(crate::password::DUMMY_HASH.to_owned()),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert user")
}

pub async fn training<C: ConnectionTrait>(db: &C, title: &str) -> training::Model {
    training::ActiveModel {
        title: Set(title.to_owned()),
        description: Set("Description".to_owned()),
        theme: Set("Management".to_owned()),
        provider: Set("Organisme".to_owned()),
        format: Set(TrainingFormat::Presentiel),
        duration_hours: Set(7),
        default_capacity: Set(10),
        fixed_cost_cents: Set(Some(500_000)),
        seat_cost_cents: Set(None),
        archived: Set(false),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert training")
}

/// A published session of `hours` hours starting at `start`, enrolment closing 7 days before
/// and free cancellation until 3 days before.
pub async fn session_at<C: ConnectionTrait>(
    db: &C,
    training_id: i32,
    start: DateTime<Utc>,
    hours: i64,
    capacity: i32,
) -> session::Model {
    session::ActiveModel {
        training_id: Set(training_id),
        starts_at: Set(start),
        ends_at: Set(start + Duration::hours(hours)),
        location: Set("École militaire, Paris".to_owned()),
        visio_url: Set(None),
        capacity: Set(capacity),
        min_participants: Set(1),
        enrolment_deadline: Set(start - Duration::days(7)),
        cancellation_deadline: Set(start - Duration::days(3)),
        actual_cost_cents: Set(None),
        trainer: Set("Formateur".to_owned()),
        status: Set(SessionStatus::Publiee),
        seats_taken: Set(0),
        waitlist_seq: Set(0),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert session")
}

/// A programme for an officer, running from `starts` to `ends` (Paris dates), holding these
/// trainings with their priority, written as staff's editor would leave it.
pub async fn programme<C: ConnectionTrait>(
    db: &C,
    officer_id: i32,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    items: &[(i32, Priority)],
) -> programme::Model {
    let p = programme::ActiveModel {
        officer_id: Set(officer_id),
        starts_on: Set(crate::dates::paris_date(starts)),
        ends_on: Set(crate::dates::paris_date(ends)),
        career_goal: Set("Administrateur de sociétés".to_owned()),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert programme");
    for (position, (training_id, priority)) in (1..).zip(items) {
        programme_item::ActiveModel {
            programme_id: Set(p.id),
            training_id: Set(*training_id),
            priority: Set(*priority),
            position: Set(position),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert programme item");
    }
    p
}

/// An officer whose programme started 60 days ago, ends in `ends_in` days and holds these
/// trainings with their priority.
pub async fn officer_with_programme<C: ConnectionTrait>(
    db: &C,
    name: &str,
    ends_in: i64,
    items: &[(i32, Priority)],
) -> user::Model {
    let o = officer(db, name).await;
    programme(db, o.id, in_days(-60), in_days(ends_in), items).await;
    o
}

/// A place written as it stands after the fact (an attendance, a waitlist rank 1), without the
/// rules: for the tests that need a state rather than the way to it.
pub async fn place<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    officer_id: i32,
    status: EnrolmentStatus,
) -> enrolment::Model {
    enrolment::ActiveModel {
        session_id: Set(session_id),
        officer_id: Set(officer_id),
        status: Set(status),
        waitlist_rank: Set((status == EnrolmentStatus::ListeAttente).then_some(1)),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert place")
}

/// Puts a session, as it is now, in another status (a draft, cancelled…), without the rules.
pub async fn set_status<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    status: SessionStatus,
) -> session::Model {
    let mut row: session::ActiveModel = session::Entity::find_by_id(session_id)
        .one(db)
        .await
        .expect("read session")
        .expect("the session")
        .into();
    row.status = Set(status);
    row.update(db).await.expect("update session")
}
