use crate::{
    catalogue::{SessionPage, get_session_page},
    enrolment::{Action, Enrol, Withdraw},
    error::AppError,
    layout::{ErrorAlert, ErrorView, Loading, SuccessAlert},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/sessions/{id}`: the session and its one action. The action is a form posted to a server
/// function: without wasm the browser posts it and comes back to this page; once hydrated it is
/// sent in place and the page refreshes its data.
#[component]
pub fn SessionPageView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i32>().ok());
    let enrol = ServerAction::<Enrol>::new();
    let withdraw = ServerAction::<Withdraw>::new();
    let page = Resource::new(
        move || (id(), enrol.version().get(), withdraw.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_session_page(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let outcome = move || {
        let result = enrol.value().get().or_else(|| withdraw.value().get());
        result.map(|r| match r {
            Ok(message) => view! { <SuccessAlert message/> }.into_any(),
            Err(error) => view! { <ErrorAlert error/> }.into_any(),
        })
    };

    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <Details p outcome enrol withdraw/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Details(
    p: SessionPage,
    outcome: impl Fn() -> Option<AnyView> + Send + Sync + 'static,
    enrol: ServerAction<Enrol>,
    withdraw: ServerAction<Withdraw>,
) -> impl IntoView {
    let visio = p.visio_url.clone().map(|url| {
        let href = url.clone();
        view! {
            <li>"Lien de connexion : " <a href=href rel="noopener" target="_blank">{url}</a></li>
        }
    });
    let state = p
        .session_state
        .clone()
        .map(|s| view! { <p class="fr-badge fr-badge--error">{s}</p> });
    let mine = p.mine.map(
        |m| view! { <p class="cas-mine">"Votre situation : " <strong>{m.label()}</strong></p> },
    );
    let position = p.waitlist_position.map(|n| {
        view! { <p class="cas-position">{format!("Position sur la liste d'attente : {n}")}</p> }
    });
    view! {
        <Title text=p.title.clone()/>
        <p class="cas-back"><a class="fr-link" href="/formations">"← Toutes les formations"</a></p>
        <h1>{p.title.clone()}</h1>
        {state}
        <p class="cas-training__meta">
            <span class="fr-tag fr-tag--sm">{p.theme.clone()}</span>
            <span class="fr-tag fr-tag--sm">{p.format.clone()}</span>
            <span>{p.provider.clone()}</span>
        </p>
        <ul class="cas-facts">
            <li><strong>{p.dates.clone()}</strong></li>
            <li>"Lieu : " {p.place.clone()}</li>
            {visio}
            <li>"Intervenant : " {p.trainer.clone()}</li>
            {p.seats.clone().map(|seats| view! { <li>"Places : " {seats}</li> })}
            <li>"Inscriptions jusqu'au " {p.enrolment_deadline.clone()}</li>
            <li>"Désinscription sans frais jusqu'au " {p.cancellation_deadline.clone()}</li>
        </ul>
        <div class="cas-action">
            {outcome}
            {mine}
            {position}
            <ActionButton id=p.id action=p.action.clone() enrol withdraw/>
        </div>
        <h2 class="fr-h5">"Présentation"</h2>
        <p class="cas-description">{p.description}</p>
    }
}

#[component]
fn ActionButton(
    id: i32,
    action: Result<Action, String>,
    enrol: ServerAction<Enrol>,
    withdraw: ServerAction<Withdraw>,
) -> impl IntoView {
    let action = match action {
        Ok(a) => a,
        Err(reason) => return view! { <p class="cas-note">{reason}</p> }.into_any(),
    };
    let label = action.label();
    let class = match action {
        Action::Enrol | Action::JoinWaitlist => "fr-btn",
        Action::Withdraw | Action::LeaveWaitlist => "fr-btn fr-btn--secondary",
    };
    let pending = move || enrol.pending().get() || withdraw.pending().get();
    let fields = view! {
        <input type="hidden" name="session_id" value=id/>
        <button type="submit" class=class disabled=pending>{label}</button>
    };
    match action {
        Action::Enrol | Action::JoinWaitlist => {
            view! { <ActionForm action=enrol>{fields}</ActionForm> }.into_any()
        }
        Action::Withdraw | Action::LeaveWaitlist => {
            view! { <ActionForm action=withdraw>{fields}</ActionForm> }.into_any()
        }
    }
}
