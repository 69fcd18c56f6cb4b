use crate::{
    catalogue::{SessionPage, get_invitation_page, get_session_page},
    enrolment::{Act, Action, PlaceState},
    error::AppError,
    feedback::{GiveFeedback, MyFeedback},
    forms::{FormView, TextArea},
    invitation::DeclineInvitation,
    layout::{ErrorAlert, Loaded, SuccessAlert},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/sessions/{id}`: the session, and the officer's place in it with its one action.
#[component]
pub fn SessionPageView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i32>().ok());
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_session_page(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Loaded resource=page let:p>
            <Details p/>
        </Loaded>
    }
}

/// `/invitations/{token}`: the link staff send with an invitation opens the session itself,
/// for the officer it was sent to.
#[component]
pub fn InvitationPageView() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let page = Resource::new(token, get_invitation_page);
    view! {
        <Loaded resource=page let:p>
            <Details p/>
        </Loaded>
    }
}

#[component]
fn Details(p: SessionPage) -> impl IntoView {
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
            <li>"Inscriptions jusqu'au " {p.enrolment_deadline.clone()}</li>
            <li>"Désinscription sans frais jusqu'au " {p.cancellation_deadline.clone()}</li>
        </ul>
        <MyPlace initial=p.my_place/>
        {p.feedback.map(|f| view! { <FeedbackForm f/> })}
        <h2 class="fr-h5">"Présentation"</h2>
        <p class="cas-description">{p.description}</p>
    }
}

/// The interactive part of the page (an island: the only code of this page sent as wasm).
/// The action is a form posted to a server function: without wasm the browser posts it and
/// comes back to this page; once hydrated it is sent in place and the block shows the answer.
#[island]
fn MyPlace(initial: PlaceState) -> impl IntoView {
    let act = ServerAction::<Act>::new();
    let place = RwSignal::new(initial);
    // A success only ever arrives in the browser (without wasm the page is simply reloaded).
    Effect::new(move |_| {
        if let Some(Ok(done)) = act.value().get() {
            place.set(done.place);
        }
    });
    let outcome = move || {
        act.value().get().map(|r| match r {
            Ok(done) => view! { <SuccessAlert message=done.message/> }.into_any(),
            Err(error) => view! { <ErrorAlert error/> }.into_any(),
        })
    };
    view! {
        <div class="cas-action">
            {outcome}
            {move || {
                let p = place.get();
                let seats = p.seats.clone().map(|s| view! { <p class="cas-seats">"Places : " {s}</p> });
                let mine = p.mine.map(|m| view! { <p class="cas-mine">"Votre situation : " <strong>{m.label()}</strong></p> });
                let position = p.waitlist_position.map(|n| {
                    view! { <p class="cas-position">{format!("Position sur la liste d'attente : {n}")}</p> }
                });
                let invitation = p.invitation.clone().map(|text| view! { <Invitation id=p.session_id text/> });
                view! {
                    {invitation}
                    {seats}
                    {mine}
                    {position}
                    <ActionButton id=p.session_id action=p.action act/>
                }
            }}
        </div>
    }
}

/// « Votre avis » after a session the officer attended: a plain form (no wasm).
#[component]
fn FeedbackForm(f: MyFeedback) -> impl IntoView {
    let give = ServerAction::<GiveFeedback>::new();
    let refusal = give.value().get_untracked().and_then(Result::err);
    let form = FormView::new(&f.values, refusal.as_ref());
    let scale = |name: &'static str, legend: &'static str| {
        let current = form.value(name);
        let error = form.error(name);
        let class = if error.is_some() {
            "cas-radios cas-scale fr-fieldset--error"
        } else {
            "cas-radios cas-scale"
        };
        let radios = (1..=5)
            .map(|n| {
                let id = format!("{name}-{n}");
                view! {
                    <span class="cas-radio">
                        <input type="radio" id=id.clone() name=name value=n.to_string() checked=current == n.to_string()/>
                        <label for=id>{n.to_string()}</label>
                    </span>
                }
            })
            .collect_view();
        view! {
            <fieldset class=class>
                <legend>{legend} <span class="fr-hint-text">"1 : pas du tout – 5 : tout à fait"</span></legend>
                {radios}
                {error.map(|e| view! { <p class="fr-error-text">{e}</p> })}
            </fieldset>
        }
    };
    view! {
        <section class="cas-feedback" id="avis" aria-labelledby="avis-titre">
            <h2 class="fr-h5" id="avis-titre">"Votre avis"</h2>
            {f.given_on.map(|d| view! { <p class="cas-note">{format!("Avis donné le {d} ; vous pouvez le modifier.")}</p> })}
            <form method="post" action=GiveFeedback::url()>
                <input type="hidden" name="session_id" value=f.session_id/>
                {scale("overall", "Note globale")}
                {scale("usefulness", "Utilité pour mon projet")}
                <TextArea form=form.clone() name="comment" label="Commentaire" hint="Facultatif, 2 000 caractères au plus."/>
                <button type="submit" class="fr-btn">"Envoyer mon avis"</button>
            </form>
        </section>
    }
}

/// Staff's invitation: « S'inscrire » accepts it; declining is a plain form (the page reloads).
#[component]
fn Invitation(id: i32, text: String) -> impl IntoView {
    view! {
        <div class="fr-callout cas-invitation">
            <p class="fr-callout__title">"Invitation de la MiRVOG"</p>
            <p class="fr-callout__text">{text}</p>
            <form method="post" action=DeclineInvitation::url()>
                <input type="hidden" name="session_id" value=id/>
                <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">"Décliner l'invitation"</button>
            </form>
        </div>
    }
}

#[component]
fn ActionButton(id: i32, action: Result<Action, String>, act: ServerAction<Act>) -> impl IntoView {
    let action = match action {
        Ok(a) => a,
        Err(reason) => return view! { <p class="cas-note">{reason}</p> }.into_any(),
    };
    let class = match action {
        Action::Enrol | Action::JoinWaitlist => "fr-btn",
        Action::Withdraw | Action::LeaveWaitlist => "fr-btn fr-btn--secondary",
    };
    view! {
        <ActionForm action=act>
            <input type="hidden" name="session_id" value=id/>
            <input type="hidden" name="action" value=action.code()/>
            <button type="submit" class=class disabled=move || act.pending().get()>{action.label()}</button>
        </ActionForm>
    }
    .into_any()
}
