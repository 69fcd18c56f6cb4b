//! `/admin/utilisateurs` (administrateurs only): the staff accounts, their roles, their
//! passwords. Officers' accounts are managed in `/gestion/officiers`.

#[cfg(feature = "ssr")]
use crate::auth::service as auth;
use crate::{error::AppError, journal::JournalLine, model::Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    /// The administrator looking at the page.
    pub is_me: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccounts {
    pub accounts: Vec<StaffAccount>,
    pub journal: Vec<JournalLine>,
}

#[server(prefix = "/api", endpoint = "admin/utilisateurs")]
pub async fn get_staff_accounts() -> Result<StaffAccounts, AppError> {
    let me = auth::require_admin()?;
    service::list(&auth::db()?, me.id).await
}

/// « Créer le compte »: a gestionnaire or an administrateur.
#[server(prefix = "/api", endpoint = "admin/utilisateur/creer")]
pub async fn create_staff_account(
    display_name: String,
    email: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    let me = auth::require_admin()?;
    let input = service::AccountInput {
        display_name,
        email,
        role,
        password,
    };
    let result = service::create(&auth::db()?, me.id, &input, chrono::Utc::now()).await;
    crate::flash::conclude(
        result.map(|_| "Compte créé.".to_owned()),
        "/admin/utilisateurs",
    )
    .await
}

/// Changes an account: `action` is `role` (with `role`), `desactiver`, `reactiver` or
/// `mot-de-passe` (with `password`).
#[server(prefix = "/api", endpoint = "admin/utilisateur/modifier")]
pub async fn change_staff_account(
    id: i32,
    action: String,
    role: Option<String>,
    password: Option<String>,
) -> Result<(), AppError> {
    let me = auth::require_admin()?;
    let db = auth::db()?;
    let now = chrono::Utc::now();
    let result = match action.as_str() {
        "role" => service::set_role(&db, me.id, id, role.as_deref().unwrap_or(""), now)
            .await
            .map(|()| "Rôle modifié.".to_owned()),
        "desactiver" | "reactiver" => {
            service::set_active(&db, me.id, id, action == "reactiver", now)
                .await
                .map(|()| {
                    if action == "reactiver" {
                        "Compte réactivé."
                    } else {
                        "Compte désactivé."
                    }
                    .to_owned()
                })
        }
        "mot-de-passe" => {
            service::reset_password(&db, me.id, id, password.unwrap_or_default(), now)
                .await
                .map(|()| "Mot de passe réinitialisé : communiquez-le à son titulaire.".to_owned())
        }
        _ => Err(AppError::refused(
            "Le formulaire envoyé est incomplet ou invalide.",
        )),
    };
    crate::flash::conclude(result, "/admin/utilisateurs").await
}
