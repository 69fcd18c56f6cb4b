//! « Importer (CSV) » on `/gestion/officiers`: officers from what French spreadsheets export
//! (UTF-8 or Windows-1252, `;` or `,`). The file is kept in the web session between the preview
//! and the import; the import takes every line or none, and each refused line is reported with
//! its reason.

#[cfg(feature = "ssr")]
use crate::caller;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

/// A line that will become an officer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLine {
    /// Line number in the file (the header is line 1).
    pub line: usize,
    pub name: String,
    pub email: String,
    pub grade: String,
    pub armee: String,
}

/// A line refused, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub file_name: String,
    /// « UTF-8 » or « Windows-1252 », and « ; » or « , ».
    pub encoding: String,
    pub separator: String,
    pub valid: Vec<ImportLine>,
    pub rejected: Vec<Rejected>,
}

/// The pending preview, if a file was sent.
#[server(prefix = "/api", endpoint = "gestion/officiers/import")]
pub async fn get_import_preview() -> Result<Option<ImportPreview>, AppError> {
    crate::caller::require_staff()?;
    service::pending_preview(&crate::db::db()?).await
}

/// « Prévisualiser »: reads the file sent by the form (field `fichier`) and keeps it for the
/// preview.
#[server(input = MultipartFormData, prefix = "/api", endpoint = "gestion/officiers/import/fichier")]
pub async fn upload_officer_file(data: MultipartData) -> Result<(), AppError> {
    crate::caller::require_staff()?;
    let result = service::receive(data).await;
    crate::flash::conclude(
        result.map(|_| "Fichier lu : vérifiez l'aperçu avant d'importer.".to_owned()),
        "/gestion/officiers/import",
    )
    .await
}

/// « Importer »: every line of the kept file, or none.
#[server(prefix = "/api", endpoint = "gestion/officiers/import/confirmer")]
pub async fn confirm_officer_import() -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let result = service::import_pending(&crate::db::db()?, me.id, chrono::Utc::now()).await;
    let target = if result.is_ok() {
        "/gestion/officiers"
    } else {
        "/gestion/officiers/import"
    };
    crate::flash::conclude(
        result.map(|n| match n {
            1 => "1 officier importé.".to_owned(),
            n => format!("{n} officiers importés."),
        }),
        target,
    )
    .await
}

/// « Abandonner »: forgets the kept file.
#[server(prefix = "/api", endpoint = "gestion/officiers/import/abandonner")]
pub async fn drop_officer_import() -> Result<(), AppError> {
    crate::caller::require_staff()?;
    let result = service::forget().await;
    crate::flash::conclude(
        result.map(|()| "Import abandonné.".to_owned()),
        "/gestion/officiers/import",
    )
    .await
}
