use super::{JournalView, PostButton};
use crate::{
    admin::{
        AccountAction, ChangeStaffAccount, CreateStaffAccount, StaffAccount, StaffAccounts,
        get_staff_accounts,
    },
    error::AppError,
    forms::{Field, FormAlert, FormView, SelectField},
    layout::Loaded,
    model::Role,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

fn role_choices() -> Vec<(String, String)> {
    [("staff", Role::Staff), ("admin", Role::Admin)]
        .into_iter()
        .map(|(code, r)| (code.to_owned(), r.label().to_owned()))
        .collect()
}

fn role_code(r: Role) -> &'static str {
    if r == Role::Admin { "admin" } else { "staff" }
}

/// `/admin/utilisateurs`: staff accounts, roles and password resets (administrateurs only).
#[component]
pub fn StaffAccountsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_staff_accounts());
    let create = ServerAction::<CreateStaffAccount>::new();
    view! {
        <Title text="Comptes de la MiRVOG"/>
        <h1>"Comptes de la MiRVOG"</h1>
        <p class="cas-note">"Gestionnaires et administrateurs. Les comptes des officiers se gèrent dans « Officiers »."</p>
        <Loaded resource=data let:d>
            {
                let refusal = create.value().get_untracked().and_then(Result::err);
                view! { <Accounts d refusal/> }.into_any()
            }
        </Loaded>
    }
}

#[component]
fn Accounts(d: StaffAccounts, refusal: Option<AppError>) -> impl IntoView {
    let form = FormView::new(&[("role".to_owned(), "staff".to_owned())], refusal.as_ref());
    let rows = d
        .accounts
        .into_iter()
        .map(|a| view! { <AccountRow a/> })
        .collect_view();
    view! {
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Nom"</th>
                        <th scope="col">"Adresse électronique"</th>
                        <th scope="col">"Rôle"</th>
                        <th scope="col">"État"</th>
                        <th scope="col">"Mot de passe"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2 class="fr-h4 fr-mt-5w">"Nouveau compte"</h2>
        <FormAlert refusal/>
        <form method="post" action=CreateStaffAccount::url() class="cas-form" novalidate>
            <Field form=form.clone() name="display_name" label="Nom" required=true/>
            <Field form=form.clone() name="email" label="Adresse électronique" kind="email" required=true/>
            <div class="cas-form__row">
                <SelectField form=form.clone() name="role" label="Rôle" choices=role_choices()/>
                <Field form=form.clone() name="password" label="Mot de passe initial" kind="password" hint="10 caractères au moins" required=true/>
            </div>
            <button type="submit" class="fr-btn">"Créer le compte"</button>
        </form>
        <h2 class="fr-h4 fr-mt-5w">"Journal"</h2>
        <JournalView lines=d.journal/>
    }
}

#[component]
fn AccountRow(a: StaffAccount) -> impl IntoView {
    let id = a.id.to_string();
    let role_id = format!("role-{}", a.id);
    let pw_id = format!("mdp-{}", a.id);
    let options = role_choices()
        .into_iter()
        .map(|(v, l)| {
            let selected = v == role_code(a.role);
            view! { <option value=v selected=selected>{l}</option> }
        })
        .collect_view();
    let state = if a.is_me {
        view! { <span>"Actif (vous)"</span> }.into_any()
    } else if a.active {
        view! { <span>"Actif "</span> <PostButton url=ChangeStaffAccount::url() fields=vec![("id", id.clone()), ("action", AccountAction::Desactiver.code().into())] label="Désactiver" class="fr-btn fr-btn--tertiary fr-btn--sm"/> }.into_any()
    } else {
        view! { <span>"Désactivé "</span> <PostButton url=ChangeStaffAccount::url() fields=vec![("id", id.clone()), ("action", AccountAction::Reactiver.code().into())] label="Réactiver" class="fr-btn fr-btn--tertiary fr-btn--sm"/> }.into_any()
    };
    let role = if a.is_me {
        view! { <span>{a.role.label()}</span> }.into_any()
    } else {
        view! {
            <form method="post" action=ChangeStaffAccount::url() class="cas-inline-form cas-priority">
                <input type="hidden" name="id" value=id.clone()/>
                <input type="hidden" name="action" value=AccountAction::Role.code()/>
                <label class="fr-sr-only" for=role_id.clone()>{format!("Rôle de {}", a.name)}</label>
                <select class="fr-select fr-select--sm" id=role_id name="role">{options}</select>
                <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">"Changer"</button>
            </form>
        }
        .into_any()
    };
    view! {
        <tr>
            <td>{a.name.clone()}</td>
            <td>{a.email}</td>
            <td>{role}</td>
            <td>{state}</td>
            <td>
                <form method="post" action=ChangeStaffAccount::url() class="cas-inline-form cas-priority">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="action" value=AccountAction::MotDePasse.code()/>
                    <label class="fr-sr-only" for=pw_id.clone()>{format!("Nouveau mot de passe de {}", a.name)}</label>
                    <input class="fr-input fr-input--sm" type="password" id=pw_id name="password" autocomplete="new-password" placeholder="Nouveau mot de passe"/>
                    <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">"Réinitialiser"</button>
                </form>
            </td>
        </tr>
    }
}
