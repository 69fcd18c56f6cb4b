//! The statistics of product §6 (`/gestion/statistiques`): what the trainings cost, how full
//! they were, who came, what officers thought of them, and the seats the waitlist and staff
//! recovered — by period, theme and training.
//!
//! Definitions (the page repeats them under « Définitions »). A session counts in a period when
//! it starts in it (Paris dates), is not a draft and has started by now.
//! - Taux de remplissage: seats held at the start (inscrit, présent, absent, excusé) ÷ capacity,
//!   over the sessions held (not cancelled).
//! - Taux de présence and no-show: présents, and absents (not excusés), ÷ seats held at the
//!   start, over the sessions whose attendance was taken (at least one mark).
//! - Coût d'une session: its actual cost when recorded, else the training's cost model (fixed
//!   cost + cost per seat × seats held at the start and late withdrawals, which providers bill).
//! - Coût par participant: cost ÷ présents; coût des places vides: cost × (capacity − présents)
//!   ÷ capacity; both over the held sessions with a known cost and at least one présent, so a
//!   session nobody attended neither divides by zero nor counts as empty seats.
//! - Désistements tardifs: count, and rate ÷ (seats held at the start + late withdrawals).
//! - Satisfaction and utilité: mean and distribution (1 to 5) of the feedback.
//! - Pertinence: share of the présents whose programme holds the training, with the mean
//!   utilité of those présents and of the others.
//! - Places récupérées: per session, the seats given up before the start that a later
//!   confirmation (promotion, invitation or staff) took again, as far as the session needed
//!   them: min(withdrawals before the start, seats held at the start confirmed after the first
//!   of them and before the start, seats held + withdrawals − capacity); each worth cost ÷
//!   capacity.
//! - The year before: the same days a year earlier; a period still under way is compared up to
//!   today's date a year earlier.
//! - Cancelled sessions are counted apart and enter no rate.

use crate::error::{AppError, FormErrors};
use crate::model::Choice;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod charts;
#[cfg(feature = "ssr")]
pub mod filters;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(all(test, feature = "ssr"))]
mod tests;

/// What the figures are about: sessions starting between two Paris dates (both included),
/// optionally of one theme and/or one training.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub theme: Option<String>,
    pub training_id: Option<i32>,
}

/// The sums behind every figure of §6, for one set of sessions. Ratios are methods: `None`
/// when their denominator is zero, and the page then says why instead of showing 0 % or NaN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Sessions held: started in the period, not cancelled.
    pub sessions: i64,
    /// Cancelled sessions of the period (they enter no rate).
    pub cancelled: i64,
    /// Capacity of the sessions held.
    pub capacity: i64,
    /// Seats held at the start (inscrit, présent, absent, excusé) of the sessions held.
    pub seats_held: i64,
    /// Sessions whose attendance was taken, and their seats held / présents / absents /
    /// excusés.
    pub attendance_sessions: i64,
    pub attendance_seats: i64,
    pub present: i64,
    pub absent: i64,
    pub excused: i64,
    /// Sessions held with a known cost and at least one présent, and their sums.
    pub costed_sessions: i64,
    pub cost_cents: i64,
    pub costed_present: i64,
    pub empty_seat_cost_cents: i64,
    /// Held sessions left out of the costs: no cost known, or nobody present.
    pub uncosted_sessions: i64,
    /// Late withdrawals (désistements tardifs) of the sessions held.
    pub late_withdrawals: i64,
    /// Feedback marks: `overall[i]` answers gave the mark i + 1; the same for utilité.
    pub overall: [i64; 5],
    pub usefulness: [i64; 5],
    /// Présents whose programme holds the training (pertinence), of `present_all`, the présents
    /// of every session held (attendance taken or not).
    pub relevant_present: i64,
    pub present_all: i64,
    /// Utilité marks of the relevant présents and of the others: sums and counts.
    pub relevant_usefulness_sum: i64,
    pub relevant_usefulness_count: i64,
    pub other_usefulness_sum: i64,
    pub other_usefulness_count: i64,
    /// Places récupérées and what they were worth (sessions with a known cost).
    pub recovered: i64,
    pub recovered_value_cents: i64,
}

fn ratio(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

fn mean_of(marks: &[i64; 5]) -> Option<f64> {
    let count: i64 = marks.iter().sum();
    let sum: i64 = marks.iter().zip(1..).map(|(n, mark)| n * mark).sum();
    ratio(sum, count)
}

impl Totals {
    pub fn fill_rate(&self) -> Option<f64> {
        ratio(self.seats_held, self.capacity)
    }
    pub fn presence_rate(&self) -> Option<f64> {
        ratio(self.present, self.attendance_seats)
    }
    pub fn no_show_rate(&self) -> Option<f64> {
        ratio(self.absent, self.attendance_seats)
    }
    /// In cents.
    pub fn cost_per_participant(&self) -> Option<f64> {
        ratio(self.cost_cents, self.costed_present)
    }
    /// In cents; `None` when no session had a known cost and someone present.
    pub fn empty_seat_cost(&self) -> Option<f64> {
        (self.costed_sessions > 0).then_some(self.empty_seat_cost_cents as f64)
    }
    /// In cents; `None` when no cost is known to value the seats with.
    pub fn recovered_value(&self) -> Option<f64> {
        (self.costed_sessions > 0 || self.recovered_value_cents > 0)
            .then_some(self.recovered_value_cents as f64)
    }
    pub fn late_rate(&self) -> Option<f64> {
        ratio(
            self.late_withdrawals,
            self.seats_held + self.late_withdrawals,
        )
    }
    pub fn satisfaction(&self) -> Option<f64> {
        mean_of(&self.overall)
    }
    pub fn usefulness_mean(&self) -> Option<f64> {
        mean_of(&self.usefulness)
    }
    pub fn relevance(&self) -> Option<f64> {
        ratio(self.relevant_present, self.present_all)
    }
    pub fn relevant_usefulness(&self) -> Option<f64> {
        ratio(self.relevant_usefulness_sum, self.relevant_usefulness_count)
    }
    pub fn other_usefulness(&self) -> Option<f64> {
        ratio(self.other_usefulness_sum, self.other_usefulness_count)
    }

    /// Adds another set of sessions' sums to these.
    pub fn add(&mut self, o: &Totals) {
        self.sessions += o.sessions;
        self.cancelled += o.cancelled;
        self.capacity += o.capacity;
        self.seats_held += o.seats_held;
        self.attendance_sessions += o.attendance_sessions;
        self.attendance_seats += o.attendance_seats;
        self.present += o.present;
        self.absent += o.absent;
        self.excused += o.excused;
        self.costed_sessions += o.costed_sessions;
        self.cost_cents += o.cost_cents;
        self.costed_present += o.costed_present;
        self.empty_seat_cost_cents += o.empty_seat_cost_cents;
        self.uncosted_sessions += o.uncosted_sessions;
        self.late_withdrawals += o.late_withdrawals;
        for i in 0..5 {
            self.overall[i] += o.overall[i];
            self.usefulness[i] += o.usefulness[i];
        }
        self.relevant_present += o.relevant_present;
        self.present_all += o.present_all;
        self.relevant_usefulness_sum += o.relevant_usefulness_sum;
        self.relevant_usefulness_count += o.relevant_usefulness_count;
        self.other_usefulness_sum += o.other_usefulness_sum;
        self.other_usefulness_count += o.other_usefulness_count;
        self.recovered += o.recovered;
        self.recovered_value_cents += o.recovered_value_cents;
    }
}

/// One month of the charts (Paris month of the sessions' start).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotals {
    pub year: i32,
    pub month: u32,
    pub totals: Totals,
}

/// One training's line of the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingTotals {
    pub training_id: i32,
    pub title: String,
    pub theme: String,
    pub totals: Totals,
}

/// Everything the page shows for one scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    pub scope: Scope,
    pub totals: Totals,
    /// The same scope a year earlier, for the headline figures.
    pub previous: Totals,
    /// Every month of the scope, in order, months without a session included.
    pub months: Vec<MonthTotals>,
    /// Trainings with at least one session (held or cancelled) in the scope, by title.
    pub trainings: Vec<TrainingTotals>,
}

/// The filters as the page's GET form sends them (every field as typed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsFilters {
    /// `12-mois` (default), `mois`, `trimestre`, `annee` or `dates`.
    pub periode: Option<String>,
    /// `2026-11`.
    pub mois: Option<String>,
    /// `2026-T4`.
    pub trimestre: Option<String>,
    pub annee: Option<String>,
    /// Dates choisies, `2026-01-31`.
    pub du: Option<String>,
    pub au: Option<String>,
    pub theme: Option<String>,
    /// A training's id.
    pub formation: Option<String>,
    /// The table's sort: a column key, and `asc` or `desc`.
    pub tri: Option<String>,
    pub ordre: Option<String>,
}

impl StatsFilters {
    /// The filters read by name (from a query string: the page's, or the export's).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        StatsFilters {
            periode: get("periode"),
            mois: get("mois"),
            trimestre: get("trimestre"),
            annee: get("annee"),
            du: get("du"),
            au: get("au"),
            theme: get("theme"),
            formation: get("formation"),
            tri: get("tri"),
            ordre: get("ordre"),
        }
    }
}

/// Everything the statistics page shows, formatted on the server.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatsPage {
    /// The form's values (as typed) and its refused fields.
    pub values: Vec<(String, String)>,
    pub errors: FormErrors,
    pub periods: Vec<Choice>,
    pub quarters: Vec<Choice>,
    pub years: Vec<Choice>,
    pub themes: Vec<Choice>,
    pub trainings: Vec<Choice>,
    /// The table's current order (`tri`, `ordre`), kept by the form.
    pub sort: Option<(String, String)>,
    /// `None` when a filter was refused.
    pub report: Option<Report>,
}

/// The figures of a valid choice of filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// « Les 12 derniers mois (décembre 2025 à aujourd'hui) », with the theme or training.
    pub title: String,
    /// Said instead of figures when no session was held in the period.
    pub empty: Option<String>,
    pub headlines: Vec<Headline>,
    /// What the figures leave out (cancelled sessions, sessions without a known cost…).
    pub notes: Vec<String>,
    pub charts: Vec<Chart>,
    pub table: Table,
    /// `/gestion/statistiques/export.csv?…` for the same filters and sort; empty when there is
    /// nothing to export.
    pub export_href: String,
}

/// A headline figure with the same period a year earlier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    pub label: String,
    pub value: String,
    pub detail: Option<String>,
    /// « Il y a un an : 78,4 % (+3,1 pts) ».
    pub previous: String,
}

/// A chart drawn as SVG, with its data as a table for those who cannot see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub svg: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The trainings' table: its columns with their sort links, and one row per training.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub label: String,
    /// The link that sorts by this column (descending first, then the other way).
    pub sort_href: String,
    /// `ascending` or `descending` when the table is sorted by it (for `aria-sort`).
    pub sorted: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub training_id: i32,
    pub cells: Vec<String>,
}

#[server(prefix = "/api", endpoint = "statistiques")]
pub async fn get_statistics(filters: StatsFilters) -> Result<StatsPage, AppError> {
    crate::caller::require_staff()?;
    report::page(&crate::db::db()?, &filters, chrono::Utc::now()).await
}
