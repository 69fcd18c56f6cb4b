//! Cassiopée: components, routes and server functions, compiled for the server (`ssr`) and for
//! the browser (`hydrate`). Server-only modules (entities, domain services) are behind `ssr`.

#![recursion_limit = "256"]

pub mod model;

#[cfg(feature = "ssr")]
pub mod entities;
pub mod error;

#[cfg(feature = "ssr")]
pub mod db;

#[cfg(feature = "ssr")]
pub mod password;

#[cfg(feature = "ssr")]
pub mod accounts;

#[cfg(feature = "ssr")]
pub mod dates;
pub mod enrolment;
pub mod feedback;
pub mod flash;
pub mod forms;
pub mod invitation;
pub mod journal;
pub mod officer_import;
pub mod officers;
pub mod planning;
pub mod programme;
pub mod roster;
pub mod trainings;

pub mod admin;
pub mod app;
pub mod auth;
pub mod catalogue;
pub mod dashboard;
pub mod layout;
pub mod notification;
pub mod pages;
#[cfg(all(feature = "ssr", any(test, feature = "test-support")))]
pub mod testing;
