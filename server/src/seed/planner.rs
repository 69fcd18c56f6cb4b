//! The plan: rows in memory, referring to each other by index, and the `Planner` that builds
//! it. The people and their programmes are planned here; the sessions and everyone's places
//! in `places`.

mod places;

use super::calendar::{paris, slug};
use super::data::{
    ARCHIVED_TRAINING, CAREER_GOALS, FEMALE_FIRST_NAMES, Kind, LAST_NAMES, MALE_FIRST_NAMES,
    SERVICES, Service, TRAINING_VARIANTS, TRAININGS, TrainingSpec,
};
use super::rng::Rng;
use super::{DEMO_OFFICER, EMAIL_DOMAIN, FIXED_ACCOUNTS, OTHER_OFFICERS};
use app::model::{EnrolmentStatus, Priority, Role};
use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use chrono_tz::Europe::Paris;
use std::collections::HashSet;

/// How big a data set to plan: the demo, or the benchmark set of `seed --large`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Scale {
    /// Officers besides the demo officer.
    pub(super) other_officers: usize,
    /// Each training of `TRAININGS` in this many variants (the first is the training itself).
    pub(super) variants: usize,
    /// Days of history and of planning ahead.
    pub(super) past_days: i64,
    pub(super) future_days: i64,
    /// Sessions before and after today; the demo's upcoming ones follow `UPCOMING` instead.
    pub(super) past_sessions: usize,
    pub(super) upcoming_sessions: Option<usize>,
    /// Programmes: the demo's are all under way; the large set's start over its whole history.
    pub(super) programmes_since_days: i64,
}

impl Scale {
    pub(super) const DEMO: Scale = Scale {
        other_officers: OTHER_OFFICERS,
        variants: 1,
        past_days: super::data::HORIZON_DAYS,
        future_days: super::data::HORIZON_DAYS,
        past_sessions: super::data::PAST_SESSIONS,
        upcoming_sessions: None,
        programmes_since_days: 300,
    };
    /// About three years, two behind and one ahead: 2,000 officers, 300 trainings, 3,000
    /// sessions.
    pub(super) const LARGE: Scale = Scale {
        other_officers: 1_999,
        variants: 12,
        past_days: 730,
        future_days: 365,
        past_sessions: 2_000,
        upcoming_sessions: Some(1_000),
        programmes_since_days: 720,
    };
}

/// A training of the catalogue: one of `TRAININGS`, in one of its variants.
pub(super) struct TrainingPlan {
    pub(super) spec: &'static TrainingSpec,
    pub(super) title: String,
    pub(super) archived: bool,
}

pub(super) struct UserPlan {
    pub(super) email: String,
    pub(super) display_name: String,
    pub(super) role: Role,
    pub(super) profile: Option<ProfilePlan>,
}

pub(super) struct ProfilePlan {
    pub(super) grade: &'static str,
    pub(super) armee: &'static str,
    pub(super) phone: String,
    pub(super) departure: NaiveDate,
}

pub(super) struct SessionPlan {
    pub(super) training: usize,
    pub(super) kind: Kind,
    pub(super) starts_at: DateTime<Utc>,
    pub(super) ends_at: DateTime<Utc>,
    pub(super) enrolment_deadline: DateTime<Utc>,
    pub(super) cancellation_deadline: DateTime<Utc>,
    pub(super) capacity: i32,
    pub(super) location: &'static str,
    pub(super) visio_url: Option<String>,
    pub(super) trainer: &'static str,
    pub(super) created_at: DateTime<Utc>,
}

pub(super) struct EnrolPlan {
    pub(super) session: usize,
    pub(super) officer: usize,
    pub(super) status: EnrolmentStatus,
    pub(super) waitlist_rank: Option<i64>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
    pub(super) confirmed_at: Option<DateTime<Utc>>,
    pub(super) cancelled_at: Option<DateTime<Utc>>,
}

pub(super) struct FeedbackPlan {
    pub(super) session: usize,
    pub(super) officer: usize,
    pub(super) overall: i16,
    pub(super) usefulness: i16,
    pub(super) comment: &'static str,
    pub(super) created_at: DateTime<Utc>,
}

pub(super) struct ProgrammePlan {
    pub(super) officer: usize,
    pub(super) starts_on: NaiveDate,
    pub(super) ends_on: NaiveDate,
    pub(super) goal: &'static str,
    pub(super) created_at: DateTime<Utc>,
    pub(super) items: Vec<(usize, Priority)>,
}

pub(super) struct Plan {
    pub(super) now: DateTime<Utc>,
    pub(super) trainings: Vec<TrainingPlan>,
    pub(super) users: Vec<UserPlan>,
    pub(super) sessions: Vec<SessionPlan>,
    pub(super) enrolments: Vec<EnrolPlan>,
    pub(super) feedback: Vec<FeedbackPlan>,
    pub(super) programmes: Vec<ProgrammePlan>,
}

/// The demo officer's places, chosen before anyone else's.
#[derive(Default)]
struct DemoPlaces {
    attended: Vec<usize>,
    confirmed: Vec<usize>,
    waitlisted: Option<usize>,
}

pub(super) struct Planner {
    scale: Scale,
    rng: Rng,
    now: DateTime<Utc>,
    today: NaiveDate,
    plan: Plan,
    demo: DemoPlaces,
    /// Per user: the time slots of every session they have a row in.
    calendar: Vec<Vec<(DateTime<Utc>, DateTime<Utc>)>>,
    /// Per user: trainings already attended or booked, never booked twice.
    booked_trainings: Vec<HashSet<usize>>,
    /// Per training: officers whose programme lists it, with the programme's first and last
    /// day; a session is offered first to those whose programme runs on its day.
    wanted_by: Vec<Vec<(usize, NaiveDate, NaiveDate)>>,
}

impl Planner {
    pub(super) fn new(now: DateTime<Utc>) -> Self {
        Self::with_scale(now, Scale::DEMO)
    }

    pub(super) fn with_scale(now: DateTime<Utc>, scale: Scale) -> Self {
        // Whole seconds, so that every timestamp reads back from the database exactly as written.
        let now = now.trunc_subsecs(0);
        let trainings = catalogue(scale.variants);
        Planner {
            scale,
            rng: Rng(0x00C4_5510_2026_A11E),
            now,
            today: now.with_timezone(&Paris).date_naive(),
            wanted_by: vec![Vec::new(); trainings.len()],
            plan: Plan {
                now,
                trainings,
                users: Vec::new(),
                sessions: Vec::new(),
                enrolments: Vec::new(),
                feedback: Vec::new(),
                programmes: Vec::new(),
            },
            demo: DemoPlaces::default(),
            calendar: Vec::new(),
            booked_trainings: Vec::new(),
        }
    }

    pub(super) fn build(mut self) -> Plan {
        self.plan_users();
        self.plan_sessions();
        self.plan_programmes();
        self.choose_demo_places();
        self.plan_demo_programme();
        for s in 0..self.plan.sessions.len() {
            self.fill_session(s);
        }
        self.plan
    }

    // --- people

    fn plan_users(&mut self) {
        let mut seen: HashSet<String> = HashSet::new();
        for (email, name, role) in FIXED_ACCOUNTS {
            seen.insert(email.to_owned());
            let profile = (role == Role::Officer).then(|| ProfilePlan {
                grade: "Général de corps d'armée",
                armee: "Armée de Terre",
                phone: "06 12 34 56 78".to_owned(),
                departure: self.today + Duration::days(120),
            });
            self.push_user(email.to_owned(), name.to_owned(), role, profile);
        }
        while self.plan.users.len() < FIXED_ACCOUNTS.len() + self.scale.other_officers {
            let first = if self.rng.percent(12) {
                self.rng.pick(&FEMALE_FIRST_NAMES)
            } else {
                self.rng.pick(&MALE_FIRST_NAMES)
            };
            let last = self.rng.pick(&LAST_NAMES);
            let email = format!("{}.{}@{EMAIL_DOMAIN}", slug(first), slug(last));
            if seen.insert(email.clone()) {
                self.push_officer(email, first, last);
            }
        }
    }

    fn push_officer(&mut self, email: String, first: &str, last: &str) {
        let service = self.pick_service();
        // Two generals in three hold the first star or two.
        let grade = match self.rng.below(10) {
            0..=5 => service.grades[0],
            6..=8 => service.grades[1],
            _ => service.grades[service.grades.len() - 1],
        };
        let profile = ProfilePlan {
            grade,
            armee: service.armee,
            phone: format!(
                "06 {:02} {:02} {:02} {:02}",
                self.rng.below(100),
                self.rng.below(100),
                self.rng.below(100),
                self.rng.below(100)
            ),
            departure: self.today + Duration::days(self.rng.range(-365, 365)),
        };
        let name = format!("{} {first} {last}", service.title);
        self.push_user(email, name, Role::Officer, Some(profile));
    }

    fn pick_service(&mut self) -> &'static Service {
        let total: u64 = SERVICES.iter().map(|s| s.weight).sum();
        let mut roll = self.rng.next() % total;
        for service in &SERVICES {
            if roll < service.weight {
                return service;
            }
            roll -= service.weight;
        }
        &SERVICES[0]
    }

    fn push_user(&mut self, email: String, name: String, role: Role, profile: Option<ProfilePlan>) {
        self.plan.users.push(UserPlan {
            email,
            display_name: name,
            role,
            profile,
        });
        self.calendar.push(Vec::new());
        self.booked_trainings.push(HashSet::new());
    }

    fn officers(&self) -> std::ops::Range<usize> {
        (DEMO_OFFICER + 1)..(FIXED_ACCOUNTS.len() + self.scale.other_officers)
    }

    /// The trainings that can still be planned (not archived).
    pub(super) fn active_trainings(&self) -> Vec<usize> {
        let trainings = self.plan.trainings.iter().enumerate();
        trainings
            .filter(|(_, t)| !t.archived)
            .map(|(i, _)| i)
            .collect()
    }

    // --- programmes

    fn plan_programmes(&mut self) {
        let active = self.active_trainings();
        let demo = self.scale == Scale::DEMO;
        for officer in self.officers() {
            if !self.rng.percent(80) {
                continue;
            }
            let mut trainings = active.clone();
            self.rng.shuffle(&mut trainings);
            trainings.truncate(self.rng.range(3, 6) as usize);
            let items: Vec<(usize, Priority)> = trainings
                .into_iter()
                .enumerate()
                .map(|(pos, t)| (t, self.priority_at(pos)))
                .collect();
            // The demo's programmes are under way: started within ten months, ending two months
            // from now or later. The large set's are spread over its history.
            let since = self.scale.programmes_since_days;
            let starts_on = self.today - Duration::days(self.rng.range(0, since));
            let min_end = if demo {
                self.today + Duration::days(60)
            } else {
                starts_on
            };
            let span = self
                .rng
                .range(183, 548)
                .max((min_end - starts_on).num_days());
            let ends_on = starts_on + Duration::days(span);
            let goal = self.rng.pick(&CAREER_GOALS);
            self.push_programme(officer, starts_on, ends_on, goal, items);
        }
    }

    fn priority_at(&mut self, position: usize) -> Priority {
        match position {
            0 => Priority::Obligatoire,
            1 if self.rng.percent(50) => Priority::Obligatoire,
            _ if self.rng.percent(55) => Priority::Recommandee,
            _ => Priority::Optionnelle,
        }
    }

    fn push_programme(
        &mut self,
        officer: usize,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        goal: &'static str,
        items: Vec<(usize, Priority)>,
    ) {
        for &(t, _) in &items {
            self.wanted_by[t].push((officer, starts_on, ends_on));
        }
        let created_at = paris(starts_on - Duration::days(14), 10, 0).min(self.now);
        self.plan.programmes.push(ProgrammePlan {
            officer,
            starts_on,
            ends_on,
            goal,
            created_at,
            items,
        });
    }
}

/// The catalogue: each training of `TRAININGS` in `variants` variants, the archived one archived
/// in all of them.
fn catalogue(variants: usize) -> Vec<TrainingPlan> {
    let mut trainings = Vec::with_capacity(TRAININGS.len() * variants);
    for variant in &TRAINING_VARIANTS[..variants] {
        for (i, spec) in TRAININGS.iter().enumerate() {
            trainings.push(TrainingPlan {
                spec,
                title: format!("{}{variant}", spec.title),
                archived: i == ARCHIVED_TRAINING,
            });
        }
    }
    trainings
}
