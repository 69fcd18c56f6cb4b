//! « Mot de passe oublié ? »: a single-use link by email, valid one hour, that sets a new
//! password and ends the account's other web sessions.
//!
//! Asking never says whether an account has the address typed (the same sentence, an email
//! only when one has it), and costs the same password-free work either way. The link's token
//! is 128 random bits; only its SHA-256 is stored, so that a copy of the database opens no
//! account. At most [`LIVE_LINKS`] links of one account wait at a time (a flood of requests
//! sends no flood of emails). Using a link marks it, and every other link of the account,
//! used, in the transaction that changes the password.

use crate::{
    entities::{password_reset, user},
    error::{AppError, AppResult},
    journal::service::{Change, Record},
    notification::PublicUrl,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, TransactionSession, TransactionTrait, sea_query::Expr,
};
use sha2::{Digest, Sha256};

/// How long a link works.
pub const VALID_FOR: Duration = Duration::hours(1);
/// Links of one account that may wait at once.
pub const LIVE_LINKS: u64 = 3;

/// What the page says after a request, whether an account has the address or not.
pub const ASKED: &str = "Si un compte correspond à cette adresse, un courriel vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe. Ce lien est valable une heure.";

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Asks for a link for `email`: queued by email when an active account has it (and fewer than
/// [`LIVE_LINKS`] of its links wait), nothing otherwise; the answer is [`ASKED`] either way.
pub async fn ask<C>(db: &C, email: &str, base: &PublicUrl, now: DateTime<Utc>) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let account = match crate::accounts::find_by_email(db, email).await {
        Ok(Some(account)) => account,
        // An address no account has, or not an address at all: the same answer.
        Ok(None) | Err(AppError::Refused(_) | AppError::Invalid(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    if !account.active {
        return Ok(());
    }
    let waiting = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(account.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .count(db)
        .await?;
    if waiting >= LIVE_LINKS {
        tracing::warn!(user = account.id, "password reset: links already waiting");
        return Ok(());
    }
    let token = crate::password::secret_token();
    let link = format!("{}/mot-de-passe?jeton={token}", base.as_str());
    let mail = crate::notification::email::compose_reset(&account.display_name, &link);
    let txn = crate::db::begin_write(db).await?;
    password_reset::ActiveModel {
        token_hash: Set(digest(&token)),
        user_id: Set(account.id),
        expires_at: Set(now + VALID_FOR),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    crate::notification::outbox::queue(
        &txn,
        crate::notification::outbox::Outgoing {
            recipient: account.email.clone(),
            mail,
            notification_id: None,
            ics: None,
            unsubscribe_url: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn expired() -> AppError {
    AppError::refused(
        "Ce lien n'est plus valable (il a déjà servi, ou il a plus d'une heure) : demandez-en un nouveau.",
    )
}

/// The account a link opens, if it still works.
pub async fn account_of<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<user::Model> {
    let Some(link) = password_reset::Entity::find_by_id(digest(token))
        .one(db)
        .await?
        .filter(|l| l.used_at.is_none() && l.expires_at > now)
    else {
        return Err(expired());
    };
    user::Entity::find_by_id(link.user_id)
        .one(db)
        .await?
        .filter(|u| u.active)
        .ok_or_else(expired)
}

/// Sets the new password through a link: checked like any new password, the two copies equal;
/// the link (and every other one of the account) used up; the account's web sessions ended.
pub async fn set_password<C>(
    db: &C,
    token: &str,
    password: String,
    confirmation: &str,
    now: DateTime<Utc>,
) -> AppResult<user::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    let account = account_of(db, token, now).await?;
    if password != confirmation {
        return Err(AppError::refused(
            "Les deux mots de passe saisis diffèrent.",
        ));
    }
    let hash = crate::accounts::new_password_hash(password).await?;
    let txn = crate::db::begin_write(db).await?;
    // Used once: the first of two requests with the same link wins, the other is refused.
    let taken = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::TokenHash.eq(digest(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(expired());
    }
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::UserId.eq(account.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let (what, label) = Record::for_account(account.role);
    let name = account.display_name.clone();
    crate::accounts::replace_password(&txn, account.clone(), hash).await?;
    Change::new(
        account.id,
        "Mot de passe changé par le lien « Mot de passe oublié »",
        what,
        account.id,
    )
    .after(&vec![(label, name)])
    .write(&txn, now)
    .await?;
    txn.commit().await?;
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::email_outbox;
    use crate::testing::{refusal, test_db};

    /// The token of the last link emailed to `email`, read from the email's text.
    async fn emailed_token<C: ConnectionTrait>(db: &C, email: &str) -> Option<String> {
        use sea_orm::QueryOrder;
        let mail = email_outbox::Entity::find()
            .filter(email_outbox::Column::Recipient.eq(email))
            .order_by_desc(email_outbox::Column::Id)
            .one(db)
            .await
            .unwrap()?;
        let start = mail.body_text.find("/mot-de-passe?jeton=")? + "/mot-de-passe?jeton=".len();
        Some(mail.body_text[start..start + 32].to_owned())
    }

    #[tokio::test]
    async fn a_link_by_email_sets_a_new_password_once_within_the_hour_and_ends_the_sessions() {
        let db = test_db().await;
        let base = PublicUrl::new("https://cassiopee.test");
        let officer = crate::testing::officer(&db, "Jean Martin").await;
        let now = Utc::now();
        // Nothing is said, nor sent, for an address no account has.
        ask(&db, "personne@mirvog.demo", &base, now).await.unwrap();
        ask(&db, "pas une adresse", &base, now).await.unwrap();
        assert_eq!(email_outbox::Entity::find().count(&db).await.unwrap(), 0);

        ask(&db, &officer.email.to_uppercase(), &base, now)
            .await
            .unwrap();
        let token = emailed_token(&db, &officer.email).await.expect("an email");
        let stored = password_reset::Entity::find().all(&db).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(
            stored[0].token_hash, token,
            "only the token's digest is kept"
        );
        assert_eq!(account_of(&db, &token, now).await.unwrap().id, officer.id);

        // Refused, and the link still good: a short password, two different copies.
        let err = set_password(&db, &token, "court".into(), "court", now)
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("10 caractères"), "{err:?}");
        let err = set_password(
            &db,
            &token,
            "un-mot-solide-1".into(),
            "un-mot-solide-2",
            now,
        )
        .await
        .unwrap_err();
        assert_eq!(refusal(err), "Les deux mots de passe saisis diffèrent.");
        // An hour later it no longer works.
        let late = now + VALID_FOR + Duration::seconds(1);
        assert!(account_of(&db, &token, late).await.is_err());

        crate::entities::web_session::ActiveModel {
            id: Set("s1".into()),
            data: Set("{}".into()),
            expires_at: Set(now + Duration::hours(1)),
            user_id: Set(Some(officer.id)),
            created_at: Set(Some(now)),
        }
        .insert(&db)
        .await
        .unwrap();
        set_password(
            &db,
            &token,
            "un-mot-solide-1".into(),
            "un-mot-solide-1",
            now,
        )
        .await
        .unwrap();
        let after = user::Entity::find_by_id(officer.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(
            crate::password::verify_password("un-mot-solide-1".into(), after.password_hash)
                .await
                .unwrap()
        );
        assert_eq!(
            crate::entities::web_session::Entity::find()
                .count(&db)
                .await
                .unwrap(),
            0,
            "the other sessions ended"
        );
        // Single use.
        let again = set_password(&db, &token, "encore-un-mot".into(), "encore-un-mot", now)
            .await
            .unwrap_err();
        assert!(refusal(again).contains("n'est plus valable"));
        let journal = crate::journal::service::for_officer(&db, officer.id)
            .await
            .unwrap();
        assert_eq!(
            journal[0].action,
            "Mot de passe changé par le lien « Mot de passe oublié »"
        );
    }

    #[tokio::test]
    async fn a_flood_of_requests_sends_a_few_links_and_using_one_ends_the_others() {
        let db = test_db().await;
        let base = PublicUrl::new("https://cassiopee.test");
        let officer = crate::testing::officer(&db, "Jean Martin").await;
        let now = Utc::now();
        let mut tokens = Vec::new();
        for _ in 0..10 {
            ask(&db, &officer.email, &base, now).await.unwrap();
            tokens.push(emailed_token(&db, &officer.email).await.unwrap());
        }
        assert_eq!(
            email_outbox::Entity::find().count(&db).await.unwrap(),
            LIVE_LINKS
        );
        tokens.dedup();
        set_password(
            &db,
            &tokens[0],
            "un-mot-solide-1".into(),
            "un-mot-solide-1",
            now,
        )
        .await
        .unwrap();
        for other in &tokens[1..] {
            assert!(account_of(&db, other, now).await.is_err());
        }
    }
}
