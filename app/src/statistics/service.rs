//! The figures of product §6, summed by the database.
//!
//! Three statements per scope, each returning at most a few rows per session (never one row per
//! enrolment), whatever the number of places behind them:
//! 1. [`SESSIONS`]: one row per session of the scope (held or cancelled) with its training, its
//!    cost inputs and the counts of its places by status, its withdrawals before the start and
//!    the seats confirmed after the first of them (for « Places récupérées »);
//! 2. [`FEEDBACK`]: the number of answers per (session, overall mark, utilité mark);
//! 3. [`PERTINENCE`]: per session, its présents, those whose programme holds the training, and
//!    the utilité marks of both groups.
//!
//! The rows become one [`Totals`] per session here (costs need the session's own présents and
//! capacity), then are added up into the period, its months and its trainings. The same three
//! statements run for the scope a year earlier: six statements in all.
//!
//! The SQL is written once for SQLite and PostgreSQL: `?` placeholders (numbered `$n` for
//! PostgreSQL), every aggregate cast to `BIGINT` (read as `i64`), dates compared as bound
//! `DateTime<Utc>` values like SeaORM's own filters do.

use super::{MonthTotals, Scope, Statistics, Totals, TrainingTotals};
use crate::model::EnrolmentStatus;
use crate::{
    dates,
    error::{AppError, AppResult},
};
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, Utc};
use sea_orm::{ActiveEnum, ConnectionTrait, DbBackend, QueryResult, Statement, TryGetable, Value};
use std::collections::HashMap;

/// The statuses of a seat held at the start (product §6: confirmed at start), as the SQL list
/// of their stored values.
fn held() -> String {
    sql_list(&crate::records::place::SEAT_HOLDING)
}

/// The statuses of a place given up, on time or late.
fn withdrawn() -> String {
    sql_list(&[
        EnrolmentStatus::Desinscrit,
        EnrolmentStatus::DesistementTardif,
    ])
}

/// `'a', 'b'`: the stored values of these statuses (plain ASCII words, nothing to escape).
fn sql_list(statuses: &[EnrolmentStatus]) -> String {
    let quoted: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.to_value()))
        .collect();
    quoted.join(", ")
}

/// One row per session of the scope. `withdrawals` counts the seats given up before the start
/// (`confirmed_at` set: a waitlisted officer who leaves the list frees no seat);
/// `confirmed_after` counts the seats held at the start whose confirmation came after the first
/// of those withdrawals, found once per session by the derived table `fw` (a correlated
/// subquery per session made PostgreSQL estimate the statement dear enough to compile it, which
/// cost more than running it). `{held}`, `{withdrawn}` and `{scope}` are filled in by
/// [`session_figures`].
const SESSIONS: &str = "\
SELECT s.id AS session_id, s.training_id AS training_id, t.title AS title, t.theme AS theme,
  s.starts_at AS starts_at, s.capacity AS capacity, s.status AS status,
  s.actual_cost_cents AS actual_cost_cents, t.fixed_cost_cents AS fixed_cost_cents,
  t.seat_cost_cents AS seat_cost_cents,
  CAST(SUM(CASE WHEN e.status IN ({held}) THEN 1 ELSE 0 END) AS BIGINT) AS seats_held,
  CAST(SUM(CASE WHEN e.status = 'present' THEN 1 ELSE 0 END) AS BIGINT) AS present,
  CAST(SUM(CASE WHEN e.status = 'absent' THEN 1 ELSE 0 END) AS BIGINT) AS absent,
  CAST(SUM(CASE WHEN e.status = 'excuse' THEN 1 ELSE 0 END) AS BIGINT) AS excused,
  CAST(SUM(CASE WHEN e.status = 'desistement_tardif' THEN 1 ELSE 0 END) AS BIGINT) AS late,
  CAST(SUM(CASE WHEN e.status IN ({withdrawn}) AND e.confirmed_at IS NOT NULL
    AND e.cancelled_at < s.starts_at THEN 1 ELSE 0 END) AS BIGINT) AS withdrawals,
  CAST(SUM(CASE WHEN e.status IN ({held}) AND e.confirmed_at > fw.first_at
    AND e.confirmed_at < s.starts_at THEN 1 ELSE 0 END) AS BIGINT) AS confirmed_after
FROM sessions s
JOIN trainings t ON t.id = s.training_id
LEFT JOIN (
  SELECT w.session_id AS session_id, MIN(w.cancelled_at) AS first_at
  FROM enrolments w
  JOIN sessions ws ON ws.id = w.session_id
  WHERE w.status IN ({withdrawn}) AND w.confirmed_at IS NOT NULL
    AND w.cancelled_at < ws.starts_at
  GROUP BY w.session_id
) fw ON fw.session_id = s.id
LEFT JOIN enrolments e ON e.session_id = s.id
WHERE {scope}
GROUP BY s.id, s.training_id, t.title, t.theme, s.starts_at, s.capacity, s.status,
  s.actual_cost_cents, t.fixed_cost_cents, t.seat_cost_cents";

/// Answers per session and pair of marks (at most 25 rows per session).
const FEEDBACK: &str = "\
SELECT f.session_id AS session_id, CAST(f.overall_rating AS BIGINT) AS overall,
  CAST(f.usefulness_rating AS BIGINT) AS usefulness, CAST(COUNT(*) AS BIGINT) AS answers
FROM feedback f
JOIN sessions s ON s.id = f.session_id
JOIN trainings t ON t.id = s.training_id
WHERE {scope}
GROUP BY f.session_id, f.overall_rating, f.usefulness_rating";

/// Per session: présents, those whose programme holds the session's training (`relevant`: an
/// officer has one programme and a training appears in it once, so the joins keep one row per
/// présent), and the sums and counts of the utilité marks of the relevant présents and of the
/// others (a présent without an answer has a null mark: it counts in neither count, and as 0 in
/// the sums, which would otherwise be null when no présent of a group answered).
const PERTINENCE: &str = "\
SELECT p.session_id AS session_id, CAST(COUNT(*) AS BIGINT) AS present_all,
  CAST(SUM(p.relevant) AS BIGINT) AS relevant,
  CAST(SUM(CASE WHEN p.relevant = 1 THEN COALESCE(p.mark, 0) ELSE 0 END) AS BIGINT)
    AS relevant_sum,
  CAST(SUM(CASE WHEN p.relevant = 1 AND p.mark IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT)
    AS relevant_count,
  CAST(SUM(CASE WHEN p.relevant = 0 THEN COALESCE(p.mark, 0) ELSE 0 END) AS BIGINT)
    AS other_sum,
  CAST(SUM(CASE WHEN p.relevant = 0 AND p.mark IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT)
    AS other_count
FROM (
  SELECT e.session_id AS session_id, f.usefulness_rating AS mark,
    CASE WHEN i.id IS NULL THEN 0 ELSE 1 END AS relevant
  FROM enrolments e
  JOIN sessions s ON s.id = e.session_id
  JOIN trainings t ON t.id = s.training_id
  LEFT JOIN programmes g ON g.officer_id = e.officer_id
  LEFT JOIN programme_items i ON i.programme_id = g.id AND i.training_id = s.training_id
  LEFT JOIN feedback f ON f.session_id = e.session_id AND f.officer_id = e.officer_id
  WHERE e.status = 'present' AND {scope}
) p
GROUP BY p.session_id";

/// The statistics of a scope, with its months, its trainings and the same scope a year earlier.
pub async fn statistics<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    now: DateTime<Utc>,
) -> AppResult<Statistics> {
    // The year before, over the same days: a period still under way (this year, this month)
    // is compared with its days so far a year earlier, not with the whole period; the last day
    // is moved from the day after, so that a February ends on the 29th when there is one.
    let year_earlier = |d: NaiveDate| d.checked_sub_months(Months::new(12));
    let last = scope.to.min(dates::paris_date(now));
    let previous_scope = Scope {
        from: year_earlier(scope.from).ok_or(AppError::Internal)?,
        to: last
            .succ_opt()
            .and_then(year_earlier)
            .and_then(|d| d.pred_opt())
            .ok_or(AppError::Internal)?,
        ..scope.clone()
    };
    let mut previous = Totals::default();
    for s in session_figures(db, &previous_scope, now).await? {
        previous.add(&s.totals);
    }

    let mut totals = Totals::default();
    let first_month = month_index(scope.from);
    let mut months: Vec<MonthTotals> = (first_month..=month_index(scope.to))
        .map(|m| MonthTotals {
            year: m.div_euclid(12),
            month: m.rem_euclid(12) as u32 + 1,
            totals: Totals::default(),
        })
        .collect();
    let mut trainings: HashMap<i32, TrainingTotals> = HashMap::new();
    for s in session_figures(db, scope, now).await? {
        totals.add(&s.totals);
        // The session starts on a Paris date of the scope, hence in one of its months.
        let month = month_index(dates::paris_date(s.starts_at)) - first_month;
        if let Some(m) = usize::try_from(month).ok().and_then(|i| months.get_mut(i)) {
            m.totals.add(&s.totals);
        }
        trainings
            .entry(s.training_id)
            .or_insert_with(|| TrainingTotals {
                training_id: s.training_id,
                title: s.title,
                theme: s.theme,
                totals: Totals::default(),
            })
            .totals
            .add(&s.totals);
    }
    let mut trainings: Vec<TrainingTotals> = trainings.into_values().collect();
    trainings.sort_by(|a, b| (&a.title, a.training_id).cmp(&(&b.title, b.training_id)));

    Ok(Statistics {
        scope: scope.clone(),
        totals,
        previous,
        months,
        trainings,
    })
}

/// A session of the scope and its own figures.
struct SessionFigures {
    training_id: i32,
    title: String,
    theme: String,
    starts_at: DateTime<Utc>,
    totals: Totals,
}

/// Runs the three statements for one scope and returns one entry per session (held or
/// cancelled), in no particular order.
async fn session_figures<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    now: DateTime<Utc>,
) -> AppResult<Vec<SessionFigures>> {
    let sql = SESSIONS
        .replace("{held}", &held())
        .replace("{withdrawn}", &withdrawn());
    let mut by_id = HashMap::new();
    for row in query(db, &sql, scope, now, false).await? {
        by_id.insert(get::<i32>(&row, "session_id")?, session_row(&row)?);
    }

    // Feedback and pertinence: sessions held only (a cancelled one has neither anyway).
    for row in query(db, FEEDBACK, scope, now, true).await? {
        let Some(s) = by_id.get_mut(&get::<i32>(&row, "session_id")?) else {
            continue;
        };
        let answers = get::<i64>(&row, "answers")?;
        for (marks, col) in [
            (&mut s.totals.overall, "overall"),
            (&mut s.totals.usefulness, "usefulness"),
        ] {
            // Marks are 1 to 5 (a CHECK constraint); anything else is ignored.
            let slot = usize::try_from(get::<i64>(&row, col)? - 1).ok();
            if let Some(n) = slot.and_then(|i| marks.get_mut(i)) {
                *n += answers;
            }
        }
    }
    for row in query(db, PERTINENCE, scope, now, true).await? {
        let Some(s) = by_id.get_mut(&get::<i32>(&row, "session_id")?) else {
            continue;
        };
        let t = &mut s.totals;
        t.present_all = get(&row, "present_all")?;
        t.relevant_present = get(&row, "relevant")?;
        t.relevant_usefulness_sum = get(&row, "relevant_sum")?;
        t.relevant_usefulness_count = get(&row, "relevant_count")?;
        t.other_usefulness_sum = get(&row, "other_sum")?;
        t.other_usefulness_count = get(&row, "other_count")?;
    }
    Ok(by_id.into_values().collect())
}

/// A row of [`SESSIONS`] as the session's figures (all but feedback and pertinence), by the
/// definitions of `super`.
fn session_row(row: &QueryResult) -> AppResult<SessionFigures> {
    let mut t = Totals::default();
    let status: String = get(row, "status")?;
    if status == "annulee" {
        // Counted apart, in no rate.
        t.cancelled = 1;
    } else {
        let capacity = i64::from(get::<i32>(row, "capacity")?);
        let seats_held: i64 = get(row, "seats_held")?;
        let present: i64 = get(row, "present")?;
        let absent: i64 = get(row, "absent")?;
        let excused: i64 = get(row, "excused")?;
        let late: i64 = get(row, "late")?;
        t.sessions = 1;
        t.capacity = capacity;
        t.seats_held = seats_held;
        t.late_withdrawals = late;
        if present + absent + excused > 0 {
            // Attendance taken: at least one mark.
            t.attendance_sessions = 1;
            t.attendance_seats = seats_held;
            t.present = present;
            t.absent = absent;
            t.excused = excused;
        }

        // The actual cost, else the training's model (providers bill the late withdrawals).
        let fixed: Option<i64> = get(row, "fixed_cost_cents")?;
        let seat: Option<i64> = get(row, "seat_cost_cents")?;
        let cost = get::<Option<i64>>(row, "actual_cost_cents")?.or_else(|| {
            (fixed.is_some() || seat.is_some())
                .then(|| fixed.unwrap_or(0) + seat.unwrap_or(0) * (seats_held + late))
        });
        match cost {
            Some(cost) if present > 0 && capacity > 0 => {
                t.costed_sessions = 1;
                t.cost_cents = cost;
                t.costed_present = present;
                t.empty_seat_cost_cents = mul_div(cost, (capacity - present).max(0), capacity);
            }
            _ => t.uncosted_sessions = 1,
        }

        // Places récupérées, each worth cost ÷ capacity when the cost is known: seats given up
        // before the start and confirmed again to someone else, as far as the session needed
        // them (a seat given up in a session that never filled was not recovered by anyone).
        let withdrawals: i64 = get(row, "withdrawals")?;
        let needed = (seats_held + withdrawals - capacity).max(0);
        t.recovered = withdrawals.min(get(row, "confirmed_after")?).min(needed);
        if let Some(cost) = cost.filter(|_| capacity > 0) {
            t.recovered_value_cents = mul_div(t.recovered, cost, capacity);
        }
    }
    Ok(SessionFigures {
        training_id: get(row, "training_id")?,
        title: get(row, "title")?,
        theme: get(row, "theme")?,
        starts_at: get(row, "starts_at")?,
        totals: t,
    })
}

/// Runs one statement over the sessions of `scope` (not drafts, started by `now`, and held
/// only when `held_only`): `{scope}` in `sql` becomes the condition, with its bound values.
async fn query<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    scope: &Scope,
    now: DateTime<Utc>,
    held_only: bool,
) -> AppResult<Vec<QueryResult>> {
    // Sessions starting from the first Paris midnight of the period to the one after it.
    let midnight = |d: NaiveDate| dates::from_paris(d, NaiveTime::MIN);
    let start = midnight(scope.from).ok_or(AppError::Internal)?;
    let end = scope
        .to
        .succ_opt()
        .and_then(midnight)
        .ok_or(AppError::Internal)?;
    // Drafts left out by listing the other statuses: the (status, starts_at) index then serves
    // the period.
    let mut cond = String::from(
        "s.starts_at >= ? AND s.starts_at < ? AND s.starts_at <= ? \
         AND s.status IN ('publiee', 'terminee', 'annulee')",
    );
    let mut values: Vec<Value> = vec![start.into(), end.into(), now.into()];
    if held_only {
        cond.push_str(" AND s.status <> 'annulee'");
    }
    if let Some(theme) = &scope.theme {
        cond.push_str(" AND t.theme = ?");
        values.push(theme.clone().into());
    }
    if let Some(id) = scope.training_id {
        cond.push_str(" AND s.training_id = ?");
        values.push(id.into());
    }
    let sql = sql.replace("{scope}", &cond);
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => numbered(&sql),
        _ => sql,
    };
    Ok(db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?)
}

/// `?` placeholders as PostgreSQL's `$1, $2…` (the statements hold no `?` in a literal).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

fn get<T: TryGetable>(row: &QueryResult, col: &str) -> AppResult<T> {
    Ok(row.try_get("", col)?)
}

/// a × b ÷ den rounded to the nearest integer (halves up), without overflow; `den` > 0.
fn mul_div(a: i64, b: i64, den: i64) -> i64 {
    let (num, den) = (i128::from(a) * i128::from(b), i128::from(den));
    i64::try_from((2 * num + den).div_euclid(2 * den)).unwrap_or(i64::MAX)
}

/// Months counted from year 0, to walk and index the months of a scope.
fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            numbered("a = ? AND b IN (?, ?)"),
            "a = $1 AND b IN ($2, $3)"
        );
    }

    #[test]
    fn rounding_to_the_nearest_cent() {
        assert_eq!(mul_div(1000, 1, 3), 333);
        assert_eq!(mul_div(1000, 2, 3), 667);
        assert_eq!(mul_div(5, 1, 2), 3);
        assert_eq!(mul_div(0, 4, 7), 0);
    }
}
