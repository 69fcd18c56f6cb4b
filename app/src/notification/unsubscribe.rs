//! One-click unsubscribe (RFC 8058), which large mail providers require: each email of a kind
//! carries `List-Unsubscribe: <…/desabonnement/TOKEN>` and `List-Unsubscribe-Post:
//! List-Unsubscribe=One-Click`; a POST to that address, without login, turns that kind of
//! email off for that person. The token names the person and the kind and is signed
//! (HMAC-SHA-256) with a key kept in the database (`secrets`, made by its migration), so that
//! every instance signs and checks alike and nobody can forge one for someone else.
//!
//! The link in the email's foot keeps asking for the login (the preferences page): this one is
//! for the mail client's button.

use crate::{
    entities::secret,
    error::{AppError, AppResult},
    model::NotificationKind,
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ConnectionTrait, EntityTrait};
use sha2::Sha256;

/// The name of the signing key in `secrets`.
const KEY: &str = "desabonnement";
/// Bytes of the signature kept in a token (128 bits).
const SIGNATURE_BYTES: usize = 16;

async fn key<C: ConnectionTrait>(db: &C) -> AppResult<Vec<u8>> {
    let row = secret::Entity::find_by_id(KEY.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| {
            tracing::error!("the signing key of unsubscribe links is missing");
            AppError::Internal
        })?;
    Ok(row.value.into_bytes())
}

fn signature(key: &[u8], message: &str) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes()[..SIGNATURE_BYTES].to_vec()
}

/// The token of (`user_id`, `kind`): `42.rappel.<signature>`.
pub async fn token<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    kind: NotificationKind,
) -> AppResult<String> {
    let message = format!("{user_id}.{}", kind.code());
    let signed = signature(&key(db).await?, &message);
    Ok(format!("{message}.{}", URL_SAFE_NO_PAD.encode(signed)))
}

/// The person and kind a token names, if its signature holds.
pub async fn check<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> AppResult<Option<(i32, NotificationKind)>> {
    let mut parts = token.splitn(3, '.');
    let (Some(user), Some(kind), Some(signed)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let (Ok(user_id), Some(kind_value)) = (user.parse::<i32>(), NotificationKind::from_code(kind))
    else {
        return Ok(None);
    };
    let Ok(signed) = URL_SAFE_NO_PAD.decode(signed) else {
        return Ok(None);
    };
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&key(db).await?).expect("HMAC takes any key");
    mac.update(format!("{user_id}.{kind}").as_bytes());
    // Compared in constant time.
    Ok(mac
        .verify_truncated_left(&signed)
        .ok()
        .filter(|()| signed.len() == SIGNATURE_BYTES)
        .map(|()| (user_id, kind_value)))
}

/// The POST of the link: that kind of email off for that person. Returns the kind's label for
/// the page that says it is done; `NotFound` for a token that does not hold.
pub async fn apply<C>(db: &C, token: &str, now: chrono::DateTime<chrono::Utc>) -> AppResult<String>
where
    C: ConnectionTrait + sea_orm::TransactionTrait,
{
    let Some((user_id, kind)) = check(db, token).await? else {
        return Err(AppError::NotFound);
    };
    if crate::entities::user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    super::service::set_email(db, user_id, kind, false, now).await?;
    Ok(kind.label().to_owned())
}

/// What the GET of the link shows before the POST: the kind's label, if the token holds.
pub async fn describe<C: ConnectionTrait>(db: &C, token: &str) -> AppResult<String> {
    match check(db, token).await? {
        Some((_, kind)) => Ok(kind.label().to_owned()),
        None => Err(AppError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_db;

    #[tokio::test]
    async fn a_token_names_one_person_and_one_kind_and_cannot_be_forged() {
        let db = test_db().await;
        let officer = crate::testing::officer(&db, "Jean Martin").await;
        let t = token(&db, officer.id, NotificationKind::Rappel)
            .await
            .unwrap();
        assert_eq!(
            check(&db, &t).await.unwrap(),
            Some((officer.id, NotificationKind::Rappel))
        );
        let signature = t.rsplit('.').next().unwrap();
        // Another person, another kind, a changed or cut signature: nothing.
        for forged in [
            format!("{}.rappel.{signature}", officer.id + 1),
            format!("{}.promotion.{signature}", officer.id),
            format!(
                "{}.rappel.{}",
                officer.id,
                &signature[..signature.len() - 2]
            ),
            format!("{}.rappel.AAAAAAAAAAAAAAAAAAAAAA", officer.id),
            format!("{}.rappel", officer.id),
            "n'importe quoi".to_owned(),
            String::new(),
        ] {
            assert_eq!(check(&db, &forged).await.unwrap(), None, "{forged}");
        }
        // Turned off by the POST, for that kind only.
        assert_eq!(
            apply(&db, &t, chrono::Utc::now()).await.unwrap(),
            NotificationKind::Rappel.label()
        );
        let prefs = crate::notification::service::preferences(&db, &officer)
            .await
            .unwrap();
        for p in prefs {
            assert_eq!(p.email, p.kind != NotificationKind::Rappel, "{:?}", p.kind);
        }
        assert_eq!(
            apply(&db, "1.rappel.AAAA", chrono::Utc::now()).await,
            Err(AppError::NotFound)
        );
    }
}
