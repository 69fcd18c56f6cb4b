use super::{JournalView, PostButton};
use crate::{
    forms::{Field, FormAlert, FormView, TextArea},
    layout::Loaded,
    model::{Choice, Priority},
    officers::{HistoryLine, OfficerPage, SetOfficerActive, SetOfficerPassword, get_officer},
    programme::{AddProgrammeItem, ChangeProgrammeItem, ItemAction, Programme, SaveProgramme},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/gestion/officiers/{id}`: profile, programme editor, history and journal.
#[component]
pub fn OfficerPageView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i32>().ok());
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_officer(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    let save = ServerAction::<SaveProgramme>::new();
    view! {
        <Loaded resource=page let:o>
            {
                let refusal = save.value().get_untracked().and_then(Result::err);
                view! { <Officer o refusal/> }.into_any()
            }
        </Loaded>
    }
}

#[component]
fn Officer(o: OfficerPage, refusal: Option<crate::error::AppError>) -> impl IntoView {
    let id = o.id;
    let status = if o.active {
        view! { <PostButton url=SetOfficerActive::url() fields=vec![("id", id.to_string()), ("active", "false".into())] label="Désactiver le compte"/> }
    } else {
        view! { <PostButton url=SetOfficerActive::url() fields=vec![("id", id.to_string()), ("active", "true".into())] label="Réactiver le compte"/> }
    };
    let inactive =
        (!o.active).then(|| view! { <p class="fr-badge fr-badge--error">"Compte désactivé"</p> });
    let no_password = (!o.can_log_in).then(|| {
        view! {
            <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-2w">
                <p>"Aucun mot de passe : l'officier ne peut pas encore se connecter. Définissez-en un ci-dessous."</p>
            </div>
        }
    });
    let or_dash = |s: String| if s.is_empty() { "—".to_owned() } else { s };
    view! {
        <Title text=o.name.clone()/>
        <p class="cas-back"><a class="fr-link" href="/gestion/officiers">"← Officiers"</a></p>
        <div class="cas-page-head"><h1>{o.name.clone()}</h1>{inactive}</div>
        <ul class="cas-facts">
            <li>{o.grade.clone()} " – " {o.armee.clone()}</li>
            <li>"Adresse électronique : " {o.email.clone()}</li>
            <li>"Téléphone : " {or_dash(o.phone.clone())}</li>
            <li>"Date de départ : " {or_dash(o.departure.clone())}</li>
        </ul>
        {no_password}
        <div class="cas-actions">
            <a class="fr-btn fr-btn--secondary fr-btn--sm" href=format!("/gestion/officiers/{id}/modifier")>"Modifier la fiche"</a>
            {status}
        </div>
        <form method="post" action=SetOfficerPassword::url() class="cas-duplicate">
            <input type="hidden" name="id" value=id/>
            <div class="fr-input-group">
                <label class="fr-label" for="mot-de-passe">"Définir le mot de passe" <span class="fr-hint-text">"10 caractères au moins"</span></label>
                <input class="fr-input" type="password" id="mot-de-passe" name="password" autocomplete="new-password" required/>
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">"Enregistrer le mot de passe"</button>
        </form>

        <h2 class="fr-h4 fr-mt-5w" id="programme">"Programme"</h2>
        <ProgrammeEditor id programme=o.programme.clone() values=o.programme_values.clone() addable=o.addable.clone() refusal/>

        <h2 class="fr-h4 fr-mt-5w">"Historique des formations"</h2>
        <History lines=o.history.clone()/>

        <h2 class="fr-h4 fr-mt-5w">"Journal"</h2>
        <JournalView lines=o.journal.clone()/>
    }
}

fn priority_choices() -> Vec<(String, String)> {
    Priority::ALL
        .into_iter()
        .map(|p| (p.code().to_owned(), p.label().to_owned()))
        .collect()
}

#[component]
fn ProgrammeEditor(
    id: i32,
    programme: Option<Programme>,
    values: Vec<(String, String)>,
    addable: Vec<Choice>,
    refusal: Option<crate::error::AppError>,
) -> impl IntoView {
    let form = FormView::new(&values, refusal.as_ref());
    let items = programme.map(|p| {
        let progress = p.progress();
        let last = p.items.len();
        let rows = p
            .items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let fields = |action: &str| {
                    vec![("officer_id", id.to_string()), ("item_id", item.id.to_string()), ("action", action.to_owned())]
                };
                let options = priority_choices()
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = v == item.priority.code();
                        view! { <option value=v selected=selected>{l}</option> }
                    })
                    .collect_view();
                let select_id = format!("priorite-{}", item.id);
                view! {
                    <tr>
                        <td>{i + 1}</td>
                        <td>{item.title.clone()}</td>
                        <td>
                            <form method="post" action=ChangeProgrammeItem::url() class="cas-inline-form cas-priority">
                                <input type="hidden" name="officer_id" value=id/>
                                <input type="hidden" name="item_id" value=item.id/>
                                <input type="hidden" name="action" value=ItemAction::Priorite.code()/>
                                <label class="fr-sr-only" for=select_id.clone()>{format!("Priorité de « {} »", item.title)}</label>
                                <select class="fr-select fr-select--sm" id=select_id name="priority">{options}</select>
                                <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">"Changer"</button>
                            </form>
                        </td>
                        <td>
                            <span class=format!("fr-badge fr-badge--sm {}", item.status.badge())>{item.status.label()}</span>
                            {item.note.clone().map(|n| view! { <br/><span class="cas-muted">{n}</span> })}
                        </td>
                        <td class="cas-row-actions">
                            {(i > 0).then(|| view! { <PostButton url=ChangeProgrammeItem::url() fields=fields(ItemAction::Haut.code()) label="Monter" class="fr-btn fr-btn--tertiary fr-btn--sm"/> })}
                            {(i + 1 < last).then(|| view! { <PostButton url=ChangeProgrammeItem::url() fields=fields(ItemAction::Bas.code()) label="Descendre" class="fr-btn fr-btn--tertiary fr-btn--sm"/> })}
                            <PostButton url=ChangeProgrammeItem::url() fields=fields(ItemAction::Retirer.code()) label="Retirer" class="fr-btn fr-btn--tertiary fr-btn--sm" title=format!("Retirer « {} » du programme", item.title)/>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let options = addable
            .iter()
            .map(|c| view! { <option value=c.value.clone()>{c.label.clone()}</option> })
            .collect_view();
        let prio = priority_choices()
            .into_iter()
            .map(|(v, l)| {
                let selected = v == Priority::Recommandee.code();
                view! { <option value=v selected=selected>{l}</option> }
            })
            .collect_view();
        view! {
            <p class="cas-progress"><strong>{progress}</strong></p>
            <div class="fr-table cas-table">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Ordre"</th>
                            <th scope="col">"Formation"</th>
                            <th scope="col">"Priorité"</th>
                            <th scope="col">"Statut"</th>
                            <th scope="col"><span class="fr-sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <form method="post" action=AddProgrammeItem::url() class="cas-duplicate">
                <input type="hidden" name="officer_id" value=id/>
                <div class="fr-select-group">
                    <label class="fr-label" for="ajout-formation">"Ajouter une formation"</label>
                    <select class="fr-select" id="ajout-formation" name="training_id" required>
                        <option value="">"Choisir une formation"</option>
                        {options}
                    </select>
                </div>
                <div class="fr-select-group">
                    <label class="fr-label" for="ajout-priorite">"Priorité"</label>
                    <select class="fr-select" id="ajout-priorite" name="priority">{prio}</select>
                </div>
                <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">"Ajouter"</button>
            </form>
        }
    });
    let none = items.is_none().then(|| {
        view! { <p class="cas-note">"Pas encore de programme : saisissez ses dates pour le créer."</p> }
    });
    view! {
        {none}
        <FormAlert refusal=refusal.clone().filter(|e| matches!(e, crate::error::AppError::Invalid(_)))/>
        <form method="post" action=SaveProgramme::url() class="cas-form" novalidate>
            <input type="hidden" name="officer_id" value=id/>
            <div class="cas-form__row">
                <Field form=form.clone() name="starts_on" label="Début du programme" kind="date" required=true/>
                <Field form=form.clone() name="ends_on" label="Fin du programme" kind="date" required=true/>
            </div>
            <TextArea form=form.clone() name="career_goal" label="Projet professionnel"/>
            <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">"Enregistrer le programme"</button>
        </form>
        {items}
    }
}

#[component]
fn History(lines: Vec<HistoryLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="cas-note">"Aucune inscription."</p> }.into_any();
    }
    let rows = lines
        .into_iter()
        .map(|h| {
            let state = if h.cancelled_session {
                format!("{} (session annulée)", h.status.label())
            } else {
                h.status.label().to_owned()
            };
            view! {
                <tr>
                    <td><a href=format!("/gestion/sessions/{}", h.session_id)>{h.title}</a></td>
                    <td>{h.dates}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr><th scope="col">"Formation"</th><th scope="col">"Dates"</th><th scope="col">"État"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
