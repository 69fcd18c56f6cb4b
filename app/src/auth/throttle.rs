//! Logins limited per account and per client address: after [`ACCOUNT_FAILURES`] failed
//! logins for one address typed (whether an account has it or not: nothing tells them apart),
//! or [`ADDRESS_FAILURES`] from one client address, within [`WINDOW`], logins for it are refused
//! with a French message and the time to wait, without checking the password, until the window
//! ends. The counters are rows of the database (`login_attempts`), so that two instances behind
//! one proxy count together.
//!
//! Each attempt is counted *before* its password is checked ([`attempt`], one upsert that
//! returns the new count, atomic on both engines): a burst of simultaneous guesses cannot all
//! pass a check made before any of them failed. A success then clears its account's counter
//! and gives back its count on the address (one good account must not reset an address that
//! is guessing others, nor an office behind one address be refused for logging in).

use crate::{
    entities::login_attempt,
    error::{AppError, AppResult},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};
use std::net::IpAddr;

/// Failed logins allowed for one account within [`WINDOW`].
pub const ACCOUNT_FAILURES: i32 = 5;
/// Failed logins allowed from one client address within [`WINDOW`] (a shared office proxy
/// carries many officers).
pub const ADDRESS_FAILURES: i32 = 30;
/// The window the failures are counted in; a blocked key waits until its end.
pub const WINDOW: Duration = Duration::minutes(15);

/// The counters one login attempt touches.
pub struct Keys {
    account: String,
    address: Option<String>,
}

impl Keys {
    /// The address typed (normalised as accounts are), and the client's address when known.
    pub fn new(email: &str, client: Option<IpAddr>) -> Keys {
        Keys {
            account: format!("compte:{}", typed(email)),
            address: client.map(|a| format!("adresse:{}", network(a))),
        }
    }

    /// The counters of « Mot de passe oublié ? » requests, apart from the logins' (asking for
    /// links must not lock an account out of logging in), with the same limits.
    pub fn for_reset(email: &str, client: Option<IpAddr>) -> Keys {
        Keys {
            account: format!("oubli:compte:{}", typed(email)),
            address: client.map(|a| format!("oubli:adresse:{}", network(a))),
        }
    }

    fn all(&self) -> Vec<String> {
        std::iter::once(self.account.clone())
            .chain(self.address.clone())
            .collect()
    }

    fn limit(key: &str) -> i32 {
        if key.starts_with("adresse:") || key.starts_with("oubli:adresse:") {
            ADDRESS_FAILURES
        } else {
            ACCOUNT_FAILURES
        }
    }
}

/// The address typed, normalised, and cut to fit the column (no account has a longer one).
fn typed(email: &str) -> String {
    email.trim().to_lowercase().chars().take(300).collect()
}

/// An IPv6 client is counted by its /64 (one home or office network holds billions of
/// addresses); an IPv4 one by its address.
fn network(client: IpAddr) -> String {
    match client {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        v4 => v4.to_string(),
    }
}

/// Counts an attempt on each counter (one more in the current window, or the first of a new
/// one), then refuses ([`AppError::TooManyAttempts`], with the seconds to wait) if either went
/// over its limit.
pub async fn attempt<C: ConnectionTrait>(db: &C, keys: &Keys, now: DateTime<Utc>) -> AppResult<()> {
    let mut wait = None;
    for key in keys.all() {
        let (failures, window_start) = count(db, &key, now).await?;
        if failures > Keys::limit(&key) {
            wait = std::cmp::max(wait, Some(seconds_left(window_start, now)));
        }
    }
    refuse_for(wait)
}

/// Whole seconds until the window that began at `window_start` ends, rounded up (PostgreSQL
/// keeps microseconds only), at least one.
fn seconds_left(window_start: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    std::cmp::max(
        ((window_start + WINDOW - now).num_milliseconds() + 999) / 1000,
        1,
    )
}

/// [`AppError::TooManyAttempts`] when there is a time to wait.
fn refuse_for(wait: Option<i64>) -> AppResult<()> {
    match wait {
        Some(seconds) => {
            tracing::warn!(seconds, "logins refused: too many failures");
            Err(AppError::TooManyAttempts(
                u32::try_from(seconds).unwrap_or(u32::MAX),
            ))
        }
        None => Ok(()),
    }
}

/// Refuses ([`AppError::TooManyAttempts`], with the seconds to wait) while either counter is
/// at its limit in its window.
pub async fn check<C: ConnectionTrait>(db: &C, keys: &Keys, now: DateTime<Utc>) -> AppResult<()> {
    let rows = login_attempt::Entity::find()
        .filter(login_attempt::Column::Key.is_in(keys.all()))
        .all(db)
        .await?;
    let wait = rows
        .iter()
        .filter(|r| r.failures >= Keys::limit(&r.key) && r.window_start + WINDOW > now)
        .map(|r| seconds_left(r.window_start, now))
        .max();
    refuse_for(wait)
}

/// Counts a failed login on each counter: one more in the current window, or the first of a
/// new one when the last window ended.
pub async fn failed<C: ConnectionTrait>(db: &C, keys: &Keys, now: DateTime<Utc>) -> AppResult<()> {
    for key in keys.all() {
        count(db, &key, now).await?;
    }
    Ok(())
}

/// One more on the counter of `key` (or the first of a new window when the last one ended), in
/// one upsert; returns the counter as this upsert left it, whatever others did since.
async fn count<C: ConnectionTrait>(
    db: &C,
    key: &str,
    now: DateTime<Utc>,
) -> AppResult<(i32, DateTime<Utc>)> {
    use login_attempt::{Column, Entity};
    let ended = Expr::col((Entity, Column::WindowStart)).lte(now - WINDOW);
    let upsert = Query::insert()
        .into_table(Entity)
        .columns([Column::Key, Column::WindowStart, Column::Failures])
        .values_panic([key.into(), now.into(), 1.into()])
        .on_conflict(
            OnConflict::column(Column::Key)
                .value(
                    Column::Failures,
                    Expr::case(ended.clone(), 1)
                        .finally(Expr::col((Entity, Column::Failures)).add(1)),
                )
                .value(
                    Column::WindowStart,
                    Expr::case(ended.clone(), now)
                        .finally(Expr::col((Entity, Column::WindowStart))),
                )
                .to_owned(),
        )
        .returning(Query::returning().columns([Column::Failures, Column::WindowStart]))
        .to_owned();
    let row = db.query_one(&upsert).await?.ok_or_else(|| {
        tracing::error!("login counter: the upsert returned no row");
        AppError::Internal
    })?;
    let failures: i32 = row.try_get("", "failures")?;
    let window_start: DateTime<Utc> = row.try_get("", "window_start")?;
    Ok((failures, window_start))
}

/// A successful login (counted by [`attempt`]) clears its account's counter and gives its
/// count back on the address's.
pub async fn succeeded<C: ConnectionTrait>(db: &C, keys: &Keys) -> AppResult<()> {
    use login_attempt::{Column, Entity};
    Entity::delete_by_id(keys.account.clone()).exec(db).await?;
    if let Some(address) = &keys.address {
        Entity::update_many()
            .col_expr(Column::Failures, Expr::col(Column::Failures).sub(1))
            .filter(Column::Key.eq(address.as_str()))
            .filter(Column::Failures.gt(0))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Forgets the counters whose window ended (the reminder scheduler calls it every minute).
pub async fn forget_ended<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<u64> {
    Ok(login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::WindowStart.lte(now - WINDOW))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_db;

    fn wait_of(result: AppResult<()>) -> u32 {
        match result {
            Err(AppError::TooManyAttempts(seconds)) => seconds,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_account_is_refused_after_its_failures_until_its_window_ends() {
        let db = test_db().await;
        let now = Utc::now();
        let keys = Keys::new(" Jean.Martin@Mirvog.demo ", None);
        for n in 0..ACCOUNT_FAILURES {
            check(&db, &keys, now)
                .await
                .unwrap_or_else(|e| panic!("{n}: {e:?}"));
            failed(&db, &keys, now).await.unwrap();
        }
        // Blocked, for the whole account whatever its case, with the time left to wait.
        let other_case = Keys::new("jean.martin@mirvog.demo", None);
        assert_eq!(wait_of(check(&db, &other_case, now).await), 900);
        let later = now + Duration::minutes(10);
        assert_eq!(wait_of(check(&db, &keys, later).await), 300);
        // Another account is not.
        check(&db, &Keys::new("autre@mirvog.demo", None), now)
            .await
            .unwrap();
        // The window over, a new one starts at the next failure.
        let after = now + WINDOW + Duration::seconds(1);
        check(&db, &keys, after).await.unwrap();
        failed(&db, &keys, after).await.unwrap();
        let row = login_attempt::Entity::find_by_id(keys.account.clone())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.failures, 1);
        // A success clears the account's counter.
        succeeded(&db, &keys).await.unwrap();
        assert!(
            login_attempt::Entity::find_by_id(keys.account.clone())
                .one(&db)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(forget_ended(&db, after).await.unwrap(), 0);
    }

    /// A burst of simultaneous guesses: each attempt is counted before its password is
    /// checked, so only the first ones are let through, on PostgreSQL with real connections;
    /// and a success gives back its count on the address.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_guesses_at_once_lets_only_the_limit_through_on_postgres() {
        let Some(db) = crate::testing::postgres().await else {
            return;
        };
        let now = Utc::now();
        for round in 0..5 {
            let email = format!("rafale{round}@mirvog.demo");
            let tasks: Vec<_> = (0..20)
                .map(|_| {
                    let db = db.clone();
                    let email = email.clone();
                    tokio::spawn(async move { attempt(&db, &Keys::new(&email, None), now).await })
                })
                .collect();
            let mut through = 0;
            for t in tasks {
                if t.await.unwrap().is_ok() {
                    through += 1;
                }
            }
            assert_eq!(through, ACCOUNT_FAILURES, "round {round}");
        }
        let client: IpAddr = "192.0.2.9".parse().unwrap();
        let keys = Keys::new("bon@mirvog.demo", Some(client));
        for _ in 0..ADDRESS_FAILURES * 2 {
            attempt(&db, &keys, now).await.unwrap();
            succeeded(&db, &keys).await.unwrap();
        }
        attempt(&db, &keys, now).await.unwrap();
    }

    /// Two instances failing logins at the same moment: every failure is counted (one
    /// upsert each), on PostgreSQL with real concurrent connections, several rounds.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failures_at_the_same_moment_are_all_counted_on_postgres() {
        let Some(db) = crate::testing::postgres().await else {
            return;
        };
        let now = Utc::now();
        for round in 0..5 {
            let email = format!("cible{round}@mirvog.demo");
            let tasks: Vec<_> = (0..24)
                .map(|_| {
                    let db = db.clone();
                    let email = email.clone();
                    tokio::spawn(async move {
                        failed(&db, &Keys::new(&email, None), now).await.unwrap();
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            let row = login_attempt::Entity::find_by_id(format!("compte:{email}"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.failures, 24, "round {round}");
        }
    }

    #[tokio::test]
    async fn an_address_guessing_many_accounts_is_refused_and_a_success_does_not_clear_it() {
        let db = test_db().await;
        let now = Utc::now();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        for n in 0..ADDRESS_FAILURES {
            let keys = Keys::new(&format!("essai{n}@mirvog.demo"), Some(client));
            check(&db, &keys, now).await.unwrap();
            failed(&db, &keys, now).await.unwrap();
        }
        let keys = Keys::new("vrai@mirvog.demo", Some(client));
        assert!(wait_of(check(&db, &keys, now).await) > 0);
        assert!(wait_of(attempt(&db, &keys, now).await) > 0);
        // A success gives back its own count only: the address stays refused.
        succeeded(&db, &keys).await.unwrap();
        assert!(wait_of(check(&db, &keys, now).await) > 0);
        // An IPv6 client is counted by its /64.
        let a = Keys::new("x@mirvog.demo", Some("2001:db8:1:2::10".parse().unwrap()));
        let b = Keys::new(
            "y@mirvog.demo",
            Some("2001:db8:1:2:ffff::1".parse().unwrap()),
        );
        assert_eq!(a.address, b.address);
        // Another address is not refused.
        check(
            &db,
            &Keys::new("vrai@mirvog.demo", Some("198.51.100.1".parse().unwrap())),
            now,
        )
        .await
        .unwrap();
        assert_eq!(
            forget_ended(&db, now + WINDOW).await.unwrap(),
            u64::try_from(ADDRESS_FAILURES).unwrap() + 1
        );
    }
}
