//! The statistics' charts, drawn on the server as SVG with `plotters` (its SVG backend, no font
//! files: labels stay SVG text): fill rate by month, empty-seat cost by month, and the
//! distribution of the marks. Each comes with its data as a table, the text alternative that
//! the page shows under it.

use super::{Chart, MonthTotals, Statistics};
use crate::format::{euros, percent};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

const WIDTH: u32 = 720;
const HEIGHT: u32 = 300;
/// DSFR « bleu France » and a lighter blue for the second series.
const BLUE: RGBColor = RGBColor(0, 0, 145);
const LIGHT_BLUE: RGBColor = RGBColor(106, 106, 244);
const GREY: RGBColor = RGBColor(58, 58, 58);
const FONT: &str = "sans-serif";
/// Labels are drawn at 720 px wide and shown narrower: big enough to stay readable.
const LABEL_SIZE: u32 = 17;

const SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

fn month_short(m: &MonthTotals) -> String {
    format!(
        "{} {:02}",
        SHORT_MONTHS[(m.month - 1) as usize],
        m.year % 100
    )
}

fn month_long(m: &MonthTotals) -> String {
    crate::dates::month_label(m.year, m.month)
}

/// The three charts of a period.
pub fn all(stats: &Statistics) -> Vec<Chart> {
    vec![
        fill_by_month(stats),
        empty_cost_by_month(stats),
        marks(stats),
    ]
}

fn fill_by_month(stats: &Statistics) -> Chart {
    let id = "graphique-remplissage";
    let labels: Vec<String> = stats.months.iter().map(month_short).collect();
    let values: Vec<Option<f64>> = stats
        .months
        .iter()
        .map(|m| m.totals.fill_rate().map(|r| r * 100.0))
        .collect();
    let svg = bars(id, &labels, &values, 100.0, &|v| format!("{v:.0} %"), BLUE);
    let rows = stats
        .months
        .iter()
        .map(|m| {
            vec![
                month_long(m),
                m.totals.fill_rate().map_or("—".to_owned(), percent),
                format!("{} / {}", m.totals.seats_held, m.totals.capacity),
            ]
        })
        .collect();
    Chart {
        id: id.to_owned(),
        title: "Taux de remplissage par mois".to_owned(),
        svg,
        columns: vec![
            "Mois".to_owned(),
            "Taux de remplissage".to_owned(),
            "Places occupées / capacité".to_owned(),
        ],
        rows,
    }
}

fn empty_cost_by_month(stats: &Statistics) -> Chart {
    let id = "graphique-places-vides";
    let labels: Vec<String> = stats.months.iter().map(month_short).collect();
    let values: Vec<Option<f64>> = stats
        .months
        .iter()
        .map(|m| {
            (m.totals.costed_sessions > 0).then_some(m.totals.empty_seat_cost_cents as f64 / 100.0)
        })
        .collect();
    let top = values.iter().flatten().copied().fold(0.0, f64::max);
    let svg = bars(
        id,
        &labels,
        &values,
        (top * 1.15).max(100.0),
        &|v| euros((v * 100.0).round() as i64),
        LIGHT_BLUE,
    );
    let rows = stats
        .months
        .iter()
        .map(|m| {
            let cost = if m.totals.costed_sessions > 0 {
                euros(m.totals.empty_seat_cost_cents)
            } else {
                "—".to_owned()
            };
            vec![month_long(m), cost]
        })
        .collect();
    Chart {
        id: id.to_owned(),
        title: "Coût des places vides par mois".to_owned(),
        svg,
        columns: vec!["Mois".to_owned(), "Coût des places vides".to_owned()],
        rows,
    }
}

fn marks(stats: &Statistics) -> Chart {
    let id = "graphique-avis";
    let t = &stats.totals;
    let svg = draw(id, |root| {
        let top = t
            .overall
            .iter()
            .chain(&t.usefulness)
            .copied()
            .max()
            .unwrap_or(0);
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(0.5f64..5.5f64, 0f64..(top as f64 * 1.15).max(5.0))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(5)
            .x_label_formatter(&|v| format!("{v:.0} / 5"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("Nombre d'avis")
            .label_style((FONT, LABEL_SIZE).into_font().color(&GREY))
            .axis_desc_style((FONT, LABEL_SIZE).into_font().color(&GREY))
            .draw()?;
        let series = [
            ("Satisfaction", &t.overall, BLUE, -0.36),
            ("Utilité", &t.usefulness, LIGHT_BLUE, 0.02),
        ];
        for (label, counts, colour, offset) in series {
            chart
                .draw_series(counts.iter().enumerate().map(|(i, n)| {
                    let x = i as f64 + 1.0 + offset;
                    Rectangle::new([(x, 0.0), (x + 0.34, *n as f64)], colour.filled())
                }))?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 12, y + 6)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, LABEL_SIZE))
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .draw()?;
        Ok(())
    });
    let rows = (0..5)
        .map(|i| {
            vec![
                format!("{} / 5", i + 1),
                t.overall[i].to_string(),
                t.usefulness[i].to_string(),
            ]
        })
        .collect();
    Chart {
        id: id.to_owned(),
        title: "Répartition des avis".to_owned(),
        svg,
        columns: vec![
            "Note".to_owned(),
            "Satisfaction (nombre d'avis)".to_owned(),
            "Utilité (nombre d'avis)".to_owned(),
        ],
        rows,
    }
}

/// A bar per label; a missing value draws no bar (its table row says « — »).
fn bars(
    id: &str,
    labels: &[String],
    values: &[Option<f64>],
    y_max: f64,
    y_format: &dyn Fn(&f64) -> String,
    colour: RGBColor,
) -> String {
    draw(id, |root| {
        let n = labels.len().max(1) as u32;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(96)
            .build_cartesian_2d((0..n).into_segmented(), 0f64..y_max)?;
        let label_of = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len().min(13))
            .x_label_formatter(&label_of)
            .y_labels(6)
            .y_label_formatter(y_format)
            .label_style((FONT, LABEL_SIZE).into_font().color(&GREY))
            .draw()?;
        let data = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as u32, v)));
        chart.draw_series(
            Histogram::vertical(&chart)
                .style(colour.filled())
                .margin(6)
                .data(data),
        )?;
        Ok(())
    })
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Draws on a white SVG of `WIDTH` × `HEIGHT`, then makes it fluid (the viewBox keeps its
/// proportions) and names it by the page's title of the chart. A drawing error leaves only the
/// data table (logged, never shown as a broken image).
fn draw(
    id: &str,
    paint: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> DrawResult,
) -> String {
    let mut svg = String::new();
    let outcome = {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.into())
            .and_then(|_| paint(&root))
            .and_then(|_| root.present().map_err(|e| e.into()))
    };
    if let Err(e) = outcome {
        tracing::error!(error = %e, chart = id, "statistics chart");
        return String::new();
    }
    svg.replacen(
        &format!("width=\"{WIDTH}\" height=\"{HEIGHT}\" "),
        &format!("class=\"cas-chart__svg\" role=\"img\" aria-labelledby=\"{id}-titre\" focusable=\"false\" "),
        1,
    )
}
