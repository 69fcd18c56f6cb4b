//! Calendar helpers (working days, French public holidays, Paris wall-clock times, overlaps)
//! and the ASCII form of names used in the demo's email addresses.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

/// Moves a session of `days` days until all of them are working days (forward for upcoming
/// sessions so that they stay ahead, backward for past ones so that they stay behind).
pub(crate) fn fit_week(mut date: NaiveDate, days: u32, forward: bool) -> NaiveDate {
    while (0..i64::from(days)).any(|k| is_day_off(date + Duration::days(k))) {
        date += Duration::days(if forward { 1 } else { -1 });
    }
    date
}

/// The working days of `[from, to]`.
pub(super) fn working_days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| !is_day_off(*d))
        .collect()
}

/// Weekends, French public holidays, the Christmas break and the August shutdown: nobody would
/// schedule a training then.
pub(super) fn is_day_off(d: NaiveDate) -> bool {
    let (month, day) = (d.month(), d.day());
    let fixed = matches!(
        (month, day),
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
    );
    let closed =
        (month == 12 && day >= 21) || (month == 1 && day <= 2) || (month == 8 && day <= 23);
    // Easter Monday, Ascension Thursday and Whit Monday.
    let movable = easter(d.year()).is_some_and(|e| [1, 39, 50].contains(&(d - e).num_days()));
    d.weekday().num_days_from_monday() >= 5 || fixed || closed || movable
}

/// Easter Sunday of the Gregorian calendar (anonymous algorithm, Meeus/Jones/Butcher).
pub(super) fn easter(year: i32) -> Option<NaiveDate> {
    let (a, b, c) = (year % 19, year / 100, year % 100);
    let (d, e) = (b / 4, b % 4);
    let g = (b - (b + 8) / 25 + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let l = (32 + 2 * e + 2 * (c / 4) - h - c % 4) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    NaiveDate::from_ymd_opt(year, (n / 31) as u32, (n % 31 + 1) as u32)
}

/// A Paris wall-clock time as UTC. The times used here (never between 2:00 and 3:00) always
/// exist; should one not, it is read as UTC rather than failing the seed.
pub(crate) fn paris(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let naive = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN));
    Paris
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

/// Half-open intervals `[start, end)` overlap.
pub(super) fn overlap(
    a: (DateTime<Utc>, DateTime<Utc>),
    b: (DateTime<Utc>, DateTime<Utc>),
) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The ASCII, lowercase form of a name used in email addresses: « Le Gall » → « le-gall ».
pub(super) fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' => out.push('i'),
            'ô' | 'ö' => out.push('o'),
            'ù' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'œ' => out.push_str("oe"),
            ' ' | '-' => out.push('-'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}
