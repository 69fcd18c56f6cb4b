//! The statistics page and its CSV export, built from one [`Statistics`]: the headline figures
//! beside the same period a year earlier, the notes on what the figures leave out, the charts,
//! and the trainings' table — the CSV holds exactly that table's rows and columns.

use super::filters::{self, PERIODS, Resolved};
use super::{Column, Headline, Report, Row, Statistics, StatsFilters, StatsPage, Table};
use super::{Totals, TrainingTotals, charts, service};
use crate::entities::{session, training};
use crate::error::{AppError, AppResult};
use crate::format::{decimal, euros, percent};
use crate::model::Choice;
use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};

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

    /// As French Excel reads it: numbers with a decimal comma and no unit, empty for none.
    pub fn csv(&self) -> String {
        match self {
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
struct Col {
    key: &'static str,
    label: &'static str,
    figure: fn(&TrainingTotals) -> Figure,
}

const COLUMNS: [Col; 16] = [
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
        figure: |t| Figure::Money(Some(t.totals.empty_seat_cost_cents as f64)),
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
        figure: |t| Figure::Money(Some(t.totals.recovered_value_cents as f64)),
    },
];

/// The page for these filters: the form's choices, and the figures or the refused fields.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    f: &StatsFilters,
    now: DateTime<Utc>,
) -> AppResult<StatsPage> {
    let options = Options::load(db, now).await?;
    let mut page = StatsPage {
        values: form_values(f),
        periods: PERIODS
            .iter()
            .map(|(value, label)| Choice {
                value: (*value).to_owned(),
                label: (*label).to_owned(),
            })
            .collect(),
        quarters: options.quarters.clone(),
        years: options.years.clone(),
        themes: options
            .themes
            .iter()
            .map(|t| Choice {
                value: t.clone(),
                label: t.clone(),
            })
            .collect(),
        trainings: options.trainings.clone(),
        ..StatsPage::default()
    };
    match options.resolve(f, now) {
        Err(errors) => page.errors = errors,
        Ok(resolved) => {
            let stats = service::statistics(db, &resolved.scope, now).await?;
            page.report = Some(report(&resolved, &stats, f, &options, now));
        }
    }
    Ok(page)
}

/// The CSV file of the table for these filters, and its name (which says the period).
pub async fn csv_file<C: ConnectionTrait>(
    db: &C,
    f: &StatsFilters,
    now: DateTime<Utc>,
) -> AppResult<(String, Vec<u8>)> {
    let options = Options::load(db, now).await?;
    let resolved = options.resolve(f, now).map_err(AppError::Invalid)?;
    let stats = service::statistics(db, &resolved.scope, now).await?;
    let (rows, _) = sorted_rows(&stats, f);
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let write = |out: &mut csv::Writer<Vec<u8>>, cells: Vec<String>| {
        out.write_record(cells).map_err(|e| {
            tracing::error!(error = %e, "statistics CSV");
            AppError::Internal
        })
    };
    write(
        &mut out,
        COLUMNS.iter().map(|c| c.label.to_owned()).collect(),
    )?;
    let total = overall(&stats);
    for t in rows.into_iter().chain([&total]) {
        write(
            &mut out,
            COLUMNS.iter().map(|c| (c.figure)(t).csv()).collect(),
        )?;
    }
    let bytes = out.into_inner().map_err(|_| AppError::Internal)?;
    let name = format!(
        "cassiopee-statistiques-du-{}-au-{}.csv",
        resolved.scope.from, resolved.scope.to
    );
    Ok((name, bytes))
}

/// What the form offers, read once per request.
struct Options {
    themes: Vec<String>,
    trainings: Vec<Choice>,
    quarters: Vec<Choice>,
    years: Vec<Choice>,
}

impl Options {
    async fn load<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<Options> {
        let rows: Vec<(i32, String, String)> = training::Entity::find()
            .select_only()
            .column(training::Column::Id)
            .column(training::Column::Title)
            .column(training::Column::Theme)
            .order_by_asc(training::Column::Title)
            .into_tuple()
            .all(db)
            .await?;
        let mut themes: Vec<String> = rows.iter().map(|(_, _, theme)| theme.clone()).collect();
        themes.sort();
        themes.dedup();
        let trainings = rows
            .into_iter()
            .map(|(id, title, _)| Choice {
                value: id.to_string(),
                label: title,
            })
            .collect();
        let first: Option<DateTime<Utc>> = session::Entity::find()
            .select_only()
            .column(session::Column::StartsAt)
            .order_by_asc(session::Column::StartsAt)
            .into_tuple()
            .one(db)
            .await?;
        let today = crate::dates::paris_date(now);
        let first_year = first.map_or(today.year(), |d| crate::dates::paris_date(d).year());
        let (quarters, years) = filters::period_choices(first_year, today);
        Ok(Options {
            themes,
            trainings,
            quarters,
            years,
        })
    }

    fn resolve(
        &self,
        f: &StatsFilters,
        now: DateTime<Utc>,
    ) -> Result<Resolved, crate::error::FormErrors> {
        let today = crate::dates::paris_date(now);
        filters::resolve(f, today, &self.themes, &self.trainings)
    }

    fn training_title(&self, id: i32) -> Option<&str> {
        let id = id.to_string();
        self.trainings
            .iter()
            .find(|c| c.value == id)
            .map(|c| c.label.as_str())
    }
}

fn form_values(f: &StatsFilters) -> Vec<(String, String)> {
    let fields = [
        ("periode", &f.periode),
        ("mois", &f.mois),
        ("trimestre", &f.trimestre),
        ("annee", &f.annee),
        ("du", &f.du),
        ("au", &f.au),
        ("theme", &f.theme),
        ("formation", &f.formation),
    ];
    fields
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone().unwrap_or_default()))
        .collect()
}

/// The filters as a query string, with another sort when given.
fn query(f: &StatsFilters, sort: Option<(&str, &str)>) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_values(f) {
        if !v.is_empty() {
            q.append_pair(&k, &v);
        }
    }
    let (tri, ordre) = match sort {
        Some((key, order)) => (Some(key), Some(order)),
        None => (f.tri.as_deref(), f.ordre.as_deref()),
    };
    if let (Some(tri), Some(ordre)) = (tri, ordre) {
        q.append_pair("tri", tri).append_pair("ordre", ordre);
    }
    q.finish()
}

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

fn table(stats: &Statistics, f: &StatsFilters) -> Table {
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

fn report(
    resolved: &Resolved,
    stats: &Statistics,
    f: &StatsFilters,
    options: &Options,
    now: DateTime<Utc>,
) -> Report {
    let mut title = resolved.period.clone();
    if let Some(theme) = &resolved.scope.theme {
        title.push_str(&format!(" — thème « {theme} »"));
    }
    if let Some(name) = resolved
        .scope
        .training_id
        .and_then(|id| options.training_title(id))
    {
        title.push_str(&format!(" — formation « {name} »"));
    }
    let t = &stats.totals;
    let mut report = Report {
        title,
        notes: notes(t, resolved.scope.to > crate::dates::paris_date(now)),
        export_href: format!("/gestion/statistiques/export.csv?{}", query(f, None)),
        ..Report::default()
    };
    if t.sessions == 0 {
        report.empty = Some(
            "Aucune session ne s'est tenue sur cette période avec ces filtres : il n'y a pas de \
             chiffre à calculer. Choisissez une autre période, un autre thème ou une autre \
             formation."
                .to_owned(),
        );
        return report;
    }
    report.headlines = headlines(t, &stats.previous);
    report.charts = charts::all(stats);
    report.table = table(stats, f);
    report
}

/// The dashboard's trends: this year's fill rate, empty-seat cost and no-show rate so far, each
/// against the same date last year, and the link to the year's statistics.
pub async fn year_to_date<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> AppResult<(Vec<Headline>, String)> {
    let today = crate::dates::paris_date(now);
    let scope = super::Scope {
        from: today.with_ordinal(1).unwrap_or(today),
        to: today,
        theme: None,
        training_id: None,
    };
    let stats = service::statistics(db, &scope, now).await?;
    let wanted = ["Taux de remplissage", "Coût des places vides", "No-show"];
    let mut lines: Vec<Headline> = headlines(&stats.totals, &stats.previous)
        .into_iter()
        .filter(|h| wanted.contains(&h.label.as_str()))
        .collect();
    let last_year = crate::dates::date(
        today
            .checked_sub_months(chrono::Months::new(12))
            .unwrap_or(today),
    );
    let same_day = last_year
        .split_once(' ')
        .map_or(last_year.as_str(), |(_, d)| d);
    for h in &mut lines {
        if stats.totals.sessions == 0 {
            h.value = "—".to_owned();
            h.detail = Some("Aucune session tenue cette année".to_owned());
        }
        h.previous = h
            .previous
            .replacen("Il y a un an", &format!("Au {same_day}"), 1);
    }
    let href = format!("/gestion/statistiques?periode=annee&annee={}", today.year());
    Ok((lines, href))
}

fn notes(t: &Totals, reaches_future: bool) -> Vec<String> {
    let mut notes = Vec::new();
    let plural = |n: i64| if n > 1 { "s" } else { "" };
    if t.cancelled > 0 {
        let n = t.cancelled;
        notes.push(format!(
            "{n} session{s} annulée{s} sur la période : comptée{s} à part, dans aucun taux ni coût.",
            s = plural(n)
        ));
    }
    let unmarked = t.sessions - t.attendance_sessions;
    if unmarked > 0 {
        notes.push(format!(
            "{unmarked} session{s} sans présence saisie : hors taux de présence et no-show.",
            s = plural(unmarked)
        ));
    }
    if t.uncosted_sessions > 0 {
        let n = t.uncosted_sessions;
        notes.push(format!(
            "{n} session{s} sans coût connu ou sans aucun présent : hors coût par participant \
             et coût des places vides.",
            s = plural(n)
        ));
    }
    if reaches_future {
        notes.push("Les sessions qui n'ont pas encore commencé ne sont pas comptées.".to_owned());
    }
    notes
}

/// How a figure moved in a year: points for rates, percent for money, plain for the rest.
fn change(now: &Figure, before: &Figure) -> String {
    // No sign on a change that rounds to nothing: « (0,0 pts) », never « (−0,0 pts) ».
    let sign = |x: f64| match x {
        x if x >= 0.05 => "+",
        x if x <= -0.05 => "−",
        _ => "",
    };
    match (now, before) {
        (Figure::Rate(Some(a)), Figure::Rate(Some(b))) => {
            let d = (a - b) * 100.0;
            format!(" ({}{} pts)", sign(d), decimal(d.abs(), 1))
        }
        (Figure::Money(Some(a)), Figure::Money(Some(b))) if *b != 0.0 => {
            let d = (a - b) / b * 100.0;
            format!(" ({}{}\u{a0}%)", sign(d), decimal(d.abs(), 1))
        }
        (Figure::Mark(Some(a)), Figure::Mark(Some(b))) => {
            let d = a - b;
            format!(" ({}{})", sign(d), decimal(d.abs(), 1))
        }
        (Figure::Count(a), Figure::Count(b)) => {
            let d = (a - b) as f64;
            format!(" ({}{})", sign(d), d.abs())
        }
        _ => String::new(),
    }
}

fn headlines(t: &Totals, p: &Totals) -> Vec<Headline> {
    let line = |label: &str, f: fn(&Totals) -> Figure, detail: Option<String>| {
        let (now, before) = (f(t), f(p));
        let previous = if p.sessions == 0 {
            "Il y a un an : aucune session tenue".to_owned()
        } else {
            format!(
                "Il y a un an : {}{}",
                before.display(),
                change(&now, &before)
            )
        };
        let value = match &now {
            Figure::Mark(Some(_)) => format!("{} / 5", now.display()),
            _ => now.display(),
        };
        Headline {
            label: label.to_owned(),
            value,
            detail,
            previous,
        }
    };
    let answers: i64 = t.overall.iter().sum();
    let marks = |x: Option<f64>| x.map_or("—".to_owned(), |m| format!("{} / 5", decimal(m, 1)));
    vec![
        line(
            "Taux de remplissage",
            |t| Figure::Rate(t.fill_rate()),
            Some(format!(
                "{} places occupées sur {}",
                t.seats_held, t.capacity
            )),
        ),
        line(
            "Taux de présence",
            |t| Figure::Rate(t.presence_rate()),
            Some(format!("{} présents", t.present)),
        ),
        line(
            "No-show",
            |t| Figure::Rate(t.no_show_rate()),
            Some(format!("{} absents non excusés", t.absent)),
        ),
        line(
            "Coût par participant",
            |t| Figure::Money(t.cost_per_participant()),
            Some(format!("{} dépensés", euros(t.cost_cents))),
        ),
        line(
            "Coût des places vides",
            |t| Figure::Money(Some(t.empty_seat_cost_cents as f64)),
            None,
        ),
        line(
            "Désistements tardifs",
            |t| Figure::Count(t.late_withdrawals),
            t.late_rate()
                .map(|r| format!("soit {} des places confirmées", percent(r))),
        ),
        line(
            "Satisfaction",
            |t| Figure::Mark(t.satisfaction()),
            Some(format!("{answers} avis")),
        ),
        line("Utilité", |t| Figure::Mark(t.usefulness_mean()), None),
        line(
            "Pertinence",
            |t| Figure::Rate(t.relevance()),
            Some(format!(
                "des présents avaient la formation à leur programme ; utilité {} pour eux, {} \
                 pour les autres",
                marks(t.relevant_usefulness()),
                marks(t.other_usefulness())
            )),
        ),
        line(
            "Places récupérées",
            |t| Figure::Count(t.recovered),
            Some(format!(
                "libérées puis reprises avant le début, soit {}",
                euros(t.recovered_value_cents)
            )),
        ),
    ]
}

#[cfg(test)]
mod tests;
