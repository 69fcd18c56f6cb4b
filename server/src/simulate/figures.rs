//! The figures of a world after its year, and the table that sets both worlds side by side.
//!
//! Fill rate, empty-seat cost, cost per participant and places récupérées come from
//! [`app::statistics::service::statistics`] over the simulated year, the very figures of
//! `/gestion/statistiques` (product §6), so that the simulation and the page share their
//! definitions. Programme completion is measured here: the share of all programme items whose
//! training the officer followed (« Présent ») by the end of the year.

use super::world::{Counters, Played};
use super::{Format, Options};
use app::entities::{enrolment, programme, programme_item, session};
use app::error::{AppError, AppResult};
use app::model::EnrolmentStatus;
use app::statistics::Scope;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, BTreeSet};

/// One world's figures; a ratio without a denominator (no session, nobody present) is NaN and
/// shown as « — ».
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Figures {
    pub(super) sessions: f64,
    pub(super) capacity: f64,
    pub(super) seats_held: f64,
    /// Percent.
    pub(super) fill_rate: f64,
    /// Euros.
    pub(super) empty_seat_cost: f64,
    pub(super) cost_per_participant: f64,
    pub(super) recovered: f64,
    /// Percent of the programme items followed.
    pub(super) completion: f64,
    pub(super) staff_actions: f64,
    pub(super) invitations: f64,
}

/// Measures a world that played its year.
pub(super) async fn measure(played: &Played, options: &Options) -> AppResult<Figures> {
    let db = &played.db;
    let scope = Scope {
        from: options.start,
        to: super::model::last_day(options.start),
        theme: None,
        training_id: None,
    };
    let stats = app::statistics::service::statistics(db, &scope, played.end).await?;
    let t = &stats.totals;

    let owners: BTreeMap<i32, i32> = programme::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.officer_id))
        .collect();
    let items = programme_item::Entity::find().all(db).await?;
    let followed: BTreeSet<(i32, i32)> = enrolment::Entity::find()
        .filter(enrolment::Column::Status.eq(EnrolmentStatus::Present))
        .find_also_related(session::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(e, s)| s.map(|s| (e.officer_id, s.training_id)))
        .collect();
    let done = items
        .iter()
        .filter(|i| {
            owners
                .get(&i.programme_id)
                .is_some_and(|o| followed.contains(&(*o, i.training_id)))
        })
        .count();
    let Counters {
        staff_actions,
        invitations,
    } = played.counters;
    Ok(Figures {
        sessions: t.sessions as f64,
        capacity: t.capacity as f64,
        seats_held: t.seats_held as f64,
        fill_rate: t.fill_rate().map_or(f64::NAN, |r| r * 100.0),
        empty_seat_cost: t.empty_seat_cost_cents as f64 / 100.0,
        cost_per_participant: t.cost_per_participant().map_or(f64::NAN, |c| c / 100.0),
        recovered: t.recovered as f64,
        completion: if items.is_empty() {
            f64::NAN
        } else {
            done as f64 * 100.0 / items.len() as f64
        },
        staff_actions: staff_actions as f64,
        invitations: invitations as f64,
    })
}

/// How a figure is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Count,
    Percent,
    Euros,
}

impl Unit {
    fn label(self) -> &'static str {
        match self {
            Unit::Count => "nombre",
            Unit::Percent => "%",
            Unit::Euros => "€",
        }
    }
}

/// A row of the table: its label, its unit and the figure it shows.
type Row = (&'static str, Unit, fn(&Figures) -> f64);

/// The rows of the table, in order.
const ROWS: [Row; 10] = [
    ("Sessions tenues", Unit::Count, |f| f.sessions),
    ("Places offertes", Unit::Count, |f| f.capacity),
    ("Places occupées au départ", Unit::Count, |f| f.seats_held),
    ("Taux de remplissage", Unit::Percent, |f| f.fill_rate),
    ("Coût des places vides", Unit::Euros, |f| f.empty_seat_cost),
    ("Coût par participant", Unit::Euros, |f| {
        f.cost_per_participant
    }),
    ("Places récupérées", Unit::Count, |f| f.recovered),
    ("Formations des programmes suivies", Unit::Percent, |f| {
        f.completion
    }),
    ("Actions de la gestion", Unit::Count, |f| f.staff_actions),
    ("Invitations envoyées", Unit::Count, |f| f.invitations),
];

/// Mean and sample standard deviation (0 for a single value) of the defined values; NaN when
/// none is.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    let values: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = values.len() as f64;
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// A number with a decimal comma and `decimals` decimals; thousands grouped by a space in
/// text (`grouped`), not in CSV. Never « -0 »; NaN (undefined) is « — » in text, empty in
/// CSV.
fn number(value: f64, decimals: usize, grouped: bool) -> String {
    if value.is_nan() {
        return if grouped {
            "—".to_owned()
        } else {
            String::new()
        };
    }
    let rounded = format!("{:.*}", decimals, value.abs());
    let negative = value < 0.0 && rounded.chars().any(|c| matches!(c, '1'..='9'));
    let (whole, fraction) = rounded.split_once('.').unwrap_or((&rounded, ""));
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if grouped && i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// Decimals shown in text: one for percents and for the counts' means over several seeds,
/// none for euros or single counts.
fn decimals(unit: Unit, runs: usize) -> usize {
    match unit {
        Unit::Percent => 1,
        Unit::Count if runs > 1 => 1,
        _ => 0,
    }
}

/// A value as the text table shows it: « 78,4 % », « 12 345 € », « 31 ».
fn shown(value: f64, unit: Unit, runs: usize) -> String {
    if value.is_nan() {
        return "—".to_owned();
    }
    let n = number(value, decimals(unit, runs), true);
    match unit {
        Unit::Count => n,
        Unit::Percent => format!("{n} %"),
        Unit::Euros => format!("{n} €"),
    }
}

/// A difference: signed, in points for percents.
fn shown_gap(value: f64, unit: Unit, runs: usize) -> String {
    if value.is_nan() {
        return "—".to_owned();
    }
    let n = number(value, decimals(unit, runs), true);
    let n = if n.starts_with('-') || n.chars().all(|c| matches!(c, '0' | ',')) {
        n
    } else {
        format!("+{n}")
    };
    match unit {
        Unit::Count => n,
        Unit::Percent => format!("{n} pts"),
        Unit::Euros => format!("{n} €"),
    }
}

/// The report: one (product, reference) pair of figures per seed.
pub(super) fn report(options: &Options, results: &[(Figures, Figures)]) -> Result<String, String> {
    let runs = results.len();
    let mut lines = Vec::new();
    for (label, unit, get) in ROWS {
        let product: Vec<f64> = results.iter().map(|(p, _)| get(p)).collect();
        let reference: Vec<f64> = results.iter().map(|(_, r)| get(r)).collect();
        let gaps: Vec<f64> = results.iter().map(|(p, r)| get(p) - get(r)).collect();
        lines.push((
            label,
            unit,
            mean_sd(&product),
            mean_sd(&reference),
            mean_sd(&gaps),
        ));
    }
    match options.format {
        Format::Csv => csv(&lines, runs),
        Format::Text => Ok(text(options, &lines, runs)),
    }
}

type Line<'a> = (&'a str, Unit, (f64, f64), (f64, f64), (f64, f64));

fn text(options: &Options, lines: &[Line], runs: usize) -> String {
    let cell = |(mean, sd): (f64, f64), unit: Unit, gap: bool| {
        let m = if gap {
            shown_gap(mean, unit, runs)
        } else {
            shown(mean, unit, runs)
        };
        if runs > 1 && !mean.is_nan() {
            format!("{m} ± {}", number(sd, decimals(unit, runs), true))
        } else {
            m
        }
    };
    let header = ["Indicateur", "Produit", "Référence", "Écart"].map(str::to_owned);
    let mut rows = vec![header];
    for &(label, unit, p, r, g) in lines {
        rows.push([
            label.to_owned(),
            cell(p, unit, false),
            cell(r, unit, false),
            cell(g, unit, true),
        ]);
    }
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2), width(3)];
    let last = super::model::last_day(options.start);
    let mut out = String::new();
    out.push_str(&format!(
        "Simulation d'une année de la MiRVOG, du {} au {} : {} officiers.\n",
        app::dates::date(options.start),
        app::dates::date(last),
        options.officers
    ));
    out.push_str(&match runs {
        1 => format!("Graine {}.\n", options.seed),
        n => format!(
            "Moyenne ± écart-type sur {n} graines ({} à {}).\n",
            options.seed,
            options.seed + n as u64 - 1
        ),
    });
    out.push_str(&format!(
        "Hypothèses : {} % d'absents, {} % de places rendues dont {} % après la date limite, \
         courriel connu {} jours après la publication.\n\n",
        options.no_show, options.withdrawals, options.late_share, options.email_delay
    ));
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(c, (text, w))| {
                let pad = w - text.chars().count();
                if c == 0 {
                    format!("{text}{}", " ".repeat(pad))
                } else {
                    format!("{}{text}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(cells.join(" | ").trim_end());
        out.push('\n');
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("-+-"));
            out.push('\n');
        }
    }
    out
}

fn csv(lines: &[Line], runs: usize) -> Result<String, String> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let fail = |e: csv::Error| format!("écriture CSV : {e}");
    let mut header = vec!["Indicateur", "Unité"];
    if runs > 1 {
        header.extend([
            "Produit (moyenne)",
            "Produit (écart-type)",
            "Référence (moyenne)",
            "Référence (écart-type)",
            "Écart (moyenne)",
            "Écart (écart-type)",
        ]);
    } else {
        header.extend(["Produit", "Référence", "Écart"]);
    }
    w.write_record(&header).map_err(fail)?;
    for &(label, unit, p, r, g) in lines {
        // Euros to the cent.
        let d = if unit == Unit::Euros {
            2
        } else {
            decimals(unit, runs)
        };
        let mut record = vec![label.to_owned(), unit.label().to_owned()];
        for (mean, sd) in [p, r, g] {
            record.push(number(mean, d, false));
            if runs > 1 {
                record.push(number(sd, d, false));
            }
        }
        w.write_record(&record).map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| format!("écriture CSV : {e}"))?;
    String::from_utf8(bytes).map_err(|e| format!("écriture CSV : {e}"))
}

/// Keeps `AppError` out of the report's signature.
pub(super) fn failed(e: AppError) -> String {
    format!("la simulation a échoué : {e}")
}
