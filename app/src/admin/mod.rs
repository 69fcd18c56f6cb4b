//! `/admin/utilisateurs` (administrateurs only): the staff accounts, their roles, their
//! passwords. Officers' accounts are managed in `/gestion/officiers`.

#[cfg(feature = "ssr")]
use crate::caller;
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
    let me = caller::require_admin()?;
    service::list(&crate::db::db()?, me.id).await
}

/// « Créer le compte »: a gestionnaire or an administrateur.
#[server(prefix = "/api", endpoint = "admin/utilisateur/creer")]
pub async fn create_staff_account(
    display_name: String,
    email: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    let me = caller::require_admin()?;
    let input = service::AccountInput {
        display_name,
        email,
        role,
        password,
    };
    let result = service::create(&crate::db::db()?, me.id, &input, chrono::Utc::now()).await;
    crate::flash::conclude(
        result.map(|_| "Compte créé.".to_owned()),
        "/admin/utilisateurs",
    )
    .await
}

/// What a button of `/admin/utilisateurs` does to an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountAction {
    /// Change the role (with `role`).
    Role,
    Desactiver,
    Reactiver,
    /// Set a new password (with `password`).
    MotDePasse,
}

impl AccountAction {
    /// The value a form sends.
    pub fn code(self) -> &'static str {
        match self {
            AccountAction::Role => "role",
            AccountAction::Desactiver => "desactiver",
            AccountAction::Reactiver => "reactiver",
            AccountAction::MotDePasse => "mot-de-passe",
        }
    }
}

/// Changes an account: its role, active or not, or its password.
#[server(prefix = "/api", endpoint = "admin/utilisateur/modifier")]
pub async fn change_staff_account(
    id: i32,
    action: AccountAction,
    role: Option<String>,
    password: Option<String>,
) -> Result<(), AppError> {
    let me = caller::require_admin()?;
    let db = crate::db::db()?;
    let now = chrono::Utc::now();
    let result = match action {
        AccountAction::Role => {
            service::set_role(&db, me.id, id, role.as_deref().unwrap_or(""), now)
                .await
                .map(|()| "Rôle modifié.".to_owned())
        }
        AccountAction::Desactiver => service::set_active(&db, me.id, id, false, now)
            .await
            .map(|()| "Compte désactivé.".to_owned()),
        AccountAction::Reactiver => service::set_active(&db, me.id, id, true, now)
            .await
            .map(|()| "Compte réactivé.".to_owned()),
        AccountAction::MotDePasse => {
            service::reset_password(&db, me.id, id, password.unwrap_or_default(), now)
                .await
                .map(|()| "Mot de passe réinitialisé : communiquez-le à son titulaire.".to_owned())
        }
    };
    crate::flash::conclude(result, "/admin/utilisateurs").await
}
