//! The figures of §6 on a hand-made fixture whose every number is worked out below, on SQLite
//! and PostgreSQL; the period, theme and training filters; and the number of statements, which
//! must not grow with the data.

use super::{Scope, Statistics, Totals, service::statistics};
use crate::{
    entities::{enrolment, feedback, session, training},
    model::{EnrolmentStatus as E, Priority, SessionStatus},
    testing::{officer, place, postgres, programme, session_at, set_status, test_db},
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// « Now » for every test: 20 March 2025, noon UTC.
pub(super) fn now() -> DateTime<Utc> {
    at(2025, 3, 20, 12, 0)
}

/// The first quarter of 2025, optionally narrowed.
fn quarter(theme: Option<&str>, training_id: Option<i32>) -> Scope {
    Scope {
        from: day(2025, 1, 1),
        to: day(2025, 3, 31),
        theme: theme.map(str::to_owned),
        training_id,
    }
}

async fn training_with<C: ConnectionTrait>(
    db: &C,
    title: &str,
    theme: &str,
    fixed: Option<i64>,
    seat: Option<i64>,
) -> i32 {
    let mut t: training::ActiveModel = crate::testing::training(db, title).await.into();
    t.theme = Set(theme.to_owned());
    t.fixed_cost_cents = Set(fixed);
    t.seat_cost_cents = Set(seat);
    t.update(db).await.unwrap().id
}

/// A 7-hour session of that status and actual cost.
async fn session_with<C: ConnectionTrait>(
    db: &C,
    training_id: i32,
    start: DateTime<Utc>,
    capacity: i32,
    status: SessionStatus,
    actual_cost: Option<i64>,
) -> i32 {
    let s = session_at(db, training_id, start, 7, capacity).await;
    let mut row: session::ActiveModel = set_status(db, s.id, status).await.into();
    row.actual_cost_cents = Set(actual_cost);
    row.update(db).await.unwrap().id
}

/// A new officer's place with the exact confirmation and withdrawal instants; returns the
/// officer's id.
async fn seat<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    status: E,
    confirmed: Option<DateTime<Utc>>,
    cancelled: Option<DateTime<Utc>>,
) -> i32 {
    let o = officer(db, "Officier").await;
    let mut row: enrolment::ActiveModel = place(db, session_id, o.id, status).await.into();
    row.confirmed_at = Set(confirmed);
    row.cancelled_at = Set(cancelled);
    row.update(db).await.unwrap();
    o.id
}

async fn answer<C: ConnectionTrait>(
    db: &C,
    session_id: i32,
    officer_id: i32,
    overall: i16,
    useful: i16,
) {
    feedback::ActiveModel {
        session_id: Set(session_id),
        officer_id: Set(officer_id),
        overall_rating: Set(overall),
        usefulness_rating: Set(useful),
        comment: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

/// An officer's programme holding that training.
async fn wants<C: ConnectionTrait>(db: &C, officer_id: i32, training_id: i32) {
    let (from, to) = (at(2024, 9, 1, 0, 0), at(2025, 9, 1, 0, 0));
    programme(
        db,
        officer_id,
        from,
        to,
        &[(training_id, Priority::Obligatoire)],
    )
    .await;
}

pub(super) struct Fixture {
    pub(super) budget: i32,
    pub(super) english: i32,
    cyber: i32,
}

/// - « Budget public » (Finances): 1 000 € fixed + 200 € a seat. S1 held (January), S2
///   cancelled, S3 held with absents only (February), S7 just before the period, S8 a year
///   earlier.
/// - « Anglais » (Langues): no cost at all. S4 held at Paris midnight of 1 January.
/// - « Cybersécurité » (Finances): S5 a draft, S6 after « now »: neither counts.
pub(super) async fn fixture<C: ConnectionTrait>(db: &C) -> Fixture {
    let budget = training_with(db, "Budget public", "Finances", Some(100_000), Some(20_000)).await;
    let english = training_with(db, "Anglais", "Langues", None, None).await;
    let cyber = training_with(db, "Cybersécurité", "Finances", Some(1), Some(1)).await;
    let early = Some(at(2024, 12, 1, 9, 0));
    let held = SessionStatus::Terminee;

    // S1, 15 January, capacity 9, full by 4 January: 5 présents (one promoted on 6 January),
    // 1 absent, 1 excusé, 1 inscrit left unmarked: 8 seats held at the start; 1 late withdrawal
    // (14 January) and 1 on-time withdrawal (5 January), both before the start; a waitlisted
    // officer who left the list (no seat: not a withdrawal) and one still waiting.
    let s1 = session_with(db, budget, at(2025, 1, 15, 8, 0), 9, held, None).await;
    let p1 = seat(db, s1, E::Present, early, None).await;
    let p2 = seat(db, s1, E::Present, early, None).await;
    let p3 = seat(db, s1, E::Present, early, None).await;
    seat(db, s1, E::Present, early, None).await;
    let promoted = seat(db, s1, E::Present, Some(at(2025, 1, 6, 10, 0)), None).await;
    seat(db, s1, E::Absent, early, None).await;
    seat(db, s1, E::Excuse, early, None).await;
    // Enrolled on 4 January into a seat still free: after the waitlist leaver of 3 January,
    // but before any seat was given up, so it recovers nothing.
    seat(db, s1, E::Inscrit, Some(at(2025, 1, 4, 9, 0)), None).await;
    seat(
        db,
        s1,
        E::DesistementTardif,
        early,
        Some(at(2025, 1, 14, 9, 0)),
    )
    .await;
    seat(db, s1, E::Desinscrit, early, Some(at(2025, 1, 5, 9, 0))).await;
    seat(db, s1, E::Desinscrit, None, Some(at(2025, 1, 3, 9, 0))).await;
    seat(db, s1, E::ListeAttente, None, None).await;
    answer(db, s1, p1, 5, 4).await;
    answer(db, s1, p2, 4, 5).await;
    answer(db, s1, p3, 4, 2).await;
    answer(db, s1, promoted, 3, 3).await;
    wants(db, p1, budget).await;
    wants(db, p2, budget).await;
    wants(db, p3, english).await; // a programme, but without this training

    // S2, 10 February, cancelled with two seats: counts as 1 cancelled, nothing else.
    let s2 = session_with(
        db,
        budget,
        at(2025, 2, 10, 8, 0),
        10,
        SessionStatus::Annulee,
        None,
    )
    .await;
    seat(db, s2, E::Inscrit, early, None).await;
    seat(db, s2, E::Inscrit, early, None).await;

    // S3, 20 February, capacity 8, actual cost 500 €: 2 absents, nobody present.
    let s3 = session_with(db, budget, at(2025, 2, 20, 8, 0), 8, held, Some(50_000)).await;
    seat(db, s3, E::Absent, early, None).await;
    seat(db, s3, E::Absent, early, None).await;

    // S4, 23:00 UTC on 31 December = Paris midnight of 1 January (in the period, in January),
    // capacity 6, no cost: 3 présents (one confirmed on 22 December, after a withdrawal on 20
    // December, into a session that never filled: nothing recovered), 1 absent.
    let s4 = session_with(db, english, at(2024, 12, 31, 23, 0), 6, held, None).await;
    let b1 = seat(db, s4, E::Present, early, None).await;
    seat(db, s4, E::Present, early, None).await;
    seat(db, s4, E::Present, Some(at(2024, 12, 22, 9, 0)), None).await;
    seat(db, s4, E::Absent, early, None).await;
    seat(db, s4, E::Desinscrit, early, Some(at(2024, 12, 20, 9, 0))).await;
    answer(db, s4, b1, 5, 5).await;
    wants(db, b1, english).await;

    // S5 a draft, S6 not started by « now », S7 at 23:59 Paris on 31 December: all ignored.
    let s5 = session_with(
        db,
        cyber,
        at(2025, 3, 5, 8, 0),
        10,
        SessionStatus::Brouillon,
        None,
    )
    .await;
    let d = seat(db, s5, E::Present, early, None).await;
    answer(db, s5, d, 1, 1).await;
    let s6 = session_with(
        db,
        cyber,
        at(2025, 3, 25, 8, 0),
        10,
        SessionStatus::Publiee,
        None,
    )
    .await;
    seat(db, s6, E::Inscrit, early, None).await;
    let s7 = session_with(db, budget, at(2024, 12, 31, 22, 59), 10, held, None).await;
    seat(db, s7, E::Present, early, None).await;

    // S8, 10 February 2024 (the previous year's quarter), capacity 10, actual cost 900 €:
    // 3 présents, one answer (2, 3) from an officer without a programme. S9, 25 March 2024, is
    // in that quarter too, but after « now » a year earlier: the quarter in progress is compared
    // with the same days of the year before, not with the whole quarter.
    let s8 = session_with(db, budget, at(2024, 2, 10, 9, 0), 10, held, Some(90_000)).await;
    let c1 = seat(db, s8, E::Present, early, None).await;
    seat(db, s8, E::Present, early, None).await;
    seat(db, s8, E::Present, early, None).await;
    answer(db, s8, c1, 2, 3).await;
    let s9 = session_with(db, budget, at(2024, 3, 25, 9, 0), 10, held, Some(90_000)).await;
    seat(db, s9, E::Present, early, None).await;

    Fixture {
        budget,
        english,
        cyber,
    }
}

/// « Budget public » in the quarter: S1 and S3 held, S2 cancelled.
fn budget_totals() -> Totals {
    Totals {
        sessions: 2,
        cancelled: 1,
        capacity: 17,   // 9 + 8
        seats_held: 10, // S1: 5 présents + absent + excusé + inscrit = 8; S3: 2
        attendance_sessions: 2,
        attendance_seats: 10,
        present: 5,
        absent: 3, // 1 + 2
        excused: 1,
        // S1 alone (S3 has nobody present): 100 000 + 20 000 × (8 seats + 1 late) = 280 000;
        // empty seats 280 000 × (9 − 5) ÷ 9 = 124 444.44 → 124 444.
        costed_sessions: 1,
        cost_cents: 280_000,
        costed_present: 5,
        empty_seat_cost_cents: 124_444,
        uncosted_sessions: 1, // S3
        late_withdrawals: 1,
        overall: [0, 0, 1, 2, 1],    // 5, 4, 4, 3
        usefulness: [0, 1, 1, 1, 1], // 4, 5, 2, 3
        // p1 and p2 want the training; p3 (another training) and p4 and the promoted do not.
        relevant_present: 2,
        present_all: 5,
        relevant_usefulness_sum: 9, // 4 + 5
        relevant_usefulness_count: 2,
        other_usefulness_sum: 5, // 2 + 3 (p4 did not answer)
        other_usefulness_count: 2,
        // Withdrawals before the start: 5 and 14 January (the waitlist leaver held no seat);
        // confirmed after 5 January: the promoted présent; seats needed beyond the capacity:
        // 8 held + 2 given up − 9 = 1. min(2, 1, 1) = 1, worth 280 000 ÷ 9 = 31 111.11 → 31 111.
        recovered: 1,
        recovered_value_cents: 31_111,
    }
}

/// « Anglais»: S4 only, without any cost.
fn english_totals() -> Totals {
    Totals {
        sessions: 1,
        capacity: 6,
        seats_held: 4,
        attendance_sessions: 1,
        attendance_seats: 4,
        present: 3,
        absent: 1,
        uncosted_sessions: 1,
        overall: [0, 0, 0, 0, 1],
        usefulness: [0, 0, 0, 0, 1],
        relevant_present: 1,
        present_all: 3,
        relevant_usefulness_sum: 5,
        relevant_usefulness_count: 1,
        // The seat given up on 20 December was never needed: 4 held + 1 given up ≤ 6 seats.
        recovered: 0,
        ..Totals::default()
    }
}

/// S8: 3 présents of 10 seats at 900 €: empty seats 90 000 × 7 ÷ 10 = 63 000.
fn previous_totals() -> Totals {
    Totals {
        sessions: 1,
        capacity: 10,
        seats_held: 3,
        attendance_sessions: 1,
        attendance_seats: 3,
        present: 3,
        costed_sessions: 1,
        cost_cents: 90_000,
        costed_present: 3,
        empty_seat_cost_cents: 63_000,
        overall: [0, 1, 0, 0, 0],
        usefulness: [0, 0, 1, 0, 0],
        present_all: 3,
        other_usefulness_sum: 3,
        other_usefulness_count: 1,
        ..Totals::default()
    }
}

fn sum(parts: &[Totals]) -> Totals {
    let mut t = Totals::default();
    parts.iter().for_each(|p| t.add(p));
    t
}

/// Every figure of the quarter, checked against the hand-made numbers; returns them so that
/// both engines can be compared.
async fn check(db: &DatabaseConnection) -> Statistics {
    let f = fixture(db).await;
    let stats = statistics(db, &quarter(None, None), now()).await.unwrap();

    let total = sum(&[budget_totals(), english_totals()]);
    assert_eq!(
        total,
        Totals {
            sessions: 3,
            cancelled: 1,
            capacity: 23,
            seats_held: 14,
            attendance_sessions: 3,
            attendance_seats: 14,
            present: 8,
            absent: 4,
            excused: 1,
            costed_sessions: 1,
            cost_cents: 280_000,
            costed_present: 5,
            empty_seat_cost_cents: 124_444,
            uncosted_sessions: 2,
            late_withdrawals: 1,
            overall: [0, 0, 1, 2, 2],
            usefulness: [0, 1, 1, 1, 2],
            relevant_present: 3,
            present_all: 8,
            relevant_usefulness_sum: 14,
            relevant_usefulness_count: 3,
            other_usefulness_sum: 5,
            other_usefulness_count: 2,
            recovered: 1,
            recovered_value_cents: 31_111,
        }
    );
    assert_eq!(stats.totals, total);
    assert_eq!(stats.previous, previous_totals());

    let t = &stats.totals;
    assert_eq!(t.fill_rate(), Some(14.0 / 23.0));
    assert_eq!(t.presence_rate(), Some(8.0 / 14.0));
    assert_eq!(t.no_show_rate(), Some(4.0 / 14.0));
    assert_eq!(t.cost_per_participant(), Some(56_000.0)); // 280 000 ÷ 5
    assert_eq!(t.late_rate(), Some(1.0 / 15.0)); // 1 ÷ (14 + 1)
    assert_eq!(t.satisfaction(), Some(21.0 / 5.0)); // (3 + 4 + 4 + 5 + 5) ÷ 5
    assert_eq!(t.usefulness_mean(), Some(19.0 / 5.0)); // (2 + 3 + 4 + 5 + 5) ÷ 5
    assert_eq!(t.relevance(), Some(3.0 / 8.0));
    assert_eq!(t.relevant_usefulness(), Some(14.0 / 3.0));
    assert_eq!(t.other_usefulness(), Some(2.5));

    // January: S1 and S4 (S4 is in December in UTC); February: S2 cancelled and S3; March has
    // only a draft and a session to come.
    let s1 = Totals {
        cancelled: 0,
        capacity: 9,
        seats_held: 8,
        attendance_sessions: 1,
        attendance_seats: 8,
        absent: 1,
        uncosted_sessions: 0,
        sessions: 1,
        ..budget_totals()
    };
    let february = Totals {
        sessions: 1,
        cancelled: 1,
        capacity: 8,
        seats_held: 2,
        attendance_sessions: 1,
        attendance_seats: 2,
        absent: 2,
        uncosted_sessions: 1,
        ..Totals::default()
    };
    assert_eq!(sum(&[s1.clone(), february.clone()]), budget_totals());
    let months: Vec<_> = stats
        .months
        .iter()
        .map(|m| (m.year, m.month, m.totals.clone()))
        .collect();
    assert_eq!(
        months,
        vec![
            (2025, 1, sum(&[s1, english_totals()])),
            (2025, 2, february),
            (2025, 3, Totals::default()),
        ]
    );

    // By title; « Cybersécurité » has no session in the scope.
    let rows: Vec<_> = stats
        .trainings
        .iter()
        .map(|r| {
            (
                r.training_id,
                r.title.as_str(),
                r.theme.as_str(),
                r.totals.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (f.english, "Anglais", "Langues", english_totals()),
            (f.budget, "Budget public", "Finances", budget_totals()),
        ]
    );

    // Filters: the theme, the training, and both.
    let langues = statistics(db, &quarter(Some("Langues"), None), now())
        .await
        .unwrap();
    assert_eq!(langues.totals, english_totals());
    assert_eq!(langues.previous, Totals::default());
    assert_eq!(langues.trainings.len(), 1);
    let finances = statistics(db, &quarter(Some("Finances"), None), now())
        .await
        .unwrap();
    assert_eq!(finances.totals, budget_totals());
    assert_eq!(finances.previous, previous_totals());
    let one = statistics(db, &quarter(None, Some(f.budget)), now())
        .await
        .unwrap();
    assert_eq!(
        (one.totals, one.previous),
        (budget_totals(), previous_totals())
    );
    let none = statistics(db, &quarter(Some("Langues"), Some(f.budget)), now())
        .await
        .unwrap();
    assert_eq!(none.totals, Totals::default());
    let cyber = statistics(db, &quarter(None, Some(f.cyber)), now())
        .await
        .unwrap();
    assert_eq!(cyber.totals, Totals::default());
    assert!(cyber.trainings.is_empty());

    // Once S6 has started it counts (booked, no attendance yet, costed by the model but
    // nobody present): the « now » bound is the caller's.
    let later = statistics(db, &quarter(None, Some(f.cyber)), at(2025, 3, 26, 0, 0))
        .await
        .unwrap();
    assert_eq!(
        later.totals,
        Totals {
            sessions: 1,
            capacity: 10,
            seats_held: 1,
            uncosted_sessions: 1,
            ..Totals::default()
        }
    );
    stats
}

#[tokio::test]
async fn figures_of_a_quarter_on_sqlite() {
    check(&test_db().await).await;
}

#[tokio::test]
async fn figures_of_a_quarter_on_postgres_are_those_of_sqlite() {
    let Some(pg) = postgres().await else { return };
    let on_pg = check(&pg).await;
    let on_sqlite = check(&test_db().await).await;
    assert_eq!(on_pg, on_sqlite);
}

#[tokio::test]
async fn a_period_without_sessions_has_no_figures() {
    let db = test_db().await;
    fixture(&db).await;
    let scope = Scope {
        from: day(2023, 6, 10),
        to: day(2023, 8, 5),
        theme: None,
        training_id: None,
    };
    let stats = statistics(&db, &scope, now()).await.unwrap();
    let t = &stats.totals;
    assert_eq!(*t, Totals::default());
    assert_eq!(stats.previous, Totals::default());
    assert!(stats.trainings.is_empty());
    let months: Vec<_> = stats.months.iter().map(|m| (m.year, m.month)).collect();
    assert_eq!(months, vec![(2023, 6), (2023, 7), (2023, 8)]);
    assert!(stats.months.iter().all(|m| m.totals == Totals::default()));
    for ratio in [
        t.fill_rate(),
        t.presence_rate(),
        t.no_show_rate(),
        t.cost_per_participant(),
        t.late_rate(),
        t.satisfaction(),
        t.usefulness_mean(),
        t.relevance(),
        t.relevant_usefulness(),
        t.other_usefulness(),
    ] {
        assert_eq!(ratio, None);
    }
}

#[tokio::test]
async fn the_period_runs_from_paris_midnight_to_paris_midnight() {
    let db = test_db().await;
    let t = training_with(&db, "Bornes", "Finances", None, None).await;
    let held = SessionStatus::Terminee;
    // Winter: Paris is UTC+1. In: 00:00 on 1 January and 23:59 on 31 March (summer: UTC+2).
    for start in [
        at(2024, 12, 31, 22, 59), // 23:59 on 31 December: out
        at(2024, 12, 31, 23, 0),  // in
        at(2025, 3, 31, 21, 59),  // in
        at(2025, 3, 31, 22, 0),   // 00:00 on 1 April: out
    ] {
        session_with(&db, t, start, 5, held, None).await;
    }
    let stats = statistics(&db, &quarter(None, None), at(2026, 1, 1, 0, 0))
        .await
        .unwrap();
    assert_eq!(stats.totals.sessions, 2);
    let per_month: Vec<_> = stats.months.iter().map(|m| m.totals.sessions).collect();
    assert_eq!(per_month, vec![1, 0, 1]);
}

/// A fixture of `n` held sessions, each with présents, an absent, a withdrawal taken again,
/// feedback and a programme.
async fn many_sessions(db: &DatabaseConnection, n: u32) {
    let t = training_with(db, "Charge", "Finances", Some(10_000), Some(1_000)).await;
    for i in 0..n {
        let s = session_with(
            db,
            t,
            at(2025, 1 + i % 3, 2 + i % 15, 8, 0),
            3,
            SessionStatus::Terminee,
            None,
        )
        .await;
        let early = Some(at(2024, 12, 1, 9, 0));
        let p = seat(db, s, E::Present, early, None).await;
        seat(db, s, E::Present, Some(at(2024, 12, 20, 9, 0)), None).await;
        seat(db, s, E::Absent, early, None).await;
        seat(db, s, E::Desinscrit, early, Some(at(2024, 12, 10, 9, 0))).await;
        answer(db, s, p, 4, 4).await;
        wants(db, p, t).await;
    }
}

/// Statements run by one call of `statistics` over the quarter.
async fn statements_for(n: u32) -> (usize, Totals) {
    let mut db = test_db().await;
    many_sessions(&db, n).await;
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let stats = statistics(&db, &quarter(None, None), now()).await.unwrap();
    (count.load(Ordering::Relaxed), stats.totals)
}

#[tokio::test]
async fn the_number_of_statements_does_not_grow_with_the_sessions() {
    let (small, few) = statements_for(4).await;
    let (large, many) = statements_for(20).await;
    assert_eq!((few.sessions, many.sessions), (4, 20));
    assert_eq!((few.recovered, many.recovered), (4, 20));
    // Three statements for the scope, three for the year before.
    assert_eq!(small, 6);
    assert_eq!(large, 6);
}

/// A session whose présents all had the training in their programme and none answered: the
/// utilité sums of both groups are empty, not an error (found on the `seed --large` data).
#[tokio::test]
async fn presents_without_answers_leave_the_utility_of_both_groups_empty() {
    let db = test_db().await;
    let t = training_with(&db, "Budget public", "Finances", Some(100_000), None).await;
    let s = session_with(
        &db,
        t,
        at(2025, 2, 3, 9, 0),
        4,
        SessionStatus::Terminee,
        None,
    )
    .await;
    let early = Some(at(2025, 1, 2, 9, 0));
    let relevant = seat(&db, s, E::Present, early, None).await;
    wants(&db, relevant, t).await;
    let stats = statistics(&db, &quarter(None, None), now()).await.unwrap();
    let totals = &stats.totals;
    assert_eq!((totals.present_all, totals.relevant_present), (1, 1));
    assert_eq!(
        (
            totals.relevant_usefulness_count,
            totals.other_usefulness_count
        ),
        (0, 0)
    );
    assert_eq!(totals.relevant_usefulness(), None);
    assert_eq!(totals.relevance(), Some(1.0));
}

/// February of a leap year's next year is compared with the whole February before it, 29th
/// included.
#[tokio::test]
async fn the_year_before_of_a_february_keeps_its_29th() {
    let db = test_db().await;
    let t = training_with(&db, "Budget public", "Finances", Some(100_000), None).await;
    let s = session_with(
        &db,
        t,
        at(2024, 2, 29, 9, 0),
        5,
        SessionStatus::Terminee,
        None,
    )
    .await;
    seat(&db, s, E::Present, Some(at(2024, 1, 2, 9, 0)), None).await;
    let february = Scope {
        from: day(2025, 2, 1),
        to: day(2025, 2, 28),
        theme: None,
        training_id: None,
    };
    let stats = statistics(&db, &february, now()).await.unwrap();
    assert_eq!(stats.previous.sessions, 1);
}
