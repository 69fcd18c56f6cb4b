//! What both worlds share: the officers and their programmes, the sessions staff plan from the
//! programmes' demand, and the random draws of every decision an officer makes. Everything
//! here is a pure function of the seed, so that the two worlds differ only by their mechanisms
//! (see [`super::world`]).
//!
//! Every assumption of the model is a named constant below, with its reason; the ones an
//! operator may want to vary are flags of `cassiopee simulate` instead ([`super::Options`]).

use crate::seed::calendar::{fit_week, paris};
use crate::seed::data::TRAININGS;
use crate::seed::rng::Rng;
use app::model::Priority;
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};

// --- The officers and their programmes -------------------------------------------------------

/// Programmes start over the first 240 days of the year (about a hundred officers leave each
/// year; the last third of the year's arrivals would have too little time left to measure).
const PROGRAMME_START_SPREAD_DAYS: i64 = 240;
/// A programme lasts 6 to 18 months (product §1).
const PROGRAMME_MONTHS: (i64, i64) = (6, 18);
/// A programme holds 3 to 6 trainings.
const ITEMS_PER_PROGRAMME: (i64, i64) = (3, 6);
/// The first item of a programme is obligatoire; of the others, this share (percent) is
/// obligatoire, the next `RECOMMANDEE_PCT` recommandée and the rest optionnelle.
const OBLIGATOIRE_PCT: u64 = 30;
const RECOMMANDEE_PCT: u64 = 40;
/// Officers receive their programme on its first day at 08:00 (Paris).
const PROGRAMME_HOUR: u32 = 8;

/// How often the i-th training of the catalogue is chosen, relative to the others: the
/// catalogue's first trainings (management, finance) are wanted about five times as often as
/// the last ones.
fn popularity(i: usize) -> u64 {
    1 + ((TRAININGS.len() - i) / 6) as u64
}

// --- Staff's planning --------------------------------------------------------------------------

/// Staff plan on the first working day of each month, at 09:00 (Paris), and publish at once.
const PLAN_HOUR: u32 = 9;
/// A session starts 6 to 10 weeks after it is planned (providers need notice).
pub(super) const LEAD_DAYS: (i64, i64) = (42, 70);
/// A session is planned once the officers waiting for a training reach half its capacity…
const PLAN_MIN_SHARE_PCT: usize = 50;
/// … or, for a rare training, once someone has waited 90 days and at least 3 officers wait.
const MAX_WAIT_DAYS: i64 = 90;
const MIN_GROUP: usize = 3;
/// Sessions are sized by demand: as many seats as officers counted on them, at least 6 (the
/// providers' smallest group) and at most the training's default capacity.
const MIN_CAPACITY: usize = 6;
/// Officers who arrive later are counted on the free seats of a session already planned if
/// its enrolment closes at least two weeks after the planning day.
const SPARE_NOTICE_DAYS: i64 = 14;
/// Enrolment closes 7 days before the start: the session form's default, which the simulation
/// keeps (the cancellation deadline too: 3 days before).
const ENROLMENT_DAYS_BEFORE: i64 = 7;
/// A session day runs from 09:00 to 17:30 (Paris); a training of `h` hours takes ⌈h / 7⌉ days.
const DAY_START: (u32, u32) = (9, 0);
const DAY_END: (u32, u32) = (17, 30);
const HOURS_PER_DAY: i32 = 7;
/// The minimum to hold a session, as the demo sets it: 40 % of the capacity (stored only: the
/// simulation cancels no session, both worlds hold all of them).
pub(super) const MIN_PARTICIPANTS_PCT: i32 = 40;

// --- The officers' behaviour (the same draws in both worlds) --------------------------------

/// Share of officers (percent) who enrol in a suitable session they hear of, by priority.
pub(super) fn enrol_pct(p: Priority) -> u64 {
    match p {
        Priority::Obligatoire => 90,
        Priority::Recommandee => 75,
        Priority::Optionnelle => 50,
    }
}
/// A busy officer acts 0 to 28 days after hearing of a session (uniform): after the enrolment
/// deadline, the real `enrol` refuses and the session is missed.
pub(super) const REACTION_MAX_DAYS: i64 = 28;
/// Of the officers holding a seat at the start, `--no-show` percent are absent and this many
/// more percent excusés; the others are présents.
pub(super) const EXCUSED_PCT: u64 = 3;
/// Attendance is noted half an hour after the session ends.
pub(super) const ATTENDANCE_DELAY_MINUTES: i64 = 30;
/// « Remplir la session » (product world): 7 days before the start, at 09:00 (Paris).
pub(super) const FILL_DAYS_BEFORE: i64 = 7;
pub(super) const FILL_HOUR: u32 = 9;
/// An invited officer accepts with this probability (percent), within 3 days.
pub(super) const INVITATION_ACCEPT_PCT: u64 = 60;
pub(super) const ANSWER_MAX_HOURS: i64 = 72;

/// One programme, as staff build it with the officer.
pub(super) struct Programme {
    pub(super) starts_on: NaiveDate,
    pub(super) ends_on: NaiveDate,
    /// 08:00 (Paris) on the first day: the programme is written then.
    pub(super) starts_at: DateTime<Utc>,
    /// (training index in `TRAININGS`, priority), distinct trainings.
    pub(super) items: Vec<(usize, Priority)>,
}

impl Programme {
    pub(super) fn priority_of(&self, training: usize) -> Option<Priority> {
        self.items
            .iter()
            .find(|(t, _)| *t == training)
            .map(|(_, p)| *p)
    }
}

/// A session staff plan: the same dates and capacity in both worlds.
pub(super) struct SessionPlan {
    pub(super) training: usize,
    /// When staff create and publish it.
    pub(super) planned_at: DateTime<Utc>,
    pub(super) start_day: NaiveDate,
    pub(super) starts_at: DateTime<Utc>,
    pub(super) ends_at: DateTime<Utc>,
    pub(super) capacity: i32,
}

/// The year both worlds play.
pub(super) struct Plan {
    pub(super) first_day: NaiveDate,
    /// One programme per officer, officer `i` being « Officier i+1 ».
    pub(super) programmes: Vec<Programme>,
    /// In the order staff plan them.
    pub(super) sessions: Vec<SessionPlan>,
}

/// Independent streams of the plan's generator, so that adding a draw to one part does not
/// shift the others.
const STREAM_PROGRAMMES: u64 = 1;
const STREAM_SESSIONS: u64 = 2;

impl Plan {
    pub(super) fn new(seed: u64, officers: usize, first_day: NaiveDate) -> Plan {
        let last_day = last_day(first_day);
        let mut rng = Rng(mix(seed, STREAM_PROGRAMMES, 0, 0) | 1);
        let programmes = (0..officers)
            .map(|_| programme(&mut rng, first_day))
            .collect::<Vec<_>>();
        let mut rng = Rng(mix(seed, STREAM_SESSIONS, 0, 0) | 1);
        let sessions = plan_sessions(&programmes, first_day, last_day, &mut rng);
        Plan {
            first_day,
            programmes,
            sessions,
        }
    }
}

/// The last day of the year that starts on `first_day`: sessions start on or before it.
pub(super) fn last_day(first_day: NaiveDate) -> NaiveDate {
    first_day + Duration::days(364)
}

fn programme(rng: &mut Rng, first_day: NaiveDate) -> Programme {
    let starts_on = first_day + Duration::days(rng.range(0, PROGRAMME_START_SPREAD_DAYS - 1));
    let months = rng.range(PROGRAMME_MONTHS.0, PROGRAMME_MONTHS.1) as u32;
    let ends_on = starts_on
        .checked_add_months(Months::new(months))
        .unwrap_or(starts_on + Duration::days(i64::from(months) * 30));
    let count = rng.range(ITEMS_PER_PROGRAMME.0, ITEMS_PER_PROGRAMME.1) as usize;
    let mut weights: Vec<u64> = (0..TRAININGS.len()).map(popularity).collect();
    let mut items = Vec::with_capacity(count);
    for k in 0..count {
        let total: u64 = weights.iter().sum();
        let mut pick = rng.next() % total;
        let training = weights
            .iter()
            .position(|w| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .unwrap_or(0);
        weights[training] = 0;
        let roll = rng.next() % 100;
        let priority = if k == 0 || roll < OBLIGATOIRE_PCT {
            Priority::Obligatoire
        } else if roll < OBLIGATOIRE_PCT + RECOMMANDEE_PCT {
            Priority::Recommandee
        } else {
            Priority::Optionnelle
        };
        items.push((training, priority));
    }
    Programme {
        starts_on,
        ends_on,
        starts_at: paris(starts_on, PROGRAMME_HOUR, 0),
        items,
    }
}

/// An officer staff count for a training, not yet on a planned session.
struct Waiting {
    since: NaiveDate,
    ends_on: NaiveDate,
}

/// Staff's planning rule, from the programmes alone (not from either world's enrolments, so
/// that both worlds get the same sessions). On each planning day, staff count for each training
/// the officers whose programme has started and holds it; each officer is counted once, on the
/// free seats of a session already planned if one still has time, else in the training's queue.
/// While the queue reaches half the training's capacity (or holds 3 officers of whom the first
/// has waited 90 days), staff plan a session 6 to 10 weeks ahead on working days, count the
/// first officers of the queue on it (those whose programme still runs then) and size it by
/// them: that many seats, within [`MIN_CAPACITY`] and the training's default capacity. Nothing starts
/// after the year.
fn plan_sessions(
    programmes: &[Programme],
    first_day: NaiveDate,
    last_day: NaiveDate,
    rng: &mut Rng,
) -> Vec<SessionPlan> {
    let mut sessions: Vec<SessionPlan> = Vec::new();
    // Per session: seats not yet counted for anyone.
    let mut spare: Vec<usize> = Vec::new();
    let mut queues: Vec<Vec<Waiting>> = (0..TRAININGS.len()).map(|_| Vec::new()).collect();
    let mut counted = vec![false; programmes.len()];
    for day in planning_days(first_day, last_day) {
        let planned_at = paris(day, PLAN_HOUR, 0);
        for (officer, p) in programmes.iter().enumerate() {
            if counted[officer] || p.starts_on > day {
                continue;
            }
            counted[officer] = true;
            for (training, _) in &p.items {
                let w = Waiting {
                    since: day,
                    ends_on: p.ends_on,
                };
                let open = sessions.iter().enumerate().position(|(i, s)| {
                    s.training == *training
                        && spare[i] > 0
                        && s.start_day - Duration::days(ENROLMENT_DAYS_BEFORE)
                            >= day + Duration::days(SPARE_NOTICE_DAYS)
                        && s.start_day <= w.ends_on
                });
                match open {
                    Some(i) => spare[i] -= 1,
                    None => queues[*training].push(w),
                }
            }
        }
        for (training, queue) in queues.iter_mut().enumerate() {
            let spec = &TRAININGS[training];
            let earliest = day + Duration::days(LEAD_DAYS.0);
            queue.retain(|w| w.ends_on >= earliest);
            let largest = spec.capacity as usize;
            let threshold = (largest * PLAN_MIN_SHARE_PCT).div_ceil(100).max(1);
            loop {
                let waited = queue
                    .first()
                    .is_some_and(|w| (day - w.since).num_days() >= MAX_WAIT_DAYS);
                if queue.len() < threshold && !(waited && queue.len() >= MIN_GROUP) {
                    break;
                }
                let days = (spec.hours + HOURS_PER_DAY - 1) / HOURS_PER_DAY;
                let days = days.max(1) as u32;
                let lead = rng.range(LEAD_DAYS.0, LEAD_DAYS.1);
                let start_day = fit_week(day + Duration::days(lead), days, true);
                let end_day = start_day + Duration::days(i64::from(days) - 1);
                if start_day > last_day {
                    break;
                }
                // The first of the queue who are still in their programme then.
                let mut taken = 0;
                queue.retain(|w| {
                    let fits = taken < largest && w.ends_on >= start_day;
                    if fits {
                        taken += 1;
                    }
                    !fits
                });
                if taken == 0 {
                    break;
                }
                let capacity = taken.max(MIN_CAPACITY).min(largest);
                sessions.push(SessionPlan {
                    training,
                    planned_at,
                    start_day,
                    starts_at: paris(start_day, DAY_START.0, DAY_START.1),
                    ends_at: paris(end_day, DAY_END.0, DAY_END.1),
                    capacity: capacity as i32,
                });
                spare.push(capacity - taken);
            }
        }
    }
    sessions
}

/// The first day, then the first working day of each following month, while a session
/// planned then could still start within the year.
fn planning_days(first_day: NaiveDate, last_day: NaiveDate) -> Vec<NaiveDate> {
    let mut days = vec![first_day];
    let mut month = first_day.with_day(1).unwrap_or(first_day);
    loop {
        month = match month.checked_add_months(Months::new(1)) {
            Some(m) => m,
            None => break,
        };
        let day = fit_week(month, 1, true);
        if day + Duration::days(LEAD_DAYS.0) > last_day {
            break;
        }
        days.push(day);
    }
    days
}

/// The kinds of decision drawn per (officer, session), each its own stream.
#[derive(Clone, Copy, Debug)]
pub(super) enum Draw {
    /// Whether the officer enrols in a session they hear of.
    Enrol = 1,
    /// How long after hearing of it (fraction of `REACTION_MAX_DAYS`).
    Reaction,
    /// Whether a confirmed seat is given up, whether late, and when.
    Withdraw,
    Late,
    WithdrawAt,
    /// Présent, absent or excusé.
    Attendance,
    /// Whether an invitation is accepted, and when it is answered.
    Accept,
    AnswerAt,
}

/// The decisions of the officers: one draw per (kind, officer, session), a pure function of
/// the seed, so that an officer facing the same session decides the same in both worlds
/// whatever happened before.
#[derive(Clone, Copy, Debug)]
pub(super) struct Draws {
    pub(super) seed: u64,
}

impl Draws {
    fn raw(self, kind: Draw, officer: usize, session: usize) -> u64 {
        // Offset past the plan's streams.
        mix(self.seed, 100 + kind as u64, officer as u64, session as u64)
    }

    /// True with probability `pct` percent.
    pub(super) fn percent(self, kind: Draw, officer: usize, session: usize, pct: u64) -> bool {
        self.raw(kind, officer, session) % 100 < pct
    }

    /// Uniform in `[0, 100)`.
    pub(super) fn roll(self, kind: Draw, officer: usize, session: usize) -> u64 {
        self.raw(kind, officer, session) % 100
    }

    /// Uniform in `[0, 1)`.
    pub(super) fn unit(self, kind: Draw, officer: usize, session: usize) -> f64 {
        (self.raw(kind, officer, session) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// SplitMix64 over the four words: a well-spread hash of (seed, stream, a, b).
fn mix(seed: u64, stream: u64, a: u64, b: u64) -> u64 {
    let mut h = seed;
    for word in [stream, a, b] {
        h = splitmix(h ^ word.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
    splitmix(h)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An instant a fraction of the way from `from` to `to`, to the second.
pub(super) fn between(from: DateTime<Utc>, to: DateTime<Utc>, fraction: f64) -> DateTime<Utc> {
    let span = (to - from).num_seconds().max(0) as f64;
    from + Duration::seconds((span * fraction) as i64)
}
