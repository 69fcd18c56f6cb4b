use crate::{
    dashboard::{UpcomingSession, get_dashboard},
    layout::{ErrorView, Loading},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/gestion`: the next sessions with their fill rate and alerts.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! {
                        <Title text="Tableau de bord"/>
                        <h1>"Tableau de bord"</h1>
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
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
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
