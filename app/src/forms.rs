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
    let error = form.error(name);
    let has_error = error.is_some();
    let id = format!("champ-{name}");
    let error_id = format!("{id}-erreur");
    let described = error.as_ref().map(|_| error_id.clone());
    view! {
        <div class="fr-input-group" class:fr-input-group--error=has_error>
            <label class="fr-label" for=id.clone()>
                {label}
                {hint.map(|h| view! { <span class="fr-hint-text">{h}</span> })}
            </label>
            <input
                class="fr-input"
                class:fr-input--error=has_error
                type=kind
                id=id
                name=name
                value=form.value(name)
                required=required
                list=list
                aria-describedby=described
            />
            {error.map(|e| view! { <p class="fr-error-text" id=error_id>{e}</p> })}
        </div>
    }
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
    let error = form.error(name);
    let has_error = error.is_some();
    let id = format!("champ-{name}");
    let error_id = format!("{id}-erreur");
    let described = error.as_ref().map(|_| error_id.clone());
    view! {
        <div class="fr-input-group" class:fr-input-group--error=has_error>
            <label class="fr-label" for=id.clone()>
                {label}
                {hint.map(|h| view! { <span class="fr-hint-text">{h}</span> })}
            </label>
            <textarea
                class="fr-input"
                class:fr-input--error=has_error
                id=id
                name=name
                rows="5"
                required=required
                aria-describedby=described
            >
                {form.value(name)}
            </textarea>
            {error.map(|e| view! { <p class="fr-error-text" id=error_id>{e}</p> })}
        </div>
    }
}

/// A DSFR select; `choices` are (value, label).
#[component]
pub fn SelectField(
    form: FormView,
    name: &'static str,
    label: &'static str,
    choices: Vec<(String, String)>,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let error = form.error(name);
    let has_error = error.is_some();
    let id = format!("champ-{name}");
    let error_id = format!("{id}-erreur");
    let described = error.as_ref().map(|_| error_id.clone());
    let current = form.value(name);
    let options = choices
        .into_iter()
        .map(|(value, text)| {
            let selected = value == current;
            view! { <option value=value selected=selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="fr-select-group" class:fr-select-group--error=has_error>
            <label class="fr-label" for=id.clone()>{label}</label>
            <select
                class="fr-select"
                class:fr-select--error=has_error
                id=id
                name=name
                aria-describedby=described
            >
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options}
            </select>
            {error.map(|e| view! { <p class="fr-error-text" id=error_id>{e}</p> })}
        </div>
    }
}

/// A select of a GET filter form; `all` is the choice that filters nothing.
#[component]
pub fn FilterSelect(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] all: Option<&'static str>,
    choices: Vec<crate::catalogue::Choice>,
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

#[cfg(feature = "ssr")]
pub use check::Check;

#[cfg(feature = "ssr")]
mod check {
    use crate::error::{AppError, AppResult, FormErrors};
    use chrono::{NaiveDate, NaiveTime};

    /// Collects the French messages of a form's bad fields, and what was typed in each field,
    /// while parsing it. Parsers return a placeholder on error; call [`Check::done`] before
    /// using any value.
    #[derive(Debug, Default)]
    pub struct Check {
        errors: FormErrors,
    }

    impl Check {
        pub fn new() -> Self {
            Check::default()
        }

        fn keep(&mut self, name: &str, raw: &str) {
            self.errors.values.push((name.to_owned(), raw.to_owned()));
        }

        /// Refuses a field with a message (for checks that involve several fields or the
        /// database).
        pub fn fail(&mut self, name: &str, message: impl Into<String>) {
            if self.errors.message(name).is_none() {
                self.errors.fields.push((name.to_owned(), message.into()));
            }
        }

        pub fn has_error(&self, name: &str) -> bool {
            self.errors.message(name).is_some()
        }

        /// A required text of at most `max` characters, trimmed.
        pub fn text(&mut self, name: &str, raw: &str, max: usize) -> String {
            let value = self.optional_text(name, raw, max);
            if value.is_none() {
                self.fail(name, "Ce champ est obligatoire.");
            }
            value.unwrap_or_default()
        }

        /// An optional text: `None` when left blank.
        pub fn optional_text(&mut self, name: &str, raw: &str, max: usize) -> Option<String> {
            self.keep(name, raw);
            let value = raw.trim();
            if value.chars().count() > max {
                self.fail(name, format!("{max} caractères au plus."));
                return None;
            }
            (!value.is_empty()).then(|| value.to_owned())
        }

        /// A required whole number between `min` and `max`.
        pub fn integer(&mut self, name: &str, raw: &str, min: i32, max: i32) -> i32 {
            self.keep(name, raw);
            let value = raw.trim();
            if value.is_empty() {
                self.fail(name, "Ce champ est obligatoire.");
                return min;
            }
            match value.parse::<i32>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ => {
                    self.fail(
                        name,
                        format!("Saisissez un nombre entier entre {min} et {max}."),
                    );
                    min
                }
            }
        }

        /// An optional amount in euros (« 1 250,50 », « 1250.5 », « 800 € »), in cents.
        pub fn euros(&mut self, name: &str, raw: &str) -> Option<i64> {
            self.keep(name, raw);
            if raw.trim().is_empty() {
                return None;
            }
            match parse_euros(raw) {
                Some(cents) => Some(cents),
                None => {
                    self.fail(
                        name,
                        "Saisissez un montant en euros, par exemple 1 250,50 (10 000 000 € au plus).",
                    );
                    None
                }
            }
        }

        /// A required date, as a date input sends it (`2027-01-31`) or typed (`31/01/2027`).
        pub fn date(&mut self, name: &str, raw: &str) -> Option<NaiveDate> {
            let value = self.optional_date(name, raw);
            if value.is_none() {
                self.fail(name, "Saisissez une date, par exemple 31/01/2027.");
            }
            value
        }

        pub fn optional_date(&mut self, name: &str, raw: &str) -> Option<NaiveDate> {
            self.keep(name, raw);
            let value = raw.trim();
            if value.is_empty() {
                return None;
            }
            let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"));
            match parsed {
                Ok(d) if (2000..=2100).contains(&chrono::Datelike::year(&d)) => Some(d),
                _ => {
                    self.fail(name, "Saisissez une date, par exemple 31/01/2027.");
                    None
                }
            }
        }

        /// A required time of day (`09:30`, `9h30`).
        pub fn time(&mut self, name: &str, raw: &str) -> Option<NaiveTime> {
            self.keep(name, raw);
            let value = raw.trim().replace(['h', 'H'], ":");
            let value = if value.ends_with(':') {
                format!("{value}00")
            } else {
                value
            };
            match NaiveTime::parse_from_str(&value, "%H:%M") {
                Ok(t) => Some(t),
                Err(_) => {
                    self.fail(name, "Saisissez une heure, par exemple 09:30.");
                    None
                }
            }
        }

        /// Err with every refused field and every typed value, if any field was refused.
        pub fn done(self) -> AppResult<()> {
            if self.errors.fields.is_empty() {
                Ok(())
            } else {
                Err(AppError::Invalid(self.errors))
            }
        }
    }

    /// Cents from a French or plain amount; `None` if it is not one (or is negative or huge).
    pub fn parse_euros(raw: &str) -> Option<i64> {
        let cleaned: String = raw
            .trim()
            .trim_end_matches('€')
            .trim_end_matches("EUR")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
            .collect();
        let cleaned = cleaned.replace(',', ".");
        let (whole, frac) = match cleaned.split_once('.') {
            Some((w, f)) => (w, f),
            None => (cleaned.as_str(), ""),
        };
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(whole) || frac.len() > 2 || (!frac.is_empty() && !digits(frac)) {
            return None;
        }
        let euros: i64 = whole.parse().ok()?;
        let cents: i64 = format!("{frac:0<2}").parse().ok()?;
        let total = euros.checked_mul(100)?.checked_add(cents)?;
        (total <= 1_000_000_000).then_some(total)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn amounts_as_french_spreadsheets_write_them() {
            assert_eq!(parse_euros("1 250,50"), Some(125_050));
            assert_eq!(parse_euros("1\u{a0}250,5 €"), Some(125_050));
            assert_eq!(parse_euros("800"), Some(80_000));
            assert_eq!(parse_euros("12.3"), Some(1_230));
            assert_eq!(parse_euros("-5"), None);
            assert_eq!(parse_euros("12,345"), None);
            assert_eq!(parse_euros("douze"), None);
            assert_eq!(parse_euros("99999999999"), None);
        }

        #[test]
        fn a_refused_form_keeps_every_value() {
            let mut c = Check::new();
            let title = c.text("titre", "  Négociation  ", 100);
            let n = c.integer("capacite", "douze", 1, 500);
            let _ = c.date("debut", "2027-02-30");
            assert_eq!(title, "Négociation");
            assert_eq!(n, 1);
            let Err(AppError::Invalid(e)) = c.done() else {
                panic!("refused")
            };
            assert_eq!(e.fields.len(), 2);
            assert_eq!(
                e.message("capacite").as_deref(),
                Some("Saisissez un nombre entier entre 1 et 500.")
            );
            assert_eq!(e.value("capacite").as_deref(), Some("douze"));
            assert_eq!(e.value("titre").as_deref(), Some("  Négociation  "));
        }
    }
}

/// Money for display: « 1 250,50 € » (narrow no-break space between thousands).
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    match cents % 100 {
        0 => format!("{sign}{grouped}\u{a0}€"),
        c => format!("{sign}{grouped},{c:02}\u{a0}€"),
    }
}

/// Money as a form field shows it: « 1250,50 », empty for none.
pub fn euros_input(cents: Option<i64>) -> String {
    match cents {
        None => String::new(),
        Some(c) if c % 100 == 0 => (c / 100).to_string(),
        Some(c) => format!("{},{:02}", c / 100, c % 100),
    }
}
