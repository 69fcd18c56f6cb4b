//! The journal (product §3.7): every change made by staff, with who made it, when, and the
//! values before and after. Written by the domain services in the transaction of the change;
//! shown on the session and officer pages.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

/// One line of a journal as a page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    /// « Capacité : 12 → 14 », or the values of a new record.
    pub details: Vec<String>,
}
