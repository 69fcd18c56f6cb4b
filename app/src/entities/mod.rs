//! SeaORM entities, one per table of `migration/`. Behaviour lives in the domain modules, not here.

pub mod calendar_feed;
pub mod catalogue_stamp;
pub mod email_outbox;
pub mod enrolment;
pub mod feedback;
pub mod invitation;
pub mod journal;
pub mod login_attempt;
pub mod notification;
pub mod notification_preference;
pub mod officer_profile;
pub mod password_reset;
pub mod programme;
pub mod programme_item;
pub mod scheduled_notice;
pub mod secret;
pub mod session;
pub mod training;
pub mod user;
pub mod web_session;
