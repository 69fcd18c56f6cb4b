//! `/gestion/statistiques`: the figures of product §6 for a period, a theme and a training, with
//! the same period a year earlier, the charts (SVG drawn on the server, each with its data as a
//! table) and the trainings' table, sortable and exportable as CSV. A plain GET form: it works
//! without JavaScript.

use crate::{
    error::AppError,
    forms::{Field, FormView, SelectField},
    layout::Loaded,
    statistics::{Chart, Report, StatsFilters, StatsPage, Table, get_statistics},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StatisticsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        StatsFilters::from_lookup(|k| q.get(k))
    };
    let data = Resource::new(filters, get_statistics);
    view! {
        <Title text="Statistiques"/>
        <h1>"Statistiques"</h1>
        <Loaded resource=data let:page>
            {
                view! {
                    <FilterForm page=page.clone()/>
                    {page.report.map(|report| view! { <Figures report/> })}
                }
                .into_any()
            }
        </Loaded>
    }
}

#[component]
fn FilterForm(page: StatsPage) -> impl IntoView {
    let refusal = (!page.errors.fields.is_empty()).then(|| AppError::Invalid(page.errors.clone()));
    let form = FormView::new(&page.values, refusal.as_ref());
    let sort = page.sort.clone();
    let pairs = |choices: Vec<crate::model::Choice>| {
        choices
            .into_iter()
            .map(|c| (c.value, c.label))
            .collect::<Vec<_>>()
    };
    let alert = refusal.map(|_| {
        view! {
            <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert">
                <p>"Les filtres n'ont pas pu être appliqués : corrigez les champs signalés."</p>
            </div>
        }
    });
    view! {
        {alert}
        <form method="get" action="/gestion/statistiques" class="cas-stats-filters" aria-label="Filtres des statistiques">
            <fieldset class="cas-stats-filters__period">
                <legend class="fr-text--bold">"Période étudiée"</legend>
                <SelectField form=form.clone() name="periode" label="Période" choices=pairs(page.periods)/>
                <Field form=form.clone() name="mois" label="Mois" hint="Pour « Un mois », par exemple 2026-11" kind="month"/>
                <SelectField form=form.clone() name="trimestre" label="Trimestre" hint="Pour « Un trimestre »" choices=pairs(page.quarters) placeholder="—"/>
                <SelectField form=form.clone() name="annee" label="Année" hint="Pour « Une année »" choices=pairs(page.years) placeholder="—"/>
                <Field form=form.clone() name="du" label="Du" hint="Pour « Dates choisies »" kind="date"/>
                <Field form=form.clone() name="au" label="Au" hint="Pour « Dates choisies »" kind="date"/>
            </fieldset>
            <div class="cas-stats-filters__scope">
                <SelectField form=form.clone() name="theme" label="Thème" choices=pairs(page.themes) placeholder="Tous les thèmes"/>
                <SelectField form=form.clone() name="formation" label="Formation" choices=pairs(page.trainings) placeholder="Toutes les formations"/>
                // The table's order stays when other filters are chosen.
                {sort.map(|(tri, ordre)| view! {
                    <input type="hidden" name="tri" value=tri/>
                    <input type="hidden" name="ordre" value=ordre/>
                })}
                <button type="submit" class="fr-btn">"Afficher"</button>
            </div>
        </form>
    }
}

#[component]
fn Figures(report: Report) -> impl IntoView {
    let notes = report
        .notes
        .iter()
        .map(|n| view! { <li>{n.clone()}</li> })
        .collect_view();
    let body = match report.empty {
        Some(message) => view! { <p class="fr-callout cas-stats-empty">{message}</p> }.into_any(),
        None => view! {
            <Headlines headlines=report.headlines/>
            <h3 class="fr-h4 fr-mt-5w">"Évolution"</h3>
            <div class="cas-charts">
                {report.charts.into_iter().map(|chart| view! { <ChartView chart/> }).collect_view()}
            </div>
            <TrainingsTable table=report.table/>
        }
        .into_any(),
    };
    view! {
        <section aria-labelledby="periode-titre">
            <div class="cas-page-head">
                <h2 class="fr-h3" id="periode-titre">{report.title}</h2>
                {(!report.export_href.is_empty()).then(|| view! {
                    <a class="fr-btn fr-btn--secondary" href=report.export_href.clone() download>
                        "Exporter (CSV)"
                    </a>
                })}
            </div>
            <ul class="cas-note cas-stats-notes">{notes}</ul>
            {body}
            <Definitions/>
        </section>
    }
}

/// Headline figures as cards, each with the same period a year earlier.
#[component]
pub fn Headlines(headlines: Vec<crate::statistics::Headline>) -> impl IntoView {
    let cards = headlines
        .into_iter()
        .map(|h| {
            view! {
                <div class="cas-kpi">
                    <p class="cas-kpi__label">{h.label}</p>
                    <p class="cas-kpi__value">{h.value}</p>
                    {h.detail.map(|d| view! { <p class="cas-kpi__detail">{d}</p> })}
                    <p class="cas-kpi__previous">{h.previous}</p>
                </div>
            }
        })
        .collect_view();
    view! { <div class="cas-kpis">{cards}</div> }
}

#[component]
fn ChartView(chart: Chart) -> impl IntoView {
    let title_id = format!("{}-titre", chart.id);
    let header = chart
        .columns
        .into_iter()
        .map(|c| view! { <th scope="col">{c}</th> })
        .collect_view();
    let rows = chart
        .rows
        .into_iter()
        .map(|r| {
            let mut cells = r.into_iter();
            let first = cells.next().unwrap_or_default();
            let rest = cells.map(|c| view! { <td>{c}</td> }).collect_view();
            view! { <tr><th scope="row">{first}</th>{rest}</tr> }
        })
        .collect_view();
    view! {
        <figure class="cas-chart" id=chart.id>
            <figcaption class="cas-chart__title" id=title_id>{chart.title.clone()}</figcaption>
            <div class="cas-chart__drawing" inner_html=chart.svg></div>
            <details class="cas-chart__data">
                <summary>"Voir les données du graphique"</summary>
                <div class="fr-table cas-table">
                    <table>
                        <caption class="fr-sr-only">{chart.title}</caption>
                        <thead><tr>{header}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

#[component]
fn TrainingsTable(table: Table) -> impl IntoView {
    let header = table
        .columns
        .into_iter()
        .map(|c| {
            let sorted = c.sorted.clone();
            let arrow = match sorted.as_deref() {
                Some("descending") => " ▼",
                Some("ascending") => " ▲",
                _ => "",
            };
            view! {
                <th scope="col" aria-sort=sorted>
                    <a href=c.sort_href title=format!("Trier par « {} »", c.label)>
                        {c.label.clone()}<span aria-hidden="true">{arrow}</span>
                    </a>
                </th>
            }
        })
        .collect_view();
    let count = table.rows.len();
    let rows = table
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let total = i + 1 == count;
            let mut cells = r.cells.into_iter();
            let title = cells.next().unwrap_or_default();
            let first = if total {
                view! { <th scope="row">{title}</th> }.into_any()
            } else {
                view! { <th scope="row"><a href=format!("/gestion/formations/{}", r.training_id)>{title}</a></th> }.into_any()
            };
            let rest = cells.map(|c| view! { <td>{c}</td> }).collect_view();
            view! { <tr class:cas-total=total>{first}{rest}</tr> }
        })
        .collect_view();
    view! {
        <h3 class="fr-h4 fr-mt-5w" id="formations">"Par formation"</h3>
        <p class="cas-note">"Cliquez sur un titre de colonne pour trier : les plus hauts d'abord, puis les plus bas."</p>
        <div class="fr-table cas-table cas-stats-table">
            <table>
                <caption class="fr-sr-only">"Statistiques par formation"</caption>
                <thead><tr>{header}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The definitions of product §6, as the figures apply them.
#[component]
fn Definitions() -> impl IntoView {
    view! {
        <details class="cas-definitions fr-mt-5w">
            <summary>"Définitions"</summary>
            <ul>
                <li>"Une session compte dans la période où elle commence, si elle n'est pas un brouillon et a déjà commencé."</li>
                <li>"Taux de remplissage : places occupées au début de la session (inscrits, présents, absents, excusés) ÷ capacité, sur les sessions tenues."</li>
                <li>"Taux de présence et no-show : présents, et absents non excusés, ÷ places occupées au début, sur les sessions dont la présence a été saisie."</li>
                <li>"Coût d'une session : son coût réel s'il est saisi, sinon le coût prévu par la formation (coût fixe + coût par place × places occupées et désistements tardifs)."</li>
                <li>"Coût par participant : coût ÷ présents ; coût des places vides : coût × (capacité − présents) ÷ capacité ; sur les sessions au coût connu avec au moins un présent."</li>
                <li>"Désistements tardifs : désinscriptions après la date limite d'annulation ; taux ÷ (places occupées au début + désistements tardifs)."</li>
                <li>"Satisfaction et utilité : moyenne et répartition des avis (de 1 à 5)."</li>
                <li>"Pertinence : part des présents dont le programme contient la formation, avec l'utilité qu'ils lui donnent et celle des autres."</li>
                <li>"Places récupérées : places libérées avant le début par un désistement, puis reprises avant le début (liste d'attente, invitation ou inscription par la MiRVOG) ; chacune vaut coût ÷ capacité."</li>
                <li>"Les sessions annulées sont comptées à part et n'entrent dans aucun taux."</li>
            </ul>
        </details>
    }
}
