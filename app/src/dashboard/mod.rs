//! The staff dashboard (`/gestion`): the next sessions and how full they are (product §4, §6).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingSession {
    pub id: i32,
    pub title: String,
    pub dates: String,
    pub status: String,
    pub confirmed: i32,
    pub capacity: i32,
    /// Taux de remplissage, in whole percent (product §6).
    pub fill_percent: i32,
    pub waiting: u64,
    /// « Sous le minimum (4) », « Places libres avec liste d'attente ».
    pub alerts: Vec<String>,
}

/// A training that programmes need and no upcoming session offers (issue « demand view »).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    pub training_id: i32,
    pub title: String,
    /// Officers with this training still to follow in a current programme.
    pub officers: u64,
    /// Of whom: as « Obligatoire ».
    pub mandatory: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub upcoming: Vec<UpcomingSession>,
    pub demand: Vec<Demand>,
    /// This year so far against the same date last year (fill rate, empty-seat cost,
    /// no-show), and the link to the year's statistics.
    pub trends: Vec<crate::statistics::Headline>,
    pub trends_href: String,
}

#[server(prefix = "/api", endpoint = "tableau-de-bord")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    crate::caller::require_staff()?;
    service::dashboard(&crate::db::db()?, chrono::Utc::now()).await
}
