//! One module per screen of product §4.

pub mod catalogue;
pub mod dashboard;
pub mod login;
pub mod my_programme;
pub mod my_trainings;
pub mod notifications;
pub mod password_reset;
pub mod session;
pub mod staff;
