//! Runs the reminder scheduler of `app::notification::reminders` every minute, for the life of
//! the server. It keeps no state of its own: what was sent is in the database, so restarts and
//! several instances are safe.

use app::notification::PublicUrl;
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tokio::sync::watch;

const EVERY: Duration = Duration::from_secs(60);

/// `base` starts the links of the emails it queues. Returns once `stop` says so, never in the
/// middle of a round (each round is one transaction per reminder, so a stop loses nothing).
pub async fn run(db: DatabaseConnection, base: PublicUrl, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        match app::notification::reminders::run(&db, &base, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "rappels et alertes envoyés"),
            Err(e) => tracing::warn!(error = %e, "rappels : échec, nouvel essai dans une minute"),
        }
        // The login counters whose window ended.
        if let Err(e) = app::auth::throttle::forget_ended(&db, chrono::Utc::now()).await {
            tracing::warn!(error = %e, "compteurs de connexion : échec du ménage");
        }
        tokio::select! {
            () = tokio::time::sleep(EVERY) => {}
            _ = stop.changed() => {}
        }
    }
}
