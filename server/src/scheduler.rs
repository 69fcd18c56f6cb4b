//! Runs the reminder scheduler of `app::notification::reminders` every minute, for the life of
//! the server. It keeps no state of its own: what was sent is in the database, so restarts and
//! several instances are safe.

use app::notification::PublicUrl;
use sea_orm::DatabaseConnection;
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(60);

/// `base` starts the links of the emails it queues.
pub async fn run(db: DatabaseConnection, base: PublicUrl) {
    loop {
        match app::notification::reminders::run(&db, &base, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "rappels et alertes envoyés"),
            Err(e) => tracing::warn!(error = %e, "rappels : échec, nouvel essai dans une minute"),
        }
        tokio::time::sleep(EVERY).await;
    }
}
