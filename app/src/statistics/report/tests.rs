//! The page and the CSV on the hand-made fixture of `statistics::tests`: the export parses
//! back to what the page shows, the table sorts, an empty period and bad filters say so.

use super::super::tests::{fixture, now};
use super::{COLUMNS, csv_file, page};
use crate::error::AppError;
use crate::statistics::{StatsFilters, StatsPage};
use crate::testing::test_db;

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
    fixture(&db).await;
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
    let expected: Vec<&str> = COLUMNS.iter().map(|c| c.label).collect();
    assert_eq!(header, expected);
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
                _ => assert_eq!(exported, displayed),
            }
        }
    }
    assert_eq!(&records.last().unwrap()[0], "Ensemble");
    // Decimal commas, never points.
    assert!(
        records
            .iter()
            .flat_map(|r| r.iter().skip(2))
            .all(|c| !c.contains('.'))
    );
}

#[tokio::test]
async fn the_table_sorts_by_any_figure_both_ways_missing_ones_last() {
    let f = |ordre: &str| StatsFilters {
        tri: Some("cout-participant".into()),
        ordre: Some(ordre.into()),
        ..first_quarter_2025()
    };
    let column = COLUMNS
        .iter()
        .position(|c| c.key == "cout-participant")
        .unwrap();
    for (ordre, aria) in [("desc", "descending"), ("asc", "ascending")] {
        let table = page_for(&f(ordre)).await.report.unwrap().table;
        let trainings = &table.rows[..table.rows.len() - 1];
        let costs: Vec<Option<f64>> = trainings.iter().map(|r| number(&r.cells[column])).collect();
        let known: Vec<f64> = costs.iter().flatten().copied().collect();
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
    assert!(
        report
            .headlines
            .iter()
            .all(|h| h.previous.starts_with("Il y a un an : "))
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
