//! What the officers do in a world: hear of a session, ask for a seat (or not), give it up,
//! answer staff's invitation. Their choices come from their draws (`model::Draws`), the same in both
//! worlds; what the services answer them depends on the world's mechanisms.

use super::{Event, Mechanism, World};
use crate::simulate::model::{Draw, REACTION_MAX_DAYS, between, enrol_pct};
use app::enrolment::actions::{Enrolled, enrol, withdraw};
use app::entities::{enrolment, session};
use app::error::{AppError, AppResult};
use app::invitation::service::decline;
use app::model::{EnrolmentStatus, SessionStatus};
use app::records::{place::own_enrolment, session::any_session};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::sync::Arc;

/// An officer's place for a training, as far as their next move goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holding {
    Nothing,
    /// Waiting on the list of this session (database id), not started.
    Waiting(i32),
    Seat,
    Followed,
}

impl World {
    /// The officer hears of a session now (product) or by email later (reference): if its
    /// training is in their programme, which still runs on its first day, and they choose to
    /// (their draw), they act after their reaction time.
    pub(super) fn hear(&mut self, officer: usize, session: usize) {
        let plan = Arc::clone(&self.plan);
        let (p, s) = (&plan.programmes[officer], &plan.sessions[session]);
        let Some(priority) = p.priority_of(s.training) else {
            return;
        };
        if p.ends_on < s.start_day
            || !self
                .draws
                .percent(Draw::Enrol, officer, session, enrol_pct(priority))
        {
            return;
        }
        let heard = match self.mechanism {
            Mechanism::Product => self.now,
            Mechanism::Reference => self.now + Duration::days(self.assumptions.email_delay_days),
        };
        let reaction = self.draws.unit(Draw::Reaction, officer, session);
        let when = between(heard, heard + Duration::days(REACTION_MAX_DAYS), reaction);
        if when < s.starts_at {
            self.at(when, Event::Decide { officer, session });
        }
    }

    /// The officer acts on a session they heard of, if the training is still to do: asks for
    /// a seat; or, waiting on the list of another session of it (product), takes a free seat
    /// here and leaves that list.
    pub(super) async fn decide(&mut self, officer: usize, session: usize) -> AppResult<()> {
        let training = self.plan.sessions[session].training;
        match self.holding(officer, training).await? {
            Holding::Followed | Holding::Seat => {}
            Holding::Nothing => {
                self.request(officer, session).await?;
            }
            Holding::Waiting(queued) => {
                // A free seat in another session beats a place in a queue.
                let (id, _) = self.published(session)?;
                let s = any_session(&self.db, id).await?;
                if s.seats_taken < s.capacity
                    && self.request(officer, session).await? == Some(Enrolled::Confirmed)
                {
                    let oid = self.officer_ids[officer];
                    refused_is_fine(withdraw(&self.db, oid, queued, self.now).await)?;
                }
            }
        }
        Ok(())
    }

    /// The officer asks for a seat through the real `enrol`; `None` when it refused (deadline
    /// passed, overlap) or, in the reference world, when the session was full.
    async fn request(&mut self, officer: usize, session: usize) -> AppResult<Option<Enrolled>> {
        let (id, _) = self.published(session)?;
        let oid = self.officer_ids[officer];
        if self.mechanism == Mechanism::Reference {
            // The request is an email that staff answer and type in.
            self.counters.staff_actions += 1;
        }
        match enrol(&self.db, oid, id, self.now).await {
            Ok(Enrolled::Confirmed) => {
                self.confirmed(officer, session, self.now);
                Ok(Some(Enrolled::Confirmed))
            }
            Ok(waiting @ Enrolled::Waitlisted { .. }) => match self.mechanism {
                Mechanism::Product => Ok(Some(waiting)),
                Mechanism::Reference => {
                    // No waitlist: « c'est complet », and the officer gives up.
                    withdraw(&self.db, oid, id, self.now).await?;
                    Ok(None)
                }
            },
            Err(AppError::Refused(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A seat was confirmed at `at`: the officer may give it up later (their draws), on time
    /// or after the cancellation deadline. A seat confirmed after that deadline (invitation,
    /// promotion) can only be given up late.
    fn confirmed(&mut self, officer: usize, session: usize, at: DateTime<Utc>) {
        let a = self.assumptions;
        if !self
            .draws
            .percent(Draw::Withdraw, officer, session, a.withdrawals)
        {
            return;
        }
        let Some((_, deadline)) = self.sessions[session] else {
            return;
        };
        let starts_at = self.plan.sessions[session].starts_at;
        let late = self
            .draws
            .percent(Draw::Late, officer, session, a.late_share)
            || at >= deadline;
        let (from, to) = if late {
            (at.max(deadline) + Duration::minutes(1), starts_at)
        } else {
            (at, deadline)
        };
        let fraction = self.draws.unit(Draw::WithdrawAt, officer, session);
        let when = between(from, to, fraction).max(at + Duration::minutes(1));
        if when < starts_at {
            self.at(when, Event::Withdraw { officer, session });
        }
    }

    /// The officer gives up their seat with the real `withdraw`, which promotes the first
    /// waiting officer (product world; there is no waitlist in the reference).
    pub(super) async fn withdraw(&mut self, officer: usize, session: usize) -> AppResult<()> {
        let (id, _) = self.published(session)?;
        let oid = self.officer_ids[officer];
        let place = own_enrolment(&self.db, id, oid).await?;
        if place.is_none_or(|e| e.status != EnrolmentStatus::Inscrit) {
            return Ok(());
        }
        let out = withdraw(&self.db, oid, id, self.now).await?;
        if self.mechanism == Mechanism::Reference {
            self.counters.staff_actions += 1;
        }
        self.withdrew.insert((officer, session));
        for promoted in out.promoted {
            if let Some(&o) = self.officer_index.get(&promoted) {
                self.confirmed(o, session, self.now);
            }
        }
        Ok(())
    }

    /// The invited officer accepts by enrolling (the real `enrol` accepts the invitation), or
    /// declines with the real `decline`.
    pub(super) async fn answer(
        &mut self,
        officer: usize,
        session: usize,
        accept: bool,
    ) -> AppResult<()> {
        let training = self.plan.sessions[session].training;
        if accept && self.holding(officer, training).await? == Holding::Nothing {
            self.request(officer, session).await?;
            return Ok(());
        }
        let (id, _) = self.published(session)?;
        let oid = self.officer_ids[officer];
        refused_is_fine(decline(&self.db, oid, id, self.now).await)
    }

    /// The officer's place for a training: followed (présent), a seat, a place on the
    /// waitlist of a session to come, or nothing.
    async fn holding(&self, officer: usize, training: usize) -> AppResult<Holding> {
        let rows = enrolment::Entity::find()
            .filter(enrolment::Column::OfficerId.eq(self.officer_ids[officer]))
            .find_also_related(session::Entity)
            .filter(session::Column::TrainingId.eq(self.training_ids[training]))
            .all(&self.db)
            .await?;
        let mut holding = Holding::Nothing;
        for (e, s) in rows {
            let Some(s) = s else { continue };
            match e.status {
                EnrolmentStatus::Present => return Ok(Holding::Followed),
                EnrolmentStatus::Inscrit if s.status != SessionStatus::Annulee => {
                    holding = Holding::Seat;
                }
                EnrolmentStatus::ListeAttente
                    if s.status == SessionStatus::Publiee
                        && s.starts_at > self.now
                        && holding == Holding::Nothing =>
                {
                    holding = Holding::Waiting(s.id);
                }
                _ => {}
            }
        }
        Ok(holding)
    }
}

/// A refusal (the place changed meanwhile) is no failure of the simulation.
fn refused_is_fine<T>(result: AppResult<T>) -> AppResult<()> {
    match result {
        Ok(_) | Err(AppError::Refused(_)) => Ok(()),
        Err(e) => Err(e),
    }
}
