//! Password hashing with argon2id. Hashing is deliberately slow (and takes 7 MiB while it
//! runs), so it runs on the blocking thread pool, never on the async runtime's workers, and
//! through a [`PasswordGate`]: one check at a time and a short queue, so that a flood
//! of logins is refused (« Trop de tentatives ») instead of exhausting the memory.

use crate::error::{AppError, AppResult};
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{
        SaltString,
        rand_core::{OsRng, RngCore},
    },
};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// Shortest password accepted for a new account.
pub const MIN_PASSWORD_LEN: usize = 10;

/// The memory of one hash, in KiB, and its passes over it: argon2id with 7 MiB and 5 passes
/// (one lane) is one of the settings the OWASP Password Storage Cheat Sheet lists as equally
/// strong against guessing (with 19 MiB × 2, 12 MiB × 3, 9 MiB × 4): the same work, in less
/// memory. The server runs in about 40 MB; a check of 19 MiB was half of it again.
const MEMORY_KIB: u32 = 7 * 1024;
const PASSES: u32 = 5;

/// The hasher of new passwords. A stored hash is verified with the settings written in it, so
/// the hashes of an older setting still match (and are replaced at login: [`is_outdated`]).
fn argon2() -> Argon2<'static> {
    // Both numbers are within argon2's bounds; `hash_then_verify` checks they are the ones used.
    let params = Params::new(MEMORY_KIB, PASSES, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether a stored hash was made with other settings than [`argon2`]'s (the 19 MiB × 2 of
/// earlier releases): it still verifies, and the login that proves the password replaces it.
/// A value that is not a hash (no password yet) is not outdated: there is nothing to replace.
pub fn is_outdated(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    match Params::try_from(&parsed) {
        Ok(p) => {
            parsed.algorithm != Algorithm::Argon2id.ident()
                || (p.m_cost(), p.t_cost(), p.p_cost()) != (MEMORY_KIB, PASSES, 1)
        }
        Err(_) => true,
    }
}

/// Bounds the password work of the process: at most `running` hashes at a time
/// and `waiting` more queued; a check beyond that is refused at once with
/// [`AppError::TooBusy`]. A check keeps its place until its hash is done, even when the request
/// that asked for it has given up.
#[derive(Clone, Debug)]
pub struct PasswordGate {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

impl PasswordGate {
    pub fn new(running: usize, waiting: usize) -> Self {
        PasswordGate {
            running: Arc::new(Semaphore::new(running.max(1))),
            admitted: Arc::new(Semaphore::new(running.max(1) + waiting)),
        }
    }

    /// One check at a time, and sixteen waiting. Each check holds 7 MiB where the whole server
    /// otherwise runs in about 40 MB: a check per core would add that again at peak to check
    /// two passwords in the time of one, when a hundred officers log in over a day. A burst of
    /// 17 logins waits at most about 0.6 s (about 35 ms a check in release; the first login
    /// with a hash of an older setting takes two turns, its check and its new hash).
    pub fn for_the_server() -> Self {
        PasswordGate::new(1, 16)
    }

    /// The gate of the server (provided as context), or the process's own outside a request.
    pub fn current() -> Self {
        static PROCESS: LazyLock<PasswordGate> = LazyLock::new(PasswordGate::for_the_server);
        leptos::prelude::use_context::<PasswordGate>().unwrap_or_else(|| PROCESS.clone())
    }

    /// Runs `work` on the blocking pool when a core is free, or refuses at once if too many
    /// checks are already waiting.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::TooBusy)?;
        let slot = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop((slot, admitted));
            out
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password task failed");
            AppError::Internal
        })
    }
}

/// Hashes a password with argon2id and a random salt (PHC string format).
pub async fn hash_password(password: String) -> AppResult<String> {
    PasswordGate::current()
        .run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await?
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

/// Checks a password against a stored hash. A stored value that is not a hash (an account
/// without a password yet) never matches, after the same work as a real check: the time of a
/// refusal tells nothing about the account.
pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    PasswordGate::current()
        .run(move || {
            let (parsed, usable) = match PasswordHash::new(&hash) {
                Ok(parsed) => (parsed, true),
                Err(_) => match PasswordHash::new(DUMMY_HASH) {
                    Ok(dummy) => (dummy, false),
                    Err(_) => return false,
                },
            };
            let matches = argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            usable && matches
        })
        .await
}

/// What an account without a password yet stores in place of a hash (officers imported or
/// created by staff, until a password is set): it is not a hash, so it matches nothing.
pub const NO_PASSWORD: &str = "!aucun-mot-de-passe";

/// A hash that matches no password, verified when the email is unknown so that a login attempt
/// takes the same time whether the account exists or not.
/// Made with today's settings, so that it costs what a real check costs.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=7168,t=5,p=1$c29tZXNhbHRzb21lc2FsdA$0o0hJ2u1h1UXx2mDYfKQk3KqGJ9mL3sV3s5bX8Ykq2E";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_gate_runs_one_check_per_slot_and_refuses_beyond_its_queue() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let gate = PasswordGate::new(1, 1);
        let (busy, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let work = |busy: Arc<AtomicUsize>, most: Arc<AtomicUsize>| {
            move || {
                let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(300));
                busy.fetch_sub(1, Ordering::SeqCst);
            }
        };
        let first = tokio::spawn({
            let (g, w) = (gate.clone(), work(busy.clone(), most.clone()));
            async move { g.run(w).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let second = tokio::spawn({
            let (g, w) = (gate.clone(), work(busy.clone(), most.clone()));
            async move { g.run(w).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        // One running, one waiting: the third is refused at once, in French.
        let third = gate
            .run(work(busy.clone(), most.clone()))
            .await
            .unwrap_err();
        assert_eq!(third, AppError::TooBusy);
        assert_eq!(third.status(), 429);
        assert_eq!(
            third.to_string(),
            "Trop de tentatives, réessayez dans un instant."
        );
        first.await.unwrap().unwrap();
        second.await.unwrap().unwrap();
        assert_eq!(most.load(Ordering::SeqCst), 1, "never two at once");
        // Once done, the gate takes checks again.
        gate.run(|| ()).await.unwrap();
    }

    /// The shortest of three timings of a verification, in microseconds.
    async fn fastest_verification(hash: &str) -> u128 {
        let mut best = u128::MAX;
        for _ in 0..3 {
            let started = std::time::Instant::now();
            assert!(
                !verify_password("essai".into(), hash.to_owned())
                    .await
                    .unwrap()
            );
            best = best.min(started.elapsed().as_micros());
        }
        best
    }

    #[tokio::test]
    async fn an_account_without_password_takes_as_long_to_refuse() {
        // A refusal must not tell that the account has no password yet: without a hash to
        // check, the dummy one is checked, at the same cost (argon2 takes milliseconds; a
        // skipped check, microseconds). Measured against a real hash in the same run.
        let real = hash_password("un mot de passe solide".into())
            .await
            .unwrap();
        let with_hash = fastest_verification(&real).await;
        let without = fastest_verification(NO_PASSWORD).await;
        assert!(
            without * 3 >= with_hash,
            "no password: {without} µs, a real hash: {with_hash} µs"
        );
    }

    #[tokio::test]
    async fn hash_then_verify() {
        let hash = hash_password("un mot de passe solide".into())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        assert!(!is_outdated(&hash));
        assert!(!is_outdated(DUMMY_HASH));
        assert!(!is_outdated(NO_PASSWORD), "no password: nothing to replace");
        assert!(
            verify_password("un mot de passe solide".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password("un autre".into(), hash).await.unwrap());
        assert!(
            !verify_password("x".into(), DUMMY_HASH.into())
                .await
                .unwrap()
        );
    }
}
