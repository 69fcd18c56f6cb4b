//! `cassiopee check`: what an operator runs after restoring a backup, after a crash or before
//! an upgrade. It reads the database without changing it and says, in French, whether the
//! schema is this program's, whether the file is sound (SQLite) and whether every rule of
//! product §3 holds, with the count of each kind of record.

use app::entities::{
    email_outbox, enrolment, feedback, journal, notification, session, training, user,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};

/// The report, and whether everything holds.
pub struct Report {
    pub text: String,
    pub sound: bool,
}

/// The counts printed by `check`: the same lines before a backup and after its restore.
pub async fn counts(db: &DatabaseConnection) -> Result<Vec<(&'static str, u64)>, String> {
    let read = |e: sea_orm::DbErr| format!("lecture impossible : {e}");
    Ok(vec![
        (
            "comptes",
            user::Entity::find().count(db).await.map_err(read)?,
        ),
        (
            "formations",
            training::Entity::find().count(db).await.map_err(read)?,
        ),
        (
            "sessions",
            session::Entity::find().count(db).await.map_err(read)?,
        ),
        (
            "inscriptions",
            enrolment::Entity::find().count(db).await.map_err(read)?,
        ),
        (
            "avis",
            feedback::Entity::find().count(db).await.map_err(read)?,
        ),
        (
            "notifications",
            notification::Entity::find().count(db).await.map_err(read)?,
        ),
        (
            "courriels",
            email_outbox::Entity::find().count(db).await.map_err(read)?,
        ),
        (
            "courriels à envoyer",
            app::notification::outbox::queue_length(db)
                .await
                .map_err(|e| format!("lecture impossible : {e}"))?,
        ),
        (
            "lignes du journal",
            journal::Entity::find().count(db).await.map_err(read)?,
        ),
    ])
}

pub async fn check(db: &DatabaseConnection) -> Result<Report, String> {
    let mut text = String::new();
    let mut sound = true;
    match app::db::ready(db).await {
        Ok(()) => text.push_str("Schéma : à jour.\n"),
        Err(reason) => {
            sound = false;
            text.push_str(&format!("Schéma : {reason}.\n"));
        }
    }
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await
            .map_err(|e| format!("vérification du fichier impossible : {e}"))?;
        let lines: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get_by_index::<String>(0).ok())
            .collect();
        if lines == ["ok"] {
            text.push_str("Fichier SQLite : intègre.\n");
        } else {
            sound = false;
            text.push_str(&format!("Fichier SQLite abîmé : {}\n", lines.join(" ; ")));
        }
    }
    for (what, n) in counts(db).await? {
        text.push_str(&format!("{what} : {n}\n"));
    }
    let broken = crate::invariants::broken_rules(db, chrono::Utc::now())
        .await
        .map_err(|e| format!("lecture des sessions et des places impossible : {e}"))?;
    if broken.is_empty() {
        text.push_str("Règles du §3 (places, attente, chevauchements) : toutes tenues.\n");
    } else {
        sound = false;
        text.push_str(&format!(
            "Règles du §3 : {} manquement(s) :\n",
            broken.len()
        ));
        for b in &broken {
            text.push_str(&format!("  - {b}\n"));
        }
    }
    Ok(Report { text, sound })
}
