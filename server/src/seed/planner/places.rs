//! The planner's sessions, the demo officer's places (chosen first) and everyone's enrolments,
//! waitlists and feedback.

use super::{EnrolPlan, FeedbackPlan, Planner, SessionPlan};
use crate::seed::calendar::{fit_week, overlap, paris, working_days};
use crate::seed::data::{
    ADDRESSES, CAREER_GOALS, GOOD_COMMENTS, Kind, MIXED_COMMENTS, POOR_COMMENTS, TRAINERS, UPCOMING,
};
use crate::seed::{DEMO_OFFICER, EMAIL_DOMAIN};
use app::model::{EnrolmentStatus, Priority, TrainingFormat};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

impl Planner {
    // --- sessions

    pub(super) fn plan_sessions(&mut self) {
        // Spread evenly over working days, so that holidays do not pile sessions up after them.
        let d = |days: i64| self.today + Duration::days(days);
        let past = working_days(d(-self.scale.past_days), d(-3));
        let upcoming = working_days(d(2), d(self.scale.future_days));
        let all = self.plan.trainings.len();
        let active = self.active_trainings();
        // Past sessions, up to three days ago; the large set has cancelled ones among them.
        let past_count = self.scale.past_sessions;
        for i in 0..past_count {
            let date = past[i * (past.len() - 1) / (past_count - 1)];
            let kind = match self.scale.upcoming_sessions {
                Some(_) if self.rng.percent(4) => Kind::Cancelled,
                _ => Kind::Past,
            };
            self.push_session((i * 7 + 2) % all, kind, date);
        }
        // Upcoming ones, from two days ahead; the archived trainings have none.
        let kinds: Vec<Kind> = match self.scale.upcoming_sessions {
            None => UPCOMING.to_vec(),
            Some(n) => (0..n).map(|_| self.upcoming_kind()).collect(),
        };
        for (i, &kind) in kinds.iter().enumerate() {
            let date = upcoming[i * (upcoming.len() - 1) / (kinds.len() - 1)];
            self.push_session(active[(i * 5 + 1) % active.len()], kind, date);
        }
    }

    /// The large set's mix of upcoming sessions: mostly with seats, some full with a waitlist,
    /// a few drafts and cancellations.
    fn upcoming_kind(&mut self) -> Kind {
        match self.rng.below(100) {
            0..=5 => Kind::Draft,
            6..=9 => Kind::Cancelled,
            10..=17 => Kind::OneLeft,
            18..=29 => Kind::Full(self.rng.below(7)),
            _ => Kind::Roomy,
        }
    }

    fn push_session(&mut self, t: usize, kind: Kind, day: NaiveDate) {
        let spec = self.plan.trainings[t].spec;
        let days = ((spec.hours + 6) / 7).max(1) as u32;
        let date = fit_week(day, days, kind != Kind::Past);
        let last_day = date + Duration::days(i64::from(days) - 1);
        // Half-day sessions take the afternoon; the others run 9:00–17:30 with a lunch break.
        let (starts_at, ends_at) = if spec.hours < 7 {
            (paris(date, 14, 0), paris(date, 14 + spec.hours as u32, 0))
        } else {
            (paris(date, 9, 0), paris(last_day, 17, 30))
        };
        let published = paris(date - Duration::days(self.rng.range(40, 75)), 10, 0);
        // A session cannot have been planned in the future.
        let created_at = if published > self.now - Duration::days(2) {
            self.now - Duration::days(self.rng.range(2, 20))
        } else {
            published
        };
        let visio_url = (spec.format != TrainingFormat::Presentiel).then(|| {
            format!(
                "https://visio.{EMAIL_DOMAIN}/classe/{:08x}",
                self.rng.next() as u32
            )
        });
        let location = match spec.format {
            TrainingFormat::Distanciel => "Classe virtuelle",
            _ => self.rng.pick(&ADDRESSES),
        };
        self.plan.sessions.push(SessionPlan {
            training: t,
            kind,
            starts_at,
            ends_at,
            enrolment_deadline: paris(date - Duration::days(7), 23, 59),
            cancellation_deadline: paris(date - Duration::days(3), 23, 59),
            capacity: spec.capacity,
            location,
            visio_url,
            // Each training has its two usual trainers.
            trainer: TRAINERS[(t * 2 + self.rng.below(2)) % TRAINERS.len()],
            created_at,
        });
    }

    fn overlaps_any(&self, slot: (DateTime<Utc>, DateTime<Utc>), user: usize) -> bool {
        self.calendar[user]
            .iter()
            .any(|&other| overlap(slot, other))
    }

    fn slot(&self, s: usize) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.plan.sessions[s].starts_at,
            self.plan.sessions[s].ends_at,
        )
    }

    // --- the demo officer: a realistic state that overlaps nobody else's sessions

    pub(super) fn choose_demo_places(&mut self) {
        let sessions: Vec<usize> = (0..self.plan.sessions.len()).collect();
        let recent_past = sessions.iter().copied().filter(|&s| self.is_past(s)).rev();
        let attended: Vec<usize> = recent_past.step_by(4).collect();
        for s in attended {
            if self.demo.attended.len() < 3 && self.demo_can_take(s, false) {
                self.take_for_demo(s);
                self.demo.attended.push(s);
            }
        }
        let soon = self.now + Duration::days(10);
        for &s in &sessions {
            let sess = &self.plan.sessions[s];
            if sess.kind == Kind::Roomy
                && sess.starts_at > soon
                && self.demo.confirmed.len() < 3
                && self.demo_can_take(s, true)
            {
                self.take_for_demo(s);
                self.demo.confirmed.push(s);
            }
        }
        let later = self.now + Duration::days(20);
        for &s in &sessions {
            let sess = &self.plan.sessions[s];
            let long_queue = matches!(sess.kind, Kind::Full(n) if n >= 3);
            if long_queue
                && sess.starts_at > later
                && self.demo.waitlisted.is_none()
                && self.demo_can_take(s, true)
            {
                self.take_for_demo(s);
                self.demo.waitlisted = Some(s);
            }
        }
    }

    fn is_past(&self, s: usize) -> bool {
        self.plan.sessions[s].kind == Kind::Past
    }

    /// A new training for him, free in his calendar and, for upcoming places, overlapping no
    /// other upcoming session: trying the catalogue as him must never hit his own bookings.
    fn demo_can_take(&self, s: usize, upcoming: bool) -> bool {
        let slot = self.slot(s);
        let training = self.plan.sessions[s].training;
        if self.booked_trainings[DEMO_OFFICER].contains(&training)
            || self.overlaps_any(slot, DEMO_OFFICER)
        {
            return false;
        }
        !upcoming
            || (0..self.plan.sessions.len()).all(|o| {
                o == s
                    || self.is_past(o)
                    || self.plan.sessions[o].kind == Kind::Cancelled
                    || !overlap(slot, self.slot(o))
            })
    }

    fn take_for_demo(&mut self, s: usize) {
        let slot = self.slot(s);
        self.calendar[DEMO_OFFICER].push(slot);
        self.booked_trainings[DEMO_OFFICER].insert(self.plan.sessions[s].training);
    }

    pub(super) fn plan_demo_programme(&mut self) {
        let training = |s: &usize| self.plan.sessions[*s].training;
        let d = &self.demo;
        let mut items: Vec<(usize, Priority)> = Vec::new();
        let mut push = |t: Option<usize>, p: Priority| {
            if let Some(t) = t.filter(|t| items.iter().all(|(i, _)| i != t)) {
                items.push((t, p));
            }
        };
        push(d.attended.first().map(training), Priority::Obligatoire);
        push(d.confirmed.first().map(training), Priority::Obligatoire);
        push(d.confirmed.get(1).map(training), Priority::Recommandee);
        push(d.waitlisted.as_ref().map(training), Priority::Recommandee);
        push(d.attended.get(1).map(training), Priority::Optionnelle);
        // One training still to plan, so that « À planifier » shows too.
        let unplanned = (self.active_trainings().into_iter())
            .find(|t| !self.booked_trainings[DEMO_OFFICER].contains(t));
        push(unplanned, Priority::Optionnelle);
        let starts_on = self.today - Duration::days(120);
        let goal = CAREER_GOALS[0];
        self.push_programme(
            DEMO_OFFICER,
            starts_on,
            starts_on + Duration::days(420),
            goal,
            items,
        );
    }

    // --- enrolments

    pub(super) fn fill_session(&mut self, s: usize) {
        let (statuses, waitlist) = self.session_targets(s);
        let mut rows: Vec<(usize, EnrolmentStatus)> = Vec::new();
        let demo_in = self.demo.attended.contains(&s) || self.demo.confirmed.contains(&s);
        let others = statuses.len().saturating_sub(usize::from(demo_in));
        let mut officers = self.pick_officers(s, others + waitlist).into_iter();
        let mut statuses = statuses.into_iter();
        if demo_in {
            // He came, and booked: his row is one of the confirmed ones.
            let first = statuses.next().unwrap_or(EnrolmentStatus::Inscrit);
            let status = if first.is_live() {
                first
            } else {
                EnrolmentStatus::Present
            };
            rows.push((DEMO_OFFICER, status));
        }
        rows.extend(statuses.zip(officers.by_ref()).map(|(st, o)| (o, st)));
        // Arrival order is mixed, but the waitlist came last, once the session was full.
        self.rng.shuffle(&mut rows);
        let mut queue: Vec<usize> = officers.collect();
        if self.demo.waitlisted == Some(s) {
            queue.insert(1.min(queue.len()), DEMO_OFFICER);
        }
        rows.extend(
            queue
                .into_iter()
                .map(|o| (o, EnrolmentStatus::ListeAttente)),
        );
        self.stamp_rows(s, rows);
    }

    /// The statuses of the non-waiting rows of a session, and how many officers wait.
    fn session_targets(&mut self, s: usize) -> (Vec<EnrolmentStatus>, usize) {
        use EnrolmentStatus::*;
        let sess = &self.plan.sessions[s];
        let cap = sess.capacity as i64;
        let late_possible = sess.cancellation_deadline < self.now;
        let far = sess.starts_at > self.now + Duration::days(100);
        let large = self.scale.upcoming_sessions.is_some();
        let mut statuses = Vec::new();
        let mut waitlist = 0;
        match sess.kind {
            Kind::Draft | Kind::Cancelled => {}
            Kind::Past => {
                // The large set is fuller, with the no-shows of the published 11–28 % range.
                let (lo, present, absent) = if large { (7, 77, 91) } else { (6, 84, 91) };
                let attended = self.rng.range(cap * lo / 10, cap);
                for _ in 0..attended {
                    statuses.push(match self.rng.below(100) {
                        r if r <= present => Present,
                        r if r <= absent => Absent,
                        _ => Excuse,
                    });
                }
                self.maybe_push(&mut statuses, 35, DesistementTardif);
                self.maybe_push(&mut statuses, 25, Desinscrit);
            }
            Kind::Roomy => {
                let hi = cap - 3;
                let n = if far {
                    self.rng.range(0, hi / 2)
                } else {
                    self.rng.range(hi / 3, hi)
                };
                statuses.extend((0..n.max(1)).map(|_| Inscrit));
                self.maybe_push(&mut statuses, 30, Desinscrit);
            }
            Kind::OneLeft => statuses.extend((0..cap - 1).map(|_| Inscrit)),
            Kind::Full(n) => {
                statuses.extend((0..cap).map(|_| Inscrit));
                waitlist = n;
                if late_possible && n > 0 {
                    // A late withdrawal whose seat went to the first officer waiting: the
                    // dashboard's late-cancellation alert has something to show.
                    statuses.push(DesistementTardif);
                }
            }
        }
        // The demo officer's own row comes first among them (see `fill_session`).
        if self.demo.waitlisted == Some(s) {
            waitlist = waitlist.saturating_sub(1);
        }
        (statuses, waitlist)
    }

    fn maybe_push(&mut self, statuses: &mut Vec<EnrolmentStatus>, p: u64, st: EnrolmentStatus) {
        if self.rng.percent(p) {
            statuses.push(st);
        }
    }

    /// `n` officers free at that time who have not booked this training yet, those whose
    /// programme asks for it first.
    fn pick_officers(&mut self, s: usize, n: usize) -> Vec<usize> {
        let training = self.plan.sessions[s].training;
        let slot = self.slot(s);
        let day = self.plan.sessions[s]
            .starts_at
            .with_timezone(&Paris)
            .date_naive();
        let mut wanted: Vec<usize> = self.wanted_by[training]
            .iter()
            .filter(|(_, from, to)| (*from..=*to).contains(&day))
            .map(|(o, _, _)| *o)
            .collect();
        let mut others: Vec<usize> = self.officers().collect();
        self.rng.shuffle(&mut wanted);
        self.rng.shuffle(&mut others);
        let mut chosen = Vec::with_capacity(n);
        for o in wanted.into_iter().chain(others) {
            if chosen.len() == n {
                break;
            }
            let free = o != DEMO_OFFICER
                && !chosen.contains(&o)
                && !self.booked_trainings[o].contains(&training)
                && !self.overlaps_any(slot, o);
            if free {
                self.calendar[o].push(slot);
                self.booked_trainings[o].insert(training);
                chosen.push(o);
            }
        }
        chosen
    }

    /// Gives the rows their times: arrivals between publication and the enrolment deadline,
    /// in row order, so that waitlist ranks follow the order of arrival.
    fn stamp_rows(&mut self, s: usize, rows: Vec<(usize, EnrolmentStatus)>) {
        let sess = &self.plan.sessions[s];
        let capacity = sess.capacity as usize;
        let (open, close) = (
            sess.created_at + Duration::hours(1),
            sess.enrolment_deadline.min(self.now - Duration::hours(1)),
        );
        let (cancel_by, starts_at, ends_at) =
            (sess.cancellation_deadline, sess.starts_at, sess.ends_at);
        let arrivals = self.arrival_times(open, close, rows.len());
        let first_row = self.plan.enrolments.len();
        let mut rank = 0;
        for ((officer, status), created_at) in rows.into_iter().zip(arrivals) {
            let waitlist_rank = (status == EnrolmentStatus::ListeAttente).then(|| {
                rank += 1;
                rank
            });
            let cancelled_at = match status {
                EnrolmentStatus::Desinscrit => {
                    Some(self.between(created_at, cancel_by.min(self.now)))
                }
                EnrolmentStatus::DesistementTardif => {
                    Some(self.between(cancel_by, starts_at.min(self.now)))
                }
                _ => None,
            };
            let updated_at = match status {
                EnrolmentStatus::Present | EnrolmentStatus::Absent | EnrolmentStatus::Excuse => {
                    self.attendance_recorded(ends_at)
                }
                _ => cancelled_at.unwrap_or(created_at),
            };
            let confirmed_at = (status != EnrolmentStatus::ListeAttente).then_some(created_at);
            if status == EnrolmentStatus::Present && self.gives_feedback(s, officer) {
                self.push_feedback(s, officer, ends_at);
            }
            self.plan.enrolments.push(EnrolPlan {
                session: s,
                officer,
                status,
                waitlist_rank,
                created_at,
                updated_at,
                confirmed_at,
                cancelled_at,
            });
        }
        self.promote_into_freed_seats(first_row, capacity);
    }

    /// A session that ended full although some withdrew before the start: the last ones to
    /// arrive waited for those seats and were confirmed when each was freed (the promotion
    /// that « Places récupérées » counts).
    fn promote_into_freed_seats(&mut self, first_row: usize, capacity: usize) {
        let rows = &mut self.plan.enrolments[first_row..];
        let holds = |st: EnrolmentStatus| app::records::place::SEAT_HOLDING.contains(&st);
        if rows.iter().filter(|e| holds(e.status)).count() < capacity {
            return;
        }
        let mut freed: Vec<DateTime<Utc>> = rows.iter().filter_map(|e| e.cancelled_at).collect();
        freed.sort_unstable();
        // Rows are in order of arrival: the latest seat holders took the freed seats.
        let mut takers = rows.iter_mut().rev().filter(|e| holds(e.status));
        for at in freed {
            match takers.next() {
                Some(e) if e.created_at < at => e.confirmed_at = Some(at),
                _ => break,
            }
        }
    }

    /// Most participants answer the questionnaire; the demo officer has one left to fill in.
    fn gives_feedback(&mut self, s: usize, officer: usize) -> bool {
        if officer == DEMO_OFFICER {
            self.demo.attended.first() != Some(&s)
        } else {
            self.rng.percent(65)
        }
    }

    fn attendance_recorded(&self, ends_at: DateTime<Utc>) -> DateTime<Utc> {
        (ends_at + Duration::hours(1)).min(self.now)
    }

    /// `n` strictly increasing whole-second times in `[open, close]` (or just after `open`).
    fn arrival_times(
        &mut self,
        open: DateTime<Utc>,
        close: DateTime<Utc>,
        n: usize,
    ) -> Vec<DateTime<Utc>> {
        // Officers book in the daytime or the evening, not at 4 in the morning.
        let first_day = open.with_timezone(&Paris).date_naive();
        let days = (close - open).num_days();
        let mut times: Vec<DateTime<Utc>> = (0..n)
            .map(|_| {
                let day = first_day + Duration::days(self.rng.range(0, days));
                let (hour, minute) = (self.rng.range(7, 22) as u32, self.rng.range(0, 59) as u32);
                let t = paris(day, hour, minute) + Duration::seconds(self.rng.range(0, 59));
                t.max(open).min(close)
            })
            .collect();
        times.sort_unstable();
        for i in 1..times.len() {
            times[i] = times[i].max(times[i - 1] + Duration::seconds(1));
        }
        times
    }

    /// A whole-second time strictly after `from` and, when there is room, before `to`.
    fn between(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
        let span = (to - from).num_seconds();
        from + Duration::seconds(self.rng.range(1, span - 1))
    }

    fn push_feedback(&mut self, s: usize, officer: usize, ends_at: DateTime<Utc>) {
        // Some trainings are simply better liked than others.
        let base = [4, 4, 5, 3, 4][self.plan.sessions[s].training % 5];
        let overall: i16 = (base + self.rng.pick(&[-2, -1, 0, 0, 0, 1])).clamp(1, 5);
        let usefulness = (overall + self.rng.pick(&[-1, 0, 0, 1])).clamp(1, 5);
        let comment = if !self.rng.percent(80) {
            ""
        } else if overall >= 4 {
            self.rng.pick(&GOOD_COMMENTS)
        } else if overall == 3 {
            self.rng.pick(&MIXED_COMMENTS)
        } else {
            self.rng.pick(&POOR_COMMENTS)
        };
        // Answered within a few days, during the day.
        let day = ends_at.with_timezone(&Paris).date_naive() + Duration::days(self.rng.range(0, 3));
        let (hour, minute) = (self.rng.range(8, 20) as u32, self.rng.range(0, 59) as u32);
        let answered = paris(day, hour, minute).max(ends_at + Duration::minutes(30));
        let created_at = answered.min(self.now);
        self.plan.feedback.push(FeedbackPlan {
            session: s,
            officer,
            overall,
            usefulness,
            comment,
            created_at,
        });
    }
}
