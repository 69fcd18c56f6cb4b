//! tower-sessions store over SeaORM: web sessions live in the application database,
//! so several server instances behind one load balancer share them (product spec §7).
//! The same queries run on SQLite and PostgreSQL.

use std::time::Duration;

use app::entities::web_session;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    TryInsertResult,
};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// No web session lives longer than this after its creation (a login creates a new one),
/// however active it stays.
pub const MAX_AGE: chrono::Duration = chrono::Duration::days(7);

/// Ids are 128 random bits, so a collision is already astronomically unlikely; the bound only
/// guarantees `create` cannot spin forever if the database misreports affected rows.
const MAX_CREATE_ATTEMPTS: usize = 8;

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Deletes every record whose expiry has passed, or older than [`MAX_AGE`]; returns how
    /// many were removed.
    pub async fn delete_expired(&self) -> Result<u64, DbErr> {
        let now = Utc::now();
        let res = web_session::Entity::delete_many()
            .filter(
                sea_orm::Condition::any()
                    .add(web_session::Column::ExpiresAt.lte(now))
                    .add(web_session::Column::CreatedAt.lte(now - MAX_AGE))
                    .add(web_session::Column::CreatedAt.is_null()),
            )
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }

    /// Runs [`Self::delete_expired`] now and then every `every`, for the life of the process.
    /// Errors are only logged: a failed sweep is retried at the next tick.
    pub fn spawn_cleanup(self, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(every);
            // After a stall (e.g. database down), do not fire a burst of catch-up sweeps.
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                match self.delete_expired().await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(deleted = n, "expired web sessions removed"),
                    Err(err) => tracing::error!(error = %err, "web session cleanup failed"),
                }
            }
        })
    }
}

fn backend(err: DbErr) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn to_chrono(t: OffsetDateTime) -> session_store::Result<DateTime<Utc>> {
    // i64 nanoseconds cover years 1677..2262; anything outside is a bogus expiry.
    let nanos = i64::try_from(t.unix_timestamp_nanos())
        .map_err(|_| session_store::Error::Encode(format!("expiry out of range: {t}")))?;
    Ok(DateTime::from_timestamp_nanos(nanos))
}

/// The row of a record; `created_at` is set by the caller on creation only. The user id is
/// kept in its own column, so that a password reset or a deactivation can end that user's
/// sessions (`app::accounts::end_sessions`).
fn to_active_model(record: &Record) -> session_store::Result<web_session::ActiveModel> {
    let data =
        serde_json::to_string(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(app::caller::USER_ID)
        .and_then(serde_json::Value::as_i64)
        .and_then(|id| i32::try_from(id).ok());
    Ok(web_session::ActiveModel {
        id: Set(record.id.to_string()),
        data: Set(data),
        expires_at: Set(to_chrono(record.expiry_date)?),
        user_id: Set(user_id),
        ..Default::default()
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// Inserts without overwriting: if the id is taken (by another instance, say), draw a new one,
    /// as the trait contract asks. The insert itself is the check, so there is no race window.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        for _ in 0..MAX_CREATE_ATTEMPTS {
            let mut row = to_active_model(record)?;
            row.created_at = Set(Some(Utc::now()));
            let res = web_session::Entity::insert(row)
                .on_conflict_do_nothing()
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if matches!(res, TryInsertResult::Inserted(n) if n > 0) {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(session_store::Error::Backend(
            "could not find a free session id".into(),
        ))
    }

    /// Updates a session that exists. A session that no longer does (ended by a password
    /// reset or a deactivation, expired, swept) is not brought back by a request still in
    /// flight: nothing is written (tower-sessions creates new sessions with `create`).
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let row = to_active_model(record)?;
        web_session::Entity::update_many()
            .set(web_session::ActiveModel {
                data: row.data,
                expires_at: row.expires_at,
                user_id: row.user_id,
                ..Default::default()
            })
            .filter(web_session::Column::Id.eq(record.id.to_string()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        // Expired rows, and rows older than MAX_AGE, are filtered out here and left for
        // `delete_expired` to sweep.
        let now = Utc::now();
        let row = web_session::Entity::find_by_id(session_id.to_string())
            .filter(web_session::Column::ExpiresAt.gt(now))
            .filter(web_session::Column::CreatedAt.gt(now - MAX_AGE))
            .one(&self.db)
            .await
            .map_err(backend)?;
        row.map(|m| {
            serde_json::from_str(&m.data).map_err(|e| session_store::Error::Decode(e.to_string()))
        })
        .transpose()
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        web_session::Entity::delete_by_id(session_id.to_string())
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        // Inherent methods take precedence, so this calls the `u64`-returning one above.
        DbSessionStore::delete_expired(self)
            .await
            .map(drop)
            .map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectOptions, Database};
    use time::Duration as TDuration;

    async fn sqlite_store() -> DbSessionStore {
        // One connection: every connection to "sqlite::memory:" would be a separate empty database.
        let mut opts = ConnectOptions::new("sqlite::memory:");
        opts.max_connections(1).sqlx_logging(false);
        let db = Database::connect(opts).await.expect("connect sqlite");
        Migrator::up(&db, None).await.expect("migrate sqlite");
        DbSessionStore::new(db)
    }

    fn record(expires_in: TDuration) -> Record {
        let mut data = std::collections::HashMap::new();
        data.insert("user_id".to_string(), serde_json::json!(42));
        Record {
            id: Id::default(),
            data,
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    /// Stores a record as a new session would be.
    async fn insert(store: &DbSessionStore, rec: &Record) {
        let mut rec = rec.clone();
        store.create(&mut rec).await.unwrap();
    }

    async fn count(store: &DbSessionStore) -> u64 {
        use sea_orm::PaginatorTrait;
        web_session::Entity::find().count(&store.db).await.unwrap()
    }

    async fn round_trip(store: &DbSessionStore) {
        let mut rec = record(TDuration::hours(1));
        store.create(&mut rec).await.unwrap();
        assert_eq!(store.load(&rec.id).await.unwrap(), Some(rec.clone()));
        assert_eq!(store.load(&Id::default()).await.unwrap(), None);
    }

    #[tokio::test]
    async fn create_then_load_round_trips() {
        round_trip(&sqlite_store().await).await;
    }

    #[tokio::test]
    async fn save_updates_existing_and_never_brings_back_an_ended_session() {
        let store = sqlite_store().await;
        let mut rec = record(TDuration::hours(1));
        store.create(&mut rec).await.unwrap();
        rec.data.insert("role".into(), serde_json::json!("officer"));
        rec.expiry_date += TDuration::hours(1);
        store.save(&rec).await.unwrap();
        assert_eq!(store.load(&rec.id).await.unwrap(), Some(rec.clone()));

        // Ended meanwhile (a password reset): a request still in flight saves it again, and
        // nothing comes back.
        app::accounts::end_sessions(&store.db, 42).await.unwrap();
        store.save(&rec).await.unwrap();
        assert_eq!(store.load(&rec.id).await.unwrap(), None);
        let other = record(TDuration::hours(1));
        store.save(&other).await.unwrap();
        assert_eq!(store.load(&other.id).await.unwrap(), None);
        assert_eq!(count(&store).await, 0);
    }

    #[tokio::test]
    async fn delete_removes_record() {
        let store = sqlite_store().await;
        let mut rec = record(TDuration::hours(1));
        store.create(&mut rec).await.unwrap();
        store.delete(&rec.id).await.unwrap();
        assert_eq!(store.load(&rec.id).await.unwrap(), None);
        // Deleting a missing id is not an error.
        store.delete(&rec.id).await.unwrap();
    }

    #[tokio::test]
    async fn expired_record_is_not_loaded() {
        let store = sqlite_store().await;
        let rec = record(TDuration::seconds(-1));
        insert(&store, &rec).await;
        assert_eq!(store.load(&rec.id).await.unwrap(), None);
    }

    #[tokio::test]
    async fn delete_expired_removes_only_expired() {
        let store = sqlite_store().await;
        let live = record(TDuration::hours(1));
        insert(&store, &live).await;
        for _ in 0..2 {
            insert(&store, &record(TDuration::minutes(-5))).await;
        }
        assert_eq!(store.delete_expired().await.unwrap(), 2);
        assert_eq!(count(&store).await, 1);
        assert_eq!(store.load(&live.id).await.unwrap(), Some(live.clone()));
        // The trait version, as used by tower-sessions' deletion task, removes them too.
        insert(&store, &record(TDuration::minutes(-5))).await;
        assert_eq!(count(&store).await, 2);
        ExpiredDeletion::delete_expired(&store).await.unwrap();
        assert_eq!(count(&store).await, 1);
        assert_eq!(store.load(&live.id).await.unwrap(), Some(live));
    }

    /// Sets a record's creation time, as if it had been created `ago`.
    async fn created(store: &DbSessionStore, id: &Id, ago: chrono::Duration) {
        use sea_orm::{ActiveModelTrait, IntoActiveModel};
        let mut row = web_session::Entity::find_by_id(id.to_string())
            .one(&store.db)
            .await
            .unwrap()
            .unwrap()
            .into_active_model();
        row.created_at = Set(Some(Utc::now() - ago));
        row.update(&store.db).await.unwrap();
    }

    #[tokio::test]
    async fn no_session_lives_more_than_seven_days_however_active() {
        let store = sqlite_store().await;
        let mut old = record(TDuration::hours(12));
        store.create(&mut old).await.unwrap();
        let mut recent = record(TDuration::hours(12));
        store.create(&mut recent).await.unwrap();
        created(&store, &old.id, MAX_AGE + chrono::Duration::minutes(1)).await;
        created(&store, &recent.id, MAX_AGE - chrono::Duration::hours(1)).await;
        // Still active (its idle expiry renewed), yet too old.
        old.expiry_date = OffsetDateTime::now_utc() + TDuration::hours(12);
        store.save(&old).await.unwrap();
        assert_eq!(store.load(&old.id).await.unwrap(), None);
        assert_eq!(store.load(&recent.id).await.unwrap(), Some(recent.clone()));
        assert_eq!(store.delete_expired().await.unwrap(), 1);
        assert_eq!(count(&store).await, 1);
    }

    #[tokio::test]
    async fn the_user_of_a_session_is_kept_so_that_their_sessions_can_end() {
        let store = sqlite_store().await;
        let mut mine = record(TDuration::hours(1)); // user 42
        store.create(&mut mine).await.unwrap();
        let mut other = record(TDuration::hours(1));
        other.data.insert("user_id".into(), serde_json::json!(7));
        store.create(&mut other).await.unwrap();
        let mut anonymous = record(TDuration::hours(1));
        anonymous.data.clear();
        store.create(&mut anonymous).await.unwrap();
        assert_eq!(app::accounts::end_sessions(&store.db, 42).await.unwrap(), 1);
        assert_eq!(store.load(&mine.id).await.unwrap(), None);
        assert!(store.load(&other.id).await.unwrap().is_some());
        assert!(store.load(&anonymous.id).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn create_with_colliding_id_gets_new_id() {
        let store = sqlite_store().await;
        let mut first = record(TDuration::hours(1));
        store.create(&mut first).await.unwrap();

        let mut second = record(TDuration::hours(2));
        second.id = first.id;
        store.create(&mut second).await.unwrap();

        assert_ne!(second.id, first.id);
        // The first record was not overwritten, and the second is stored under its new id.
        assert_eq!(store.load(&first.id).await.unwrap(), Some(first));
        assert_eq!(store.load(&second.id).await.unwrap(), Some(second));
    }

    #[tokio::test]
    async fn spawn_cleanup_sweeps_periodically() {
        let store = sqlite_store().await;
        insert(&store, &record(TDuration::minutes(-5))).await;
        let live = record(TDuration::hours(1));
        insert(&store, &live).await;
        let handle = store.clone().spawn_cleanup(Duration::from_millis(10));
        // Waits for the sweep (at most 10 s), then checks it kept the live record.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while count(&store).await > 1 {
            assert!(std::time::Instant::now() < deadline, "no sweep within 10 s");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        insert(&store, &record(TDuration::minutes(-5))).await;
        while count(&store).await > 1 {
            assert!(
                std::time::Instant::now() < deadline,
                "no second sweep within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(store.load(&live.id).await.unwrap(), Some(live));
        handle.abort();
    }

    #[tokio::test]
    async fn postgres_round_trip() {
        // A throwaway database from the shared helper: skipped when PostgreSQL is unreachable,
        // failed instead with REQUIRE_POSTGRES=1.
        let Some(url) = app::testing::postgres_url().await else {
            return;
        };
        let db = Database::connect(&url).await.unwrap();
        let store = DbSessionStore::new(db.clone());
        Migrator::up(&store.db, None)
            .await
            .expect("migrate postgres");
        round_trip(&store).await;
        let expired = record(TDuration::seconds(-1));
        insert(&store, &expired).await;
        assert_eq!(store.load(&expired.id).await.unwrap(), None);
        assert_eq!(store.delete_expired().await.unwrap(), 1);
        db.close().await.unwrap();
    }
}
