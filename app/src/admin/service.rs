use super::{StaffAccount, StaffAccounts};
use crate::model::max_len;
use crate::{
    accounts,
    checks::Check,
    entities::user,
    error::{AppError, AppResult},
    journal::service::{Change, Record},
    model::Role,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};

/// The account form as typed.
pub struct AccountInput {
    pub display_name: String,
    pub email: String,
    pub role: String,
    pub password: String,
}

fn staff_role(code: &str) -> Option<Role> {
    Role::parse(code.trim()).filter(|r| r.is_staff())
}

pub async fn list<C: ConnectionTrait>(db: &C, me: i32) -> AppResult<StaffAccounts> {
    let accounts = user::Entity::find()
        .filter(user::Column::Role.is_in([Role::Staff, Role::Admin]))
        .order_by_desc(user::Column::Active)
        .order_by_asc(user::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| StaffAccount {
            is_me: u.id == me,
            id: u.id,
            name: u.display_name,
            email: u.email,
            role: u.role,
            active: u.active,
        })
        .collect::<Vec<_>>();
    let ids: Vec<i32> = accounts.iter().map(|a| a.id).collect();
    let journal = crate::journal::service::for_accounts(db, ids).await?;
    Ok(StaffAccounts { accounts, journal })
}

pub async fn create<C>(
    db: &C,
    actor: i32,
    input: &AccountInput,
    now: DateTime<Utc>,
) -> AppResult<i32>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut c = Check::new();
    let name = c.text("display_name", &input.display_name, max_len::DISPLAY_NAME);
    c.optional_text("email", &input.email, max_len::EMAIL);
    let email = match accounts::normalize_email(&input.email) {
        Ok(e) => e,
        Err(e) => {
            c.fail("email", e.to_string());
            String::new()
        }
    };
    c.optional_text("role", &input.role, 20);
    let role = staff_role(&input.role);
    if role.is_none() {
        c.fail("role", "Choisissez Gestionnaire ou Administrateur.");
    }
    if let Err(e) = accounts::validate_password(&input.password) {
        c.fail("password", e.to_string());
    }
    if !c.has_error("email") && accounts::find_by_email(db, &email).await?.is_some() {
        c.fail("email", "Un compte existe déjà avec cette adresse.");
    }
    c.done()?;
    let role = role.ok_or(AppError::Internal)?;
    let hash = crate::password::hash_password(input.password.clone()).await?;
    let txn = crate::db::begin_write(db).await?;
    let u = accounts::create_account(
        &txn,
        accounts::NewAccount {
            email,
            display_name: name,
            role,
            password_hash: hash,
        },
    )
    .await?;
    Change::new(actor, "Compte créé", Record::Account, u.id)
        .after(&vec![
            ("Nom", u.display_name.clone()),
            ("Adresse électronique", u.email.clone()),
            ("Rôle", u.role.label().to_owned()),
        ])
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(u.id)
}

async fn staff_account<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<user::Model> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| u.role.is_staff())
        .ok_or(AppError::NotFound)
}

/// Refuses a change that would leave no active administrator.
async fn keep_an_admin<C: ConnectionTrait>(db: &C, leaving: &user::Model) -> AppResult<()> {
    if leaving.role != Role::Admin || !leaving.active {
        return Ok(());
    }
    // Every active administrator's row, locked in id order: two administrators changing each
    // other at the same moment are serialised, and the second sees the first's change.
    let admins = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .lock_exclusive()
        .all(db)
        .await?
        .len();
    if admins <= 1 {
        return Err(AppError::refused(
            "Il doit rester au moins un administrateur actif.",
        ));
    }
    Ok(())
}

pub async fn set_role<C>(
    db: &C,
    actor: i32,
    id: i32,
    code: &str,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let role = staff_role(code)
        .ok_or_else(|| AppError::refused("Choisissez Gestionnaire ou Administrateur."))?;
    let txn = crate::db::begin_write(db).await?;
    let u = staff_account(&txn, id).await?;
    if u.role == role {
        return Err(AppError::refused(format!(
            "Ce compte est déjà {}.",
            role.label().to_lowercase()
        )));
    }
    if id == actor {
        return Err(AppError::refused(
            "Vous ne pouvez pas changer votre propre rôle.",
        ));
    }
    keep_an_admin(&txn, &u).await?;
    let old = u.role;
    let mut row: user::ActiveModel = u.clone().into();
    row.role = Set(role);
    row.update(&txn).await?;
    Change::new(actor, "Rôle modifié", Record::Account, id)
        .before(&vec![
            ("Compte", u.display_name.clone()),
            ("Rôle", old.label().to_owned()),
        ])
        .after(&vec![
            ("Compte", u.display_name),
            ("Rôle", role.label().to_owned()),
        ])
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_active<C>(
    db: &C,
    actor: i32,
    id: i32,
    active: bool,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let u = staff_account(&txn, id).await?;
    if u.active == active {
        return Err(AppError::refused(if active {
            "Ce compte est déjà actif."
        } else {
            "Ce compte est déjà désactivé."
        }));
    }
    if !active {
        if id == actor {
            return Err(AppError::refused(
                "Vous ne pouvez pas désactiver votre propre compte.",
            ));
        }
        keep_an_admin(&txn, &u).await?;
    }
    let name = u.display_name.clone();
    let mut row: user::ActiveModel = u.into();
    row.active = Set(active);
    row.update(&txn).await?;
    if !active {
        crate::accounts::end_sessions(&txn, id).await?;
    }
    let action = if active {
        "Compte réactivé"
    } else {
        "Compte désactivé"
    };
    Change::new(actor, action, Record::Account, id)
        .after(&vec![("Compte", name)])
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn reset_password<C>(
    db: &C,
    actor: i32,
    id: i32,
    password: String,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let hash = crate::accounts::new_password_hash(password).await?;
    let txn = crate::db::begin_write(db).await?;
    let u = staff_account(&txn, id).await?;
    let name = u.display_name.clone();
    crate::accounts::replace_password(&txn, u, hash).await?;
    Change::new(actor, "Mot de passe réinitialisé", Record::Account, id)
        .after(&vec![("Compte", name)])
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// `cassiopee reset-password`: the operator gives any account (an officer's too) a new
/// password; its web sessions end, and the journal says « Système » did it.
pub async fn reset_password_by_the_operator<C>(
    db: &C,
    email: &str,
    password: String,
    now: DateTime<Utc>,
) -> AppResult<user::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    let Some(found) = crate::accounts::find_by_email(db, email).await? else {
        return Err(AppError::refused(format!(
            "Aucun compte n'a l'adresse {} : rien n'est changé.",
            email.trim()
        )));
    };
    let hash = crate::accounts::new_password_hash(password).await?;
    let txn = crate::db::begin_write(db).await?;
    let Some(u) = user::Entity::find_by_id(found.id).one(&txn).await? else {
        return Err(AppError::refused(
            "Ce compte vient d'être supprimé : rien n'est changé.",
        ));
    };
    let id = u.id;
    let name = u.display_name.clone();
    // In the journal staff read for this person: the officer's, or the staff accounts'.
    let (what, label) = Record::for_account(u.role);
    crate::accounts::replace_password(&txn, u.clone(), hash).await?;
    Change::by_the_operator("Mot de passe réinitialisé (ligne de commande)", what, id)
        .after(&vec![(label, name)])
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{test_db, user_with_role};

    #[tokio::test]
    async fn admins_manage_staff_accounts_but_never_lock_themselves_out() {
        let db = test_db().await;
        let admin = user_with_role(&db, "Anne Admin", Role::Admin).await;
        let now = Utc::now();
        let input = AccountInput {
            display_name: "Paul Gestion".into(),
            email: "paul.gestion@mirvog.test".into(),
            role: "staff".into(),
            password: "court".into(),
        };
        let Err(AppError::Invalid(e)) = create(&db, admin.id, &input, now).await else {
            panic!("short password refused")
        };
        assert!(e.message("password").is_some());
        let input = AccountInput {
            password: "un-mot-de-passe-solide".into(),
            ..input
        };
        let paul = create(&db, admin.id, &input, now).await.unwrap();

        // The last active administrator cannot demote or deactivate themself.
        assert_eq!(
            set_role(&db, admin.id, admin.id, "staff", now)
                .await
                .unwrap_err(),
            AppError::refused("Vous ne pouvez pas changer votre propre rôle.")
        );
        assert!(
            set_active(&db, admin.id, admin.id, false, now)
                .await
                .is_err()
        );
        set_role(&db, admin.id, paul, "admin", now).await.unwrap();
        set_active(&db, admin.id, paul, false, now).await.unwrap();
        reset_password(&db, admin.id, paul, "encore-un-autre-mot".into(), now)
            .await
            .unwrap();
        // Officers are not managed here.
        let officer = crate::testing::officer(&db, "Jean Martin").await;
        assert_eq!(
            set_role(&db, admin.id, officer.id, "admin", now)
                .await
                .unwrap_err(),
            AppError::NotFound
        );

        let page = list(&db, admin.id).await.unwrap();
        assert_eq!(page.accounts.len(), 2);
        let actions: Vec<&str> = page.journal.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "Mot de passe réinitialisé",
                "Compte désactivé",
                "Rôle modifié",
                "Compte créé"
            ]
        );
        assert!(
            page.journal[2]
                .details
                .contains(&"Rôle : Gestionnaire → Administrateur".to_owned())
        );
    }

    #[tokio::test]
    async fn the_operator_resets_any_accounts_password_and_ends_its_sessions() {
        let db = test_db().await;
        let admin = user_with_role(&db, "Anne Admin", Role::Admin).await;
        let officer = crate::testing::officer(&db, "Jean Martin").await;
        let now = Utc::now();
        crate::entities::web_session::ActiveModel {
            id: Set("s1".into()),
            data: Set("{}".into()),
            expires_at: Set(now + chrono::Duration::hours(1)),
            user_id: Set(Some(officer.id)),
            created_at: Set(Some(now)),
        }
        .insert(&db)
        .await
        .unwrap();

        let err = reset_password_by_the_operator(&db, "personne@mirvog.test", "x".repeat(12), now)
            .await
            .unwrap_err();
        assert!(crate::testing::refusal(err).starts_with("Aucun compte n'a l'adresse"));
        let err = reset_password_by_the_operator(&db, &officer.email, "court".into(), now)
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("10 caractères"), "{err:?}");

        let before = officer.password_hash.clone();
        // The address as typed, in capitals with spaces, finds the account.
        let typed = format!("  {}  ", officer.email.to_uppercase());
        reset_password_by_the_operator(&db, &typed, "un-nouveau-mot-solide".into(), now)
            .await
            .unwrap();
        let after = user::Entity::find_by_id(officer.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(after.password_hash, before);
        assert!(
            crate::password::verify_password("un-nouveau-mot-solide".into(), after.password_hash)
                .await
                .unwrap()
        );
        let sessions = crate::entities::web_session::Entity::find()
            .all(&db)
            .await
            .unwrap();
        assert!(sessions.is_empty(), "the officer's sessions ended");
        // In the officer's journal, and in the staff accounts' for a staff account.
        let journal = crate::journal::service::for_officer(&db, officer.id)
            .await
            .unwrap();
        assert_eq!(
            journal[0].action,
            "Mot de passe réinitialisé (ligne de commande)"
        );
        assert_eq!(journal[0].actor, "Système");
        reset_password_by_the_operator(&db, &admin.email, "encore-un-mot-solide".into(), now)
            .await
            .unwrap();
        let page = list(&db, admin.id).await.unwrap();
        assert_eq!(
            page.journal[0].action,
            "Mot de passe réinitialisé (ligne de commande)"
        );
        assert_eq!(page.journal[0].actor, "Système");
    }

    async fn active_admins<C: ConnectionTrait>(db: &C) -> Vec<i32> {
        user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin))
            .filter(user::Column::Active.eq(true))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.id)
            .collect()
    }

    #[tokio::test]
    async fn another_admin_cannot_demote_or_deactivate_the_last_active_one() {
        let db = test_db().await;
        let anne = user_with_role(&db, "Anne Admin", Role::Admin).await;
        let bruno = user_with_role(&db, "Bruno Admin", Role::Admin).await;
        let now = Utc::now();
        set_active(&db, anne.id, bruno.id, false, now)
            .await
            .unwrap();
        // Bruno, deactivated, still has the page open: his clicks must not leave no admin.
        let last = AppError::refused("Il doit rester au moins un administrateur actif.");
        assert_eq!(
            set_active(&db, bruno.id, anne.id, false, now)
                .await
                .unwrap_err(),
            last
        );
        assert_eq!(
            set_role(&db, bruno.id, anne.id, "staff", now)
                .await
                .unwrap_err(),
            last
        );
        assert_eq!(active_admins(&db).await, [anne.id]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_admins_deactivating_each_other_leave_one_on_postgres() {
        let Some(db) = crate::testing::postgres().await else {
            return;
        };
        for round in 0..25 {
            let a = user_with_role(&db, &format!("Admin A{round}"), Role::Admin).await;
            let b = user_with_role(&db, &format!("Admin B{round}"), Role::Admin).await;
            // Only these two are active administrators in this round.
            for other in active_admins(&db).await {
                if other != a.id && other != b.id {
                    let mut row: user::ActiveModel = user::Entity::find_by_id(other)
                        .one(&db)
                        .await
                        .unwrap()
                        .unwrap()
                        .into();
                    row.active = Set(false);
                    row.update(&db).await.unwrap();
                }
            }
            let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
            let (ba, bb) = (barrier.clone(), barrier);
            let (da, dbb) = (db.clone(), db.clone());
            let now = Utc::now();
            let (x, y) = tokio::join!(
                async move {
                    ba.wait().await;
                    set_active(&da, a.id, b.id, false, now).await
                },
                async move {
                    bb.wait().await;
                    set_active(&dbb, b.id, a.id, false, now).await
                }
            );
            assert!(x.is_ok() != y.is_ok(), "round {round}: {x:?} {y:?}");
            assert_eq!(active_admins(&db).await.len(), 1, "round {round}");
        }
    }
}
