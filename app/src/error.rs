//! The one error type that crosses the wire. Its message is short, French and safe to show; the
//! technical detail is logged on the server where the error is made, never sent to the browser.

use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(any(feature = "ssr", feature = "hydrate"))]
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// No valid web session: the user must log in.
    NotLoggedIn,
    /// Logged in, but the role may not do this (HTTP 403).
    Forbidden,
    /// The record does not exist or is not visible to this user.
    NotFound,
    /// A business rule refused the request; the text says why, in French.
    Refused(String),
    /// A form had bad fields: a French message per field, and what was typed so that the form
    /// can be shown again as it was (also after a round trip without script).
    Invalid(FormErrors),
    /// Too many requests at once (password checks): try again in a moment (HTTP 429).
    TooBusy,
    /// Too many failed logins for this account or from this address: the seconds to wait
    /// (HTTP 429, with `Retry-After`).
    TooManyAttempts(u32),
    /// The database does not answer (stopped, restarting, out of reach): nothing was done, try
    /// again in a moment (HTTP 503).
    Unavailable,
    /// Anything else; details are in the server log.
    Internal,
}

impl AppError {
    pub fn refused(msg: impl Into<String>) -> Self {
        AppError::Refused(msg.into())
    }

    /// The HTTP status that fits this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotLoggedIn => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Refused(_) | AppError::Invalid(_) => 422,
            AppError::TooBusy | AppError::TooManyAttempts(_) => 429,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::NotLoggedIn => f.write_str("Votre session a expiré : veuillez vous reconnecter."),
            AppError::Forbidden => f.write_str("Accès refusé : cette page est réservée aux gestionnaires."),
            AppError::NotFound => f.write_str("Cette page ou cet élément n'existe pas."),
            AppError::Refused(msg) => f.write_str(msg),
            AppError::Invalid(errors) => match errors.fields.as_slice() {
                [(_, only)] => write!(f, "Le formulaire contient une erreur : {only}"),
                _ => f.write_str("Le formulaire contient des erreurs : corrigez les champs signalés."),
            },
            AppError::TooBusy => f.write_str("Trop de tentatives, réessayez dans un instant."),
            AppError::Unavailable => f.write_str(UNAVAILABLE),
            AppError::TooManyAttempts(seconds) => {
                let minutes = seconds.div_ceil(60).max(1);
                let unit = if minutes > 1 { "minutes" } else { "minute" };
                write!(
                    f,
                    "Trop de tentatives de connexion : réessayez dans {minutes} {unit}."
                )
            }
            AppError::Internal => f.write_str(
                "Une erreur technique est survenue. Réessayez dans un instant ; si elle persiste, contactez la MiRVOG.",
            ),
        }
    }
}

impl std::error::Error for AppError {}

/// What a visitor reads while the database is out of reach.
pub const UNAVAILABLE: &str = "Cassiopée est momentanément indisponible : rien n'a été enregistré. Réessayez dans un instant.";

/// The fields of a form that were refused, with what was typed in every field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors {
    /// (field name, French message), in the order of the form.
    pub fields: Vec<(String, String)>,
    /// (field name, value as typed), passwords never included.
    pub values: Vec<(String, String)>,
}

impl FormErrors {
    /// The message for one field, if it was refused.
    pub fn message(&self, field: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, msg)| msg.clone())
    }

    /// What was typed in one field.
    pub fn value(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, v)| v.clone())
    }
}

#[cfg(any(feature = "ssr", feature = "hydrate"))]
impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The browser sent something the server function could not read: a form field
            // missing or malformed. Say so rather than blaming the server.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::refused("Le formulaire envoyé est incomplet ou invalide.")
            }
            ServerFnErrorErr::Request(_) => AppError::refused(
                "Le serveur ne répond pas : vérifiez votre connexion puis réessayez.",
            ),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if is_unreachable(&err) {
            tracing::warn!(error = %err, "database out of reach");
            return AppError::Unavailable;
        }
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

/// The database cannot be reached (stopped, restarting, the network), as opposed to a query
/// it refused: the request is not at fault, and may be tried again.
#[cfg(feature = "ssr")]
pub fn is_unreachable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, error::SqlxError};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                SqlxError::Io(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed
                | SqlxError::Tls(_) => true,
                // PostgreSQL's classes 08 (connection exception) and 57P (the server shutting
                // down or starting up).
                SqlxError::Database(db) => db
                    .code()
                    .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(feature = "ssr")]
impl<E: fmt::Display + fmt::Debug> From<sea_orm::TransactionError<E>> for AppError
where
    AppError: From<E>,
{
    fn from(err: sea_orm::TransactionError<E>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e.into(),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
