//! `/notifications` and `/profil` (product §4): the notification centre and the email
//! preferences. Plain server-rendered pages whose buttons are forms (no wasm).

use crate::{
    layout::Loaded,
    model::NotificationKind as Kind,
    notification::{
        Centre, ChangeCalendarLink, FeedAction, MarkAllRead, OpenNotification, Outbox, Preference,
        SavePreferences, Unsubscribe, get_calendar_link, get_notifications, get_outbox,
        get_preferences,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let centre = Resource::new(|| (), |_| get_notifications());
    view! {
        <Title text="Notifications"/>
        <h1>"Notifications"</h1>
        <Loaded resource=centre let:c>
            <List c/>
        </Loaded>
    }
}

#[component]
fn List(c: Centre) -> impl IntoView {
    if c.items.is_empty() {
        return view! { <p class="cas-empty">"Aucune notification pour l'instant."</p> }.into_any();
    }
    let summary = match c.unread {
        0 => "Tout est lu.".to_owned(),
        1 => "1 notification non lue.".to_owned(),
        n => format!("{n} notifications non lues."),
    };
    let mark_all = (c.unread > 0).then(|| {
        view! {
            <form method="post" action=MarkAllRead::url() class="cas-inline-form">
                <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">"Tout marquer comme lu"</button>
            </form>
        }
    });
    let items = c
        .items
        .into_iter()
        .map(|n| {
            let class = if n.unread {
                "cas-notification cas-notification--unread"
            } else {
                "cas-notification"
            };
            let paragraphs = n
                .body
                .split("\n\n")
                .map(|p| view! { <p class="cas-notification__body">{p.to_owned()}</p> })
                .collect_view();
            let state = n.unread.then(
                || view! { <span class="fr-badge fr-badge--sm fr-badge--new">"Non lue"</span> },
            );
            view! {
                <li class=class>
                    <form method="post" action=OpenNotification::url()>
                        <input type="hidden" name="id" value=n.id/>
                        <button type="submit" class="cas-notification__open">{n.title}</button>
                    </form>
                    " " {state}
                    <p class="cas-notification__when">{n.when}</p>
                    {paragraphs}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="cas-page-head">
            <p class="cas-note" id="non-lues">{summary}</p>
            {mark_all}
        </div>
        <ul class="cas-notifications">{items}</ul>
        {c.truncated.then(|| view! { <p class="cas-note">"Seules les 100 plus récentes sont affichées."</p> })}
    }
    .into_any()
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let prefs = Resource::new(|| (), |_| get_preferences());
    let link = Resource::new(|| (), |_| get_calendar_link());
    // `?desabonner=<kind>`: the link at the foot of an email.
    let query = leptos_router::hooks::use_query_map();
    let stop = query
        .read_untracked()
        .get("desabonner")
        .and_then(|code| Kind::from_code(&code))
        .map(|kind| {
            view! {
                <div class="fr-callout cas-invitation">
                    <p class="fr-callout__text">{format!("Ne plus recevoir de courriel « {} » ? Le message restera visible dans Cassiopée.", kind.label())}</p>
                    <form method="post" action=Unsubscribe::url()>
                        <input type="hidden" name="kind" value=kind.code()/>
                        <button type="submit" class="fr-btn fr-btn--sm">"Ne plus recevoir ces courriels"</button>
                    </form>
                </div>
            }
        });
    view! {
        <Title text="Profil"/>
        <h1>"Profil"</h1>
        {stop}
        <h2 class="fr-h4" id="agenda">"Agenda personnel"</h2>
        <p class="cas-note">"Abonnez votre agenda (Outlook, Google Agenda, Apple Calendrier…) à cette adresse : vos sessions s'y ajoutent et s'y mettent à jour d'elles-mêmes. Gardez-la pour vous : elle donne accès à vos sessions sans mot de passe."</p>
        <Loaded resource=link let:url>
            <CalendarLink url/>
        </Loaded>
        <h2 class="fr-h4 fr-mt-5w" id="preferences">"Courriels"</h2>
        <p class="cas-note">"Chaque notification s'affiche dans Cassiopée. Choisissez celles qui vous sont aussi envoyées par courriel."</p>
        <Loaded resource=prefs let:p>
            <Preferences p/>
        </Loaded>
    }
}

#[component]
fn CalendarLink(url: Option<String>) -> impl IntoView {
    let button = |action: FeedAction, label: &'static str, class: &'static str| {
        view! {
            <form method="post" action=ChangeCalendarLink::url() class="cas-inline-form">
                <input type="hidden" name="action" value=action.code()/>
                <button type="submit" class=class>{label}</button>
            </form>
        }
    };
    match url {
        None => view! { {button(FeedAction::Creer, "Créer mon lien d'agenda", "fr-btn fr-btn--secondary")} }.into_any(),
        Some(url) => view! {
            <div class="fr-input-group">
                <label class="fr-label" for="lien-agenda">"Adresse de votre agenda"</label>
                <input class="fr-input" id="lien-agenda" type="text" readonly value=url/>
            </div>
            <div class="cas-actions">
                {button(FeedAction::Creer, "Remplacer par un nouveau lien", "fr-btn fr-btn--secondary fr-btn--sm")}
                {button(FeedAction::Revoquer, "Révoquer ce lien", "fr-btn fr-btn--tertiary fr-btn--sm")}
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Preferences(p: Vec<Preference>) -> impl IntoView {
    let boxes = p
        .into_iter()
        .map(|pref| {
            let id = format!("courriel-{}", pref.kind.code());
            view! {
                <li class="cas-check">
                    <input type="checkbox" id=id.clone() name=format!("email[{}]", pref.kind.code()) value="on" checked=pref.email/>
                    <label for=id>{pref.kind.label()}</label>
                </li>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=SavePreferences::url()>
            <fieldset class="cas-fieldset">
                <legend>"Recevoir un courriel pour :"</legend>
                <ul class="cas-checklist">{boxes}</ul>
            </fieldset>
            <button type="submit" class="fr-btn">"Enregistrer mes préférences"</button>
        </form>
    }
}

/// `/admin/courriels` (administrateurs): the email outbox, to see what left and what waits.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let outbox = Resource::new(|| (), |_| get_outbox());
    view! {
        <Title text="Courriels"/>
        <h1>"Courriels"</h1>
        <Loaded resource=outbox let:o>
            <OutboxTable o/>
        </Loaded>
    }
}

#[component]
fn OutboxTable(o: Outbox) -> impl IntoView {
    let counts = o
        .counts
        .into_iter()
        .map(|(state, n)| view! { <li>{state} " : " <strong>{n}</strong></li> })
        .collect_view();
    let rows = o
        .recent
        .into_iter()
        .map(|m| {
            view! {
                <tr data-outbox-id=m.id>
                    <td>{m.created}</td>
                    <td>{m.recipient}</td>
                    <td>{m.subject}</td>
                    <td>{m.status}</td>
                    <td>{m.attempts}</td>
                    <td>{m.when}</td>
                    <td>{m.last_error.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ul class="cas-plain-list">{counts}</ul>
        <div class="fr-table cas-table">
            <table>
                <caption class="fr-sr-only">"Courriels les plus récents"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Créé le"</th>
                        <th scope="col">"Destinataire"</th>
                        <th scope="col">"Objet"</th>
                        <th scope="col">"État"</th>
                        <th scope="col">"Essais"</th>
                        <th scope="col">"Envoi"</th>
                        <th scope="col">"Dernière erreur"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
