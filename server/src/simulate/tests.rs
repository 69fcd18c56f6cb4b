//! The simulation: deterministic, favourable to the product for the reasons it models, and
//! played through rules that hold at the end of the year. Debug builds are slow: the tests play
//! smaller years (`TEST_OFFICERS`) than the default.

use super::model::{Plan, last_day};
use super::world::Mechanism;
use super::*;
use app::entities::{enrolment, session};
use app::model::{EnrolmentStatus, SessionStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Large enough for full sessions, waitlists and invitations; small enough for a debug build.
const TEST_OFFICERS: usize = 40;

fn options(seed: u64) -> Options {
    Options {
        seed,
        officers: TEST_OFFICERS,
        ..Options::default()
    }
}

#[tokio::test]
async fn the_same_seed_prints_the_same_report() {
    let mut o = options(7);
    let first = run(&o).await.unwrap();
    assert_eq!(first, run(&o).await.unwrap());
    assert!(first.contains("Indicateur"), "{first}");
    assert!(first.contains("Taux de remplissage"), "{first}");
    o.format = Format::Csv;
    let csv = run(&o).await.unwrap();
    assert_eq!(csv, run(&o).await.unwrap());
    assert!(
        csv.starts_with("Indicateur;Unité;Produit;Référence;Écart\n"),
        "{csv}"
    );
    // Decimal comma, never a point.
    let fill = csv
        .lines()
        .find(|l| l.starts_with("Taux de remplissage;"))
        .unwrap();
    assert!(fill.contains(',') && !fill.contains('.'), "{fill}");
    o.seed = 8;
    assert_ne!(csv, run(&o).await.unwrap(), "another seed, another year");
}

#[tokio::test]
async fn the_product_fills_more_seats_than_the_email_era_for_every_seed() {
    let o = Options {
        runs: 5,
        format: Format::Csv,
        ..options(1)
    };
    let mut pairs = Vec::new();
    for seed in 1..=5 {
        let o = options(seed);
        let (_, product) = play_one(&o, Mechanism::Product, false).await;
        let (_, reference) = play_one(&o, Mechanism::Reference, false).await;
        assert_eq!(product.sessions, reference.sessions, "seed {seed}");
        assert_eq!(product.capacity, reference.capacity, "seed {seed}");
        assert!(
            product.fill_rate > reference.fill_rate,
            "seed {seed}: {product:?} / {reference:?}"
        );
        assert!(product.recovered >= reference.recovered, "seed {seed}");
        assert!(
            product.staff_actions < reference.staff_actions,
            "seed {seed}"
        );
        assert!(product.invitations > 0.0 && reference.invitations == 0.0);
        pairs.push((product, reference));
    }
    // The report of five runs is the mean of these, its gap positive.
    let csv = figures::report(&o, &pairs).unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with("Taux de remplissage;"))
        .unwrap();
    let gap: f64 = line
        .split(';')
        .nth(6)
        .unwrap()
        .replace(',', ".")
        .parse()
        .unwrap();
    assert!(gap > 0.0, "{line}");
}

#[tokio::test]
async fn every_rule_holds_throughout_a_simulated_year() {
    for mechanism in [Mechanism::Product, Mechanism::Reference] {
        let o = options(3);
        // Every rule is checked after each event of the year, then once more at its end.
        let (played, _) = play_one(&o, mechanism, true).await;
        let db = &played.db;
        let broken = crate::invariants::violations(db, played.end).await;
        assert!(broken.is_empty(), "{mechanism:?}: {broken:#?}");

        // Every session was held and ended by its attendance sheet: no seat left unmarked.
        let sessions = session::Entity::find().all(db).await.unwrap();
        let plan = Plan::new(o.seed, o.officers, o.start);
        assert_eq!(sessions.len(), plan.sessions.len());
        for s in &sessions {
            assert_eq!(s.status, SessionStatus::Terminee, "{s:?}");
            assert!(app::dates::paris_date(s.starts_at) <= last_day(o.start));
        }
        let unmarked = enrolment::Entity::find()
            .filter(enrolment::Column::Status.eq(EnrolmentStatus::Inscrit))
            .count(db)
            .await
            .unwrap();
        assert_eq!(unmarked, 0);

        // The mechanisms left their marks: waitlists and late withdrawals in the product;
        // no waitlist at all in the email era, where a full session is given up at once.
        let count = |status| {
            enrolment::Entity::find()
                .filter(enrolment::Column::Status.eq(status))
                .count(db)
        };
        let late = count(EnrolmentStatus::DesistementTardif).await.unwrap();
        assert!(late > 0, "{mechanism:?}: no late withdrawal");
        let waiting_rows = enrolment::Entity::find()
            .filter(enrolment::Column::WaitlistRank.is_not_null())
            .count(db)
            .await
            .unwrap();
        let queued_ever: i64 = sessions.iter().map(|s| s.waitlist_seq).sum();
        match mechanism {
            Mechanism::Product => assert!(queued_ever > 0, "no waitlist in the product"),
            Mechanism::Reference => assert_eq!(waiting_rows, 0),
        }
    }
}

#[test]
fn the_plan_is_a_function_of_the_seed() {
    let o = Options::default();
    let (a, b) = (Plan::new(5, 100, o.start), Plan::new(5, 100, o.start));
    let summary = |p: &Plan| {
        p.sessions
            .iter()
            .map(|s| (s.training, s.starts_at, s.capacity))
            .collect::<Vec<_>>()
    };
    assert_eq!(summary(&a), summary(&b));
    assert_ne!(summary(&a), summary(&Plan::new(6, 100, o.start)));
    for p in &a.programmes {
        assert!((3..=6).contains(&p.items.len()));
        let months = (p.ends_on - p.starts_on).num_days() / 30;
        assert!((6..=18).contains(&months), "{months}");
    }
    for s in &a.sessions {
        assert!(s.starts_at < s.ends_at && s.planned_at < s.starts_at);
        assert!(app::dates::paris_date(s.starts_at) <= last_day(o.start));
        assert!((6..=20).contains(&s.capacity), "{}", s.capacity);
    }
}
