//! The demo data set checked on what the database holds: every invariant the application
//! relies on, the shape the screens and end-to-end tests expect, idempotence, and PostgreSQL.

use super::calendar::{easter, fit_week, is_day_off, overlap, slug};
use super::data::{PAST_SESSIONS, TRAININGS, UPCOMING};
use super::planner::{Plan, Planner};
use super::*;
use app::entities::{feedback, officer_profile, programme, programme_item};
use app::model::{EnrolmentStatus, SessionStatus};
use chrono::{Duration, NaiveDate};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// A fresh PostgreSQL database, or `None` when no server answers (then the test says so; with
/// `REQUIRE_POSTGRES=1` it fails instead).
async fn postgres_db() -> Option<DatabaseConnection> {
    let url = app::testing::postgres_url().await?;
    Some(app::db::connect_and_migrate(&url).await.unwrap())
}

struct Data {
    users: Vec<user::Model>,
    sessions: Vec<session::Model>,
    enrolments: Vec<enrolment::Model>,
    feedback: Vec<feedback::Model>,
    programmes: Vec<programme::Model>,
    items: Vec<programme_item::Model>,
    profiles: Vec<officer_profile::Model>,
    trainings: Vec<training::Model>,
}

async fn load(db: &DatabaseConnection) -> Data {
    Data {
        users: user::Entity::find().all(db).await.unwrap(),
        sessions: session::Entity::find().all(db).await.unwrap(),
        enrolments: enrolment::Entity::find().all(db).await.unwrap(),
        feedback: feedback::Entity::find().all(db).await.unwrap(),
        programmes: programme::Entity::find().all(db).await.unwrap(),
        items: programme_item::Entity::find().all(db).await.unwrap(),
        profiles: officer_profile::Entity::find().all(db).await.unwrap(),
        trainings: training::Entity::find().all(db).await.unwrap(),
    }
}

fn counts_seat(status: EnrolmentStatus) -> bool {
    app::records::place::SEAT_HOLDING.contains(&status)
}

fn attended(status: EnrolmentStatus) -> bool {
    use EnrolmentStatus::*;
    matches!(status, Present | Absent | Excuse)
}

/// Every invariant the application relies on, checked on what the database holds.
fn check_invariants(d: &Data, now: DateTime<Utc>) {
    let sessions: HashMap<i32, &session::Model> = d.sessions.iter().map(|s| (s.id, s)).collect();
    let mut pairs = HashSet::new();
    for e in &d.enrolments {
        assert!(
            pairs.insert((e.session_id, e.officer_id)),
            "duplicate row {e:?}"
        );
        let s = sessions[&e.session_id];
        if e.status.is_live() {
            assert!(
                s.starts_at > now && s.status == SessionStatus::Publiee,
                "live row on {s:?}"
            );
        }
        assert_eq!(
            e.confirmed_at.is_some(),
            e.status != EnrolmentStatus::ListeAttente,
            "{e:?}"
        );
        assert_eq!(
            e.waitlist_rank.is_some(),
            e.status == EnrolmentStatus::ListeAttente,
            "{e:?}"
        );
        if attended(e.status) {
            assert_eq!(s.status, SessionStatus::Terminee);
        }
        if let Some(c) = e.cancelled_at {
            assert!(c > e.created_at && c <= now, "{e:?}");
        }
    }
    let mut by_session: HashMap<i32, Vec<&enrolment::Model>> = HashMap::new();
    for e in &d.enrolments {
        by_session.entry(e.session_id).or_default().push(e);
    }
    for s in &d.sessions {
        let rows = by_session.remove(&s.id).unwrap_or_default();
        let taken = rows.iter().filter(|e| counts_seat(e.status)).count() as i32;
        assert_eq!(s.seats_taken, taken, "seats_taken of session {}", s.id);
        assert!(s.seats_taken <= s.capacity);
        let mut queue: Vec<_> = rows
            .iter()
            .filter(|e| e.status == EnrolmentStatus::ListeAttente)
            .collect();
        queue.sort_by_key(|e| e.created_at);
        let ranks: Vec<i64> = queue.iter().filter_map(|e| e.waitlist_rank).collect();
        assert_eq!(
            ranks,
            (1..=queue.len() as i64).collect::<Vec<_>>(),
            "ranks of session {}",
            s.id
        );
        assert_eq!(s.waitlist_seq, queue.len() as i64);
        assert!(
            queue.is_empty() || s.seats_taken == s.capacity,
            "waitlist with free seats: {}",
            s.id
        );
        assert!(
            s.enrolment_deadline < s.cancellation_deadline && s.cancellation_deadline < s.starts_at
        );
        assert!(s.ends_at > s.starts_at);
        let past = s.status == SessionStatus::Terminee;
        if s.status != SessionStatus::Annulee {
            assert_eq!(
                past,
                s.ends_at < now,
                "session {} is past iff terminée",
                s.id
            );
        }
        assert_eq!(past, s.actual_cost_cents.is_some());
        // A seat confirmed after its request was a promotion into a seat freed before the
        // start.
        for e in rows.iter().filter(|e| counts_seat(e.status)) {
            let confirmed = e.confirmed_at.unwrap();
            assert!(
                confirmed >= e.created_at && confirmed < s.starts_at,
                "{e:?}"
            );
            if confirmed > e.created_at {
                let freed = rows.iter().filter_map(|o| o.cancelled_at);
                assert!(freed.into_iter().any(|c| c == confirmed), "{e:?}");
            }
        }
    }
    check_no_overlap(d, &sessions, |st| st.is_live());
    check_no_overlap(d, &sessions, attended);
    let status: HashMap<(i32, i32), EnrolmentStatus> = d
        .enrolments
        .iter()
        .map(|e| ((e.session_id, e.officer_id), e.status))
        .collect();
    for f in &d.feedback {
        assert!((1..=5).contains(&f.overall_rating) && (1..=5).contains(&f.usefulness_rating));
        let row = status.get(&(f.session_id, f.officer_id));
        assert_eq!(row, Some(&EnrolmentStatus::Present));
    }
    let mut items_of: HashMap<i32, Vec<&programme_item::Model>> = HashMap::new();
    for i in &d.items {
        items_of.entry(i.programme_id).or_default().push(i);
    }
    for p in &d.programmes {
        let mut items = items_of.remove(&p.id).unwrap_or_default();
        items.sort_by_key(|i| i.position);
        assert!(
            (3..=6).contains(&items.len()),
            "programme {} has {} items",
            p.id,
            items.len()
        );
        let positions: Vec<i32> = items.iter().map(|i| i.position).collect();
        assert_eq!(positions, (0..items.len() as i32).collect::<Vec<_>>());
        let distinct: HashSet<i32> = items.iter().map(|i| i.training_id).collect();
        assert_eq!(distinct.len(), items.len());
        let months = (p.ends_on - p.starts_on).num_days() / 30;
        assert!(
            (6..=18).contains(&months),
            "programme {} lasts {months} months",
            p.id
        );
    }
}

fn check_no_overlap(
    d: &Data,
    sessions: &HashMap<i32, &session::Model>,
    keep: impl Fn(EnrolmentStatus) -> bool,
) {
    let mut by_officer: HashMap<i32, Vec<&session::Model>> = HashMap::new();
    for e in d.enrolments.iter().filter(|e| keep(e.status)) {
        by_officer
            .entry(e.officer_id)
            .or_default()
            .push(sessions[&e.session_id]);
    }
    for (officer, list) in by_officer {
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                let clash = overlap((a.starts_at, a.ends_at), (b.starts_at, b.ends_at));
                assert!(
                    !clash,
                    "officer {officer}: sessions {} and {} overlap",
                    a.id, b.id
                );
            }
        }
    }
}

/// What the screens and end-to-end tests expect to find.
fn check_shape(d: &Data, now: DateTime<Utc>) {
    let officers: Vec<_> = d.users.iter().filter(|u| u.role == Role::Officer).collect();
    assert_eq!(officers.len(), 1 + OTHER_OFFICERS);
    assert_eq!(d.profiles.len(), officers.len());
    let share = d.programmes.len() * 100 / officers.len();
    assert!(
        (70..=90).contains(&share),
        "{share} % of officers have a programme"
    );
    for u in &d.users {
        assert_eq!(app::accounts::normalize_email(&u.email).unwrap(), u.email);
    }
    assert_eq!(d.trainings.len(), TRAININGS.len());
    assert_eq!(d.sessions.len(), PAST_SESSIONS + UPCOMING.len());
    let count = |st: SessionStatus| d.sessions.iter().filter(|s| s.status == st).count();
    assert_eq!(count(SessionStatus::Brouillon), 3);
    assert_eq!(count(SessionStatus::Annulee), 2);
    let queue = |s: &session::Model| s.waitlist_seq;
    let open: Vec<_> = d
        .sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Publiee && s.enrolment_deadline > now)
        .collect();
    let one_left = open
        .iter()
        .filter(|s| s.capacity - s.seats_taken == 1 && queue(s) == 0)
        .filter(|s| s.starts_at > now + Duration::days(20))
        .count();
    assert!(one_left >= 4, "{one_left} sessions with one seat left");
    let roomy = open
        .iter()
        .filter(|s| s.capacity - s.seats_taken >= 3)
        .count();
    assert!(roomy >= 6, "{roomy} sessions with 3 seats or more");
    // Whatever the catalogue shows with free seats can be booked.
    let closed_with_seats = d.sessions.iter().filter(|s| {
        s.status == SessionStatus::Publiee
            && s.starts_at > now
            && s.seats_taken < s.capacity
            && s.enrolment_deadline <= now
    });
    assert_eq!(closed_with_seats.count(), 0);
    let full = d
        .sessions
        .iter()
        .filter(|s| (2..=6).contains(&s.waitlist_seq))
        .count();
    assert!(full >= 4, "{full} full sessions with a waitlist");
    assert!(
        d.enrolments
            .iter()
            .any(|e| e.status == EnrolmentStatus::DesistementTardif)
    );
    assert!(d.feedback.len() > 100, "{} feedback rows", d.feedback.len());
}

fn check_demo_officer(d: &Data) {
    let me = d
        .users
        .iter()
        .find(|u| u.email == DEMO_OFFICER_EMAIL)
        .unwrap();
    let mine: Vec<_> = d
        .enrolments
        .iter()
        .filter(|e| e.officer_id == me.id)
        .collect();
    let with = |st: EnrolmentStatus| mine.iter().filter(|e| e.status == st).count();
    assert_eq!(with(EnrolmentStatus::Inscrit), 3);
    assert_eq!(with(EnrolmentStatus::ListeAttente), 1);
    assert_eq!(with(EnrolmentStatus::Present), 3);
    let waiting = mine
        .iter()
        .find(|e| e.status == EnrolmentStatus::ListeAttente)
        .unwrap();
    assert_eq!(waiting.waitlist_rank, Some(2));
    assert_eq!(
        d.feedback.iter().filter(|f| f.officer_id == me.id).count(),
        2
    );
    let programme = d.programmes.iter().find(|p| p.officer_id == me.id).unwrap();
    assert_eq!(
        d.items
            .iter()
            .filter(|i| i.programme_id == programme.id)
            .count(),
        6
    );
}

#[tokio::test]
async fn seed_demo_keeps_every_invariant_and_is_idempotent() {
    let db = app::testing::test_db().await;
    let started = Instant::now();
    let report = seed_demo(&db).await.unwrap();
    eprintln!(
        "seed_demo took {:?} (debug build, one argon2 hash included): {report:?}",
        started.elapsed()
    );
    assert!(report.created);
    let data = load(&db).await;
    let now = Utc::now();
    check_invariants(&data, now);
    check_shape(&data, now);
    check_demo_officer(&data);
    assert_eq!(report.enrolments, data.enrolments.len());

    let again = seed_demo(&db).await.unwrap();
    assert!(!again.created);
    assert_eq!(
        SeedReport {
            created: true,
            ..again
        },
        report
    );
    let after = load(&db).await;
    assert_eq!(after.users.len(), data.users.len());
    assert_eq!(after.enrolments.len(), data.enrolments.len());
    assert_eq!(after.feedback.len(), data.feedback.len());
    assert_eq!(after.items.len(), data.items.len());

    let admin = find_by_email(&db, ADMIN_EMAIL).await.unwrap().unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(
        app::password::verify_password(DEMO_PASSWORD.into(), admin.password_hash)
            .await
            .unwrap()
    );
}

/// The data set moves with the date it is seeded on: whatever the day (weekends, holidays,
/// daylight saving changes), the invariants and the shape hold.
#[tokio::test]
async fn seed_holds_on_any_day_of_the_year() {
    let start = Utc::now();
    for step in 0..26 {
        let now = start + Duration::days(step * 14 + step % 7) + Duration::hours(step * 5);
        let db = app::testing::test_db().await;
        seed_at(&db, now, "non-utilise").await.unwrap();
        let data = load(&db).await;
        check_invariants(&data, now);
        check_shape(&data, now);
        check_demo_officer(&data);
    }
}

#[tokio::test]
async fn seed_demo_on_postgres() {
    let Some(db) = postgres_db().await else {
        return;
    };
    let report = seed_demo(&db).await.unwrap();
    let data = load(&db).await;
    check_invariants(&data, Utc::now());
    check_shape(&data, Utc::now());
    assert!(!seed_demo(&db).await.unwrap().created);
    assert_eq!(report.enrolments, data.enrolments.len());
    db.close().await.unwrap();
}

#[test]
fn plan_is_deterministic() {
    let now = Utc::now();
    let a = Planner::new(now).build();
    let b = Planner::new(now).build();
    let emails = |p: &Plan| p.users.iter().map(|u| u.email.clone()).collect::<Vec<_>>();
    assert_eq!(emails(&a), emails(&b));
    assert_eq!(a.enrolments.len(), b.enrolments.len());
    assert_eq!(slug("Le Gall"), "le-gall");
    assert_eq!(slug("Jean-Pierre Lefèvre"), "jean-pierre-lefevre");
}

#[test]
fn sessions_avoid_days_off() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(easter(2026), Some(day(2026, 4, 5)));
    assert_eq!(easter(2027), Some(day(2027, 3, 28)));
    assert!(is_day_off(day(2027, 3, 29))); // Easter Monday
    assert!(is_day_off(day(2027, 5, 6))); // Ascension
    assert!(is_day_off(day(2026, 7, 14)));
    assert!(is_day_off(day(2026, 11, 28))); // Saturday
    assert!(!is_day_off(day(2026, 11, 30)));
    // A three-day session asked for on a Thursday moves to the next Monday–Wednesday.
    assert_eq!(fit_week(day(2026, 12, 3), 3, true), day(2026, 12, 7));
    assert_eq!(fit_week(day(2026, 12, 3), 3, false), day(2026, 12, 2));
}

#[test]
fn seeding_can_run_on_any_tokio_worker() {
    fn assert_send<T: Send>(_: &T) {}
    let db = DatabaseConnection::default();
    assert_send(&seed_demo(&db));
}

#[tokio::test]
async fn demo_data_never_goes_into_a_database_with_real_accounts() {
    let db = app::testing::test_db().await;
    app::accounts::create_user(
        &db,
        "claire.moreau@defense.gouv.fr",
        "Claire Moreau",
        Role::Admin,
        "un-vrai-mot-de-passe".into(),
    )
    .await
    .unwrap();
    let err = seed_demo(&db).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Cette base contient déjà 1 compte(s) réel(s) : les données de démonstration, dont le mot de passe est public, n'y sont pas ajoutées."
    );
    assert!(find_by_email(&db, ADMIN_EMAIL).await.unwrap().is_none());
    assert!(demo_accounts(&db).await.unwrap().is_empty());
}

/// What the statistics and the benchmarks need of the large set.
fn check_large_shape(d: &Data, report: &SeedReport) {
    let officers = d.users.iter().filter(|u| u.role == Role::Officer).count();
    assert_eq!(officers, 2_000);
    assert_eq!(d.trainings.len(), 300);
    let themes: HashSet<&str> = d.trainings.iter().map(|t| t.theme.as_str()).collect();
    assert_eq!(themes.len(), 8, "{themes:?}");
    assert_eq!(d.sessions.len(), 3_000);
    assert!(
        d.enrolments.len() >= 30_000,
        "{} places",
        d.enrolments.len()
    );
    assert_eq!(report.enrolments, d.enrolments.len());
    assert_eq!(report.feedback, d.feedback.len());
    let sessions = |st: SessionStatus| d.sessions.iter().filter(|s| s.status == st).count();
    assert!(sessions(SessionStatus::Brouillon) >= 30);
    assert!(sessions(SessionStatus::Annulee) >= 60);
    assert!(sessions(SessionStatus::Terminee) >= 1_800);
    let places = |st: EnrolmentStatus| d.enrolments.iter().filter(|e| e.status == st).count();
    let attended = places(EnrolmentStatus::Present)
        + places(EnrolmentStatus::Absent)
        + places(EnrolmentStatus::Excuse);
    let no_show = places(EnrolmentStatus::Absent) * 100 / attended;
    assert!((11..=28).contains(&no_show), "{no_show} % no-show");
    assert!(places(EnrolmentStatus::DesistementTardif) >= 300);
    assert!(places(EnrolmentStatus::ListeAttente) >= 100);
    assert!(
        d.feedback.len() >= 10_000,
        "{} feedback rows",
        d.feedback.len()
    );
    let multi_day = d
        .sessions
        .iter()
        .filter(|s| s.ends_at - s.starts_at > Duration::days(1))
        .count();
    assert!(multi_day >= 300, "{multi_day} multi-day sessions");
    let promoted = d
        .enrolments
        .iter()
        .filter(|e| e.confirmed_at.is_some_and(|c| c > e.created_at))
        .count();
    assert!(
        promoted >= 100,
        "{promoted} seats taken again after a withdrawal"
    );
    let first = d.sessions.iter().map(|s| s.starts_at).min().unwrap();
    let last = d.sessions.iter().map(|s| s.starts_at).max().unwrap();
    let years = (last - first).num_days() as f64 / 365.0;
    assert!((2.8..=3.05).contains(&years), "{years} years");
}

async fn seed_large_checked(db: &DatabaseConnection) {
    let now = Utc::now();
    let started = Instant::now();
    let report = seed_large_at(db, now, "non-utilise").await.unwrap();
    eprintln!(
        "seed --large took {:?} (debug build): {report:?}",
        started.elapsed()
    );
    let data = load(db).await;
    check_invariants(&data, now);
    check_large_shape(&data, &report);
    // The demo officer logs in to a life of his own (the demo's exact one needs free weeks,
    // which a catalogue this busy does not have).
    let me = data
        .users
        .iter()
        .find(|u| u.email == DEMO_OFFICER_EMAIL)
        .unwrap();
    let mine = |st: EnrolmentStatus| {
        let rows = data.enrolments.iter();
        rows.filter(|e| e.officer_id == me.id && e.status == st)
            .count()
    };
    assert!(mine(EnrolmentStatus::Inscrit) >= 1 && mine(EnrolmentStatus::Present) >= 3);

    // A second run is refused in French and changes nothing.
    let again = seed_large_at(db, now, "non-utilise").await.unwrap_err();
    let message = app::testing::refusal(again);
    assert!(
        message.contains("2003 compte(s), 300 formation(s)"),
        "{message}"
    );
    let after = load(db).await;
    assert_eq!(after.users.len(), data.users.len());
    assert_eq!(after.enrolments.len(), data.enrolments.len());
    assert_eq!(after.sessions.len(), data.sessions.len());
    // Nor does the demo go into it: its accounts are the demo's, but it is full of other data.
    assert!(!seed_demo(db).await.unwrap().created);
}

#[tokio::test]
async fn seed_large_keeps_every_invariant_and_is_refused_a_second_time() {
    let mut db = app::testing::test_db().await;
    seed_large_checked(&db).await;
    statistics_of_the_large_set(&mut db).await;
}

/// The statistics of one year and of three years of the large set: the same handful of SQL
/// statements (counted), and figures in the ranges the data set was built with.
async fn statistics_of_the_large_set(db: &mut DatabaseConnection) {
    use app::statistics::{Scope, service::statistics};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let now = Utc::now();
    let today = app::dates::paris_date(now);
    let mut runs = Vec::new();
    for years in [1, 3] {
        let scope = Scope {
            from: today - Duration::days(365 * years),
            to: today + Duration::days(365),
            theme: None,
            training_id: None,
        };
        count.store(0, Ordering::Relaxed);
        let started = Instant::now();
        let stats = statistics(&*db, &scope, now).await.unwrap();
        let statements = count.load(Ordering::Relaxed);
        eprintln!(
            "statistics over {years} year(s): {} sessions, {statements} statements, {:?} (debug)",
            stats.totals.sessions,
            started.elapsed()
        );
        runs.push((statements, stats.totals));
    }
    let (one, three) = (&runs[0], &runs[1]);
    assert!(
        three.1.sessions > 2 * one.1.sessions,
        "three years hold more sessions"
    );
    assert_eq!(one.0, three.0, "statements do not grow with the sessions");
    assert!(one.0 <= 8, "{} statements", one.0);
    let t = &three.1;
    let fill = t.fill_rate().unwrap();
    assert!((0.6..=1.0).contains(&fill), "fill rate {fill}");
    let no_show = t.no_show_rate().unwrap();
    assert!((0.11..=0.28).contains(&no_show), "no-show {no_show}");
    assert!(t.recovered >= 100 && t.recovered_value_cents > 0, "{t:?}");
    assert!(t.relevance().unwrap() > 0.2, "{t:?}");
    assert!(t.cancelled > 0 && t.late_withdrawals > 0);
}

#[tokio::test]
async fn seed_large_on_postgres() {
    let Some(db) = postgres_db().await else {
        return;
    };
    seed_large_checked(&db).await;
    db.close().await.unwrap();
}

#[tokio::test]
async fn seed_large_refuses_a_database_with_data() {
    let db = app::testing::test_db().await;
    app::testing::training(&db, "Formation existante").await;
    let err = seed_large_at(&db, Utc::now(), "non-utilise")
        .await
        .unwrap_err();
    assert_eq!(
        app::testing::refusal(err),
        "Cette base contient déjà des données (0 compte(s), 1 formation(s)) : le jeu de mesure \
         n'est chargé que dans une base vide."
    );
    assert_eq!(session::Entity::find().count(&db).await.unwrap(), 0);
}
