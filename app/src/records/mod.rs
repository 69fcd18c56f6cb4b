//! Records: the lookups and locks that several rules share, so that each is written once and
//! every rule module sits above them (never beside or below another rule to borrow a query).
//!
//! Lock order, to stay free of deadlocks on PostgreSQL (SQLite's `BEGIN IMMEDIATE` write lock
//! serialises writers anyway): officer rows, by id ([`officer::lock_officer`],
//! [`officer::lock_users`]) → the session row ([`session::lock_session`]) → enrolment rows (the
//! officer's own, then the promoted officers'). Enrolment rows are read freely but written only
//! under the locks before them; the session's seat counter is changed under the session lock.
//! A transaction takes only the locks it needs, in this order. The catalogue's stamp row
//! (`catalogue_stamp`) comes after all of them: its triggers renew it at commit.

pub mod invitation;
pub mod officer;
pub mod place;
pub mod session;
