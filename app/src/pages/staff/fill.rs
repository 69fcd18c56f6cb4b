//! `/gestion/sessions/{id}/remplir`: « Remplir la session ».

use crate::{
    invitation::{Candidate, FillPage, InviteOfficers, get_fill_page},
    layout::Loaded,
    model::Priority,
    roster::EnrolOfficers,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FillSessionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i32>().ok());
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_fill_page(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <Loaded resource=page let:p>
            <Fill p/>
        </Loaded>
    }
}

#[component]
fn Fill(p: FillPage) -> impl IntoView {
    let id = p.session_id;
    let seats = match p.free {
        0 => "La session est complète : les officiers inscrits directement iront sur la liste d'attente.".to_owned(),
        1 => "1 place libre.".to_owned(),
        n => format!("{n} places libres."),
    };
    let busy = match p.busy {
        0 => None,
        1 => Some("1 autre officier a cette formation dans son programme mais une autre session au même moment.".to_owned()),
        n => Some(format!("{n} autres officiers ont cette formation dans leur programme mais une autre session au même moment.")),
    };
    let body = if let Some(reason) = p.closed.clone() {
        view! { <div class="fr-alert fr-alert--info fr-alert--sm"><p>{reason} " Les places ne peuvent plus être attribuées."</p></div> }.into_any()
    } else if p.candidates.is_empty() {
        view! {
            <p class="cas-empty">
                "Aucun candidat : aucun officier disponible à ces dates n'a cette formation à suivre dans son programme en cours. "
                "Vous pouvez inscrire n'importe quel officier depuis la page de la session."
            </p>
        }
        .into_any()
    } else {
        view! { <Candidates p=p.clone()/> }.into_any()
    };
    view! {
        <Title text="Remplir la session"/>
        <p class="cas-back"><a class="fr-link" href=format!("/gestion/sessions/{id}")>"← Retour à la session"</a></p>
        <h1>"Remplir la session"</h1>
        <p class="fr-text--lead">{p.title.clone()} " – " {p.dates.clone()}</p>
        <p class="cas-note">{seats} " Candidats : les officiers dont le programme en cours comprend cette formation, qui ne l'ont pas suivie, n'ont pas de place dans une autre de ses sessions et sont libres à ces dates ; par priorité, puis par date de fin de programme."</p>
        {busy.map(|b| view! { <p class="cas-note">{b}</p> })}
        {body}
    }
}

#[component]
fn Candidates(p: FillPage) -> impl IntoView {
    let id = p.session_id;
    let rows = p
        .candidates
        .into_iter()
        .map(|c| view! { <CandidateRow c/> })
        .collect_view();
    let invite = if p.can_invite {
        view! { <button type="submit" class="fr-btn">"Inviter les officiers sélectionnés"</button> }
            .into_any()
    } else {
        view! { <p class="cas-note">"Brouillon : publiez la session pour pouvoir inviter (les officiers ne voient pas les brouillons)."</p> }.into_any()
    };
    view! {
        <form method="post" action=InviteOfficers::url()>
            <input type="hidden" name="session_id" value=id/>
            <div class="fr-table cas-table">
                <table>
                    <caption class="fr-sr-only">"Candidats"</caption>
                    <thead>
                        <tr>
                            <th scope="col"><span class="fr-sr-only">"Choisir"</span></th>
                            <th scope="col">"Officier"</th>
                            <th scope="col">"Grade"</th>
                            <th scope="col">"Priorité"</th>
                            <th scope="col">"Fin du programme"</th>
                            <th scope="col">"Invitation"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="cas-note">"L'invitation ne réserve pas de place : l'officier l'accepte en s'inscrivant (même après la date limite d'inscription), tant qu'il reste des places ; sinon il rejoint la liste d'attente."</p>
            <div class="cas-actions">
                {invite}
                <button type="submit" class="fr-btn fr-btn--secondary" formaction=EnrolOfficers::url()>"Inscrire directement"</button>
            </div>
        </form>
    }
}

#[component]
fn CandidateRow(c: Candidate) -> impl IntoView {
    let input_id = format!("choix-{}", c.officer_id);
    let priority = match c.priority {
        Priority::Obligatoire => "fr-badge fr-badge--sm fr-badge--warning",
        _ => "fr-badge fr-badge--sm",
    };
    view! {
        <tr>
            <td><input type="checkbox" id=input_id.clone() name=format!("choix[{}]", c.officer_id) value="on" checked=c.suggested/></td>
            <td><label for=input_id>{c.name}</label></td>
            <td>{c.grade}</td>
            <td><span class=priority>{c.priority.label()}</span></td>
            <td>{c.programme_ends}</td>
            <td class="cas-note">{c.invitation.unwrap_or_else(|| "—".to_owned())}</td>
        </tr>
    }
}
