use crate::{
    error::AppError,
    forms::{Field, FormAlert, FormView, SelectField},
    layout::Loaded,
    planning::{SaveSession, SessionForm, get_session_form},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/gestion/sessions/nouvelle?formation={id}` and `/gestion/sessions/{id}/modifier`. A new
/// session is prefilled from its training (capacity, cost); without a training chosen yet, the
/// page first asks for it (a GET form, so it works without script).
#[component]
pub fn SessionFormPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let id = params.read().get("id").and_then(|v| v.parse::<i32>().ok());
        let training = query
            .read()
            .get("formation")
            .and_then(|v| v.parse::<i32>().ok());
        (id, training)
    };
    let form = Resource::new(key, |(id, training)| get_session_form(id, training));
    let save = ServerAction::<SaveSession>::new();
    view! {
        <Loaded resource=form let:data>
            {
                let refusal = save.value().get_untracked().and_then(Result::err);
                match data {
                    f if f.id.is_none() && f.title.is_empty() && refusal.is_none() => {
                        view! { <ChooseTraining f/> }.into_any()
                    }
                    f => view! { <SessionEditor f refusal/> }.into_any(),
                }
            }
        </Loaded>
    }
}

#[component]
fn ChooseTraining(f: SessionForm) -> impl IntoView {
    let options = f
        .trainings
        .into_iter()
        .map(|(value, label)| view! { <option value=value>{label}</option> })
        .collect_view();
    view! {
        <Title text="Nouvelle session"/>
        <p class="cas-back"><a class="fr-link" href="/gestion/sessions">"← Planning"</a></p>
        <h1>"Nouvelle session"</h1>
        <form method="get" action="/gestion/sessions/nouvelle" class="cas-form">
            <div class="fr-select-group">
                <label class="fr-label" for="formation">
                    "Formation"
                    <span class="fr-hint-text">"La capacité et le coût seront repris de la formation."</span>
                </label>
                <select class="fr-select" id="formation" name="formation" required>
                    <option value="">"Choisir une formation"</option>
                    {options}
                </select>
            </div>
            <button type="submit" class="fr-btn">"Continuer"</button>
        </form>
    }
}

#[component]
fn SessionEditor(f: SessionForm, refusal: Option<AppError>) -> impl IntoView {
    let form = FormView::new(&f.values, refusal.as_ref());
    let (heading, back) = match f.id {
        None => (
            "Nouvelle session".to_owned(),
            "/gestion/sessions".to_owned(),
        ),
        Some(id) => (
            format!("Modifier la session – {}", f.title),
            format!("/gestion/sessions/{id}"),
        ),
    };
    let hidden_id =
        f.id.map(|id| view! { <input type="hidden" name="id" value=id/> });
    let seats = (f.seats_taken > 0).then(|| {
        view! {
            <p class="cas-note">
                {format!("{} officiers sont inscrits : ils seront prévenus d'un changement de date ou de lieu.", f.seats_taken)}
            </p>
        }
    });
    view! {
        <Title text=heading.clone()/>
        <p class="cas-back"><a class="fr-link" href=back.clone()>"← Retour"</a></p>
        <h1>{heading}</h1>
        {seats}
        <FormAlert refusal/>
        <form method="post" action=SaveSession::url() class="cas-form" novalidate>
            {hidden_id}
            <SelectField form=form.clone() name="training_id" label="Formation" choices=f.trainings placeholder="Choisir une formation"/>
            <div class="cas-form__row">
                <Field form=form.clone() name="start_date" label="Date de début" kind="date" hint="jj/mm/aaaa" required=true/>
                <Field form=form.clone() name="start_time" label="Heure de début" kind="time" hint="hh:mm" required=true/>
            </div>
            <div class="cas-form__row">
                <Field form=form.clone() name="end_date" label="Date de fin" kind="date" hint="Laisser vide : le même jour."/>
                <Field form=form.clone() name="end_time" label="Heure de fin" kind="time" hint="hh:mm" required=true/>
            </div>
            <Field form=form.clone() name="location" label="Lieu" hint="Adresse, ou laisser vide pour une session à distance."/>
            <Field form=form.clone() name="visio_url" label="Lien de visioconférence" kind="url" hint="Facultatif, commençant par https://"/>
            <div class="cas-form__row">
                <Field form=form.clone() name="capacity" label="Capacité" kind="number" required=true/>
                <Field form=form.clone() name="min_participants" label="Minimum de participants" kind="number" required=true/>
            </div>
            <div class="cas-form__row">
                <Field form=form.clone() name="enrolment_deadline" label="Clôture des inscriptions" kind="date" hint="Laisser vide : 7 jours avant le début."/>
                <Field form=form.clone() name="cancellation_deadline" label="Désinscription sans frais jusqu'au" kind="date" hint="Laisser vide : 3 jours avant le début."/>
            </div>
            <div class="cas-form__row">
                <Field form=form.clone() name="cost" label="Coût réel de la session (€)" hint="Repris de la formation ; à corriger sur facture."/>
                <Field form=form.clone() name="trainer" label="Intervenant"/>
            </div>
            <button type="submit" class="fr-btn">"Enregistrer"</button>
            " "
            <a class="fr-btn fr-btn--tertiary" href=back>"Revenir sans enregistrer"</a>
        </form>
    }
}
