//! The catalogue's memo (`memo`): what it remembers is what a fresh computation would answer,
//! after every kind of change, on both engines; the stamp is renewed by the changes that matter
//! only; and on PostgreSQL its renewal never makes two writers deadlock.

use super::{Catalogue, Filters, memo, service::catalogue};
use crate::{
    enrolment::actions::enrol,
    model::{Role, SessionStatus},
    planning::lifecycle,
    testing::{in_days, officer, session_at, set_status, test_db, training, user_with_role},
    trainings::service::set_archived,
};
use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};

fn themes(c: &Catalogue) -> Vec<String> {
    c.themes.iter().map(|t| t.value.clone()).collect()
}

fn titles(c: &Catalogue) -> Vec<String> {
    c.groups.iter().map(|g| g.title.clone()).collect()
}

async fn sql(db: &DatabaseConnection, statement: &str) {
    db.execute_unprepared(statement).await.expect(statement);
}

/// The catalogue asked twice (the second answer may come from the memo): both answers equal.
async fn shown(db: &DatabaseConnection, viewer: i32, at: chrono::DateTime<Utc>) -> Catalogue {
    let all = Filters::default();
    let first = catalogue(db, viewer, &all, at).await.unwrap();
    let again = catalogue(db, viewer, &all, at).await.unwrap();
    assert_eq!(first, again);
    first
}

/// Each change that alters what officers find shows at the next request, whichever way it is
/// written: staff's rules (publish, archive, cancel) or SQL by hand.
#[tokio::test]
async fn the_catalogue_shows_each_change_of_what_it_offers_at_once() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let me = officer(&db, "Lecteur Mémo").await.id;
    let now = Utc::now();
    let a = training(&db, "A gestion").await;
    let b = training(&db, "B numérique").await;
    sql(
        &db,
        &format!(
            "UPDATE trainings SET theme = 'Numérique' WHERE id = {}",
            b.id
        ),
    )
    .await;
    let a_session = session_at(&db, a.id, in_days(30), 7, 10).await;
    let b_draft = session_at(&db, b.id, in_days(40), 7, 10).await;
    set_status(&db, b_draft.id, SessionStatus::Brouillon).await;

    let c = shown(&db, me, now).await;
    assert_eq!(
        (titles(&c), themes(&c)),
        (vec!["A gestion".into()], vec!["Management".into()])
    );

    lifecycle::publish(&db, staff, b_draft.id, now)
        .await
        .unwrap();
    let c = shown(&db, me, now).await;
    assert_eq!(titles(&c), ["A gestion", "B numérique"]);
    assert_eq!(themes(&c), ["Management", "Numérique"]);

    set_archived(&db, staff, b.id, true, now).await.unwrap();
    let c = shown(&db, me, now).await;
    assert_eq!(
        (titles(&c), themes(&c)),
        (vec!["A gestion".into()], vec!["Management".into()])
    );

    // By hand: another theme, then a start a year later (another month, and the page's order).
    sql(
        &db,
        &format!("UPDATE trainings SET theme = 'Langues' WHERE id = {}", a.id),
    )
    .await;
    assert_eq!(themes(&shown(&db, me, now).await), ["Langues"]);
    let months_before = shown(&db, me, now).await.months;
    let year = Duration::days(365);
    let mut row: crate::entities::session::ActiveModel = a_session.clone().into();
    row.starts_at = sea_orm::Set(a_session.starts_at + year);
    row.ends_at = sea_orm::Set(a_session.ends_at + year);
    sea_orm::ActiveModelTrait::update(row, &db).await.unwrap();
    let months_after = shown(&db, me, now).await.months;
    assert_eq!(months_before.len(), 1);
    assert_eq!(months_after.len(), 1);
    assert_ne!(months_before, months_after);

    lifecycle::cancel(&db, staff, a_session.id, now)
        .await
        .unwrap();
    let c = shown(&db, me, now).await;
    assert!(c.groups.is_empty() && c.themes.is_empty() && c.months.is_empty());

    // A session added by hand, then removed.
    let added = session_at(&db, a.id, in_days(10), 7, 10).await;
    assert_eq!(titles(&shown(&db, me, now).await), ["A gestion"]);
    sql(
        &db,
        &format!("DELETE FROM sessions WHERE id = {}", added.id),
    )
    .await;
    assert!(shown(&db, me, now).await.groups.is_empty());

    // B back from the archives (its published session with it); a session moved from A to B;
    // B given another format, which a filter keeps.
    sql(
        &db,
        &format!("UPDATE trainings SET archived = FALSE WHERE id = {}", b.id),
    )
    .await;
    let moved = session_at(&db, a.id, in_days(10), 7, 10).await;
    assert_eq!(
        titles(&shown(&db, me, now).await),
        ["A gestion", "B numérique"]
    );
    sql(
        &db,
        &format!(
            "UPDATE sessions SET training_id = {} WHERE id = {}",
            b.id, moved.id
        ),
    )
    .await;
    let c = shown(&db, me, now).await;
    assert_eq!(titles(&c), ["B numérique"]);
    assert_eq!(c.groups[0].sessions.len(), 2);
    let remote = Filters {
        format: Some("distanciel".to_owned()),
        ..Default::default()
    };
    let remote_titles = || async {
        let first = catalogue(&db, me, &remote, now).await.unwrap();
        assert_eq!(first, catalogue(&db, me, &remote, now).await.unwrap());
        titles(&first)
    };
    assert!(remote_titles().await.is_empty());
    sql(
        &db,
        &format!(
            "UPDATE trainings SET format = 'distanciel' WHERE id = {}",
            b.id
        ),
    )
    .await;
    assert_eq!(remote_titles().await, ["B numérique"]);
}

/// A theme that no offered session has keeps nothing, whatever its length, and is not
/// remembered (an address may hold anything up to the size of a request).
#[tokio::test]
async fn an_unknown_theme_shows_nothing_and_is_not_remembered() {
    let db = test_db().await;
    let me = officer(&db, "Lecteur Thèmes").await.id;
    let t = training(&db, "Seule").await;
    session_at(&db, t.id, in_days(20), 7, 10).await;
    let now = Utc::now();
    let unknown = Filters {
        theme: Some("x".repeat(100_000)),
        page: Some(3),
        ..Default::default()
    };
    let c = catalogue(&db, me, &unknown, now).await.unwrap();
    assert!(c.groups.is_empty());
    assert_eq!((c.page, c.pages), (1, 1));
    assert_eq!((c.previous.as_deref(), c.next.as_deref()), (None, None));
    assert_eq!(themes(&c), ["Management"]);
    let stamp = memo::stamp(&db).await.unwrap();
    assert_eq!(memo::pages_kept(&stamp, now), 0);
    // A theme that exists is remembered.
    let known = Filters {
        theme: Some("Management".to_owned()),
        ..Default::default()
    };
    assert_eq!(
        titles(&catalogue(&db, me, &known, now).await.unwrap()),
        ["Seule"]
    );
    assert_eq!(memo::pages_kept(&stamp, now), 1);
}

/// A session leaves the catalogue when it starts, with no write to tell: the memo holds only
/// until the next offered session's start, and never for an earlier clock than its own.
#[tokio::test]
async fn a_session_leaves_the_catalogue_when_it_starts_without_any_write() {
    let db = test_db().await;
    let me = officer(&db, "Lecteur Horloge").await.id;
    let now = Utc::now();
    let soon = training(&db, "Bientôt").await;
    let later = training(&db, "Plus tard").await;
    sql(
        &db,
        &format!(
            "UPDATE trainings SET theme = 'Langues' WHERE id = {}",
            later.id
        ),
    )
    .await;
    let first = session_at(&db, soon.id, now + Duration::hours(2), 7, 10).await;
    session_at(&db, later.id, in_days(60), 7, 10).await;

    let c = shown(&db, me, now).await;
    assert_eq!(titles(&c), ["Bientôt", "Plus tard"]);
    assert_eq!(themes(&c), ["Langues", "Management"]);

    let after = first.starts_at + Duration::minutes(1);
    let c = shown(&db, me, after).await;
    assert_eq!(
        (titles(&c), themes(&c)),
        (vec!["Plus tard".into()], vec!["Langues".into()])
    );

    // Back to a clock before the memo's: computed again, the first session is there.
    let c = shown(&db, me, now).await;
    assert_eq!(titles(&c), ["Bientôt", "Plus tard"]);
}

/// The memo is what answers while the stamp holds: with the triggers removed, a new theme
/// written by hand stays unseen until the stamp is renewed. (This is why every write path must
/// renew it, and why triggers do it.)
#[tokio::test]
async fn the_memo_answers_while_the_stamp_holds() {
    let db = test_db().await;
    let me = officer(&db, "Lecteur Tampon").await.id;
    let now = Utc::now();
    let t = training(&db, "Tamponnée").await;
    session_at(&db, t.id, in_days(20), 7, 10).await;
    assert_eq!(themes(&shown(&db, me, now).await), ["Management"]);

    let on = |table: &str| match db.get_database_backend() {
        DbBackend::Postgres => format!(" ON {table}"),
        _ => String::new(),
    };
    sql(
        &db,
        &format!(
            "DROP TRIGGER catalogue_stamp_training_changed{}",
            on("trainings")
        ),
    )
    .await;
    sql(&db, "UPDATE trainings SET theme = 'Langues'").await;
    assert_eq!(themes(&shown(&db, me, now).await), ["Management"]);

    sql(
        &db,
        "UPDATE catalogue_stamp SET stamp = 'renouvelé à la main'",
    )
    .await;
    assert_eq!(themes(&shown(&db, me, now).await), ["Langues"]);
}

/// The stamp moves for what the catalogue's choices and pages depend on, and for nothing else:
/// enrolments (seats) and a session's place or trainer leave it, so that on PostgreSQL
/// officers enrolling in different sessions never queue on its row.
#[tokio::test]
async fn only_changes_of_what_officers_find_renew_the_stamp() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let me = officer(&db, "Anne Bleu").await;
    let t = training(&db, "Tamponnée").await;
    let s = session_at(&db, t.id, in_days(20), 7, 10).await;
    let now = Utc::now();

    let before = memo::stamp(&db).await.unwrap();
    enrol(&db, me.id, s.id, now).await.unwrap();
    sql(
        &db,
        &format!(
            "UPDATE sessions SET location = 'Vincennes', trainer = 'Autre', status = 'publiee' \
             WHERE id = {}",
            s.id
        ),
    )
    .await;
    sql(
        &db,
        &format!(
            "UPDATE trainings SET title = 'Renommée' WHERE id = {}",
            t.id
        ),
    )
    .await;
    assert_eq!(memo::stamp(&db).await.unwrap(), before);

    lifecycle::cancel(&db, staff, s.id, now).await.unwrap();
    let after = memo::stamp(&db).await.unwrap();
    assert_ne!(after, before);
    sql(
        &db,
        &format!(
            "UPDATE trainings SET format = 'distanciel' WHERE id = {}",
            t.id
        ),
    )
    .await;
    assert_ne!(memo::stamp(&db).await.unwrap(), after);
}

/// Two databases (here two tests' in one process, in production never) keep their own
/// answers: each has its own random stamp.
#[tokio::test]
async fn two_databases_never_share_an_answer() {
    let (one, two) = (test_db().await, test_db().await);
    let now = Utc::now();
    let mut viewers = Vec::new();
    for (db, title) in [(&one, "Première base"), (&two, "Seconde base")] {
        let t = training(db, title).await;
        session_at(db, t.id, in_days(20), 7, 10).await;
        viewers.push(officer(db, "Lecteur").await.id);
    }
    assert_ne!(
        memo::stamp(&one).await.unwrap(),
        memo::stamp(&two).await.unwrap()
    );
    for _ in 0..3 {
        assert_eq!(
            titles(&shown(&one, viewers[0], now).await),
            ["Première base"]
        );
        assert_eq!(
            titles(&shown(&two, viewers[1], now).await),
            ["Seconde base"]
        );
    }
}

/// On PostgreSQL the stamp's row is locked by the commit only: a transaction that already
/// changed a session's status and then waits for another session's row cannot hold the stamp
/// against the transaction it waits for. With a renewal at once (not deferred), this schedule
/// is a deadlock and PostgreSQL aborts one of the two.
#[tokio::test]
async fn renewing_the_stamp_never_deadlocks_two_writers_on_postgresql() {
    let Some(db) = crate::testing::postgres().await else {
        return;
    };
    let t = training(&db, "Concurrente").await;
    let before = memo::stamp(&db).await.unwrap();
    for round in 0..10 {
        let one = session_at(&db, t.id, in_days(20 + round), 7, 10).await.id;
        let two = session_at(&db, t.id, in_days(40 + round), 7, 10).await.id;
        let first = db.begin().await.unwrap();
        let second = db.begin().await.unwrap();
        // The second holds `two`'s row; the first changes `one`'s status, then waits for `two`.
        second
            .execute_unprepared(&format!(
                "UPDATE sessions SET seats_taken = 1 WHERE id = {two}"
            ))
            .await
            .unwrap();
        first
            .execute_unprepared(&format!(
                "UPDATE sessions SET status = 'annulee' WHERE id = {one}"
            ))
            .await
            .unwrap();
        let waiting = tokio::spawn(async move {
            first
                .execute_unprepared(&format!(
                    "UPDATE sessions SET status = 'annulee' WHERE id = {two}"
                ))
                .await?;
            first.commit().await
        });
        // Until the first transaction waits for the second's lock.
        for _ in 0..500 {
            let waiting = sea_orm::Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            );
            let row = db.query_one_raw(waiting).await.unwrap().unwrap();
            if row.try_get_by_index::<i64>(0).unwrap() > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        // The second moves `two`'s start (a change the stamp stands for) and commits.
        second
            .execute_unprepared(&format!(
                "UPDATE sessions SET starts_at = starts_at + interval '1 hour', \
                 ends_at = ends_at + interval '1 hour' WHERE id = {two}"
            ))
            .await
            .unwrap();
        second.commit().await.unwrap();
        waiting.await.unwrap().unwrap();
    }
    assert_ne!(memo::stamp(&db).await.unwrap(), before);
}
