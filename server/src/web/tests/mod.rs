//! The real axum application, driven request by request: login, role checks (product §3.8),
//! the enrolment actions through their server functions, and the HTTP hardening.

mod access;
mod auth;
mod hardening;
mod helpers;
mod hostile;
mod input;
mod officer;
mod operations;
mod staff;
