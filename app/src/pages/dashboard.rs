use crate::{
    dashboard::{UpcomingSession, get_dashboard},
    layout::Loaded,
    pages::staff::statistics::Headlines,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/gestion`: the next sessions with their fill rate and alerts.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Loaded resource=data let:d>
            {
                view! {
                    <Title text="Tableau de bord"/>
                    <h1>"Tableau de bord"</h1>
                    <Trends trends=d.trends href=d.trends_href/>
                    <h2 class="fr-h4">"Prochaines sessions"</h2>
                    <div class="fr-table cas-table">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">"Formation"</th>
                                    <th scope="col">"Dates"</th>
                                    <th scope="col">"Statut"</th>
                                    <th scope="col">"Inscrits"</th>
                                    <th scope="col">"Remplissage"</th>
                                    <th scope="col">"Liste d'attente"</th>
                                    <th scope="col">"Alertes"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {d.upcoming.into_iter().map(|s| view! { <Row s/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <DemandTable demand=d.demand/>
                }
                .into_any()
            }
        </Loaded>
    }
}

/// This year's headline figures against the same date last year.
#[component]
fn Trends(trends: Vec<crate::statistics::Headline>, href: String) -> impl IntoView {
    view! {
        <section aria-labelledby="annee-titre" class="fr-mb-5w">
            <div class="cas-page-head">
                <h2 class="fr-h4" id="annee-titre">"Cette année"</h2>
                <a class="fr-link" href=href>"Voir les statistiques"</a>
            </div>
            <Headlines headlines=trends/>
        </section>
    }
}

/// Trainings programmes need and no upcoming session offers, with a link to plan one.
#[component]
fn DemandTable(demand: Vec<crate::dashboard::Demand>) -> impl IntoView {
    let body = if demand.is_empty() {
        view! { <p class="cas-note">"Toutes les formations des programmes en cours ont une session à venir."</p> }.into_any()
    } else {
        let rows = demand
            .into_iter()
            .map(|d| {
                view! {
                    <tr>
                        <td><a href=format!("/gestion/formations/{}", d.training_id)>{d.title}</a></td>
                        <td>{d.officers}</td>
                        <td>{d.mandatory}</td>
                        <td><a class="fr-btn fr-btn--sm fr-btn--secondary" href=format!("/gestion/sessions/nouvelle?formation={}", d.training_id)>"Planifier une session"</a></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="fr-table cas-table">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Formation"</th>
                            <th scope="col">"Officiers en attente"</th>
                            <th scope="col">"Dont obligatoire"</th>
                            <th scope="col"><span class="fr-sr-only">"Action"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <h2 class="fr-h4 fr-mt-5w" id="demande">"Demande sans session prévue"</h2>
        <p class="cas-note">"Formations inscrites aux programmes en cours, pas encore suivies, et qu'aucune session à venir ne propose."</p>
        {body}
    }
}

#[component]
fn Row(s: UpcomingSession) -> impl IntoView {
    let alerts = s
        .alerts
        .into_iter()
        .map(|a| view! { <a class="fr-badge fr-badge--sm fr-badge--warning cas-alert-link" href=format!("/gestion/sessions/{}", s.id)>{a}</a> })
        .collect_view();
    view! {
        <tr>
            <td><a href=format!("/gestion/sessions/{}", s.id)>{s.title}</a></td>
            <td>{s.dates}</td>
            <td>{s.status}</td>
            <td>{format!("{} / {}", s.confirmed, s.capacity)}</td>
            <td class="cas-nowrap">
                <span class="cas-fill"><span class="cas-fill__bar" style=format!("width:{}%", s.fill_percent.clamp(0, 100))></span></span>
                {format!(" {}\u{a0}%", s.fill_percent)}
            </td>
            <td>{s.waiting}</td>
            <td>{alerts}</td>
        </tr>
    }
}
