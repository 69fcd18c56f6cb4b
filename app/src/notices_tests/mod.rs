//! The notices each event leaves (product §5), tested through the rules that cause them: an
//! officer's and staff's actions on places, a session's lifecycle, the reminder scheduler. They
//! sit above the rules (`lib.rs`), since they drive enrolment and planning to check what
//! `notification` wrote.

mod events;
mod reminders;
