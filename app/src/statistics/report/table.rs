//! The trainings' table of the statistics: its columns (one list, for the page and the CSV),
//! its cells, its order, and the CSV file for French Excel.

use super::query;
use crate::error::{AppError, AppResult};
use crate::format::{decimal, euros, percent};
use crate::statistics::{Column, Row, Statistics, StatsFilters, Table, TrainingTotals};

/// One cell of the table: what it holds decides how the page and the CSV write it.
#[derive(Clone, Debug, PartialEq)]
pub enum Figure {
    Text(String),
    Count(i64),
    /// A ratio (0.825 → « 82,5 % »).
    Rate(Option<f64>),
    /// An amount in cents.
    Money(Option<f64>),
    /// A mean mark out of 5.
    Mark(Option<f64>),
}

impl Figure {
    /// As the page shows it; « — » when there is nothing to divide.
    pub fn display(&self) -> String {
        match self {
            Figure::Text(t) => t.clone(),
            Figure::Count(n) => n.to_string(),
            Figure::Rate(Some(r)) => percent(*r),
            Figure::Money(Some(c)) => euros(c.round() as i64),
            Figure::Mark(Some(m)) => decimal(*m, 1),
            Figure::Rate(None) | Figure::Money(None) | Figure::Mark(None) => "—".to_owned(),
        }
    }

    /// As French Excel reads it: numbers with a decimal comma and no unit, empty for none; a
    /// text that Excel would run as a formula (`=`, `+`, `-`, `@` first) starts with `'`.
    pub fn csv(&self) -> String {
        match self {
            Figure::Text(t) if t.starts_with(['=', '+', '-', '@']) => format!("'{t}"),
            Figure::Text(t) => t.clone(),
            Figure::Count(n) => n.to_string(),
            Figure::Rate(Some(r)) => decimal(r * 100.0, 1),
            Figure::Money(Some(c)) => decimal(c.round() / 100.0, 2),
            Figure::Mark(Some(m)) => decimal(*m, 1),
            Figure::Rate(None) | Figure::Money(None) | Figure::Mark(None) => String::new(),
        }
    }

    fn sort_key(&self) -> Option<f64> {
        match self {
            Figure::Text(_) => None,
            Figure::Count(n) => Some(*n as f64),
            Figure::Rate(v) | Figure::Money(v) | Figure::Mark(v) => *v,
        }
    }
}

/// A column of the trainings' table: its key in sort links, its header (the same on the page
/// and in the CSV, with the unit the CSV's bare numbers need), and its figure.
pub(super) struct Col {
    key: &'static str,
    label: &'static str,
    figure: fn(&TrainingTotals) -> Figure,
}

pub(super) const COLUMNS: [Col; 16] = [
    Col {
        key: "formation",
        label: "Formation",
        figure: |t| Figure::Text(t.title.clone()),
    },
    Col {
        key: "theme",
        label: "Thème",
        figure: |t| Figure::Text(t.theme.clone()),
    },
    Col {
        key: "sessions",
        label: "Sessions tenues",
        figure: |t| Figure::Count(t.totals.sessions),
    },
    Col {
        key: "annulees",
        label: "Sessions annulées",
        figure: |t| Figure::Count(t.totals.cancelled),
    },
    Col {
        key: "remplissage",
        label: "Taux de remplissage (%)",
        figure: |t| Figure::Rate(t.totals.fill_rate()),
    },
    Col {
        key: "presence",
        label: "Taux de présence (%)",
        figure: |t| Figure::Rate(t.totals.presence_rate()),
    },
    Col {
        key: "no-show",
        label: "No-show (%)",
        figure: |t| Figure::Rate(t.totals.no_show_rate()),
    },
    Col {
        key: "cout-participant",
        label: "Coût par participant (€)",
        figure: |t| Figure::Money(t.totals.cost_per_participant()),
    },
    Col {
        key: "places-vides",
        label: "Coût des places vides (€)",
        figure: |t| Figure::Money(t.totals.empty_seat_cost()),
    },
    Col {
        key: "desistements",
        label: "Désistements tardifs",
        figure: |t| Figure::Count(t.totals.late_withdrawals),
    },
    Col {
        key: "taux-desistement",
        label: "Taux de désistement tardif (%)",
        figure: |t| Figure::Rate(t.totals.late_rate()),
    },
    Col {
        key: "satisfaction",
        label: "Satisfaction (sur 5)",
        figure: |t| Figure::Mark(t.totals.satisfaction()),
    },
    Col {
        key: "utilite",
        label: "Utilité (sur 5)",
        figure: |t| Figure::Mark(t.totals.usefulness_mean()),
    },
    Col {
        key: "pertinence",
        label: "Pertinence (%)",
        figure: |t| Figure::Rate(t.totals.relevance()),
    },
    Col {
        key: "recuperees",
        label: "Places récupérées",
        figure: |t| Figure::Count(t.totals.recovered),
    },
    Col {
        key: "valeur-recuperee",
        label: "Valeur récupérée (€)",
        figure: |t| Figure::Money(t.totals.recovered_value()),
    },
];

/// The trainings in the table's order, and the column it is sorted by with its direction.
/// Numbers sort with the missing ones last either way; the title breaks ties.
fn sorted_rows<'a>(
    stats: &'a Statistics,
    f: &StatsFilters,
) -> (Vec<&'a TrainingTotals>, Option<(usize, bool)>) {
    let mut rows: Vec<&TrainingTotals> = stats.trainings.iter().collect();
    let column = f
        .tri
        .as_deref()
        .and_then(|key| COLUMNS.iter().position(|c| c.key == key));
    let Some(index) = column else {
        return (rows, None);
    };
    let descending = f.ordre.as_deref() != Some("asc");
    let figure = COLUMNS[index].figure;
    rows.sort_by(|a, b| {
        let (fa, fb) = (figure(a), figure(b));
        let order = match (fa.sort_key(), fb.sort_key(), &fa, &fb) {
            (_, _, Figure::Text(x), Figure::Text(y)) => x.cmp(y),
            (Some(x), Some(y), _, _) => x.total_cmp(&y),
            (Some(_), None, _, _) => return std::cmp::Ordering::Less,
            (None, Some(_), _, _) => return std::cmp::Ordering::Greater,
            _ => std::cmp::Ordering::Equal,
        };
        let order = if descending { order.reverse() } else { order };
        order.then_with(|| a.title.cmp(&b.title))
    });
    (rows, Some((index, descending)))
}

/// The whole period as the table's last line.
fn overall(stats: &Statistics) -> TrainingTotals {
    TrainingTotals {
        training_id: 0,
        title: "Ensemble".to_owned(),
        theme: String::new(),
        totals: stats.totals.clone(),
    }
}

pub(super) fn table(stats: &Statistics, f: &StatsFilters) -> Table {
    let (rows, sorted) = sorted_rows(stats, f);
    let columns = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let current = sorted.filter(|(index, _)| *index == i).map(|(_, d)| d);
            // Text sorts A to Z first; figures top first, then bottom first.
            let text = matches!(c.key, "formation" | "theme");
            let next = match current {
                Some(true) => "asc",
                Some(false) => "desc",
                None if text => "asc",
                None => "desc",
            };
            Column {
                label: c.label.to_owned(),
                sort_href: format!(
                    "/gestion/statistiques?{}#formations",
                    query(f, Some((c.key, next)))
                ),
                sorted: current.map(|d| if d { "descending" } else { "ascending" }.to_owned()),
            }
        })
        .collect();
    // The cells are the CSV's, the units being in the headers; « — » where nothing divides.
    let cell = |f: Figure| match f.csv() {
        empty if empty.is_empty() => "—".to_owned(),
        text => text,
    };
    let row = |t: &TrainingTotals| Row {
        training_id: t.training_id,
        cells: COLUMNS.iter().map(|c| cell((c.figure)(t))).collect(),
    };
    let mut rows: Vec<Row> = rows.into_iter().map(row).collect();
    rows.push(row(&overall(stats)));
    Table { columns, rows }
}

/// The table as a CSV file: UTF-8 with a byte order mark, `;` between cells, decimal commas —
/// what French Excel opens as columns of numbers. Its lines are the page's rows, in the page's
/// order, under the page's header.
pub(super) fn csv(stats: &Statistics, f: &StatsFilters) -> AppResult<Vec<u8>> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let mut write = |cells: Vec<String>| {
        out.write_record(cells).map_err(|e| {
            tracing::error!(error = %e, "statistics CSV");
            AppError::Internal
        })
    };
    write(COLUMNS.iter().map(|c| c.label.to_owned()).collect())?;
    // Nothing held, nothing shown: the header alone.
    if stats.totals.sessions > 0 {
        let (rows, _) = sorted_rows(stats, f);
        let total = overall(stats);
        for t in rows.into_iter().chain([&total]) {
            write(COLUMNS.iter().map(|c| (c.figure)(t).csv()).collect())?;
        }
    }
    out.into_inner().map_err(|_| AppError::Internal)
}
