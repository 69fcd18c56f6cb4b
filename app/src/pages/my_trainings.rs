use crate::{
    catalogue::{MyEnrolment, get_my_trainings},
    invitation::MyInvitation,
    layout::Loaded,
    model::EnrolmentStatus,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/mes-formations`: tabs « À venir » and « Passées », as links so that they work without
/// wasm and can be bookmarked.
#[component]
pub fn MyTrainingsPage() -> impl IntoView {
    let query = use_query_map();
    let past = move || query.read().get("onglet").as_deref() == Some("passees");
    let data = Resource::new(|| (), |_| get_my_trainings());

    view! {
        <Title text="Mes formations"/>
        <h1>"Mes formations"</h1>
        <nav class="cas-tabs" aria-label="Onglets">
            <a class="cas-tab" href="/mes-formations" aria-current=move || (!past()).then_some("page")>"À venir"</a>
            <a class="cas-tab" href="/mes-formations?onglet=passees" aria-current=move || past().then_some("page")>"Passées"</a>
        </nav>
        <Loaded resource=data let:t>
            {
                let (list, empty, invitations) = if past() {
                    (t.past, "Vous n'avez pas encore suivi de formation.", Vec::new())
                } else {
                    (t.upcoming, "Aucune formation à venir. Consultez le catalogue pour vous inscrire.", t.invitations)
                };
                view! { <Invitations invitations/> <Entries list empty/> }.into_any()
            }
        </Loaded>
    }
}

/// Sessions staff invited the officer to: each link opens the session, where « S'inscrire »
/// accepts the invitation.
#[component]
fn Invitations(invitations: Vec<MyInvitation>) -> impl IntoView {
    (!invitations.is_empty()).then(|| {
        view! {
            <section class="cas-invitations" aria-labelledby="invitations-titre">
                <h2 class="fr-h5" id="invitations-titre">"Invitations de la MiRVOG"</h2>
                <ul class="cas-sessions">
                    {invitations.into_iter().map(|i| view! {
                        <li class="cas-session" data-session-id=i.session_id>
                            <a class="cas-session__link" href=format!("/sessions/{}", i.session_id)>
                                <span class="cas-session__title">{i.title}</span>
                                " "
                                <span class="cas-session__dates">{i.dates}</span>
                                " "
                                <span class="cas-session__place">{i.place}</span>
                            </a>
                            " "
                            <span class="cas-session__badges">
                                <span class="fr-badge fr-badge--sm fr-badge--info">"Invitation"</span>
                                " "
                                <span class="cas-session__extra">{format!("reçue le {}", i.invited_on)}</span>
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn Entries(list: Vec<MyEnrolment>, empty: &'static str) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <p class="cas-empty">{empty} " " <a href="/formations">"Voir les formations"</a></p>
        }
        .into_any();
    }
    view! {
        <ul class="cas-sessions">
            {list.into_iter().map(|e| view! { <Entry e/> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Entry(e: MyEnrolment) -> impl IntoView {
    let badge = match e.status {
        EnrolmentStatus::Inscrit | EnrolmentStatus::Present => {
            "fr-badge fr-badge--sm fr-badge--success"
        }
        EnrolmentStatus::ListeAttente => "fr-badge fr-badge--sm fr-badge--new",
        EnrolmentStatus::Absent | EnrolmentStatus::DesistementTardif => {
            "fr-badge fr-badge--sm fr-badge--error"
        }
        _ => "fr-badge fr-badge--sm",
    };
    let position = e
        .waitlist_position
        .map(|n| view! { <span class="cas-session__extra">{format!("position {n}")}</span> });
    let note = e
        .note
        .map(|n| view! { <span class="fr-badge fr-badge--sm fr-badge--error">{n}</span> });
    view! {
        <li class="cas-session" data-session-id=e.session_id>
            <a class="cas-session__link" href=format!("/sessions/{}", e.session_id)>
                <span class="cas-session__title">{e.title}</span>
                " "
                <span class="cas-session__dates">{e.dates}</span>
                " "
                <span class="cas-session__place">{e.place}</span>
            </a>
            " "
            <span class="cas-session__badges">
                <span class=badge>{e.status.label()}</span>
                " "
                {position}
                " "
                {note}
            </span>
        </li>
    }
}
