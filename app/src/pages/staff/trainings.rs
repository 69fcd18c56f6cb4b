use super::{JournalView, PostButton};
use crate::{
    forms::{Field, FormAlert, FormView, SelectField, TextArea},
    layout::Loaded,
    trainings::{
        ArchiveTraining, SaveTraining, TrainingForm, TrainingList, format_choices,
        get_training_form, get_trainings_admin,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/gestion/formations`: the catalogue of trainings, « Nouvelle formation ».
#[component]
pub fn TrainingsPage() -> impl IntoView {
    let query = use_query_map();
    let archived = move || query.read().get("archivees").is_some_and(|v| v == "1");
    let list = Resource::new(archived, get_trainings_admin);
    view! {
        <Title text="Formations"/>
        <div class="cas-page-head">
            <h1>"Formations"</h1>
            <a class="fr-btn" href="/gestion/formations/nouvelle">"Nouvelle formation"</a>
        </div>
        <Loaded resource=list let:l>
            <TrainingTable l archived=archived()/>
        </Loaded>
    }
}

#[component]
fn TrainingTable(l: TrainingList, archived: bool) -> impl IntoView {
    let toggle = if archived {
        view! { <a class="fr-link" href="/gestion/formations">"← Formations actives"</a> }
            .into_any()
    } else {
        view! {
            <a class="fr-link" href="/gestion/formations?archivees=1">
                {format!("Voir les formations archivées ({})", l.archived_count)}
            </a>
        }
        .into_any()
    };
    let empty = l.rows.is_empty().then(|| {
        view! { <p class="cas-note">"Aucune formation."</p> }
    });
    let rows = l
        .rows
        .into_iter()
        .map(|t| {
            view! {
                <tr>
                    <td><a href=format!("/gestion/formations/{}", t.id)>{t.title}</a></td>
                    <td>{t.theme}</td>
                    <td>{t.provider}</td>
                    <td>{t.format}</td>
                    <td class="cas-nowrap">{t.duration}</td>
                    <td>{t.capacity}</td>
                    <td>{t.cost}</td>
                    <td>{t.upcoming_sessions}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p>{toggle}</p>
        {empty}
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Titre"</th>
                        <th scope="col">"Thème"</th>
                        <th scope="col">"Organisme"</th>
                        <th scope="col">"Format"</th>
                        <th scope="col">"Durée"</th>
                        <th scope="col">"Capacité"</th>
                        <th scope="col">"Coût"</th>
                        <th scope="col">"Sessions à venir"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// `/gestion/formations/nouvelle` and `/gestion/formations/{id}`.
#[component]
pub fn TrainingEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i32>().ok());
    let form = Resource::new(id, get_training_form);
    // The refusal of the last post, read from the URL when the page is rendered.
    let save = ServerAction::<SaveTraining>::new();
    view! {
        <Loaded resource=form let:f>
            {
                let refusal = save.value().get_untracked().and_then(Result::err);
                view! { <TrainingEditor f refusal/> }.into_any()
            }
        </Loaded>
    }
}

#[component]
fn TrainingEditor(f: TrainingForm, refusal: Option<crate::error::AppError>) -> impl IntoView {
    let form = FormView::new(&f.values, refusal.as_ref());
    let heading = match f.id {
        None => "Nouvelle formation".to_owned(),
        Some(_) => f.title.clone(),
    };
    let hidden_id =
        f.id.map(|id| view! { <input type="hidden" name="id" value=id/> });
    let themes = f
        .themes
        .iter()
        .map(|t| view! { <option value=t.clone()></option> })
        .collect_view();
    let archived = f.archived.then(|| {
        view! { <p class="fr-badge fr-badge--warning">"Archivée"</p> }
    });
    let extra = f.id.map(|id| {
        view! { <TrainingExtras id archived=f.archived sessions=f.sessions.clone() journal=f.journal.clone()/> }
    });
    view! {
        <Title text=heading.clone()/>
        <p class="cas-back"><a class="fr-link" href="/gestion/formations">"← Formations"</a></p>
        <h1>{heading}</h1>
        {archived}
        <FormAlert refusal/>
        <form method="post" action=SaveTraining::url() class="cas-form" novalidate>
            {hidden_id}
            <Field form=form.clone() name="title" label="Titre" required=true/>
            <TextArea form=form.clone() name="description" label="Description" hint="Ce que les officiers liront dans le catalogue."/>
            <div class="cas-form__row">
                <Field form=form.clone() name="theme" label="Thème" required=true list="themes"/>
                <Field form=form.clone() name="provider" label="Organisme" required=true/>
            </div>
            <datalist id="themes">{themes}</datalist>
            <div class="cas-form__row">
                <SelectField form=form.clone() name="format" label="Format" choices=format_choices()/>
                <Field form=form.clone() name="duration_hours" label="Durée (heures)" kind="number" required=true/>
                <Field form=form.clone() name="default_capacity" label="Capacité par défaut" kind="number" required=true/>
            </div>
            <div class="cas-form__row">
                <Field form=form.clone() name="fixed_cost" label="Coût fixe par session (€)" hint="Laisser vide s'il n'y en a pas."/>
                <Field form=form.clone() name="seat_cost" label="Coût par place (€)" hint="Laisser vide s'il n'y en a pas."/>
            </div>
            <button type="submit" class="fr-btn">"Enregistrer"</button>
        </form>
        {extra}
    }
}

#[component]
fn TrainingExtras(
    id: i32,
    archived: bool,
    sessions: Vec<crate::trainings::TrainingSession>,
    journal: Vec<crate::journal::JournalLine>,
) -> impl IntoView {
    let archive = if archived {
        view! {
            <PostButton url=ArchiveTraining::url() fields=vec![("id", id.to_string()), ("archived", "false".into())] label="Réactiver"/>
        }
    } else {
        view! {
            <PostButton url=ArchiveTraining::url() fields=vec![("id", id.to_string()), ("archived", "true".into())] label="Archiver"/>
        }
    };
    let new_session = (!archived).then(|| {
        view! {
            <a class="fr-btn fr-btn--sm" href=format!("/gestion/sessions/nouvelle?formation={id}")>"Nouvelle session"</a>
        }
    });
    let rows = sessions
        .into_iter()
        .map(|s| {
            view! {
                <tr>
                    <td><a href=format!("/gestion/sessions/{}", s.id)>{s.dates}</a></td>
                    <td>{s.status}</td>
                    <td>{s.seats}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="cas-actions fr-mt-3w">{new_session} {archive}</div>
        <h2 class="fr-h4 fr-mt-5w">"Sessions"</h2>
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr><th scope="col">"Dates"</th><th scope="col">"Statut"</th><th scope="col">"Inscrits"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2 class="fr-h4 fr-mt-5w">"Journal"</h2>
        <JournalView lines=journal/>
    }
}
