use crate::{
    error::AppError,
    forms::{Field, FormAlert, FormView},
    layout::Loaded,
    officers::{OfficerForm, OfficerList, SaveOfficer, get_officer_form, get_officers},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/gestion/officiers`: officers with a search (`?recherche=`), active ones by default.
#[component]
pub fn OfficersPage() -> impl IntoView {
    let query = use_query_map();
    let key = move || {
        let q = query.read();
        (
            q.get("recherche").filter(|s| !s.is_empty()),
            q.get("inactifs").is_some_and(|v| v == "1"),
        )
    };
    let list = Resource::new(key, |(search, inactive)| get_officers(search, inactive));
    view! {
        <Title text="Officiers"/>
        <div class="cas-page-head">
            <h1>"Officiers"</h1>
            <div class="cas-actions">
                <a class="fr-btn fr-btn--secondary" href="/gestion/officiers/import">"Importer (CSV)"</a>
                <a class="fr-btn" href="/gestion/officiers/nouveau">"Nouvel officier"</a>
            </div>
        </div>
        <Loaded resource=list let:l>
            {
                let (search, inactive) = key();
                view! { <OfficerTable l search=search.unwrap_or_default() inactive/> }.into_any()
            }
        </Loaded>
    }
}

#[component]
fn OfficerTable(l: OfficerList, search: String, inactive: bool) -> impl IntoView {
    let toggle = if inactive {
        view! { <a class="fr-link" href="/gestion/officiers">"← Comptes actifs"</a> }.into_any()
    } else {
        view! { <a class="fr-link" href="/gestion/officiers?inactifs=1">"Voir les comptes désactivés"</a> }.into_any()
    };
    let empty = l
        .rows
        .is_empty()
        .then(|| view! { <p class="cas-note">"Aucun officier ne correspond."</p> });
    let truncated = l.truncated.then(|| view! { <p class="cas-note">"Seuls les 300 premiers sont affichés : précisez la recherche."</p> });
    let rows = l
        .rows
        .into_iter()
        .map(|o| {
            view! {
                <tr>
                    <td><a href=format!("/gestion/officiers/{}", o.id)>{o.name}</a></td>
                    <td>{o.grade}</td>
                    <td>{o.armee}</td>
                    <td>{o.email}</td>
                    <td>{o.programme.unwrap_or_else(|| "—".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form method="get" action="/gestion/officiers" class="cas-search" role="search">
            {inactive.then(|| view! { <input type="hidden" name="inactifs" value="1"/> })}
            <div class="fr-input-group">
                <label class="fr-label" for="recherche">"Rechercher (nom ou adresse)"</label>
                <input class="fr-input" type="search" id="recherche" name="recherche" value=search/>
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary">"Rechercher"</button>
        </form>
        <p>{toggle}</p>
        {empty}
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Nom"</th>
                        <th scope="col">"Grade"</th>
                        <th scope="col">"Armée ou service"</th>
                        <th scope="col">"Adresse électronique"</th>
                        <th scope="col">"Programme"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {truncated}
    }
}

/// `/gestion/officiers/nouveau` and `/gestion/officiers/{id}/modifier`.
#[component]
pub fn OfficerFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i32>().ok());
    let form = Resource::new(id, get_officer_form);
    let save = ServerAction::<SaveOfficer>::new();
    view! {
        <Loaded resource=form let:f>
            {
                let refusal = save.value().get_untracked().and_then(Result::err);
                view! { <OfficerEditor f refusal/> }.into_any()
            }
        </Loaded>
    }
}

#[component]
fn OfficerEditor(f: OfficerForm, refusal: Option<AppError>) -> impl IntoView {
    let form = FormView::new(&f.values, refusal.as_ref());
    let (heading, back) = match f.id {
        None => (
            "Nouvel officier".to_owned(),
            "/gestion/officiers".to_owned(),
        ),
        Some(id) => (
            format!("Modifier la fiche – {}", f.name),
            format!("/gestion/officiers/{id}"),
        ),
    };
    let hidden_id =
        f.id.map(|id| view! { <input type="hidden" name="id" value=id/> });
    let password = f.id.is_none().then(|| {
        view! {
            <Field form=form.clone() name="password" label="Mot de passe initial" kind="password"
                hint="Facultatif, 10 caractères au moins ; à communiquer à l'officier. Peut être défini plus tard."/>
        }
    });
    view! {
        <Title text=heading.clone()/>
        <p class="cas-back"><a class="fr-link" href=back.clone()>"← Retour"</a></p>
        <h1>{heading}</h1>
        <FormAlert refusal/>
        <form method="post" action=SaveOfficer::url() class="cas-form" novalidate>
            {hidden_id}
            <Field form=form.clone() name="display_name" label="Nom" hint="Tel qu'il s'affiche, par exemple « Général Jean Martin »." required=true/>
            <Field form=form.clone() name="email" label="Adresse électronique" kind="email" required=true/>
            <div class="cas-form__row">
                <Field form=form.clone() name="grade" label="Grade" required=true/>
                <Field form=form.clone() name="armee" label="Armée ou service" required=true/>
            </div>
            <div class="cas-form__row">
                <Field form=form.clone() name="phone" label="Téléphone" kind="tel"/>
                <Field form=form.clone() name="departure_date" label="Date de départ" kind="date" hint="Départ de l'institution militaire."/>
            </div>
            {password}
            <button type="submit" class="fr-btn">"Enregistrer"</button>
        </form>
    }
}
