//! Enrolment: an officer's place in a session (product §2, rules §3.1–3.5).

#[cfg(feature = "ssr")]
pub mod service;

#[cfg(all(test, feature = "ssr"))]
mod tests;
