//! What `/formations` computes from every offered session — the theme and month choices, and
//! which trainings each page shows — remembered by this instance between requests.
//!
//! On the large data set (900 upcoming sessions) these two queries read every offered session
//! and took most of the page's database time: 0.8 and 0.5 ms, against 0.3 ms for the cards of
//! the page's 8 trainings. Neither depends on seats, on the viewer or on titles, only on which
//! sessions are offered and when they start. That changes in two ways only:
//! - a write: the database then renews the catalogue's stamp (triggers, migration
//!   `catalogue_stamp`), which every instance reads at the start of each request;
//! - the clock: the next offered session starts and leaves the list.
//!
//! So an answer is used while the stamp read before computing it is the stamp read now, and the
//! clock is between the moment it was computed and the next start. Reading the stamp first
//! matters: a change committed between that read and the computation is then already in the
//! answer, and the next request, reading the new stamp, computes again. Seats, the viewer's
//! places and the trainings' titles and labels are read afresh by every request.

use super::TRAININGS_PER_PAGE;
use crate::{
    entities::catalogue_stamp,
    error::{AppError, AppResult},
    model::TrainingFormat,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use std::{
    collections::{BTreeSet, HashMap},
    sync::{Arc, Mutex, MutexGuard},
};

/// The themes, and the first days of the months, that an officer could find.
pub(super) type Choices = (BTreeSet<String>, BTreeSet<NaiveDate>);

/// The trainings of a page (at most [`TRAININGS_PER_PAGE`]), the page's number (the nearest one
/// that exists) and how many pages there are.
pub(super) struct Page {
    pub ids: Vec<i32>,
    pub page: usize,
    pub pages: usize,
}

/// A page asked for: the filters as the database applies them, and the page's number as asked.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct PageKey {
    pub theme: Option<String>,
    pub format: Option<TrainingFormat>,
    pub month: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub asked: Option<u32>,
}

/// At most this many pages are remembered per database (each under 200 bytes: a theme is
/// remembered only when it is one of the choices, see `service::catalogue`): the large data set
/// has 300 trainings, 38 pages per set of filters, and an address edited by hand makes more.
const PAGES_KEPT: usize = 512;

struct Memo {
    stamp: String,
    /// When the answers were computed, and the start of the next offered session (`None`: none
    /// is planned).
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    choices: Arc<Choices>,
    pages: HashMap<PageKey, Arc<Page>>,
}

impl Memo {
    fn holds(&self, stamp: &str, now: DateTime<Utc>) -> bool {
        self.stamp == stamp && self.from <= now && self.until.is_none_or(|until| now < until)
    }
}

/// One memo per database, under the random name the database was given at its creation: a
/// server has one; the tests, which run many databases in one process, one each.
static MEMOS: Mutex<Option<HashMap<String, Memo>>> = Mutex::new(None);

/// At most this many databases are remembered (more: all are forgotten first).
const DATABASES_KEPT: usize = 64;

fn memos() -> MutexGuard<'static, Option<HashMap<String, Memo>>> {
    // Nothing is left half-written under the lock: a panic elsewhere leaves a usable memo.
    MEMOS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The catalogue's stamp as the database holds it now, with the database's own name.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Stamp {
    database: String,
    stamp: String,
}

/// Reads the catalogue's stamp.
pub(super) async fn stamp<C: ConnectionTrait>(db: &C) -> AppResult<Stamp> {
    let row = catalogue_stamp::Entity::find_by_id(1).one(db).await?;
    let row = row.ok_or_else(|| {
        tracing::error!("the catalogue_stamp table has no row");
        AppError::Internal
    })?;
    Ok(Stamp {
        database: row.database,
        stamp: row.stamp,
    })
}

/// Runs `f` on the memo of `stamp`'s database if it holds for `stamp` at `now`.
fn with_memo<T>(stamp: &Stamp, now: DateTime<Utc>, f: impl FnOnce(&mut Memo) -> T) -> Option<T> {
    let mut memos = memos();
    let memo = memos.as_mut()?.get_mut(&stamp.database)?;
    memo.holds(&stamp.stamp, now).then(|| f(memo))
}

/// The choices remembered under `stamp`, if they still hold at `now`.
pub(super) fn choices(stamp: &Stamp, now: DateTime<Utc>) -> Option<Arc<Choices>> {
    with_memo(stamp, now, |m| Arc::clone(&m.choices))
}

/// Remembers the choices computed at `now` after reading `stamp`, valid until `until` (the next
/// offered session's start), in place of what was remembered for that database (and its
/// pages).
pub(super) fn keep_choices(
    stamp: &Stamp,
    now: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    choices: Arc<Choices>,
) {
    let mut memos = memos();
    let memos = memos.get_or_insert_with(HashMap::new);
    if memos.len() >= DATABASES_KEPT && !memos.contains_key(&stamp.database) {
        memos.clear();
    }
    memos.insert(
        stamp.database.clone(),
        Memo {
            stamp: stamp.stamp.clone(),
            from: now,
            until,
            choices,
            pages: HashMap::new(),
        },
    );
}

/// The page remembered for `key` under `stamp`, if it still holds at `now`.
pub(super) fn page(stamp: &Stamp, now: DateTime<Utc>, key: &PageKey) -> Option<Arc<Page>> {
    with_memo(stamp, now, |m| m.pages.get(key).cloned()).flatten()
}

/// Remembers a page computed after reading `stamp`, beside the choices remembered under the same
/// stamp (none: the page is not kept; too many pages: they are all forgotten first).
pub(super) fn keep_page(stamp: &Stamp, now: DateTime<Utc>, key: PageKey, page: Arc<Page>) {
    debug_assert!(page.ids.len() <= TRAININGS_PER_PAGE);
    with_memo(stamp, now, |m| {
        if m.pages.len() >= PAGES_KEPT {
            m.pages.clear();
        }
        m.pages.insert(key, page);
    });
}

/// How many pages are remembered for `stamp`'s database (none when its memo does not hold).
#[cfg(test)]
pub(super) fn pages_kept(stamp: &Stamp, now: DateTime<Utc>) -> usize {
    with_memo(stamp, now, |m| m.pages.len()).unwrap_or(0)
}
