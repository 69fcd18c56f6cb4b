use super::{JournalView, PostButton, StatusBadge};
use crate::{
    invitation::InvitationLine,
    layout::Loaded,
    model::{Direction, EnrolmentStatus},
    planning::{CancelSession, DuplicateSession, PublishSession},
    roster::{
        EnrolOfficers, MoveWaiting, OfficerChoice, Participant, Presence, RecordAttendance,
        RemoveParticipant, StaffSession, get_staff_session,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn session_id() -> impl Fn() -> Option<i32> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|v| v.parse::<i32>().ok())
}

/// `/gestion/sessions/{id}`: everything staff do on one session.
#[component]
pub fn StaffSessionPage() -> impl IntoView {
    let id = session_id();
    let query = use_query_map();
    let key = move || (id(), query.read().get("recherche"));
    let page = Resource::new(key, |(id, search)| async move {
        match id {
            Some(id) => get_staff_session(id, search).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <Loaded resource=page let:s>
            <Manage s/>
        </Loaded>
    }
}

#[component]
fn Manage(s: StaffSession) -> impl IntoView {
    let id = s.id;
    let visio = s.visio_url.clone().map(|url| {
        let href = url.clone();
        view! { <li>"Visioconférence : " <a href=href rel="noopener" target="_blank">{url}</a></li> }
    });
    let actions = view! { <Actions s=s.clone()/> };
    let attendance = s.allowed.attendance;
    let places = s.allowed.places;
    let free = (s.capacity - s.seats_taken).max(0);
    view! {
        <Title text=s.title.clone()/>
        <p class="cas-back"><a class="fr-link" href="/gestion/sessions">"← Planning"</a></p>
        <div class="cas-page-head">
            <h1>{s.title.clone()}</h1>
            <StatusBadge status=s.status/>
        </div>
        <ul class="cas-facts">
            <li><strong>{s.dates.clone()}</strong></li>
            <li>"Lieu : " {s.place.clone()}</li>
            {visio}
            <li>"Intervenant : " {if s.trainer.is_empty() { "—".to_owned() } else { s.trainer.clone() }}</li>
            <li>{format!("Inscrits : {} / {} ({}\u{a0}%) – minimum {}", s.seats_taken, s.capacity, s.fill_percent, s.min_participants)}</li>
            <li>"Inscriptions jusqu'au " {s.enrolment_deadline.clone()}</li>
            <li>"Désinscription sans frais jusqu'au " {s.cancellation_deadline.clone()}</li>
            <li>"Coût réel : " {s.cost.clone()}</li>
            <li><a class="fr-link" href=format!("/gestion/formations/{}", s.training_id)>"Fiche de la formation"</a></li>
        </ul>
        {actions}

        <h2 class="fr-h4 fr-mt-5w" id="participants">{format!("Participants ({})", s.participants.len())}</h2>
        {if attendance {
            view! { <AttendanceForm id participants=s.participants.clone()/> }.into_any()
        } else {
            view! { <ParticipantTable id participants=s.participants.clone() removable=places/> }.into_any()
        }}

        <h2 class="fr-h4 fr-mt-5w" id="liste-attente">{format!("Liste d'attente ({})", s.waitlist.len())}</h2>
        <Waitlist id waitlist=s.waitlist.clone() editable=places/>

        {(!s.invitations.is_empty()).then(|| view! {
            <h2 class="fr-h4 fr-mt-5w" id="invitations">{format!("Invitations ({})", s.invitations.len())}</h2>
            <Invitations lines=s.invitations.clone()/>
        })}

        {places.then(|| view! {
            <h2 class="fr-h4 fr-mt-5w" id="inscrire">"Inscrire des officiers"</h2>
            <EnrolPicker id free search=s.search.clone() choices=s.choices.clone()/>
        })}

        {(!s.former.is_empty()).then(|| view! {
            <h2 class="fr-h4 fr-mt-5w">{format!("Désinscriptions ({})", s.former.len())}</h2>
            <ul class="cas-plain-list">
                {s.former.clone().into_iter().map(|p| view! {
                    <li>{p.name} " – " {p.status.label()}</li>
                }).collect_view()}
            </ul>
        })}

        <h2 class="fr-h4 fr-mt-5w">"Journal"</h2>
        <JournalView lines=s.journal.clone()/>
    }
}

#[component]
fn Actions(s: StaffSession) -> impl IntoView {
    let id = s.id;
    let edit = s.allowed.edit.then(|| {
        view! { <a class="fr-btn fr-btn--secondary fr-btn--sm" href=format!("/gestion/sessions/{id}/modifier")>"Modifier"</a> }
    });
    let publish = s.allowed.publish.then(|| {
        view! { <PostButton url=PublishSession::url() fields=vec![("id", id.to_string())] label="Publier" class="fr-btn fr-btn--sm"/> }
    });
    // Free seats are what the product is about: the way to fill them comes first.
    let fill = (s.allowed.places && s.seats_taken < s.capacity).then(|| {
        view! { <a class="fr-btn fr-btn--sm" href=format!("/gestion/sessions/{id}/remplir")>"Remplir la session"</a> }
    });
    let cancel = s.allowed.cancel.then(|| {
        view! { <a class="fr-btn fr-btn--tertiary fr-btn--sm cas-danger" href=format!("/gestion/sessions/{id}/annuler")>"Annuler la session"</a> }
    });
    view! {
        <div class="cas-actions">
            {fill}
            {publish}
            {edit}
            <a class="fr-btn fr-btn--tertiary fr-btn--sm" href=format!("/sessions/{id}")>"Voir comme un officier"</a>
            {cancel}
        </div>
        <form method="post" action=DuplicateSession::url() class="cas-duplicate">
            <input type="hidden" name="id" value=id/>
            <div class="fr-input-group">
                <label class="fr-label" for="dupliquer-date">"Dupliquer à une autre date"</label>
                <input class="fr-input" type="date" id="dupliquer-date" name="start_date" required/>
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">"Dupliquer"</button>
        </form>
    }
}

#[component]
fn ParticipantTable(id: i32, participants: Vec<Participant>, removable: bool) -> impl IntoView {
    if participants.is_empty() {
        return view! { <p class="cas-note">"Aucun participant pour l'instant."</p> }.into_any();
    }
    let rows = participants
        .into_iter()
        .map(|p| {
            let remove = removable.then(|| {
                view! {
                    <PostButton url=RemoveParticipant::url()
                        fields=vec![("session_id", id.to_string()), ("enrolment_id", p.enrolment_id.to_string())]
                        label="Retirer" class="fr-btn fr-btn--tertiary fr-btn--sm"
                        title=format!("Retirer {} de la session", p.name)/>
                }
            });
            view! {
                <tr>
                    <td>{p.name.clone()}</td>
                    <td>{p.grade}</td>
                    <td>{p.status.label()}</td>
                    <td>{remove}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr><th scope="col">"Officier"</th><th scope="col">"Grade"</th><th scope="col">"État"</th><th scope="col"><span class="fr-sr-only">"Actions"</span></th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Attendance for everyone on one form: « Présent » is preselected for those not yet marked,
/// so that a normal session takes one click.
#[component]
fn AttendanceForm(id: i32, participants: Vec<Participant>) -> impl IntoView {
    if participants.is_empty() {
        return view! { <p class="cas-note">"Aucun participant."</p> }.into_any();
    }
    let rows = participants
        .into_iter()
        .map(|p| {
            let current = if p.status == EnrolmentStatus::Inscrit { EnrolmentStatus::Present } else { p.status };
            let name = format!("presence[{}]", p.enrolment_id);
            let radios = Presence::ALL
                .into_iter()
                .map(|mark| {
                    let input_id = format!("presence-{}-{}", p.enrolment_id, mark.code());
                    view! {
                        <span class="cas-radio">
                            <input type="radio" id=input_id.clone() name=name.clone() value=mark.code() checked=current == mark.status()/>
                            <label for=input_id>{mark.status().label()}</label>
                        </span>
                    }
                })
                .collect_view();
            let recorded = if p.status == EnrolmentStatus::Inscrit { "À noter" } else { "Noté" };
            view! {
                <tr>
                    <td>{p.name}</td>
                    <td>{p.grade}</td>
                    <td><fieldset class="cas-radios"><legend class="fr-sr-only">"Présence"</legend>{radios}</fieldset></td>
                    <td class="cas-note">{recorded}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=RecordAttendance::url()>
            <input type="hidden" name="session_id" value=id/>
            <div class="fr-table cas-table">
                <table>
                    <thead>
                        <tr><th scope="col">"Officier"</th><th scope="col">"Grade"</th><th scope="col">"Présence"</th><th scope="col">"État"</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <button type="submit" class="fr-btn">"Enregistrer la présence"</button>
        </form>
    }
    .into_any()
}

#[component]
fn Waitlist(id: i32, waitlist: Vec<Participant>, editable: bool) -> impl IntoView {
    if waitlist.is_empty() {
        return view! { <p class="cas-note">"Personne n'attend."</p> }.into_any();
    }
    let last = waitlist.len();
    let rows = waitlist
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let fields = |dir: &str| {
                vec![
                    ("session_id", id.to_string()),
                    ("enrolment_id", p.enrolment_id.to_string()),
                    ("direction", dir.to_owned()),
                ]
            };
            let buttons = editable.then(|| {
                view! {
                    {(i > 0).then(|| view! { <PostButton url=MoveWaiting::url() fields=fields(Direction::Up.code()) label="Monter" class="fr-btn fr-btn--tertiary fr-btn--sm" title=format!("Faire monter {}", p.name)/> })}
                    {(i + 1 < last).then(|| view! { <PostButton url=MoveWaiting::url() fields=fields(Direction::Down.code()) label="Descendre" class="fr-btn fr-btn--tertiary fr-btn--sm" title=format!("Faire descendre {}", p.name)/> })}
                    <PostButton url=RemoveParticipant::url()
                        fields=vec![("session_id", id.to_string()), ("enrolment_id", p.enrolment_id.to_string())]
                        label="Retirer" class="fr-btn fr-btn--tertiary fr-btn--sm" title=format!("Retirer {} de la liste d'attente", p.name)/>
                }
            });
            view! {
                <tr>
                    <td>{i + 1}</td>
                    <td>{p.name.clone()}</td>
                    <td>{p.grade.clone()}</td>
                    <td class="cas-row-actions">{buttons}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr><th scope="col">"Position"</th><th scope="col">"Officier"</th><th scope="col">"Grade"</th><th scope="col"><span class="fr-sr-only">"Actions"</span></th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Invitations of « Remplir la session », with the link sent to each officer.
#[component]
fn Invitations(lines: Vec<InvitationLine>) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|i| {
            let link = i.link.map(|href| view! { <a class="fr-link fr-text--sm" href=href.clone()>{href.clone()}</a> });
            view! {
                <tr>
                    <td><a href=format!("/gestion/officiers/{}", i.officer_id)>{i.name}</a></td>
                    <td>{i.state}</td>
                    <td>{i.place.unwrap_or_else(|| "—".to_owned())}</td>
                    <td>{link}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr><th scope="col">"Officier"</th><th scope="col">"Invitation"</th><th scope="col">"Place"</th><th scope="col">"Lien d'invitation"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Search, then tick several officers and enrol them in one go.
#[component]
fn EnrolPicker(id: i32, free: i32, search: String, choices: Vec<OfficerChoice>) -> impl IntoView {
    let seats = match free {
        0 => "La session est complète : les officiers choisis iront sur la liste d'attente.".to_owned(),
        1 => "1 place libre : au-delà, les officiers choisis iront sur la liste d'attente, dans l'ordre alphabétique.".to_owned(),
        n => format!("{n} places libres : au-delà, les officiers choisis iront sur la liste d'attente, dans l'ordre alphabétique."),
    };
    let results = if search.is_empty() {
        None
    } else if choices.is_empty() {
        Some(view! { <p class="cas-note">"Aucun officier actif ne correspond à cette recherche."</p> }.into_any())
    } else {
        let items = choices
            .into_iter()
            .map(|c| {
                let input_id = format!("choix-{}", c.id);
                let disabled = c.unavailable.is_some();
                let note = c.unavailable.map(|u| view! { <span class="fr-badge fr-badge--sm">{u}</span> });
                view! {
                    <li class="cas-check">
                        <input type="checkbox" id=input_id.clone() name=format!("choix[{}]", c.id) value="on" disabled=disabled/>
                        <label for=input_id>
                            <strong>{c.name}</strong> " " <span class="cas-muted">{c.grade} " · " {c.email}</span>
                        </label>
                        " " {note}
                    </li>
                }
            })
            .collect_view();
        Some(
            view! {
                <form method="post" action=EnrolOfficers::url()>
                    <input type="hidden" name="session_id" value=id/>
                    <ul class="cas-checklist">{items}</ul>
                    <button type="submit" class="fr-btn">"Inscrire les officiers sélectionnés"</button>
                </form>
            }
            .into_any(),
        )
    };
    view! {
        <p class="cas-note">{seats}</p>
        <form method="get" action=format!("/gestion/sessions/{id}#inscrire") class="cas-search" role="search">
            <div class="fr-input-group">
                <label class="fr-label" for="recherche">
                    "Rechercher des officiers (nom ou adresse)"
                    <span class="fr-hint-text">"Plusieurs noms séparés par des virgules : « Martin, Dubois, Laurent »."</span>
                </label>
                <input class="fr-input" type="search" id="recherche" name="recherche" value=search/>
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary">"Rechercher"</button>
        </form>
        {results}
    }
}

/// `/gestion/sessions/{id}/annuler`: what cancelling means, then « Annuler la session ».
#[component]
pub fn CancelSessionPage() -> impl IntoView {
    let id = session_id();
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_staff_session(id, None).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <Loaded resource=page let:s>
            {
                let affected = s.participants.len() + s.waitlist.len();
                view! {
                    <Title text="Annuler la session"/>
                    <p class="cas-back"><a class="fr-link" href=format!("/gestion/sessions/{}", s.id)>"← Retour à la session"</a></p>
                    <h1>"Annuler la session"</h1>
                    <p class="fr-text--lead">{s.title.clone()} " – " {s.dates.clone()}</p>
                    <div class="fr-alert fr-alert--warning fr-mb-3w">
                        <p>{format!(
                            "{affected} officier(s) inscrit(s) ou en liste d'attente seront prévenus. La session et les inscriptions restent consultables ; rien n'est supprimé."
                        )}</p>
                    </div>
                    {if s.allowed.cancel {
                        view! {
                            <PostButton url=CancelSession::url() fields=vec![("id", s.id.to_string())] label="Annuler la session" class="fr-btn cas-danger-btn"/>
                        }.into_any()
                    } else {
                        view! { <p class="cas-note">"Cette session ne peut plus être annulée."</p> }.into_any()
                    }}
                }
                .into_any()
            }
        </Loaded>
    }
}
