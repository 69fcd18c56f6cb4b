//! The catalogue's stamp: one row whose random value the database renews whenever a change
//! could alter what `/formations` offers or how it pages its trainings — a session added,
//! removed, or given another status, start or training; a training given another theme, format
//! or archive flag. Each instance remembers the theme and month choices and the trainings of
//! each page under the stamp it read before computing them (`app::catalogue::memo`), and
//! computes them again once the stamp differs. Triggers renew it, so no write path can forget
//! to (SQL by hand included). The row also names its database with a random value made once
//! (a process that serves several databases, as the tests do, keeps one memo for each).
//!
//! On PostgreSQL the renewal waits for the commit (a deferred constraint trigger): a
//! transaction takes the stamp's row lock as its very last step, never before a session's, so
//! two transactions that change sessions cannot deadlock on it; the new stamp becomes visible
//! with the change it stands for, never before it; and a transaction that changes many
//! sessions (an import, the large data set) renews it once.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The session columns that decide whether an officer finds a session and where it is listed.
const SESSION_COLUMNS: [&str; 3] = ["status", "starts_at", "training_id"];
/// The training columns that the catalogue filters on (its title and labels are read afresh).
const TRAINING_COLUMNS: [&str; 3] = ["theme", "format", "archived"];

/// `OLD.a IS DISTINCT FROM NEW.a OR …` (SQLite's `IS NOT` is the same test).
fn changed(columns: &[&str], distinct: &str) -> String {
    columns
        .iter()
        .map(|c| format!("OLD.{c} {distinct} NEW.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let sessions = SESSION_COLUMNS.join(", ");
        let trainings = TRAINING_COLUMNS.join(", ");
        match m.get_database_backend() {
            DbBackend::Postgres => {
                let renew = "gen_random_uuid()::text";
                db.execute_unprepared(&format!(
                    "CREATE TABLE catalogue_stamp (
                         id integer PRIMARY KEY CHECK (id = 1),
                         database text NOT NULL,
                         stamp text NOT NULL
                     );
                     INSERT INTO catalogue_stamp (id, database, stamp) VALUES (1, {renew}, {renew});
                     CREATE FUNCTION catalogue_stamp_renew() RETURNS trigger
                         LANGUAGE plpgsql AS $$
                         BEGIN
                             -- Once per transaction: its changes are committed together.
                             IF current_setting('cassiopee.catalogue_stamp_renewed', true)
                                 IS DISTINCT FROM '1' THEN
                                 UPDATE catalogue_stamp SET stamp = {renew};
                                 PERFORM set_config('cassiopee.catalogue_stamp_renewed', '1', true);
                             END IF;
                             RETURN NULL;
                         END $$;
                     CREATE CONSTRAINT TRIGGER catalogue_stamp_session_added_or_removed
                         AFTER INSERT OR DELETE ON sessions
                         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                         EXECUTE FUNCTION catalogue_stamp_renew();
                     CREATE CONSTRAINT TRIGGER catalogue_stamp_session_changed
                         AFTER UPDATE OF {sessions} ON sessions
                         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                         WHEN ({session_changed})
                         EXECUTE FUNCTION catalogue_stamp_renew();
                     CREATE CONSTRAINT TRIGGER catalogue_stamp_training_changed
                         AFTER UPDATE OF {trainings} ON trainings
                         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                         WHEN ({training_changed})
                         EXECUTE FUNCTION catalogue_stamp_renew();
                     CREATE TRIGGER catalogue_stamp_sessions_truncated
                         AFTER TRUNCATE ON sessions FOR EACH STATEMENT
                         EXECUTE FUNCTION catalogue_stamp_renew();",
                    session_changed = changed(&SESSION_COLUMNS, "IS DISTINCT FROM"),
                    training_changed = changed(&TRAINING_COLUMNS, "IS DISTINCT FROM"),
                ))
                .await?;
            }
            _ => {
                let renew = "UPDATE catalogue_stamp SET stamp = lower(hex(randomblob(16)));";
                for statement in [
                    "CREATE TABLE catalogue_stamp (
                         id integer PRIMARY KEY CHECK (id = 1),
                         database text NOT NULL,
                         stamp text NOT NULL
                     )"
                    .to_owned(),
                    "INSERT INTO catalogue_stamp (id, database, stamp) \
                     VALUES (1, lower(hex(randomblob(16))), lower(hex(randomblob(16))))"
                        .to_owned(),
                    format!(
                        "CREATE TRIGGER catalogue_stamp_session_added AFTER INSERT ON sessions \
                         BEGIN {renew} END"
                    ),
                    format!(
                        "CREATE TRIGGER catalogue_stamp_session_removed AFTER DELETE ON sessions \
                         BEGIN {renew} END"
                    ),
                    format!(
                        "CREATE TRIGGER catalogue_stamp_session_changed \
                         AFTER UPDATE OF {sessions} ON sessions WHEN {} BEGIN {renew} END",
                        changed(&SESSION_COLUMNS, "IS NOT")
                    ),
                    format!(
                        "CREATE TRIGGER catalogue_stamp_training_changed \
                         AFTER UPDATE OF {trainings} ON trainings WHEN {} BEGIN {renew} END",
                        changed(&TRAINING_COLUMNS, "IS NOT")
                    ),
                ] {
                    db.execute_unprepared(&statement).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER catalogue_stamp_session_added_or_removed ON sessions;
                     DROP TRIGGER catalogue_stamp_session_changed ON sessions;
                     DROP TRIGGER catalogue_stamp_training_changed ON trainings;
                     DROP TRIGGER catalogue_stamp_sessions_truncated ON sessions;
                     DROP FUNCTION catalogue_stamp_renew();
                     DROP TABLE catalogue_stamp;",
                )
                .await?;
            }
            _ => {
                for statement in [
                    "DROP TRIGGER catalogue_stamp_session_added",
                    "DROP TRIGGER catalogue_stamp_session_removed",
                    "DROP TRIGGER catalogue_stamp_session_changed",
                    "DROP TRIGGER catalogue_stamp_training_changed",
                    "DROP TABLE catalogue_stamp",
                ] {
                    db.execute_unprepared(statement).await?;
                }
            }
        }
        Ok(())
    }
}
