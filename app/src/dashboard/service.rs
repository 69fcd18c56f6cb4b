use super::{Dashboard, Demand, UpcomingSession};
use crate::{
    dates,
    entities::{session, training},
    error::AppResult,
    model::{EnrolmentStatus, SessionStatus},
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// How many upcoming sessions the dashboard lists.
const NEXT_SESSIONS: u64 = 20;

pub async fn dashboard<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<Dashboard> {
    let rows = session::Entity::find()
        .filter(session::Column::StartsAt.gt(now))
        .filter(session::Column::Status.is_in([SessionStatus::Publiee, SessionStatus::Brouillon]))
        .find_also_related(training::Entity)
        .order_by_asc(session::Column::StartsAt)
        .limit(NEXT_SESSIONS)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|(s, _)| s.id).collect();
    let waiting =
        crate::records::place::count_by_session(db, &ids, EnrolmentStatus::ListeAttente).await?;
    let late =
        crate::records::place::count_by_session(db, &ids, EnrolmentStatus::DesistementTardif)
            .await?;

    let upcoming = rows
        .into_iter()
        .map(|(s, t)| {
            let waiting = waiting.get(&s.id).copied().unwrap_or(0);
            let late = late.get(&s.id).copied().unwrap_or(0);
            let mut alerts = Vec::new();
            if s.status == SessionStatus::Publiee && s.seats_taken < s.min_participants {
                alerts.push(format!("Sous le minimum ({})", s.min_participants));
            }
            if waiting > 0 && s.seats_taken < s.capacity {
                alerts.push("Places libres avec liste d'attente".to_owned());
            }
            match late {
                0 => {}
                1 => alerts.push("1 désistement tardif".to_owned()),
                n => alerts.push(format!("{n} désistements tardifs")),
            }
            UpcomingSession {
                id: s.id,
                title: t.map(|t| t.title).unwrap_or_default(),
                dates: dates::span(s.starts_at, s.ends_at),
                status: s.status.label().to_owned(),
                confirmed: s.seats_taken,
                capacity: s.capacity,
                fill_percent: crate::format::fill_percent(s.seats_taken, s.capacity),
                waiting,
                alerts,
            }
        })
        .collect();
    let demand = unmet_demand(db, now).await?;
    let (trends, trends_href) = crate::statistics::report::year_to_date(db, now).await?;
    Ok(Dashboard {
        upcoming,
        demand,
        trends,
        trends_href,
    })
}

/// Trainings that current programmes still need (not followed, no live place) and that no
/// upcoming session (draft or published) offers, with how many officers need each: staff plan
/// sessions from demand. Most needed first.
pub async fn unmet_demand<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> AppResult<Vec<Demand>> {
    use crate::entities::{enrolment, programme, programme_item, user};
    use crate::model::Priority;
    use std::collections::{HashMap, HashSet};

    let today = crate::dates::paris_date(now);
    let active: HashSet<i32> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Active.eq(true))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let programmes: HashMap<i32, i32> = programme::Entity::find()
        .filter(programme::Column::EndsOn.gte(today))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| active.contains(&p.officer_id))
        .map(|p| (p.id, p.officer_id))
        .collect();
    let items = programme_item::Entity::find()
        .filter(programme_item::Column::ProgrammeId.is_in(programmes.keys().copied()))
        .all(db)
        .await?;
    // (officer, training) pairs already covered: followed, or a live place to come.
    let covered: HashSet<(i32, i32)> = enrolment::Entity::find()
        .filter(enrolment::Column::OfficerId.is_in(programmes.values().copied()))
        .find_also_related(session::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(e, s)| s.map(|s| (e, s)))
        .filter(|(e, s)| crate::records::place::place_covers(e, s, now))
        .map(|(e, s)| (e.officer_id, s.training_id))
        .collect();
    let offered: HashSet<i32> = session::Entity::find()
        .filter(session::Column::StartsAt.gt(now))
        .filter(session::Column::Status.is_in([SessionStatus::Publiee, SessionStatus::Brouillon]))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.training_id)
        .collect();
    let mut need: HashMap<i32, (HashSet<i32>, HashSet<i32>)> = HashMap::new();
    for item in items {
        let Some(officer) = programmes.get(&item.programme_id).copied() else {
            continue;
        };
        if offered.contains(&item.training_id) || covered.contains(&(officer, item.training_id)) {
            continue;
        }
        let entry = need.entry(item.training_id).or_default();
        entry.0.insert(officer);
        if item.priority == Priority::Obligatoire {
            entry.1.insert(officer);
        }
    }
    let titles: HashMap<i32, training::Model> = training::Entity::find()
        .filter(training::Column::Id.is_in(need.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut demand: Vec<Demand> = need
        .into_iter()
        .filter_map(|(id, (all, mandatory))| {
            let t = titles.get(&id).filter(|t| !t.archived)?;
            Some(Demand {
                training_id: id,
                title: t.title.clone(),
                officers: all.len() as u64,
                mandatory: mandatory.len() as u64,
            })
        })
        .collect();
    demand.sort_by(|a, b| {
        (b.mandatory, b.officers, &a.title).cmp(&(a.mandatory, a.officers, &b.title))
    });
    Ok(demand)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        enrolment::actions::enrol,
        model::Role,
        programme::service::{ProgrammeInput, add_item, save},
        testing::{officer, session_at, test_db, training, user_with_role},
    };
    use chrono::Duration;

    #[tokio::test]
    async fn demand_counts_officers_whose_programme_needs_a_training_nobody_offers() {
        let db = test_db().await;
        let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
        let now = Utc::now();
        let wanted = training(&db, "Présider un conseil").await;
        let offered = training(&db, "Négocier").await;
        let booked_elsewhere = training(&db, "Lire un bilan").await;
        session_at(&db, offered.id, now + Duration::days(30), 7, 5).await;
        let old = session_at(&db, booked_elsewhere.id, now + Duration::days(10), 7, 5).await;
        let dates = || ProgrammeInput {
            starts_on: (now - Duration::days(30)).format("%Y-%m-%d").to_string(),
            ends_on: (now + Duration::days(200)).format("%Y-%m-%d").to_string(),
            career_goal: String::new(),
        };
        let mut officers = Vec::new();
        for (n, prio) in [
            ("A", "obligatoire"),
            ("B", "recommandee"),
            ("C", "obligatoire"),
        ] {
            let o = officer(&db, n).await.id;
            crate::records::officer::find_officer(&db, o).await.unwrap();
            save(&db, staff, o, dates(), now).await.unwrap();
            for t in [&wanted, &offered, &booked_elsewhere] {
                add_item(&db, staff, o, &t.id.to_string(), prio, now)
                    .await
                    .unwrap();
            }
            officers.push(o);
        }
        // Everyone is booked on the only session of the third training: not demanded, but
        // also offered; cancel that offer and only those without a place count.
        enrol(&db, officers[0], old.id, now).await.unwrap();
        crate::planning::lifecycle::cancel(&db, staff, old.id, now)
            .await
            .unwrap();

        let demand = unmet_demand(&db, now).await.unwrap();
        assert_eq!(
            shown(&demand),
            [("Lire un bilan", 3, 2), ("Présider un conseil", 3, 2)]
        );
    }

    /// (training, officers, of which « obligatoire ») of each line.
    fn shown(demand: &[Demand]) -> Vec<(&str, u64, u64)> {
        demand
            .iter()
            .map(|d| (d.title.as_str(), d.officers, d.mandatory))
            .collect()
    }

    #[tokio::test]
    async fn a_training_followed_or_booked_is_no_longer_demanded() {
        use crate::{
            model::Priority,
            testing::{in_days, officer_with_programme, place},
        };
        let db = test_db().await;
        let t = training(&db, "Conduire le changement").await;
        let ob = [(t.id, Priority::Obligatoire)];
        let followed = officer_with_programme(&db, "Anne Suivie", 200, &ob).await;
        let missed = officer_with_programme(&db, "Bruno Absent", 200, &ob).await;
        let now_in = officer_with_programme(&db, "Chloé En Cours", 200, &ob).await;
        // No session to come: only places of the past or under way.
        let past = session_at(&db, t.id, in_days(-20), 7, 5).await;
        let running = session_at(&db, t.id, in_days(-1), 72, 5).await;
        for (s, o, status) in [
            (&past, &followed, EnrolmentStatus::Present),
            (&past, &missed, EnrolmentStatus::Absent),
            (&running, &now_in, EnrolmentStatus::Inscrit),
        ] {
            place(&db, s.id, o.id, status).await;
        }
        let demand = unmet_demand(&db, Utc::now()).await.unwrap();
        assert_eq!(
            shown(&demand),
            [("Conduire le changement", 1, 1)],
            "only the one absent"
        );
    }
}
