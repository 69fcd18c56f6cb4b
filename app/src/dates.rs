//! Dates as the French reader expects them, in Europe/Paris time (product §1). Formatting is done
//! on the server only: the browser receives ready-made text, which keeps time-zone data out of
//! the wasm bundle and server and client renders identical.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::{Europe::Paris, Tz};

const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

pub fn paris(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&Paris)
}

/// « lundi 12 janvier 2027 »
pub fn day(at: DateTime<Utc>) -> String {
    let p = paris(at);
    format!(
        "{} {} {} {}",
        WEEKDAYS[p.weekday().num_days_from_monday() as usize],
        day_number(p.day()),
        MONTHS[p.month0() as usize],
        p.year()
    )
}

/// « 9 h 00 »
pub fn time(at: DateTime<Utc>) -> String {
    let p = paris(at);
    format!("{} h {:02}", p.hour(), p.minute())
}

/// « lundi 12 janvier 2027 à 9 h 00 »
pub fn day_time(at: DateTime<Utc>) -> String {
    format!("{} à {}", day(at), time(at))
}

/// The span of a session: « lundi 12 janvier 2027, 9 h 00 – 17 h 30 » on one day, or
/// « du lundi 12 janvier 2027, 9 h 00 au mercredi 14 janvier 2027, 17 h 30 ».
pub fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    if paris(start).date_naive() == paris(end).date_naive() {
        format!("{}, {} – {}", day(start), time(start), time(end))
    } else {
        format!(
            "du {}, {} au {}, {}",
            day(start),
            time(start),
            day(end),
            time(end)
        )
    }
}

/// « janvier 2027 », for grouping and month filters.
pub fn month_label(year: i32, month: u32) -> String {
    format!("{} {}", MONTHS[(month - 1) as usize], year)
}

/// « Janvier 2027 », for a heading or a period's title.
pub fn month_title(year: i32, month: u32) -> String {
    let label = month_label(year, month);
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// « 1er mars 2026 »: a calendar day without its weekday.
pub fn day_month_year(d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        day_number(d.day()),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// `YYYY-MM` of the Paris date, the value of the catalogue's month filter.
pub fn month_code(at: DateTime<Utc>) -> String {
    let p = paris(at);
    format!("{:04}-{:02}", p.year(), p.month())
}

/// The first day of a `YYYY-MM` month, for years 2000 to 2100 (the years a session may have).
pub fn month_start(code: &str) -> Option<NaiveDate> {
    let (year, month) = code.split_once('-')?;
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|c| c.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, 1).filter(|_| (2000..=2100).contains(&year))
}

/// The instants a `YYYY-MM` Paris month starts and ends (exclusive): what `month_code` calls that
/// month, as bounds a query can use.
pub fn month_bounds(code: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = month_start(code)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let midnight = NaiveTime::MIN;
    Some((from_paris(first, midnight)?, from_paris(next, midnight)?))
}

/// The instant of a Paris wall-clock time; `None` for a time skipped by the spring change. An
/// hour repeated in autumn is taken at its first occurrence.
pub fn from_paris(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    Paris
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// 23:59 Paris time on that day: a deadline given as a date lasts the whole day.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let last = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default();
    from_paris(date, last).unwrap_or_else(|| date.and_time(last).and_utc())
}

/// The Paris date and time of an instant, as date and time inputs expect them.
pub fn input_date(at: DateTime<Utc>) -> String {
    paris(at).format("%Y-%m-%d").to_string()
}

pub fn input_time(at: DateTime<Utc>) -> String {
    paris(at).format("%H:%M").to_string()
}

/// A calendar day: « mercredi 30 juin 2027 ».
pub fn date(d: NaiveDate) -> String {
    day(end_of_day(d))
}

/// The Paris calendar day of an instant.
pub fn paris_date(at: DateTime<Utc>) -> NaiveDate {
    paris(at).date_naive()
}

fn day_number(d: u32) -> String {
    if d == 1 {
        "1er".to_owned()
    } else {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn french_paris_formats() {
        // 08:00 UTC in January is 09:00 in Paris (CET).
        let start = Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2027, 1, 12, 16, 30, 0).unwrap();
        assert_eq!(span(start, end), "mardi 12 janvier 2027, 9 h 00 – 17 h 30");
        // Summer time: 07:00 UTC is 09:00 in Paris (CEST).
        let s = Utc.with_ymd_and_hms(2027, 7, 1, 7, 0, 0).unwrap();
        let e = Utc.with_ymd_and_hms(2027, 7, 2, 15, 0, 0).unwrap();
        assert_eq!(
            span(s, e),
            "du jeudi 1er juillet 2027, 9 h 00 au vendredi 2 juillet 2027, 17 h 00"
        );
        assert_eq!(month_code(s), "2027-07");
        assert_eq!(month_label(2027, 8), "août 2027");
    }

    #[test]
    fn a_month_is_bounded_by_paris_midnights() {
        // July 2027 runs from 22:00 UTC on 30 June to 22:00 UTC on 31 July (summer time).
        let (start, end) = month_bounds("2027-07").unwrap();
        assert_eq!(start, Utc.with_ymd_and_hms(2027, 6, 30, 22, 0, 0).unwrap());
        assert_eq!(end, Utc.with_ymd_and_hms(2027, 7, 31, 22, 0, 0).unwrap());
        assert_eq!(month_code(end - chrono::Duration::seconds(1)), "2027-07");
        assert_eq!(month_code(end), "2027-08");
        // March changes from winter to summer time; December runs into the next year.
        let (start, end) = month_bounds("2027-03").unwrap();
        assert_eq!(start, Utc.with_ymd_and_hms(2027, 2, 28, 23, 0, 0).unwrap());
        assert_eq!(end, Utc.with_ymd_and_hms(2027, 3, 31, 22, 0, 0).unwrap());
        let (_, end) = month_bounds("2027-12").unwrap();
        assert_eq!(end, Utc.with_ymd_and_hms(2027, 12, 31, 23, 0, 0).unwrap());
        for bad in [
            "2027-13", "2027-00", "27-07", "juillet", "", "1999-01", "2027-7x",
        ] {
            assert_eq!(month_bounds(bad), None, "{bad}");
        }
    }
}
