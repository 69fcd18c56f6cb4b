//! One world: the year of [`Plan`] played on its own scratch in-memory database, event by event,
//! through the real services (the functions the server functions call), each given the
//! simulated instant as its `now`. The services' rules and deadlines therefore apply as they do
//! in production: capacity, one place per officer, no overlap, the enrolment deadline, late
//! withdrawals, promotion from the waitlist, invitations past the deadline.
//!
//! Both worlds share the officers, programmes, sessions and every officer's draws; they differ
//! only by their mechanisms:
//!
//! | | Produit (Cassiopée) | Référence (l'ère du courriel) |
//! |---|---|---|
//! | officers hear of a session | at its publication (or their programme's start) | `--email-delay` days later |
//! | session full | waitlist, promotion into freed seats (the real `withdraw` promotes) | the officer gives up at once (real `withdraw` of the waitlist place) |
//! | free seats a week before | « Remplir la session »: real `candidates` + `invite` of the candidates the page suggests; each accepts (60 %) through the real `enrol`, or declines | nothing |
//! | officer waiting elsewhere | takes a free seat in another session of the training and leaves the queue | — |
//!
//! Staff fill sessions by invitation rather than with « Inscrire des officiers »
//! (`enrol_officers`): the officer stays the one who commits to a seat, as the product intends,
//! and an invitation may be refused — the conservative choice for the product's figures.
//!
//! Staff actions (the « Actions de la gestion » figure): in both worlds, each session created,
//! published and its attendance sheet (3 per session); in the product, each « Remplir la
//! session » batch of invitations; in the reference, each officer request staff handle by email
//! and type in (an enrolment asked for, whether granted, refused as full or too late, and each
//! withdrawal). The officers' own requests go through the officers' services in both worlds, so
//! that the same rules and deadlines apply to both.
//!
//! Staff's side is here (set-up, programmes, publication, « Remplir la session », attendance);
//! the officers' side in [`officers`].

use super::Assumptions;
use super::model::{
    ANSWER_MAX_HOURS, ATTENDANCE_DELAY_MINUTES, Draw, Draws, EXCUSED_PCT, FILL_DAYS_BEFORE,
    FILL_HOUR, INVITATION_ACCEPT_PCT, MIN_PARTICIPANTS_PCT, Plan, between,
};
use crate::seed::calendar::paris;
use crate::seed::data::TRAININGS;
use app::dates::{input_date, input_time};
use app::enrolment::staff::record_attendance;
use app::entities::{enrolment, programme, programme_item, training, user};
use app::error::{AppError, AppResult};
use app::invitation::service::{candidates, invite};
use app::model::{EnrolmentStatus, Role, SessionStatus};
use app::planning::{input::SessionInput, lifecycle};
use app::records::session::any_session;
use chrono::{DateTime, Duration, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectOptions, Database, DatabaseConnection,
    DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::sync::Arc;

mod officers;

/// Where the sessions take place (the same for all: the place plays no part here).
const LOCATION: &str = "École militaire, Paris";
const TRAINER: &str = "Intervenant de l'organisme";
/// Accounts and catalogue exist a month before the year starts.
const SETUP_DAYS_BEFORE: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mechanism {
    Product,
    Reference,
}

/// What happens, at an instant; officers and sessions by their index in the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// The officer's programme is written; they hear of the sessions already published.
    ProgrammeStart(usize),
    /// Staff create and publish the session; officers hear of it.
    Publish(usize),
    /// The officer acts on a session they heard of.
    Decide { officer: usize, session: usize },
    /// The officer gives up their seat.
    Withdraw { officer: usize, session: usize },
    /// « Remplir la session » (product only).
    Fill(usize),
    /// The officer answers staff's invitation.
    Answer {
        officer: usize,
        session: usize,
        accept: bool,
    },
    /// Staff note attendance after the session.
    Attendance(usize),
}

/// What a world counted besides the database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Counters {
    pub(super) staff_actions: i64,
    pub(super) invitations: i64,
}

/// A world after its year: the database to measure, the instant the year ended (after the last
/// attendance sheet) and the counters.
pub(super) struct Played {
    pub(super) db: DatabaseConnection,
    pub(super) end: DateTime<Utc>,
    pub(super) counters: Counters,
}

/// A fresh, migrated in-memory SQLite database. One connection, kept for the whole run: each
/// connection to `:memory:` is a database of its own.
pub(super) async fn scratch_db() -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new("sqlite::memory:".to_owned());
    opts.max_connections(1)
        .min_connections(1)
        .idle_timeout(std::time::Duration::from_secs(24 * 3600))
        .max_lifetime(std::time::Duration::from_secs(24 * 3600))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| o.foreign_keys(true));
    let db = Database::connect(opts).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// A world while it plays: its database, the ids its rows got, and the events to come.
pub(super) struct World {
    mechanism: Mechanism,
    plan: Arc<Plan>,
    draws: Draws,
    assumptions: Assumptions,
    db: DatabaseConnection,
    staff: i32,
    officer_ids: Vec<i32>,
    /// Officer index of a user id (lookups only: never iterated).
    officer_index: HashMap<i32, usize>,
    training_ids: Vec<i32>,
    /// Database id and cancellation deadline of each session, once published.
    sessions: Vec<Option<(i32, DateTime<Utc>)>>,
    /// (officer, session) pairs where the officer gave up a seat.
    withdrew: BTreeSet<(usize, usize)>,
    queue: BinaryHeap<Reverse<(DateTime<Utc>, u64, Event)>>,
    /// Ties keep the order events were scheduled in.
    seq: u64,
    now: DateTime<Utc>,
    counters: Counters,
}

impl World {
    pub(super) async fn play(
        mechanism: Mechanism,
        plan: Arc<Plan>,
        draws: Draws,
        assumptions: Assumptions,
    ) -> AppResult<Played> {
        Self::run(mechanism, plan, draws, assumptions, false).await
    }

    /// [`World::play`], checking every rule of product §3 on the database after each event
    /// (`crate::invariants`): while sessions are open and waitlists exist, not only at the end.
    #[cfg(test)]
    pub(super) async fn play_audited(
        mechanism: Mechanism,
        plan: Arc<Plan>,
        draws: Draws,
        assumptions: Assumptions,
    ) -> AppResult<Played> {
        Self::run(mechanism, plan, draws, assumptions, true).await
    }

    async fn run(
        mechanism: Mechanism,
        plan: Arc<Plan>,
        draws: Draws,
        assumptions: Assumptions,
        audit: bool,
    ) -> AppResult<Played> {
        let db = scratch_db().await.map_err(AppError::from)?;
        let setup_at = paris(plan.first_day - Duration::days(SETUP_DAYS_BEFORE), 8, 0);
        let mut w = World {
            mechanism,
            sessions: vec![None; plan.sessions.len()],
            plan,
            draws,
            assumptions,
            db,
            staff: 0,
            officer_ids: Vec::new(),
            officer_index: HashMap::new(),
            training_ids: Vec::new(),
            withdrew: BTreeSet::new(),
            queue: BinaryHeap::new(),
            seq: 0,
            now: setup_at,
            counters: Counters::default(),
        };
        w.setup(setup_at).await?;
        let plan = Arc::clone(&w.plan);
        for (i, p) in plan.programmes.iter().enumerate() {
            w.at(p.starts_at, Event::ProgrammeStart(i));
        }
        for (i, s) in plan.sessions.iter().enumerate() {
            w.at(s.planned_at, Event::Publish(i));
        }
        while let Some(Reverse((at, _, event))) = w.queue.pop() {
            w.now = at;
            w.handle(event).await?;
            if audit {
                w.audit(event).await;
            }
        }
        Ok(Played {
            db: w.db,
            end: w.now + Duration::minutes(1),
            counters: w.counters,
        })
    }

    fn at(&mut self, when: DateTime<Utc>, event: Event) {
        self.seq += 1;
        self.queue.push(Reverse((when, self.seq, event)));
    }

    /// The accounts (one staff member, the officers) and the catalogue, written directly: they
    /// are the same in both worlds and no rule under study applies to them.
    async fn setup(&mut self, at: DateTime<Utc>) -> AppResult<()> {
        let account = |email: String, name: String, role: Role| user::ActiveModel {
            email: Set(email),
            display_name: Set(name),
            role: Set(role),
            // No password: nobody logs in to a scratch database.
            password_hash: Set("!".to_owned()),
            active: Set(true),
            created_at: Set(at),
            ..Default::default()
        };
        let staff = account(
            "gestion@simulation.invalid".into(),
            "Gestion MiRVOG".into(),
            Role::Staff,
        );
        self.staff = staff.insert(&self.db).await?.id;
        for i in 1..=self.plan.programmes.len() {
            let email = format!("officier{i:04}@simulation.invalid");
            let row = account(email, format!("Officier {i:04}"), Role::Officer);
            let id = row.insert(&self.db).await?.id;
            self.officer_index.insert(id, self.officer_ids.len());
            self.officer_ids.push(id);
        }
        for spec in &TRAININGS {
            let row = training::ActiveModel {
                title: Set(spec.title.to_owned()),
                description: Set(spec.description.to_owned()),
                theme: Set(spec.theme.to_owned()),
                provider: Set(spec.provider.to_owned()),
                format: Set(spec.format),
                duration_hours: Set(spec.hours),
                default_capacity: Set(spec.capacity),
                fixed_cost_cents: Set(spec.fixed_eur.map(|e| e * 100)),
                seat_cost_cents: Set(spec.seat_eur.map(|e| e * 100)),
                archived: Set(false),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            };
            self.training_ids.push(row.insert(&self.db).await?.id);
        }
        Ok(())
    }

    async fn handle(&mut self, event: Event) -> AppResult<()> {
        match event {
            Event::ProgrammeStart(officer) => self.programme_start(officer).await,
            Event::Publish(session) => self.publish(session).await,
            Event::Decide { officer, session } => self.decide(officer, session).await,
            Event::Withdraw { officer, session } => self.withdraw(officer, session).await,
            Event::Fill(session) => self.fill(session).await,
            Event::Answer {
                officer,
                session,
                accept,
            } => self.answer(officer, session, accept).await,
            Event::Attendance(session) => self.attendance(session).await,
        }
    }

    /// The programme is written (directly, as for the set-up); the officer hears of the
    /// sessions of its trainings already published.
    async fn programme_start(&mut self, officer: usize) -> AppResult<()> {
        let plan = Arc::clone(&self.plan);
        let p = &plan.programmes[officer];
        let row = programme::ActiveModel {
            officer_id: Set(self.officer_ids[officer]),
            starts_on: Set(p.starts_on),
            ends_on: Set(p.ends_on),
            career_goal: Set("Reconversion dans le secteur civil".to_owned()),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        for (position, (training, priority)) in (0..).zip(&p.items) {
            programme_item::ActiveModel {
                programme_id: Set(row.id),
                training_id: Set(self.training_ids[*training]),
                priority: Set(*priority),
                position: Set(position),
                ..Default::default()
            }
            .insert(&self.db)
            .await?;
        }
        for (session, s) in plan.sessions.iter().enumerate() {
            if self.sessions[session].is_some() && s.starts_at > self.now {
                self.hear(officer, session);
            }
        }
        Ok(())
    }

    /// Staff create the session with the real form and publish it; the officers whose
    /// programme has started hear of it.
    async fn publish(&mut self, session: usize) -> AppResult<()> {
        let plan = Arc::clone(&self.plan);
        let s = &plan.sessions[session];
        let input = SessionInput {
            training_id: self.training_ids[s.training].to_string(),
            start_date: input_date(s.starts_at),
            start_time: input_time(s.starts_at),
            end_date: input_date(s.ends_at),
            end_time: input_time(s.ends_at),
            location: LOCATION.to_owned(),
            capacity: s.capacity.to_string(),
            min_participants: ((s.capacity * MIN_PARTICIPANTS_PCT + 50) / 100).to_string(),
            trainer: TRAINER.to_owned(),
            // Deadlines: the form's defaults; cost: the training's cost model.
            ..Default::default()
        };
        let id = lifecycle::create(&self.db, self.staff, &input, self.now).await?;
        lifecycle::publish(&self.db, self.staff, id, self.now).await?;
        self.counters.staff_actions += 2;
        let model = any_session(&self.db, id).await?;
        self.sessions[session] = Some((id, model.cancellation_deadline));
        for (officer, p) in plan.programmes.iter().enumerate() {
            if p.starts_at <= self.now {
                self.hear(officer, session);
            }
        }
        if self.mechanism == Mechanism::Product {
            let fill_at = paris(s.start_day - Duration::days(FILL_DAYS_BEFORE), FILL_HOUR, 0);
            if fill_at > self.now {
                self.at(fill_at, Event::Fill(session));
            }
        }
        let sheet_at = s.ends_at + Duration::minutes(ATTENDANCE_DELAY_MINUTES);
        self.at(sheet_at, Event::Attendance(session));
        Ok(())
    }

    /// « Remplir la session »: staff invite the candidates the page suggests (the first ones,
    /// as many as free seats, not yet invited); each answers within `ANSWER_MAX_HOURS`.
    async fn fill(&mut self, session: usize) -> AppResult<()> {
        let (id, _) = self.published(session)?;
        let s = any_session(&self.db, id).await?;
        let free = usize::try_from(s.capacity - s.seats_taken).unwrap_or(0);
        if s.status != SessionStatus::Publiee || s.starts_at <= self.now || free == 0 {
            return Ok(());
        }
        let (needs, _) = candidates(&self.db, &s, self.now).await?;
        let asked = app::entities::invitation::Entity::find()
            .filter(app::entities::invitation::Column::SessionId.eq(id))
            .all(&self.db)
            .await?;
        let chosen: Vec<i32> = needs
            .iter()
            .map(|n| n.officer.id)
            .filter(|o| !asked.iter().any(|i| i.officer_id == *o))
            .take(free)
            .collect();
        if chosen.is_empty() {
            return Ok(());
        }
        let out = invite(&self.db, self.staff, id, &chosen, self.now).await?;
        self.counters.staff_actions += 1;
        self.counters.invitations += out.invited.len() as i64;
        let latest = s.starts_at - Duration::hours(1);
        for (oid, _) in out.invited {
            let Some(&officer) = self.officer_index.get(&oid) else {
                continue;
            };
            // An officer who gave up this very session says no.
            let accept = !self.withdrew.contains(&(officer, session))
                && self
                    .draws
                    .percent(Draw::Accept, officer, session, INVITATION_ACCEPT_PCT);
            let fraction = self.draws.unit(Draw::AnswerAt, officer, session);
            let when = between(
                self.now,
                self.now + Duration::hours(ANSWER_MAX_HOURS),
                fraction,
            );
            self.at(
                when.min(latest),
                Event::Answer {
                    officer,
                    session,
                    accept,
                },
            );
        }
        Ok(())
    }

    /// Staff note attendance with the real `record_attendance` (which also ends the session):
    /// each seat is présent, absent (`--no-show`) or excusé by the officer's draw.
    async fn attendance(&mut self, session: usize) -> AppResult<()> {
        let (id, _) = self.published(session)?;
        let seats = enrolment::Entity::find()
            .filter(enrolment::Column::SessionId.eq(id))
            .filter(enrolment::Column::Status.eq(EnrolmentStatus::Inscrit))
            .order_by_asc(enrolment::Column::Id)
            .all(&self.db)
            .await?;
        let no_show = self.assumptions.no_show;
        let marks: Vec<(i32, EnrolmentStatus)> = seats
            .iter()
            .map(|e| {
                let officer = self.officer_index.get(&e.officer_id).copied();
                let roll = officer.map_or(100, |o| self.draws.roll(Draw::Attendance, o, session));
                let mark = if roll < no_show {
                    EnrolmentStatus::Absent
                } else if roll < no_show + EXCUSED_PCT {
                    EnrolmentStatus::Excuse
                } else {
                    EnrolmentStatus::Present
                };
                (e.id, mark)
            })
            .collect();
        record_attendance(&self.db, self.staff, id, &marks, self.now).await?;
        self.counters.staff_actions += 1;
        Ok(())
    }

    /// Fails (tests only) when a rule of product §3 no longer holds after `event`.
    #[cfg(test)]
    async fn audit(&self, event: Event) {
        let broken = crate::invariants::violations(&self.db, self.now).await;
        assert!(
            broken.is_empty(),
            "{:?} world, after {event:?} at {}: {broken:#?}",
            self.mechanism,
            self.now
        );
    }

    #[cfg(not(test))]
    async fn audit(&self, _: Event) {}

    /// The database id and cancellation deadline of a published session.
    fn published(&self, session: usize) -> AppResult<(i32, DateTime<Utc>)> {
        self.sessions[session].ok_or(AppError::Internal)
    }
}
