//! `cassiopee simulate` (product §6, issue 11): one MiRVOG year played through the real
//! enrolment services, twice — with Cassiopée's mechanisms (« Produit ») and as in the email
//! era (« Référence ») — and the §6 figures of both, side by side.
//!
//! - [`model`]: what both worlds share (officers, programmes, the sessions staff plan, every
//!   officer's random draws) and every assumption, as a named constant;
//! - [`world`]: one world played event by event on a scratch in-memory SQLite database, the
//!   services given the simulated instant as `now`; the differences between the worlds and the
//!   definition of a staff action are in its documentation;
//! - [`figures`]: the figures (through `app::statistics`, as the statistics page computes them)
//!   and the table, as text or CSV.
//!
//! The output depends only on the options: no wall clock (the year starts on `--start`), no
//! hash-map order, every random draw derived from `--seed`. With `--runs N` the seeds `seed` to
//! `seed + N − 1` are played and each figure is shown as mean ± sample standard deviation.
//! Worlds run in parallel, each on its own database; nothing but the report goes to stdout.

mod figures;
mod flags;
mod model;
#[cfg(test)]
mod tests;
mod world;

use chrono::NaiveDate;
pub use flags::Flags;
use model::{Draws, Plan};
use std::sync::Arc;
use world::{Mechanism, World};

/// The flags' defaults (shown in `cassiopee simulate --help`).
pub const DEFAULT_SEED: u64 = 1;
pub const DEFAULT_OFFICERS: usize = 100;
/// Published no-show range: 11 to 28 %.
pub const DEFAULT_NO_SHOW: u8 = 18;
pub const DEFAULT_WITHDRAWALS: u8 = 15;
pub const DEFAULT_LATE_SHARE: u8 = 33;
pub const DEFAULT_EMAIL_DELAY: u32 = 21;
pub const DEFAULT_RUNS: u32 = 1;
/// The simulated year starts on a Monday.
pub const DEFAULT_START: (i32, u32, u32) = (2027, 1, 4);
/// Bounds of the flags, so that a typo does not start an endless run.
pub const MAX_OFFICERS: usize = 2_000;
pub const MAX_RUNS: u32 = 100;
pub const MAX_EMAIL_DELAY: u32 = 365;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Csv,
}

/// The options of `cassiopee simulate`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub seed: u64,
    pub officers: usize,
    /// Percent of the seats held at the start whose officer is absent.
    pub no_show: u8,
    /// Percent of the confirmed seats given up before the start…
    pub withdrawals: u8,
    /// … of which this percent after the cancellation deadline.
    pub late_share: u8,
    /// Days after publication before an officer hears of a session, in the email era.
    pub email_delay: u32,
    pub runs: u32,
    pub format: Format,
    /// The first day of the simulated year.
    pub start: NaiveDate,
}

impl Default for Options {
    fn default() -> Self {
        let (y, m, d) = DEFAULT_START;
        Options {
            seed: DEFAULT_SEED,
            officers: DEFAULT_OFFICERS,
            no_show: DEFAULT_NO_SHOW,
            withdrawals: DEFAULT_WITHDRAWALS,
            late_share: DEFAULT_LATE_SHARE,
            email_delay: DEFAULT_EMAIL_DELAY,
            runs: DEFAULT_RUNS,
            format: Format::Text,
            start: NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default(),
        }
    }
}

/// The behavioural flags, as the worlds use them.
#[derive(Clone, Copy, Debug)]
struct Assumptions {
    no_show: u64,
    withdrawals: u64,
    late_share: u64,
    email_delay_days: i64,
}

impl Assumptions {
    fn of(o: &Options) -> Assumptions {
        Assumptions {
            no_show: o.no_show.into(),
            withdrawals: o.withdrawals.into(),
            late_share: o.late_share.into(),
            email_delay_days: o.email_delay.into(),
        }
    }
}

/// Plays the year(s) and returns the report (text or CSV), or a French error.
pub async fn run(options: &Options) -> Result<String, String> {
    let seeds = (0..u64::from(options.runs.max(1))).map(|k| options.seed.wrapping_add(k));
    let mut handles = Vec::new();
    for seed in seeds {
        let plan = Arc::new(Plan::new(seed, options.officers, options.start));
        for mechanism in [Mechanism::Product, Mechanism::Reference] {
            let (plan, options) = (Arc::clone(&plan), options.clone());
            handles.push(tokio::spawn(async move {
                let draws = Draws { seed };
                let played = World::play(mechanism, plan, draws, Assumptions::of(&options))
                    .await
                    .map_err(figures::failed)?;
                figures::measure(&played, &options)
                    .await
                    .map_err(figures::failed)
            }));
        }
    }
    let mut all = Vec::with_capacity(handles.len());
    for h in handles {
        let figures = h
            .await
            .map_err(|e| format!("la simulation a échoué : {e}"))??;
        all.push(figures);
    }
    let pairs: Vec<_> = all.chunks(2).map(|c| (c[0], c[1])).collect();
    figures::report(options, &pairs)
}

/// One world after its year, with its figures, for the tests; `audit`: checking every rule
/// after each event.
#[cfg(test)]
async fn play_one(
    options: &Options,
    mechanism: Mechanism,
    audit: bool,
) -> (world::Played, figures::Figures) {
    let plan = Arc::new(Plan::new(options.seed, options.officers, options.start));
    let draws = Draws { seed: options.seed };
    let assumptions = Assumptions::of(options);
    let played = if audit {
        World::play_audited(mechanism, plan, draws, assumptions).await
    } else {
        World::play(mechanism, plan, draws, assumptions).await
    };
    let played = played.expect("the world plays its year");
    let figures = figures::measure(&played, options).await.expect("figures");
    (played, figures)
}
