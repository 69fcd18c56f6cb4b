use super::StatusBadge;
use crate::{
    forms::FilterSelect,
    layout::Loaded,
    model::Choice,
    planning::{Calendar, Planning, PlanningFilters, get_calendar, get_planning, status_choices},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/gestion/sessions`: the planning as a list with filters, or as a month calendar
/// (`?vue=calendrier&mois=2027-01`).
#[component]
pub fn PlanningPage() -> impl IntoView {
    let query = use_query_map();
    let calendar = move || query.read().get("vue").is_some_and(|v| v == "calendrier");
    let tabs = move || {
        let (list_current, cal_current) = if calendar() {
            (None, Some("page"))
        } else {
            (Some("page"), None)
        };
        view! {
            <nav class="cas-tabs" aria-label="Affichage du planning">
                <a class="cas-tab" href="/gestion/sessions" aria-current=list_current>"Liste"</a>
                <a class="cas-tab" href="/gestion/sessions?vue=calendrier" aria-current=cal_current>"Calendrier"</a>
            </nav>
        }
    };
    view! {
        <Title text="Planning des sessions"/>
        <div class="cas-page-head">
            <h1>"Planning des sessions"</h1>
            <a class="fr-btn" href="/gestion/sessions/nouvelle">"Nouvelle session"</a>
        </div>
        {tabs}
        {move || if calendar() { view! { <CalendarView/> }.into_any() } else { view! { <ListView/> }.into_any() }}
    }
}

#[component]
fn ListView() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
        PlanningFilters {
            period: get("periode"),
            status: get("statut"),
            training: get("formation").and_then(|v| v.parse().ok()),
            month: get("mois"),
        }
    };
    let planning = Resource::new(filters, get_planning);
    view! {
        <Loaded resource=planning let:p>
            <Filters f=filters() p=p.clone()/> <Rows p/>
        </Loaded>
    }
}

#[component]
fn Filters(f: PlanningFilters, p: Planning) -> impl IntoView {
    let periods = vec![
        Choice {
            value: "a-venir".into(),
            label: "À venir et en cours".into(),
        },
        Choice {
            value: "passees".into(),
            label: "Passées".into(),
        },
        Choice {
            value: "toutes".into(),
            label: "Toutes".into(),
        },
    ];
    view! {
        <form method="get" action="/gestion/sessions" class="cas-filters">
            <FilterSelect name="periode" label="Période" choices=periods selected=f.period.clone()/>
            <FilterSelect name="statut" label="Statut" all="Tous les statuts" choices=status_choices() selected=f.status.clone()/>
            <FilterSelect name="formation" label="Formation" all="Toutes les formations" choices=p.trainings selected=f.training.map(|t| t.to_string())/>
            <FilterSelect name="mois" label="Mois" all="Tous les mois" choices=p.months selected=f.month.clone()/>
            <button type="submit" class="fr-btn fr-btn--secondary">"Filtrer"</button>
        </form>
    }
}

#[component]
fn Rows(p: Planning) -> impl IntoView {
    let empty = p
        .rows
        .is_empty()
        .then(|| view! { <p class="cas-note">"Aucune session ne correspond à ces critères."</p> });
    let truncated = p.truncated.then(|| {
        view! { <p class="cas-note">"Seules les 300 premières sessions sont affichées : précisez les filtres."</p> }
    });
    let rows = p
        .rows
        .into_iter()
        .map(|s| {
            view! {
                <tr>
                    <td><a href=format!("/gestion/sessions/{}", s.id)>{s.title}</a></td>
                    <td>{s.dates}</td>
                    <td>{s.place}</td>
                    <td><StatusBadge status=s.status/></td>
                    <td class="cas-nowrap">{s.seats}</td>
                    <td class="cas-nowrap">
                        <span class="cas-fill"><span class="cas-fill__bar" style=format!("width:{}%", s.fill_percent.clamp(0, 100))></span></span>
                        {format!(" {}\u{a0}%", s.fill_percent)}
                    </td>
                    <td>{s.waiting}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {empty}
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Formation"</th>
                        <th scope="col">"Dates"</th>
                        <th scope="col">"Lieu"</th>
                        <th scope="col">"Statut"</th>
                        <th scope="col">"Inscrits"</th>
                        <th scope="col">"Remplissage"</th>
                        <th scope="col">"Liste d'attente"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {truncated}
    }
}

#[component]
fn CalendarView() -> impl IntoView {
    let query = use_query_map();
    let month = move || query.read().get("mois").filter(|m| !m.is_empty());
    let cal = Resource::new(month, get_calendar);
    view! {
        <Loaded resource=cal let:c>
            <Month c/>
        </Loaded>
    }
}

#[component]
fn Month(c: Calendar) -> impl IntoView {
    const DAYS: [&str; 7] = [
        "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche",
    ];
    let head = DAYS
        .iter()
        .map(|d| view! { <th scope="col">{*d}</th> })
        .collect_view();
    let weeks = c
        .weeks
        .into_iter()
        .map(|week| {
            let days = week
                .into_iter()
                .map(|d| {
                    let class = format!(
                        "cas-cal__day{}{}",
                        if d.in_month { "" } else { " cas-cal__day--out" },
                        if d.today { " cas-cal__day--today" } else { "" }
                    );
                    let entries = d
                        .sessions
                        .into_iter()
                        .map(|e| {
                            let cls = format!("cas-cal__entry cas-cal__entry--{}", e.status.code());
                            view! {
                                <li>
                                    <a class=cls href=format!("/gestion/sessions/{}", e.id) title=e.status.label()>
                                        <span class="cas-cal__time">{e.time}</span> " " {e.title}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <td class=class>
                            <span class="cas-cal__num" aria-label=d.label>{d.day}</span>
                            <ul class="cas-cal__list">{entries}</ul>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr>{days}</tr> }
        })
        .collect_view();
    view! {
        <div class="cas-cal__nav">
            <a class="fr-link" href=format!("/gestion/sessions?vue=calendrier&mois={}", c.previous)>"Mois précédent"</a>
            <h2 class="fr-h4 cas-cal__title">{c.label.clone()}</h2>
            <a class="fr-link" href=format!("/gestion/sessions?vue=calendrier&mois={}", c.next)>"Mois suivant"</a>
        </div>
        <table class="cas-cal">
            <caption class="fr-sr-only">{format!("Sessions de {}", c.label)}</caption>
            <thead><tr>{head}</tr></thead>
            <tbody>{weeks}</tbody>
        </table>
        <p class="cas-cal__legend">
            <span class="cas-cal__entry cas-cal__entry--publiee">"Publiée"</span>
            <span class="cas-cal__entry cas-cal__entry--brouillon">"Brouillon"</span>
            <span class="cas-cal__entry cas-cal__entry--annulee">"Annulée"</span>
            <span class="cas-cal__entry cas-cal__entry--terminee">"Terminée"</span>
        </p>
    }
}
