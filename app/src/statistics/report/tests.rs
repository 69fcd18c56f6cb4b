//! The page and the CSV on the hand-made fixture of `statistics::tests`: the export parses
//! back to what the page shows, the table sorts, an empty period and bad filters say so.

use super::super::tests::{fixture, now};
use super::{csv_file, page};
use crate::error::AppError;
use crate::statistics::{StatsFilters, StatsPage};
use crate::testing::test_db;
use sea_orm::{ActiveModelTrait, EntityTrait};

fn first_quarter_2025() -> StatsFilters {
    StatsFilters {
        periode: Some("trimestre".into()),
        trimestre: Some("2025-T1".into()),
        ..StatsFilters::default()
    }
}

/// A shown or exported number as a number: « 1 250,50 € », « 82,5 % » and « 1250,50 » alike.
fn number(cell: &str) -> Option<f64> {
    let kept: String = cell
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == ',' || *c == '-')
        .collect();
    kept.replace(',', ".").parse().ok()
}

async fn page_for(f: &StatsFilters) -> StatsPage {
    let db = test_db().await;
    fixture(&db).await;
    page(&db, f, now()).await.unwrap()
}

#[tokio::test]
async fn the_csv_holds_exactly_the_table_of_the_page() {
    let db = test_db().await;
    let trainings = fixture(&db).await;
    // A title with the separator in it, that Excel would also take for a formula.
    let mut english: crate::entities::training::ActiveModel =
        crate::entities::training::Entity::find_by_id(trainings.english)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .into();
    english.title = sea_orm::ActiveValue::Set("=Anglais; oral".to_owned());
    english.update(&db).await.unwrap();
    let f = StatsFilters {
        tri: Some("remplissage".into()),
        ordre: Some("desc".into()),
        ..first_quarter_2025()
    };
    let shown = page(&db, &f, now()).await.unwrap().report.unwrap().table;
    let (name, bytes) = csv_file(&db, &f, now()).await.unwrap();
    assert_eq!(
        name,
        "cassiopee-statistiques-du-2025-01-01-au-2025-03-31.csv"
    );
    // UTF-8 with a byte order mark and semicolons: what French Excel opens as columns.
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let expected: Vec<&str> = shown.columns.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(header, expected, "the page's header");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        records.len(),
        shown.rows.len(),
        "one line per row shown, total included"
    );
    assert!(shown.rows.len() >= 3);
    for (record, row) in records.iter().zip(&shown.rows) {
        assert_eq!(record.len(), row.cells.len());
        for (exported, displayed) in record.iter().zip(&row.cells) {
            match (number(exported), number(displayed)) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 0.005, "{exported} ≠ {displayed}"),
                _ if displayed == "—" => assert_eq!(exported, ""),
                _ if displayed.starts_with('=') => assert_eq!(exported, format!("'{displayed}")),
                _ => assert_eq!(exported, displayed),
            }
        }
    }
    // The whole quarter, worked out by hand in `statistics::tests`: 14 seats held of 23, and
    // 124 444 cents of empty seats.
    let total = records.last().unwrap();
    assert_eq!(&total[0], "Ensemble");
    let column = |label: &str| header.iter().position(|h| h == label).unwrap();
    assert_eq!(&total[column("Taux de remplissage (%)")], "60,9");
    assert_eq!(&total[column("Coût des places vides (€)")], "1244,44");
    assert!(records.iter().any(|r| &r[0] == "'=Anglais; oral"));
    // Decimal commas, never points.
    assert!(
        records
            .iter()
            .flat_map(|r| r.iter().skip(2))
            .all(|c| !c.contains('.'))
    );
}

#[tokio::test]
async fn the_table_sorts_by_a_figure_both_ways_missing_ones_last() {
    let f = |ordre: &str| StatsFilters {
        tri: Some("remplissage".into()),
        ordre: Some(ordre.into()),
        ..first_quarter_2025()
    };
    for (ordre, aria) in [("desc", "descending"), ("asc", "ascending")] {
        let table = page_for(&f(ordre)).await.report.unwrap().table;
        let column = table
            .columns
            .iter()
            .position(|c| c.label == "Taux de remplissage (%)")
            .unwrap();
        let trainings = &table.rows[..table.rows.len() - 1];
        let costs: Vec<Option<f64>> = trainings.iter().map(|r| number(&r.cells[column])).collect();
        let known: Vec<f64> = costs.iter().flatten().copied().collect();
        // « Budget public » 10 of 17 seats, « Anglais » 4 of 6: two different figures.
        assert_eq!(known.len(), 2);
        assert_ne!(known[0], known[1]);
        let mut sorted = known.clone();
        sorted.sort_by(f64::total_cmp);
        if ordre == "desc" {
            sorted.reverse();
        }
        assert_eq!(known, sorted);
        let first_missing = costs
            .iter()
            .position(Option::is_none)
            .unwrap_or(costs.len());
        assert!(
            costs[first_missing..].iter().all(Option::is_none),
            "{costs:?}"
        );
        assert_eq!(table.columns[column].sorted.as_deref(), Some(aria));
        let other = if ordre == "desc" {
            "ordre=asc"
        } else {
            "ordre=desc"
        };
        assert!(table.columns[column].sort_href.contains(other));
        assert!(
            table.columns[column]
                .sort_href
                .contains("trimestre=2025-T1")
        );
    }
}

#[tokio::test]
async fn headlines_charts_and_notes_of_a_quarter() {
    let report = page_for(&first_quarter_2025()).await.report.unwrap();
    assert_eq!(report.title, "1er trimestre 2025");
    assert!(report.empty.is_none());
    let labels: Vec<&str> = report.headlines.iter().map(|h| h.label.as_str()).collect();
    for expected in [
        "Taux de remplissage",
        "Taux de présence",
        "No-show",
        "Coût par participant",
        "Coût des places vides",
        "Désistements tardifs",
        "Satisfaction",
        "Utilité",
        "Pertinence",
        "Places récupérées",
    ] {
        assert!(labels.contains(&expected), "{expected} missing");
    }
    // The quarter is under way on 20 March 2025: compared up to the same date a year earlier.
    for h in &report.headlines {
        assert!(
            h.previous
                .starts_with("À la même date l'an dernier (20 mars 2024) : "),
            "{}",
            h.previous
        );
    }
    // The empty-seat cost of the previous year, and its change: 630 € then, 1 244,44 € now.
    let empty = report
        .headlines
        .iter()
        .find(|h| h.label == "Coût des places vides")
        .unwrap();
    assert_eq!(empty.value, "1\u{202f}244,44\u{a0}€");
    assert!(
        empty.previous.ends_with(": 630\u{a0}€ (+97,5\u{a0}%)"),
        "{}",
        empty.previous
    );
    // A period over: « Il y a un an ».
    let over = StatsFilters {
        periode: Some("annee".into()),
        annee: Some("2024".into()),
        ..StatsFilters::default()
    };
    let report_2024 = page_for(&over).await.report.unwrap();
    assert!(
        report_2024.headlines[0]
            .previous
            .starts_with("Il y a un an : ")
    );
    assert!(report.notes.iter().any(|n| n.contains("annulée")));
    assert_eq!(report.charts.len(), 3);
    for chart in &report.charts {
        assert!(chart.svg.starts_with("<svg"), "{}", chart.title);
        assert!(
            chart
                .svg
                .contains(&format!("aria-labelledby=\"{}-titre\"", chart.id))
        );
        assert!(!chart.rows.is_empty());
    }
    // Three months in the fill-rate chart's table, one row each.
    assert_eq!(report.charts[0].rows.len(), 3);
    assert!(
        report
            .export_href
            .starts_with("/gestion/statistiques/export.csv?periode=trimestre")
    );
}

#[tokio::test]
async fn a_period_without_sessions_says_so_instead_of_zero() {
    let f = StatsFilters {
        periode: Some("annee".into()),
        annee: Some("2030".into()),
        ..StatsFilters::default()
    };
    let report = page_for(&f).await.report.unwrap();
    let empty = report.empty.unwrap();
    assert!(
        empty.starts_with("Aucune session ne s'est tenue"),
        "{empty}"
    );
    assert!(report.headlines.is_empty() && report.table.rows.is_empty());
}

#[tokio::test]
async fn bad_filters_come_back_next_to_their_field_and_export_nothing() {
    let db = test_db().await;
    fixture(&db).await;
    let f = StatsFilters {
        periode: Some("dates".into()),
        du: Some("2025-03-01".into()),
        au: Some("2024-03-01".into()),
        theme: Some("Inconnu".into()),
        formation: Some("999999".into()),
        ..StatsFilters::default()
    };
    let shown = page(&db, &f, now()).await.unwrap();
    assert!(shown.report.is_none());
    for field in ["au", "theme", "formation"] {
        assert!(shown.errors.message(field).is_some(), "{field}");
    }
    assert!(
        shown
            .values
            .contains(&("du".to_owned(), "2025-03-01".to_owned()))
    );
    let refused = csv_file(&db, &f, now()).await.unwrap_err();
    assert!(matches!(refused, AppError::Invalid(_)), "{refused:?}");
}

/// The dashboard's trends: this year's fill rate, empty-seat cost and no-show so far, against
/// the same date a year earlier, with the link to the year's statistics.
#[tokio::test]
async fn the_dashboard_shows_this_year_against_the_same_date_last_year() {
    let db = test_db().await;
    fixture(&db).await;
    let (lines, href) = super::year_to_date(&db, now()).await.unwrap();
    let labels: Vec<&str> = lines.iter().map(|h| h.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Taux de remplissage", "No-show", "Coût des places vides"]
    );
    // 1 January to 20 March 2025: the fixture's quarter so far, 14 seats held of 23.
    assert_eq!(lines[0].value, "60,9\u{a0}%");
    assert!(
        lines[0]
            .previous
            .starts_with("À la même date l'an dernier (20 mars 2024) : "),
        "{}",
        lines[0].previous
    );
    assert_eq!(href, "/gestion/statistiques?periode=annee&annee=2025");
}
