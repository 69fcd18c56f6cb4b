//! Cassiopée: components, routes and server functions, compiled for the server (`ssr`) and for
//! the browser (`hydrate`). Server-only modules (entities, rules, services) are behind `ssr`.
//!
//! The modules are layered, bottom to top, in the order they are declared below: a module uses
//! those declared before it, never one declared after it (`layering_tests` reads every
//! `crate::` path and fails on an arrow that runs up; `rustfmt.toml` keeps this order). Where a
//! rule needs something from above, the shared part moves down (into `records` or `format`) or
//! is passed in.

#![recursion_limit = "256"]

// Foundation: the error type, the vocabulary, the tables, the database, dates, passwords, the
// display helpers, where the shared files are served, and the reading of submitted forms. No
// rule here.
pub mod error;
pub mod model;
#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod dates;
#[cfg(feature = "ssr")]
pub mod password;
pub mod format;
pub mod assets;
#[cfg(feature = "ssr")]
pub mod checks;

// The request: who is calling (role checks, the web session) and how a form post ends (the
// one-time message and the redirect).
#[cfg(feature = "ssr")]
pub mod caller;
pub mod flash;

// Records: the lookups and locks that several rules share (sessions, places, officers,
// invitations, and the lock order), the test fixtures built on them, the accounts, and the
// journal of staff changes.
#[cfg(feature = "ssr")]
pub mod records;
#[cfg(all(feature = "ssr", any(test, feature = "test-support")))]
pub mod testing;
#[cfg(all(test, feature = "ssr"))]
mod schema_tests;
#[cfg(all(test, feature = "ssr"))]
mod migrate_tests;
#[cfg(feature = "ssr")]
pub mod accounts;
pub mod journal;

// Notification: receives the notices of the rules above and writes them with their emails in
// the caller's transaction; it never calls a rule module.
pub mod notification;

// Rules: the seat rules (product §3.1–3.5), then « Remplir la session », then the session
// lifecycle, each using only those before it.
pub mod enrolment;
pub mod invitation;
pub mod planning;
// The notices each rule's events leave, tested through the rules themselves.
#[cfg(all(test, feature = "ssr"))]
mod notices_tests;

// Behind the pages: each screen's data and its server functions, calling the rules.
pub mod trainings;
pub mod feedback;
pub mod programme;
pub mod catalogue;
pub mod officers;
pub mod roster;
pub mod officer_import;
pub mod statistics;
pub mod dashboard;
pub mod admin;
pub mod auth;

// UI: the frame of every page (with `Loaded`, which awaits a page's data), the form fields,
// the screens, and the app with its routes.
pub mod layout;
pub mod forms;
pub mod pages;
pub mod app;

#[cfg(test)]
mod layering_tests;
