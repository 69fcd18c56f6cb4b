//! The staff workspace (`/gestion/…`): plain server-rendered pages whose forms post to server
//! functions. Nothing here ships as wasm.

pub mod accounts;
pub mod fill;
pub mod officer;
pub mod officer_import;
pub mod officers;
pub mod planning;
pub mod session;
pub mod session_form;
pub mod statistics;
pub mod trainings;

use crate::{journal::JournalLine, model::SessionStatus};
use leptos::prelude::*;

/// The status of a session as a coloured badge.
#[component]
pub fn StatusBadge(status: SessionStatus) -> impl IntoView {
    view! { <span class=format!("fr-badge fr-badge--sm {}", status.badge())>{status.label()}</span> }
}

/// A one-button form posting `fields` (name, value) to a server function's URL.
#[component]
pub fn PostButton(
    url: &'static str,
    fields: Vec<(&'static str, String)>,
    label: &'static str,
    #[prop(default = "fr-btn fr-btn--secondary fr-btn--sm")] class: &'static str,
    #[prop(optional, into)] title: Option<String>,
) -> impl IntoView {
    let hidden = fields
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        <form method="post" action=url class="cas-inline-form">
            {hidden}
            <button type="submit" class=class title=title>{label}</button>
        </form>
    }
}

/// The journal of a record (product §3.7), newest first.
#[component]
pub fn JournalView(lines: Vec<JournalLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="cas-note">"Aucune modification enregistrée."</p> }.into_any();
    }
    let rows = lines
        .into_iter()
        .map(|l| {
            let details = l
                .details
                .into_iter()
                .map(|d| view! { <li>{d}</li> })
                .collect_view();
            view! {
                <tr>
                    <td class="cas-nowrap">{l.at}</td>
                    <td>{l.actor}</td>
                    <td>{l.action}</td>
                    <td><ul class="cas-details">{details}</ul></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table cas-table">
            <table>
                <caption class="fr-sr-only">"Journal des modifications"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Par"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Détail"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
