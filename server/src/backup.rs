//! `cassiopee backup <file>`: a consistent copy of the database, taken while the servers keep
//! serving. SQLite: `VACUUM INTO`, one read transaction (a snapshot, writers are not held up).
//! PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot), run when it is
//! installed; the password goes to it by `PGPASSWORD`, never in its arguments. `scripts/
//! restore.sh` puts a backup into a new database and checks it.
//!
//! The copy is written beside the target under a temporary name, flushed to the disk, made
//! readable by its owner only, then renamed: an interrupted backup never leaves a file that
//! looks whole, and an existing file is never overwritten.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::path::{Path, PathBuf};

/// Writes the backup of `db` (reached at `database_url`) to `target`; returns its size.
pub async fn backup(
    db: &DatabaseConnection,
    database_url: &str,
    target: &Path,
) -> Result<u64, String> {
    if target.exists() {
        return Err(format!(
            "le fichier {} existe déjà : une sauvegarde n'en remplace jamais une autre, choisissez un autre nom.",
            target.display()
        ));
    }
    let partial = partial_name(target);
    let _ = std::fs::remove_file(&partial);
    let written = match db.get_database_backend() {
        DbBackend::Sqlite => sqlite(db, &partial).await,
        _ => postgres(database_url, &partial).await,
    };
    let done = written.and_then(|()| finish(&partial, target));
    if done.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    done
}

/// `target` with `.partiel` added to its name: where the copy is written until it is whole.
fn partial_name(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".partiel");
    PathBuf::from(name)
}

async fn sqlite(db: &DatabaseConnection, partial: &Path) -> Result<(), String> {
    let path = partial
        .to_str()
        .ok_or_else(|| format!("chemin illisible : {}", partial.display()))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [path.into()],
    ))
    .await
    .map_err(|e| format!("copie SQLite impossible vers {} : {e}", partial.display()))?;
    Ok(())
}

async fn postgres(database_url: &str, partial: &Path) -> Result<(), String> {
    let mut url = url::Url::parse(database_url)
        .map_err(|e| format!("DATABASE_URL illisible pour pg_dump : {e}"))?;
    let password = url.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = url.set_password(None);
    let mut command = std::process::Command::new("pg_dump");
    command
        .arg("--format=custom")
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg(format!("--file={}", partial.display()))
        .arg(format!("--dbname={url}"))
        .stdin(std::process::Stdio::null());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| format!("pg_dump interrompu : {e}"))?
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                "pg_dump est introuvable : installez le client PostgreSQL de la version du serveur \
                 ou plus récente (Debian : paquet postgresql-client), puis relancez la commande."
                    .to_owned()
            } else {
                format!("pg_dump n'a pas pu être lancé : {e}")
            }
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "pg_dump a échoué ({}) : {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Flushes the copy to the disk, makes it readable by its owner only (it holds password
/// hashes and web session ids), and gives it its name.
fn finish(partial: &Path, target: &Path) -> Result<u64, String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(partial, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("droits de la copie impossibles à restreindre : {e}"))?;
    let file = std::fs::File::open(partial)
        .map_err(|e| format!("copie introuvable ({}) : {e}", partial.display()))?;
    file.sync_all()
        .map_err(|e| format!("écriture sur le disque impossible : {e}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if target.exists() {
        return Err(format!(
            "le fichier {} est apparu pendant la sauvegarde : elle reste dans {}.",
            target.display(),
            partial.display()
        ));
    }
    std::fs::rename(partial, target).map_err(|e| {
        format!(
            "impossible de nommer la sauvegarde {} : {e}",
            target.display()
        )
    })?;
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sqlite_backup_is_a_whole_database_and_never_overwrites_a_file() {
        let url = app::testing::file_sqlite_url();
        let db = app::db::connect_and_migrate(&url).await.unwrap();
        crate::seed::seed_demo(&db).await.unwrap();
        let dir = std::env::temp_dir().join(format!("cassiopee-backup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("copie.sqlite");
        let _ = std::fs::remove_file(&target);

        let size = backup(&db, &url, &target).await.unwrap();
        assert!(size > 0);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
        assert!(!partial_name(&target).exists(), "no partial file left");
        let copy = app::db::connect_and_migrate(&format!("sqlite://{}", target.display()))
            .await
            .unwrap();
        assert_eq!(
            crate::check::counts(&db).await.unwrap(),
            crate::check::counts(&copy).await.unwrap()
        );
        let report = crate::check::check(&copy).await.unwrap();
        assert!(report.sound, "{}", report.text);

        let err = backup(&db, &url, &target).await.unwrap_err();
        assert!(err.contains("existe déjà"), "{err}");
        let err = backup(&db, &url, &dir.join("absent/copie.sqlite"))
            .await
            .unwrap_err();
        assert!(err.contains("copie SQLite impossible"), "{err}");
        assert!(!dir.join("absent/copie.sqlite.partiel").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
