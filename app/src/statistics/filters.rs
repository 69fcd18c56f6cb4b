//! The statistics' filters as a GET form sends them: the period (the last 12 months by
//! default, a month, a quarter, a year or chosen dates), the theme and the training, each
//! checked with a French message next to its field.

use super::{Scope, StatsFilters};
use crate::{checks::Check, dates, error::FormErrors, model::Choice};
use chrono::{Datelike, Months, NaiveDate};

/// The longest custom period: enough for every history, short of a typing slip (« 1926 »).
pub const MAX_YEARS: i32 = 10;

/// The period choices, in the order of the select.
pub const PERIODS: [(&str, &str); 5] = [
    ("12-mois", "Les 12 derniers mois"),
    ("mois", "Un mois"),
    ("trimestre", "Un trimestre"),
    ("annee", "Une année"),
    ("dates", "Dates choisies"),
];

/// A valid choice of filters: what to compute, and how to name the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub scope: Scope,
    pub period: String,
}

/// Checks the filters against today, the themes and the trainings that exist.
pub fn resolve(
    f: &StatsFilters,
    today: NaiveDate,
    themes: &[String],
    trainings: &[Choice],
) -> Result<Resolved, FormErrors> {
    let mut check = Check::new();
    let get = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    let period = match get(&f.periode).as_str() {
        "" | "12-mois" => last_twelve_months(today),
        "mois" => month(&mut check, &get(&f.mois)),
        "trimestre" => quarter(&mut check, &get(&f.trimestre)),
        "annee" => year(&mut check, &get(&f.annee)),
        "dates" => chosen_dates(&mut check, &get(&f.du), &get(&f.au)),
        _ => {
            check.fail("periode", "Choisissez une période de la liste.");
            None
        }
    };
    let theme = Some(get(&f.theme)).filter(|t| !t.is_empty());
    if let Some(t) = &theme
        && !themes.contains(t)
    {
        check.fail(
            "theme",
            "Ce thème n'existe pas : choisissez-en un de la liste.",
        );
    }
    let training = get(&f.formation);
    let training_id = match training.as_str() {
        "" => None,
        id if trainings.iter().any(|c| c.value == id) => id.parse::<i32>().ok(),
        _ => {
            check.fail(
                "formation",
                "Cette formation n'existe pas : choisissez-en une de la liste.",
            );
            None
        }
    };
    let outcome = check.done();
    match (outcome, period) {
        (Ok(()), Some((from, to, period))) => Ok(Resolved {
            scope: Scope {
                from,
                to,
                theme,
                training_id,
            },
            period,
        }),
        (Err(crate::error::AppError::Invalid(errors)), _) => Err(errors),
        // A period that chrono cannot build although every field passed: say so on the period
        // rather than come back without a message.
        _ => {
            let mut check = Check::new();
            check.fail(
                "periode",
                "Cette période ne peut pas être calculée : choisissez-en une autre.",
            );
            Err(match check.done() {
                Err(crate::error::AppError::Invalid(errors)) => errors,
                _ => FormErrors::default(),
            })
        }
    }
}

type Period = Option<(NaiveDate, NaiveDate, String)>;

/// From the first day of the month eleven months ago to today: twelve months, this one so far.
fn last_twelve_months(today: NaiveDate) -> Period {
    let first = today.with_day(1)?.checked_sub_months(Months::new(11))?;
    let label = format!(
        "Les 12 derniers mois (de {} à aujourd'hui)",
        dates::month_label(first.year(), first.month())
    );
    Some((first, today, label))
}

fn month(check: &mut Check, raw: &str) -> Period {
    let parsed = NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").ok();
    let Some(first) = parsed.filter(|d| in_range(d.year())) else {
        let message = if raw.is_empty() {
            "Choisissez un mois."
        } else {
            "Saisissez un mois, par exemple 2026-11."
        };
        check.fail("mois", message);
        return None;
    };
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    Some((first, last, dates::month_title(first.year(), first.month())))
}

fn quarter(check: &mut Check, raw: &str) -> Period {
    let parsed = raw.split_once("-T").and_then(|(y, q)| {
        let (y, q) = (y.parse::<i32>().ok()?, q.parse::<u32>().ok()?);
        (in_range(y) && (1..=4).contains(&q)).then_some((y, q))
    });
    let Some((year, q)) = parsed else {
        check.fail("trimestre", "Choisissez un trimestre de la liste.");
        return None;
    };
    let first = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)?;
    let last = first.checked_add_months(Months::new(3))?.pred_opt()?;
    Some((first, last, quarter_label(year, q)))
}

fn year(check: &mut Check, raw: &str) -> Period {
    let Some(year) = raw.parse::<i32>().ok().filter(|y| in_range(*y)) else {
        check.fail("annee", "Choisissez une année entre 2000 et 2100.");
        return None;
    };
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31)?;
    Some((first, last, format!("Année {year}")))
}

fn chosen_dates(check: &mut Check, from: &str, to: &str) -> Period {
    let start = check.optional_date("du", from);
    let end = check.optional_date("au", to);
    if from.is_empty() {
        check.fail("du", "Indiquez le premier jour de la période.");
    }
    if to.is_empty() {
        check.fail("au", "Indiquez le dernier jour de la période.");
    }
    let (start, end) = (start?, end?);
    if end < start {
        check.fail(
            "au",
            "Le dernier jour doit suivre le premier : vérifiez l'ordre des dates.",
        );
        return None;
    }
    if start.checked_add_months(Months::new(12 * MAX_YEARS as u32))? <= end {
        check.fail(
            "au",
            format!("Choisissez une période de {MAX_YEARS} ans au plus."),
        );
        return None;
    }
    let label = format!(
        "Du {} au {}",
        dates::day_month_year(start),
        dates::day_month_year(end)
    );
    Some((start, end, label))
}

fn in_range(year: i32) -> bool {
    (2000..=2100).contains(&year)
}

/// « 4e trimestre 2026 ».
pub fn quarter_label(year: i32, q: u32) -> String {
    let nth = if q == 1 {
        "1er".to_owned()
    } else {
        format!("{q}e")
    };
    format!("{nth} trimestre {year}")
}

/// The quarters and years the selects offer: from the year of the first session to next year,
/// newest first.
pub fn period_choices(first_year: i32, today: NaiveDate) -> (Vec<Choice>, Vec<Choice>) {
    let last = today.year() + 1;
    let first = first_year.clamp(2000, last);
    let mut quarters = Vec::new();
    let mut years = Vec::new();
    for year in (first..=last).rev() {
        years.push(Choice {
            value: year.to_string(),
            label: year.to_string(),
        });
        for q in (1..=4).rev() {
            quarters.push(Choice {
                value: format!("{year}-T{q}"),
                label: quarter_label(year, q),
            });
        }
    }
    (quarters, years)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn filters(pairs: &[(&str, &str)]) -> StatsFilters {
        StatsFilters::from_lookup(|k| {
            let found = pairs.iter().find(|(key, _)| *key == k);
            found.map(|(_, v)| v.to_string())
        })
    }

    fn run(pairs: &[(&str, &str)]) -> Result<Resolved, FormErrors> {
        let trainings = vec![Choice {
            value: "7".into(),
            label: "Finance".into(),
        }];
        resolve(
            &filters(pairs),
            day(2026, 11, 30),
            &["Finance".to_owned()],
            &trainings,
        )
    }

    fn span(r: Result<Resolved, FormErrors>) -> (NaiveDate, NaiveDate, String) {
        let r = r.unwrap();
        (r.scope.from, r.scope.to, r.period)
    }

    fn refused(pairs: &[(&str, &str)], field: &str) -> String {
        let errors = run(pairs).unwrap_err();
        errors
            .message(field)
            .unwrap_or_else(|| panic!("{field} not refused: {errors:?}"))
    }

    #[test]
    fn periods() {
        assert_eq!(
            span(run(&[])),
            (
                day(2025, 12, 1),
                day(2026, 11, 30),
                "Les 12 derniers mois (de décembre 2025 à aujourd'hui)".into()
            )
        );
        assert_eq!(
            span(run(&[("periode", "mois"), ("mois", "2026-02")])),
            (day(2026, 2, 1), day(2026, 2, 28), "Février 2026".into())
        );
        assert_eq!(
            span(run(&[("periode", "trimestre"), ("trimestre", "2026-T4")])),
            (
                day(2026, 10, 1),
                day(2026, 12, 31),
                "4e trimestre 2026".into()
            )
        );
        assert_eq!(
            span(run(&[("periode", "annee"), ("annee", "2025")])),
            (day(2025, 1, 1), day(2025, 12, 31), "Année 2025".into())
        );
        assert_eq!(
            span(run(&[
                ("periode", "dates"),
                ("du", "2026-03-01"),
                ("au", "2026-03-01")
            ]))
            .0,
            day(2026, 3, 1)
        );
        let r = run(&[("theme", "Finance"), ("formation", "7")]).unwrap();
        assert_eq!(r.scope.theme.as_deref(), Some("Finance"));
        assert_eq!(r.scope.training_id, Some(7));
    }

    #[test]
    fn bad_input_is_refused_next_to_its_field() {
        let dates =
            |du: &'static str, au: &'static str| vec![("periode", "dates"), ("du", du), ("au", au)];
        assert!(refused(&dates("2026-05-01", "2026-04-01"), "au").contains("l'ordre des dates"));
        assert!(refused(&dates("2000-01-01", "2050-01-01"), "au").contains("10 ans au plus"));
        assert!(refused(&dates("1926-01-01", "2026-01-01"), "du").contains("Saisissez une date"));
        assert!(refused(&dates("2026-13-45", "2026-01-01"), "du").contains("Saisissez une date"));
        assert!(refused(&dates("", "2026-01-01"), "du").contains("premier jour"));
        assert!(refused(&[("periode", "mois"), ("mois", "2026-13")], "mois").contains("2026-11"));
        assert!(refused(&[("periode", "mois")], "mois").contains("Choisissez un mois"));
        assert!(
            refused(
                &[("periode", "trimestre"), ("trimestre", "2026-T5")],
                "trimestre"
            )
            .contains("trimestre")
        );
        assert!(
            refused(&[("periode", "annee"), ("annee", "9999")], "annee").contains("2000 et 2100")
        );
        assert!(refused(&[("periode", "siecle")], "periode").contains("liste"));
        assert!(refused(&[("theme", "<script>")], "theme").contains("thème"));
        assert!(refused(&[("formation", "8")], "formation").contains("formation"));
        assert!(refused(&[("formation", "x'; DROP TABLE")], "formation").contains("formation"));
        // Every typed value comes back with the errors.
        let errors = run(&dates("2026-05-01", "2026-04-01")).unwrap_err();
        assert_eq!(errors.value("du").as_deref(), Some("2026-05-01"));
    }

    #[test]
    fn choices_run_from_the_first_year_to_next_year() {
        let (quarters, years) = period_choices(2024, day(2026, 11, 30));
        assert_eq!(years.first().unwrap().value, "2027");
        assert_eq!(years.last().unwrap().value, "2024");
        assert_eq!(quarters.len(), 16);
        assert_eq!(quarters[0].label, "4e trimestre 2027");
        assert_eq!(quarters[15].label, "1er trimestre 2024");
    }
}
