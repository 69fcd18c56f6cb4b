//! Accounts: creating users with validated, normalised input.

use crate::entities::user;
use crate::error::{AppError, AppResult};
use crate::model::Role;
use crate::password::{MIN_PASSWORD_LEN, hash_password};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, SqlErr,
};

/// Longest address the `users.email` column (and RFC 5321) accepts.
const MAX_EMAIL_LEN: usize = crate::model::max_len::EMAIL;
/// Longest display name the `users.display_name` column accepts.
const MAX_NAME_LEN: usize = crate::model::max_len::DISPLAY_NAME;
/// Argon2 accepts anything, but hashing megabytes on request would be a cheap denial of service.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Trims and lowercases an email address, refusing what clearly is not one. Deliberately
/// lenient beyond that: the only real proof of an address is a mail that arrives.
pub fn normalize_email(raw: &str) -> AppResult<String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::refused("L'adresse électronique est obligatoire."));
    }
    if email.chars().count() > MAX_EMAIL_LEN {
        return Err(AppError::refused(format!(
            "Adresse électronique invalide : elle dépasse {MAX_EMAIL_LEN} caractères."
        )));
    }
    if !looks_like_email(&email) {
        return Err(AppError::refused(format!(
            "Adresse électronique invalide : « {} ».",
            raw.trim()
        )));
    }
    Ok(email)
}

/// One '@', non-empty local part, a dotted domain without empty labels, no whitespace.
fn looks_like_email(email: &str) -> bool {
    if email.chars().any(char::is_whitespace) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// Refuses passwords shorter than `MIN_PASSWORD_LEN` characters (not bytes: « é » counts once).
pub fn validate_password(pw: &str) -> AppResult<()> {
    let len = pw.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(AppError::refused(format!(
            "Le mot de passe doit comporter au moins {MIN_PASSWORD_LEN} caractères."
        )));
    }
    if len > MAX_PASSWORD_LEN {
        return Err(AppError::refused(format!(
            "Le mot de passe ne doit pas dépasser {MAX_PASSWORD_LEN} caractères."
        )));
    }
    Ok(())
}

/// Trims a display name and checks it fits the column (1 to 200 characters).
pub fn validate_display_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::refused("Le nom est obligatoire."));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(AppError::refused(format!(
            "Le nom ne doit pas dépasser {MAX_NAME_LEN} caractères."
        )));
    }
    Ok(name.to_owned())
}

/// An account to create, its password already hashed.
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Creates an active account after normalising its email and name; refuses a duplicate email.
pub async fn create_account(db: &impl ConnectionTrait, new: NewAccount) -> AppResult<user::Model> {
    let email = normalize_email(&new.email)?;
    let display_name = validate_display_name(&new.display_name)?;
    // Checked first for the common case; the unique index still decides under concurrency.
    if find_by_email(db, &email).await?.is_some() {
        return Err(duplicate(&email));
    }
    user::ActiveModel {
        email: Set(email.clone()),
        display_name: Set(display_name),
        role: Set(new.role),
        password_hash: Set(new.password_hash),
        active: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| map_unique(e, &email))
}

/// Validates and hashes the password, then creates the account (used by `cassiopee create-user`
/// and the administration screen).
pub async fn create_user(
    db: &impl ConnectionTrait,
    email: &str,
    display_name: &str,
    role: Role,
    password: String,
) -> AppResult<user::Model> {
    // Everything is checked, in the order of the form, before paying for the hash.
    let email = normalize_email(email)?;
    let display_name = validate_display_name(display_name)?;
    validate_password(&password)?;
    let password_hash = hash_password(password).await?;
    create_account(
        db,
        NewAccount {
            email,
            display_name,
            role,
            password_hash,
        },
    )
    .await
}

/// The account with this address, compared after normalisation.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> AppResult<Option<user::Model>> {
    let email = normalize_email(email)?;
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// A new password, checked and hashed (before any transaction: hashing is slow).
pub async fn new_password_hash(password: String) -> AppResult<String> {
    validate_password(&password)?;
    hash_password(password).await
}

/// Gives an account a new password hash and ends its sessions: whoever was logged in with the
/// old password logs in again.
pub async fn replace_password(
    txn: &impl ConnectionTrait,
    account: user::Model,
    hash: String,
) -> AppResult<()> {
    let id = account.id;
    let mut row: user::ActiveModel = account.into();
    row.password_hash = Set(hash);
    row.update(txn).await?;
    end_sessions(txn, id).await?;
    Ok(())
}

/// Ends every web session of a user (a password reset, a deactivation): they log in again.
pub async fn end_sessions(db: &impl ConnectionTrait, user_id: i32) -> AppResult<u64> {
    let res = crate::entities::web_session::Entity::delete_many()
        .filter(crate::entities::web_session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

fn duplicate(email: &str) -> AppError {
    AppError::refused(format!("Un compte existe déjà avec l'adresse {email}."))
}

fn map_unique(err: DbErr, email: &str) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => duplicate(email),
        _ => err.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_db;

    fn account(email: &str, name: &str) -> NewAccount {
        NewAccount {
            email: email.into(),
            display_name: name.into(),
            role: Role::Officer,
            // Not a real hash: these tests never verify a password, and hashing is slow.
            password_hash: "non-utilise".into(),
        }
    }

    fn refused_text(err: AppError) -> String {
        match err {
            AppError::Refused(msg) => msg,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            normalize_email("  Claire.Moreau@Defense.GOUV.fr \n").unwrap(),
            "claire.moreau@defense.gouv.fr"
        );
    }

    #[test]
    fn invalid_emails_are_refused() {
        let too_long = format!("{}@exemple.fr", "a".repeat(250));
        for bad in [
            "",
            "   ",
            "claire",
            "@exemple.fr",
            "claire@",
            "claire@exemple",
            "claire@@exemple.fr",
            "cl@ire@exemple.fr",
            "claire moreau@exemple.fr",
            "claire@exemple..fr",
            "claire@.exemple.fr",
            "claire@exemple.fr.",
            too_long.as_str(),
        ] {
            let msg = refused_text(normalize_email(bad).unwrap_err());
            assert!(msg.contains("adresse électronique") || msg.contains("Adresse électronique"));
        }
    }

    #[test]
    fn passwords_and_names_are_checked() {
        let msg = refused_text(validate_password("court").unwrap_err());
        assert!(msg.contains("au moins 10 caractères"), "{msg}");
        // Ten characters, eleven bytes: the rule counts characters.
        assert!(validate_password("ééééééééé1").is_ok());
        assert!(validate_password(&"x".repeat(2000)).is_err());
        assert_eq!(
            validate_display_name("  Claire Moreau ").unwrap(),
            "Claire Moreau"
        );
        assert!(validate_display_name("   ").is_err());
        assert!(validate_display_name(&"é".repeat(200)).is_ok());
        assert!(validate_display_name(&"é".repeat(201)).is_err());
    }

    #[tokio::test]
    async fn create_then_find_by_normalised_email() {
        let db = test_db().await;
        let user = create_account(&db, account(" Marc.Lefevre@Exemple.fr", " Marc Lefèvre "))
            .await
            .unwrap();
        assert_eq!(user.email, "marc.lefevre@exemple.fr");
        assert_eq!(user.display_name, "Marc Lefèvre");
        assert!(user.active);
        let found = find_by_email(&db, "MARC.LEFEVRE@exemple.fr")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, user.id);
        assert!(
            find_by_email(&db, "personne@exemple.fr")
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn duplicate_email_is_refused_in_french() {
        let db = test_db().await;
        create_account(&db, account("marc.lefevre@exemple.fr", "Marc Lefèvre"))
            .await
            .unwrap();
        let err = create_account(&db, account("MARC.LEFEVRE@exemple.fr ", "Autre"))
            .await
            .unwrap_err();
        assert_eq!(
            refused_text(err),
            "Un compte existe déjà avec l'adresse marc.lefevre@exemple.fr."
        );
        // The database's own unique index gives the same message when the pre-check is bypassed.
        let raw = user::ActiveModel {
            email: Set("marc.lefevre@exemple.fr".into()),
            display_name: Set("Doublon".into()),
            role: Set(Role::Officer),
            password_hash: Set("x".into()),
            active: Set(true),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let err = map_unique(
            raw.insert(&db).await.unwrap_err(),
            "marc.lefevre@exemple.fr",
        );
        assert!(refused_text(err).starts_with("Un compte existe déjà"));
    }

    #[tokio::test]
    async fn create_user_validates_and_hashes() {
        let db = test_db().await;
        let err = create_user(&db, "a@exemple.fr", "A", Role::Staff, "court".into())
            .await
            .unwrap_err();
        assert!(refused_text(err).contains("au moins"));
        let err = create_user(
            &db,
            "pas-une-adresse",
            "A",
            Role::Staff,
            "assez long mot".into(),
        )
        .await
        .unwrap_err();
        assert!(refused_text(err).starts_with("Adresse électronique invalide"));
        let user = create_user(
            &db,
            "Julien@Exemple.fr",
            "Julien",
            Role::Staff,
            "assez long mot".into(),
        )
        .await
        .unwrap();
        assert_eq!(user.role, Role::Staff);
        assert!(user.password_hash.starts_with("$argon2id$"));
        assert!(
            crate::password::verify_password("assez long mot".into(), user.password_hash)
                .await
                .unwrap()
        );
    }
}
