use crate::{
    enrolment::{Act, Action},
    layout::{ErrorAlert, Loaded},
    programme::{ItemStatus, OpenSession, Programme, ProgrammeItem, get_my_programme},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

/// `/mon-programme`: the officer's programme, what is followed, booked or still to plan, and
/// for each training to plan its next open sessions with a direct « S'inscrire ».
#[component]
pub fn MyProgrammePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_my_programme());
    // A refused « S'inscrire » posted without script comes back in the URL.
    let act = ServerAction::<Act>::new();
    view! {
        <Title text="Mon programme"/>
        <h1>"Mon programme"</h1>
        {move || act.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
        <Loaded resource=data let:data>
            {
                match data {
                    Some(p) => view! { <Items p/> }.into_any(),
                    None => view! {
                        <p class="cas-empty">"Votre programme n'a pas encore été établi. La MiRVOG le construit avec vous lors de votre entretien."</p>
                    }.into_any(),
                }
            }
        </Loaded>
    }
}

#[component]
fn Items(p: Programme) -> impl IntoView {
    let goal = (!p.career_goal.is_empty()).then(|| {
        view! { <p class="cas-goal">"Projet : " {p.career_goal.clone()}</p> }
    });
    let progress = p.progress();
    let empty = p.items.is_empty().then(
        || view! { <p class="cas-empty">"Aucune formation au programme pour l'instant."</p> },
    );
    let items = p
        .items
        .into_iter()
        .map(|item| view! { <Item item/> })
        .collect_view();
    view! {
        <p class="cas-muted">{format!("Du {} au {}", p.starts_on, p.ends_on)}</p>
        {goal}
        <p class="cas-progress fr-text--lead"><strong>{progress}</strong></p>
        {empty}
        <ul class="cas-programme">{items}</ul>
    }
}

#[component]
fn Item(item: ProgrammeItem) -> impl IntoView {
    let link = item.session_id.map(|id| {
        view! { <a class="fr-link fr-link--sm" href=format!("/sessions/{id}")>"Voir la session"</a> }
    });
    let sessions = (item.status == ItemStatus::APlanifier).then(|| {
        if item.next_sessions.is_empty() {
            view! { <p class="cas-note">"Aucune session ouverte pour l'instant : la MiRVOG vous préviendra."</p> }.into_any()
        } else {
            let list = item.next_sessions.into_iter().map(|s| view! { <Open s/> }).collect_view();
            view! { <ul class="cas-open-sessions">{list}</ul> }.into_any()
        }
    });
    view! {
        <li class="cas-programme__item" data-training-id=item.training_id>
            <div class="cas-programme__head">
                <h2 class="fr-h6 cas-programme__title">{item.title}</h2>
                <span class="fr-badge fr-badge--sm">{item.priority.label()}</span>
                <span class=format!("fr-badge fr-badge--sm {}", item.status.badge())>{item.status.label()}</span>
            </div>
            {item.note.map(|n| view! { <p class="cas-muted">{n} " " {link}</p> })}
            {sessions}
        </li>
    }
}

#[component]
fn Open(s: OpenSession) -> impl IntoView {
    let action = s.action;
    let class = if action == Action::Enrol {
        "fr-btn fr-btn--sm"
    } else {
        "fr-btn fr-btn--secondary fr-btn--sm"
    };
    view! {
        <li class="cas-open-session" data-session-id=s.id>
            <a href=format!("/sessions/{}", s.id)>{s.dates}</a>
            <span class="cas-muted">{s.place} " · " {s.seats}</span>
            <form method="post" action=Act::url() class="cas-inline-form">
                <input type="hidden" name="session_id" value=s.id/>
                <input type="hidden" name="action" value=action.code()/>
                <button type="submit" class=class>{action.label()}</button>
            </form>
        </li>
    }
}
