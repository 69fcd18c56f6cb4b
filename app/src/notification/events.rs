//! The notices of each event of product §5, in French: what happened, to which session, what
//! to do next, and the page to open. The domain services call these inside their transactions
//! and hand the result to [`super::service::deliver`].

use super::service::Notice;
use crate::{
    dates, entities::session, error::AppResult, format::place_label,
    model::NotificationKind as Kind, records::session::training_title,
};
use sea_orm::ConnectionTrait;

/// A session as notices name it.
#[derive(Clone, Debug)]
pub struct About {
    pub id: i32,
    pub title: String,
    pub dates: String,
    /// « du lundi 12 janvier 2027, 9 h 00 – 17 h 30 » or « du … au … », after « la session ».
    pub when: String,
    pub place: String,
    pub cancellation_deadline: String,
}

impl About {
    pub async fn of<C: ConnectionTrait>(db: &C, s: &session::Model) -> AppResult<About> {
        Ok(About {
            id: s.id,
            title: training_title(db, s.training_id).await?,
            dates: dates::span(s.starts_at, s.ends_at),
            when: when(s),
            place: place_label(s),
            cancellation_deadline: dates::day_time(s.cancellation_deadline),
        })
    }

    fn link(&self) -> String {
        format!("/sessions/{}", self.id)
    }

    fn notice(&self, user_id: i32, kind: Kind, title: String, body: String) -> Notice {
        Notice {
            user_id,
            kind,
            session_id: Some(self.id),
            title,
            body,
            link: self.link(),
        }
    }
}

fn when(s: &session::Model) -> String {
    let span = dates::span(s.starts_at, s.ends_at);
    if span.starts_with("du ") {
        span
    } else {
        format!("du {span}")
    }
}

/// Who acted: the officer themself or the MiRVOG staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Officer,
    Staff,
}

pub fn confirmed(s: &About, officer: i32, by: By) -> Notice {
    let intro = match by {
        By::Officer => "Votre inscription est confirmée",
        By::Staff => "La MiRVOG vous a inscrit",
    };
    s.notice(
        officer,
        Kind::InscriptionConfirmee,
        format!("Inscription confirmée : {}", s.title),
        format!(
            "{intro} à la session {} ({}). Si vous ne pouvez plus venir, désinscrivez-vous : sans frais jusqu'au {}.",
            s.when, s.place, s.cancellation_deadline
        ),
    )
}

pub fn waitlisted(s: &About, officer: i32, position: u64, by: By) -> Notice {
    let intro = match by {
        By::Officer => "La session est complète : vous êtes",
        By::Staff => "La session est complète : la MiRVOG vous a inscrit",
    };
    s.notice(
        officer,
        Kind::ListeAttente,
        format!("Liste d'attente : {}", s.title),
        format!(
            "{intro} sur la liste d'attente de la session {}, en position {position}. Si une place se libère, elle vous est attribuée aussitôt et vous êtes prévenu.",
            s.when
        ),
    )
}

pub fn promoted(s: &About, officers: &[i32]) -> Vec<Notice> {
    officers
        .iter()
        .map(|&o| {
            s.notice(
                o,
                Kind::Promotion,
                format!("Une place s'est libérée : vous êtes inscrit à {}", s.title),
                format!(
                    "Vous étiez sur la liste d'attente de la session {} ({}) : vous y êtes maintenant inscrit. Si vous ne pouvez plus venir, désinscrivez-vous pour rendre la place : sans frais jusqu'au {}.",
                    s.when, s.place, s.cancellation_deadline
                ),
            )
        })
        .collect()
}

pub fn withdrawn(s: &About, officer: i32, late: bool, waiting: bool, by: By) -> Notice {
    let what = match (by, waiting) {
        (By::Officer, true) => "Vous avez quitté la liste d'attente".to_owned(),
        (By::Officer, false) => "Votre désinscription est enregistrée".to_owned(),
        (By::Staff, true) => "La MiRVOG vous a retiré de la liste d'attente".to_owned(),
        (By::Staff, false) => "La MiRVOG vous a retiré".to_owned(),
    };
    let late = if late {
        " Elle intervient après la date limite de désinscription sans frais : elle est comptée comme désistement tardif."
    } else {
        ""
    };
    s.notice(
        officer,
        Kind::Desinscription,
        format!("Désinscription : {}", s.title),
        format!(
            "{what} de la session {}.{late} Les autres sessions de cette formation sont dans le catalogue.",
            s.when
        ),
    )
}

/// Staff are told of a désistement tardif (§3.5).
pub fn late_withdrawal(s: &About, staff: &[i32], officer_name: &str) -> Vec<Notice> {
    staff
        .iter()
        .map(|&u| Notice {
            user_id: u,
            kind: Kind::DesistementTardif,
            session_id: Some(s.id),
            title: format!("Désistement tardif : {officer_name} – {}", s.title),
            body: format!(
                "{officer_name} s'est désinscrit de la session {} après la date limite du {} ; la place est comptée. Si une liste d'attente existe, la place a été attribuée au premier officier.",
                s.when, s.cancellation_deadline
            ),
            link: format!("/gestion/sessions/{}", s.id),
        })
        .collect()
}

/// A date or place change, told to everyone holding a live place; `before` is the session as
/// it was.
pub fn changed(s: &About, before: &About, officers: &[i32]) -> Vec<Notice> {
    let mut what = Vec::new();
    if s.dates != before.dates {
        what.push(format!(
            "Nouvelles dates : {} (au lieu de : {}).",
            s.dates, before.dates
        ));
    }
    if s.place != before.place {
        what.push(format!(
            "Nouveau lieu : {} (au lieu de : {}).",
            s.place, before.place
        ));
    }
    let subject = match (s.dates != before.dates, s.place != before.place) {
        (true, true) => "date et lieu",
        (true, false) => "nouvelle date",
        _ => "nouveau lieu",
    };
    officers
        .iter()
        .map(|&o| {
            s.notice(
                o,
                Kind::SessionModifiee,
                format!("Session modifiée ({subject}) : {}", s.title),
                format!(
                    "{} Votre place est conservée ; si vous ne pouvez plus venir, désinscrivez-vous.",
                    what.join(" ")
                ),
            )
        })
        .collect()
}

pub fn cancelled(s: &About, officers: &[i32]) -> Vec<Notice> {
    officers
        .iter()
        .map(|&o| {
            s.notice(
                o,
                Kind::SessionAnnulee,
                format!("Session annulée : {}, {}", s.title, s.dates),
                "La MiRVOG a annulé cette session ; votre place n'est pas décomptée. Les autres sessions de cette formation sont dans le catalogue.".to_owned(),
            )
        })
        .collect()
}

/// A published session of a training the officers' programmes need.
pub fn new_session(s: &About, officers: &[i32]) -> Vec<Notice> {
    officers
        .iter()
        .map(|&o| {
            s.notice(
                o,
                Kind::NouvelleSession,
                format!("Nouvelle session : {}", s.title),
                format!(
                    "Une session de cette formation de votre programme est ouverte : {} ({}). Inscrivez-vous depuis la page de la session.",
                    s.dates, s.place
                ),
            )
        })
        .collect()
}

/// « Remplir la session »: the link is the invitation's own.
pub fn invited(s: &About, officer: i32, link: String) -> Notice {
    Notice {
        link,
        ..s.notice(
            officer,
            Kind::Invitation,
            format!("Invitation : {}", s.title),
            format!(
                "La MiRVOG vous invite à la session {} ({}), une formation de votre programme. Acceptez en vous inscrivant depuis la page de la session, ou déclinez l'invitation.",
                s.when, s.place
            ),
        )
    }
}

/// Rappel J-7 or J-1 to the participants.
pub fn reminder(s: &About, officers: &[i32], days: u32) -> Vec<Notice> {
    let when = if days == 1 {
        "demain".to_owned()
    } else {
        format!("dans {days} jours")
    };
    officers
        .iter()
        .map(|&o| {
            s.notice(
                o,
                Kind::Rappel,
                format!("Rappel : {} {when}", s.title),
                format!(
                    "Votre session {} ({}) approche. Si vous ne pouvez plus venir, désinscrivez-vous pour que la place serve à un autre officier.",
                    s.when, s.place
                ),
            )
        })
        .collect()
}

/// J-14: staff are told that a session has fewer participants than its minimum.
pub fn under_minimum(s: &About, staff: &[i32], seats: i32, minimum: i32) -> Vec<Notice> {
    staff
        .iter()
        .map(|&u| Notice {
            user_id: u,
            kind: Kind::SousMinimum,
            session_id: Some(s.id),
            title: format!("Sous le minimum à J-14 : {}", s.title),
            body: format!(
                "La session {} compte {seats} inscrit(s) pour un minimum de {minimum}. Remplissez-la depuis sa page (« Remplir la session ») ou décidez de la maintenir ou de l'annuler.",
                s.when
            ),
            link: format!("/gestion/sessions/{}", s.id),
        })
        .collect()
}

/// The session has started: the officers still waiting will not get a seat.
pub fn waitlist_closed(s: &About, officers: &[i32]) -> Vec<Notice> {
    officers
        .iter()
        .map(|&o| {
            s.notice(
                o,
                Kind::ListeAttenteClose,
                format!("Liste d'attente close : {}", s.title),
                "La session a commencé sans qu'une place se libère pour vous ; la liste d'attente est close. Les autres sessions de cette formation sont dans le catalogue.".to_owned(),
            )
        })
        .collect()
}

/// Seats free while officers wait: should never happen (promotion is immediate); staff look.
pub fn free_seats_with_waitlist(
    s: &About,
    staff: &[i32],
    free: i32,
    waiting: usize,
) -> Vec<Notice> {
    staff
        .iter()
        .map(|&u| Notice {
            user_id: u,
            kind: Kind::PlacesLibres,
            session_id: Some(s.id),
            title: format!("Places libres avec liste d'attente : {}", s.title),
            body: format!(
                "La session {} a {free} place(s) libre(s) alors que {waiting} officier(s) attendent. Vérifiez la liste d'attente et inscrivez-les depuis la page de la session.",
                s.when
            ),
            link: format!("/gestion/sessions/{}", s.id),
        })
        .collect()
}

/// After the session: the officers present are asked for their « avis ».
pub fn feedback_request(s: &About, officers: &[i32]) -> Vec<Notice> {
    officers
        .iter()
        .map(|&o| Notice {
            link: format!("/sessions/{}#avis", s.id),
            ..s.notice(
                o,
                Kind::Avis,
                format!("Votre avis sur {}", s.title),
                format!(
                    "Vous avez suivi la session {}. Deux notes et, si vous le souhaitez, un commentaire : votre avis aide la MiRVOG à choisir les formations qui servent vraiment.",
                    s.when
                ),
            )
        })
        .collect()
}
