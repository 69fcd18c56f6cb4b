//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the blocking
//! thread pool, never on the async runtime's workers.

use crate::error::{AppError, AppResult};
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{
        SaltString,
        rand_core::{OsRng, RngCore},
    },
};

/// Shortest password accepted for a new account.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Hashes a password with argon2id and a random salt (PHC string format).
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "hashing task failed");
        AppError::Internal
    })?
    .map_err(|e| {
        tracing::error!(error = %e, "argon2 hashing failed");
        AppError::Internal
    })
}

/// A secret for a link (an invitation, a calendar feed): 128 random bits from the system's
/// generator, as 32 hexadecimal characters.
pub fn secret_token() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash that matches no password, verified when the email is unknown so that a login attempt
/// takes the same time whether the account exists or not.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0o0hJ2u1h1UXx2mDYfKQk3KqGJ9mL3sV3s5bX8Ykq2E";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let hash = hash_password("un mot de passe solide".into())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("un mot de passe solide".into(), hash.clone()).await);
        assert!(!verify_password("un autre".into(), hash).await);
        assert!(!verify_password("x".into(), DUMMY_HASH.into()).await);
    }
}
