//! « Remplir la session » (staff, `/gestion/sessions/{id}/remplir`): the officers whose
//! programme needs a session's training and who could take its free seats, invited in one
//! click or enrolled directly; and the officer's side of an invitation (`/invitations/{token}`,
//! the session page, « Mes formations »). Rules in [`service`].

#[cfg(feature = "ssr")]
use crate::caller;
use crate::{error::AppError, model::Priority};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[cfg(feature = "ssr")]
pub mod service;

/// An officer who could take a free seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub officer_id: i32,
    pub name: String,
    pub grade: String,
    /// The training's priority in the officer's programme.
    pub priority: Priority,
    /// « mercredi 30 juin 2027 »: when the officer's programme ends.
    pub programme_ends: String,
    /// « Invité le … », « Invitation déclinée le … », when staff already asked.
    pub invitation: Option<String>,
    /// Ticked at first: the first candidates not yet asked, as many as there are free seats.
    pub suggested: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillPage {
    pub session_id: i32,
    pub title: String,
    pub dates: String,
    pub free: i32,
    /// Why seats can no longer be filled (started, cancelled, finished).
    pub closed: Option<String>,
    /// Invitations need a published session (officers do not see drafts).
    pub can_invite: bool,
    pub candidates: Vec<Candidate>,
    /// Officers who need the training but have another session at those dates.
    pub busy: u64,
}

/// One invitation on the session's staff page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationLine {
    pub officer_id: i32,
    pub name: String,
    /// « Invité le … », « Invitation acceptée le … ».
    pub state: String,
    /// The officer's place in the session now, if any (« Inscrit », « Liste d'attente »…).
    pub place: Option<String>,
    /// The link sent to the officer, while the invitation waits for an answer.
    pub link: Option<String>,
}

/// An open invitation in « Mes formations ».
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyInvitation {
    pub session_id: i32,
    pub title: String,
    pub dates: String,
    pub place: String,
    pub invited_on: String,
}

#[server(prefix = "/api", endpoint = "gestion/session/remplir")]
pub async fn get_fill_page(session_id: i32) -> Result<FillPage, AppError> {
    crate::caller::require_staff()?;
    service::fill_page(&crate::db::db()?, session_id, chrono::Utc::now()).await
}

/// « Inviter les officiers sélectionnés »: `choix[<officer id>]=on`, as « Inscrire ».
#[server(prefix = "/api", endpoint = "gestion/session/inviter")]
pub async fn invite_officers(
    session_id: i32,
    choix: Option<HashMap<i32, String>>,
) -> Result<(), AppError> {
    let me = caller::require_staff()?;
    let ids: Vec<i32> = choix.unwrap_or_default().into_keys().collect();
    let result = service::invite(
        &crate::db::db()?,
        me.id,
        session_id,
        &ids,
        chrono::Utc::now(),
    )
    .await;
    crate::flash::conclude(
        result.map(|r| r.message()),
        &format!("/gestion/sessions/{session_id}#invitations"),
    )
    .await
}

/// « Décliner l'invitation ».
#[server(prefix = "/api", endpoint = "invitation/decliner")]
pub async fn decline_invitation(session_id: i32) -> Result<(), AppError> {
    let me = caller::require_officer()?;
    let result = service::decline(&crate::db::db()?, me.id, session_id, chrono::Utc::now()).await;
    crate::flash::conclude(
        result.map(|()| "Vous avez décliné l'invitation.".to_owned()),
        &format!("/sessions/{session_id}"),
    )
    .await
}

#[cfg(all(test, feature = "ssr"))]
mod tests;
