use crate::{
    catalogue::{Filters, SessionCard, TrainingGroup, get_catalogue},
    forms::FilterSelect,
    layout::Loaded,
    model::Choice,
    model::EnrolmentStatus,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/formations`: upcoming published sessions grouped by training, with filters that work as a
/// plain GET form.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
        Filters {
            theme: get("theme"),
            format: get("format"),
            month: get("mois"),
            page: get("page").and_then(|p| p.parse().ok()),
        }
    };
    let catalogue = Resource::new(filters, get_catalogue);

    view! {
        <Title text="Formations"/>
        <h1>"Formations à venir"</h1>
        <Loaded resource=catalogue let:c>
            {
                let f = filters();
                view! {
                    <FilterForm filters=f themes=c.themes formats=c.formats months=c.months/>
                    <Groups groups=c.groups/>
                    <Pages page=c.page pages=c.pages previous=c.previous next=c.next/>
                }
                .into_any()
            }
        </Loaded>
    }
}

#[component]
fn FilterForm(
    filters: Filters,
    themes: Vec<Choice>,
    formats: Vec<Choice>,
    months: Vec<Choice>,
) -> impl IntoView {
    // Folded while no filter is chosen, so that a phone's first screen shows sessions; a
    // plain <details>, which opens without script.
    let chosen = [&filters.theme, &filters.format, &filters.month]
        .iter()
        .filter(|f| f.is_some())
        .count();
    let summary = match chosen {
        0 => "Filtrer les sessions".to_owned(),
        1 => "Filtrer les sessions (1 filtre actif)".to_owned(),
        n => format!("Filtrer les sessions ({n} filtres actifs)"),
    };
    view! {
        <details class="cas-filter-box" open={chosen > 0}>
            <summary>{summary}</summary>
            <form method="get" action="/formations" class="cas-filters">
                <FilterSelect name="theme" label="Thème" all="Tous les thèmes" choices=themes selected=filters.theme/>
                <FilterSelect name="format" label="Format" all="Tous les formats" choices=formats selected=filters.format/>
                <FilterSelect name="mois" label="Mois" all="Tous les mois" choices=months selected=filters.month/>
                <button type="submit" class="fr-btn fr-btn--secondary">"Filtrer"</button>
            </form>
        </details>
    }
}

#[component]
fn Groups(groups: Vec<TrainingGroup>) -> impl IntoView {
    if groups.is_empty() {
        return view! {
            <p class="cas-empty">"Aucune session ne correspond à ces critères."</p>
        }
        .into_any();
    }
    groups
        .into_iter()
        .map(|g| {
            view! {
                <section class="cas-training">
                    <h2 class="fr-h4 cas-training__title">{g.title}</h2>
                    <p class="cas-training__meta">
                        <span class="fr-tag fr-tag--sm">{g.theme}</span>
                        <span class="fr-tag fr-tag--sm">{g.format}</span>
                        <span>{g.duration} " · " {g.provider}</span>
                    </p>
                    <ul class="cas-sessions">
                        {g.sessions.into_iter().map(|s| view! { <Card s/> }).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// « Précédentes » / « Suivantes »: plain links, with the filters kept, their words shown on a
/// phone too.
#[component]
fn Pages(page: u32, pages: u32, previous: Option<String>, next: Option<String>) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="cas-pages" aria-label="Pages des formations">
                <span class="cas-pages__side">
                    {previous.map(|href| view! {
                        <a class="fr-link" href=href rel="prev">
                            <span aria-hidden="true">"← "</span>"Précédentes"
                        </a>
                    })}
                </span>
                <span class="cas-pages__where">{format!("Page {page} sur {pages}")}</span>
                <span class="cas-pages__side cas-pages__side--next">
                    {next.map(|href| view! {
                        <a class="fr-link" href=href rel="next">
                            "Suivantes"<span aria-hidden="true">" →"</span>
                        </a>
                    })}
                </span>
            </nav>
        }
    })
}

#[component]
fn Card(s: SessionCard) -> impl IntoView {
    let href = format!("/sessions/{}", s.id);
    let seats_class = if s.full {
        "fr-badge fr-badge--sm fr-badge--warning"
    } else {
        "fr-badge fr-badge--sm fr-badge--success"
    };
    let mine = s.mine.map(|m| {
        let class = if m == EnrolmentStatus::Inscrit {
            "fr-badge fr-badge--sm fr-badge--info"
        } else {
            "fr-badge fr-badge--sm fr-badge--new"
        };
        view! { <span class=class>{m.label()}</span> }
    });
    view! {
        <li class="cas-session" data-session-id=s.id>
            <a class="cas-session__link" href=href>
                <span class="cas-session__dates">{s.dates}</span>
                " "
                <span class="cas-session__place">{s.place}</span>
            </a>
            " "
            <span class="cas-session__badges">
                <span class=seats_class>{s.seats}</span>
                " "
                {mine}
            </span>
        </li>
    }
}
