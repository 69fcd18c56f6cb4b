//! The statistics page and its CSV export, built from one [`Statistics`]: the headline figures
//! beside the same period a year earlier, the notes on what the figures leave out, the charts,
//! and the trainings' table — the CSV holds exactly that table's rows and columns.

mod table;

use super::filters::{self, PERIODS, Resolved};
use super::{Headline, Report, Statistics, StatsFilters, StatsPage, Totals, charts, service};
use crate::entities::{session, training};
use crate::error::{AppError, AppResult};
use crate::format::{decimal, euros, percent};
use crate::model::Choice;
use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};
use table::Figure;

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
        sort: f.tri.clone().zip(f.ordre.clone()),
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
    let name = format!(
        "cassiopee-statistiques-du-{}-au-{}.csv",
        resolved.scope.from, resolved.scope.to
    );
    Ok((name, table::csv(&stats, f)?))
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
    let today = crate::dates::paris_date(now);
    let mut report = Report {
        title,
        notes: notes(t, resolved.scope.to > today),
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
    report.headlines = headlines(t, &stats.previous, &earlier(&resolved.scope, today));
    report.charts = charts::all(stats);
    report.export_href = format!("/gestion/statistiques/export.csv?{}", query(f, None));
    report.table = table::table(stats, f);
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
    let mut lines: Vec<Headline> =
        headlines(&stats.totals, &stats.previous, &earlier(&scope, today))
            .into_iter()
            .filter(|h| wanted.contains(&h.label.as_str()))
            .collect();
    if stats.totals.sessions == 0 {
        for h in &mut lines {
            h.value = "—".to_owned();
            h.detail = Some("Aucune session tenue cette année".to_owned());
        }
    }
    let href = format!("/gestion/statistiques?periode=annee&annee={}", today.year());
    Ok((lines, href))
}

/// How the figures of the year before are introduced: the same period, or, for a period still
/// under way, the same days up to today's date a year earlier.
fn earlier(scope: &super::Scope, today: chrono::NaiveDate) -> String {
    if scope.to < today {
        return "Il y a un an".to_owned();
    }
    let same_day = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today);
    format!(
        "À la même date l'an dernier ({})",
        crate::dates::day_month_year(same_day)
    )
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

fn headlines(t: &Totals, p: &Totals, earlier: &str) -> Vec<Headline> {
    let line = |label: &str, f: fn(&Totals) -> Figure, detail: Option<String>| {
        let (now, before) = (f(t), f(p));
        let previous = if p.sessions == 0 {
            format!("{earlier} : aucune session tenue")
        } else {
            format!("{earlier} : {}{}", before.display(), change(&now, &before))
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
            Some(format!(
                "coût total des sessions chiffrées : {}",
                euros(t.cost_cents)
            )),
        ),
        line(
            "Coût des places vides",
            |t| Figure::Money(t.empty_seat_cost()),
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
            Some(match t.recovered_value() {
                Some(value) => format!(
                    "libérées puis reprises avant le début, soit {}",
                    euros(value as i64)
                ),
                None => "libérées puis reprises avant le début".to_owned(),
            }),
        ),
    ]
}

#[cfg(test)]
mod tests;
