//! Staff forms: plain HTML forms posted to server functions, so they work the same with or
//! without wasm and cost nothing in the officers' bundle. A refused form comes back (in the URL,
//! the way server functions report errors to pages) with a French message next to each bad field
//! and every value as it was typed.

use crate::error::{AppError, FormErrors};
use leptos::prelude::*;
use std::collections::HashMap;

/// What a form shows: the last typed values after a refusal, else the record's.
#[derive(Clone, Debug, Default)]
pub struct FormView {
    values: HashMap<String, String>,
    errors: FormErrors,
}

impl FormView {
    /// `initial` are the record's values; `refusal` the error of the last post of this form.
    pub fn new(initial: &[(String, String)], refusal: Option<&AppError>) -> Self {
        let mut values: HashMap<String, String> = initial.iter().cloned().collect();
        let mut errors = FormErrors::default();
        if let Some(AppError::Invalid(e)) = refusal {
            values.extend(e.values.iter().cloned());
            errors = e.clone();
        }
        FormView { values, errors }
    }

    pub fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    pub fn error(&self, name: &str) -> Option<String> {
        self.errors.message(name)
    }
}

/// The frame every field shares: the DSFR group (`fr-input-group`, `fr-select-group`), the
/// label with its hint, and the error message the control points to with `aria-describedby`
/// (and `aria-invalid`, so that a screen reader says the field was refused).
/// The control itself comes from `control`, given the ids it must carry.
#[component]
fn FieldFrame<V: IntoView + 'static>(
    form: FormView,
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    /// `input` or `select`: the DSFR family of the group.
    family: &'static str,
    control: impl FnOnce(ControlIds) -> V,
) -> impl IntoView {
    let error = form.error(name);
    let has_error = error.is_some();
    let id = format!("champ-{name}");
    let error_id = format!("{id}-erreur");
    let group = if has_error {
        format!("fr-{family}-group fr-{family}-group--error")
    } else {
        format!("fr-{family}-group")
    };
    let ids = ControlIds {
        id: id.clone(),
        described: error.as_ref().map(|_| error_id.clone()),
        has_error,
        value: form.value(name),
    };
    view! {
        <div class=group>
            <label class="fr-label" for=id>
                {label}
                {hint.map(|h| view! { <span class="fr-hint-text">{h}</span> })}
            </label>
            {control(ids)}
            {error.map(|e| view! { <p class="fr-error-text" id=error_id>{e}</p> })}
        </div>
    }
}

/// What a field's control needs from its frame.
struct ControlIds {
    id: String,
    /// The error message's id, when the field was refused.
    described: Option<String>,
    has_error: bool,
    /// What to show in it: the typed value after a refusal, else the record's.
    value: String,
}

/// A DSFR text input with its label, hint and error message.
#[component]
pub fn Field(
    form: FormView,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] list: Option<String>,
) -> impl IntoView {
    let control = move |c: ControlIds| {
        view! {
            <input
                class="fr-input"
                class:fr-input--error=c.has_error
                type=kind
                id=c.id
                name=name
                value=c.value
                required=required
                list=list
                aria-describedby=c.described
                aria-invalid=c.has_error.then_some("true")
            />
        }
    };
    view! { <FieldFrame form name label hint family="input" control/> }
}

/// A DSFR multi-line text input.
#[component]
pub fn TextArea(
    form: FormView,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let control = move |c: ControlIds| {
        view! {
            <textarea
                class="fr-input"
                class:fr-input--error=c.has_error
                id=c.id
                name=name
                rows="5"
                required=required
                aria-describedby=c.described
                aria-invalid=c.has_error.then_some("true")
            >
                {c.value}
            </textarea>
        }
    };
    view! { <FieldFrame form name label hint family="input" control/> }
}

/// A DSFR select; `choices` are (value, label).
#[component]
pub fn SelectField(
    form: FormView,
    name: &'static str,
    label: &'static str,
    choices: Vec<(String, String)>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let control = move |c: ControlIds| {
        let options = choices
            .into_iter()
            .map(|(value, text)| {
                let selected = value == c.value;
                view! { <option value=value selected=selected>{text}</option> }
            })
            .collect_view();
        view! {
            <select
                class="fr-select"
                class:fr-select--error=c.has_error
                id=c.id
                name=name
                aria-describedby=c.described
                aria-invalid=c.has_error.then_some("true")
            >
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options}
            </select>
        }
    };
    view! { <FieldFrame form name label hint family="select" control/> }
}

/// A select of a GET filter form; `all` is the choice that filters nothing.
#[component]
pub fn FilterSelect(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] all: Option<&'static str>,
    choices: Vec<crate::model::Choice>,
    selected: Option<String>,
) -> impl IntoView {
    let id = format!("filtre-{name}");
    let options = choices
        .into_iter()
        .map(|c| {
            let is_selected = selected.as_deref() == Some(c.value.as_str());
            view! { <option value=c.value selected=is_selected>{c.label}</option> }
        })
        .collect_view();
    view! {
        <div class="fr-select-group">
            <label class="fr-label" for=id.clone()>{label}</label>
            <select class="fr-select" id=id name=name>
                {all.map(|a| view! { <option value="">{a}</option> })}
                {options}
            </select>
        </div>
    }
}

/// The alert above a refused form.
#[component]
pub fn FormAlert(refusal: Option<AppError>) -> impl IntoView {
    refusal.map(|error| view! { <crate::layout::ErrorAlert error/> })
}
