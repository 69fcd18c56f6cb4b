//! « Remplir la session »: the candidates and their order, invitations and their answers.

use super::service::*;
use crate::{
    enrolment::{actions::enrol, staff::enrol_officers},
    entities::user,
    model::{EnrolmentStatus, Priority, Role, SessionStatus},
    records::place::own_enrolment,
    testing::{
        in_days, officer_with_programme, place, refusal, session_at, set_status, test_db, training,
        user_with_role,
    },
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

#[tokio::test]
async fn candidates_are_those_who_need_the_training_by_priority_then_programme_end() {
    let db = test_db().await;
    let t = training(&db, "Gouvernance d'entreprise").await;
    let other = training(&db, "Négocier").await;
    let s = session_at(&db, t.id, in_days(30), 7, 8).await;
    let ob = |id| [(id, Priority::Obligatoire)];

    // Candidates.
    officer_with_programme(&db, "Alain Zola", 200, &ob(t.id)).await;
    officer_with_programme(&db, "Bernard Aubry", 60, &ob(t.id)).await;
    let karim = officer_with_programme(&db, "Karim Lefort", 60, &ob(t.id)).await;
    officer_with_programme(&db, "Chloé Martin", 60, &[(t.id, Priority::Recommandee)]).await;
    let lea = officer_with_programme(&db, "Léa Simon", 40, &[(t.id, Priority::Recommandee)]).await;
    officer_with_programme(&db, "David Noël", 60, &[(t.id, Priority::Optionnelle)]).await;
    // Missed a past session (absent) or was placed in a cancelled one: still to follow.
    let past = session_at(&db, t.id, in_days(-90), 7, 8).await;
    place(&db, past.id, karim.id, EnrolmentStatus::Absent).await;
    let cancelled = session_at(&db, t.id, in_days(50), 7, 8).await;
    set_status(&db, cancelled.id, SessionStatus::Annulee).await;
    place(&db, cancelled.id, lea.id, EnrolmentStatus::Inscrit).await;

    // Not candidates.
    let followed = officer_with_programme(&db, "Eric Dupré", 60, &ob(t.id)).await;
    place(&db, past.id, followed.id, EnrolmentStatus::Present).await;
    let waiting = officer_with_programme(&db, "Fanny Roux", 60, &ob(t.id)).await;
    let later = session_at(&db, t.id, in_days(70), 7, 8).await;
    place(&db, later.id, waiting.id, EnrolmentStatus::ListeAttente).await;
    let busy = officer_with_programme(&db, "Gilles Petit", 60, &ob(t.id)).await;
    let same_time = session_at(&db, other.id, in_days(30) + Duration::hours(2), 3, 8).await;
    enrol(&db, busy.id, same_time.id, Utc::now()).await.unwrap();
    officer_with_programme(&db, "Hugo Blanc", 10, &ob(t.id)).await; // gone before the session
    let inactive = officer_with_programme(&db, "Inès Garnier", 60, &ob(t.id)).await;
    let mut row: user::ActiveModel = inactive.into();
    row.active = Set(false);
    row.update(&db).await.unwrap();
    let here = officer_with_programme(&db, "Jules Faure", 60, &ob(t.id)).await;
    enrol(&db, here.id, s.id, Utc::now()).await.unwrap();
    officer_with_programme(&db, "Marc Autre", 60, &ob(other.id)).await;

    let (needs, busy_count) = candidates(&db, &s, Utc::now()).await.unwrap();
    let order: Vec<&str> = needs
        .iter()
        .map(|n| n.officer.display_name.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "Bernard Aubry",
            "Karim Lefort",
            "Alain Zola",
            "Léa Simon",
            "Chloé Martin",
            "David Noël",
        ]
    );
    assert_eq!(busy_count, 1, "Gilles Petit is busy at those dates");

    // The page ticks as many of them as there are free seats (7 here: all six).
    let page = fill_page(&db, s.id, Utc::now()).await.unwrap();
    assert_eq!(page.free, 7);
    assert!(page.candidates.iter().all(|c| c.suggested));
    assert_eq!(page.busy, 1);
    assert!(page.can_invite && page.closed.is_none());
}

#[tokio::test]
async fn invitations_are_refused_for_drafts_and_placed_officers_and_nothing_is_half_done() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Négocier").await;
    let s = session_at(&db, t.id, in_days(20), 7, 4).await;
    let ob = [(t.id, Priority::Obligatoire)];
    let placed = officer_with_programme(&db, "Bruno Placé", 90, &ob).await;
    let free = officer_with_programme(&db, "Carla Libre", 90, &ob).await;
    let now = Utc::now();
    enrol(&db, placed.id, s.id, now).await.unwrap();

    let err = invite(&db, staff, s.id, &[free.id, placed.id], now)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(err),
        "Aucune invitation n'a été envoyée : Bruno Placé est déjà inscrit à cette session."
    );
    assert!(for_session(&db, s.id).await.unwrap().is_empty());
    let err = invite(&db, staff, s.id, &[], now).await.unwrap_err();
    assert_eq!(refusal(err), "Cochez au moins un officier à inviter.");

    let draft = session_at(&db, t.id, in_days(40), 7, 4).await;
    set_status(&db, draft.id, SessionStatus::Brouillon).await;
    let err = invite(&db, staff, draft.id, &[free.id], now)
        .await
        .unwrap_err();
    assert!(refusal(err).starts_with("Publiez d'abord la session"));
    let page = fill_page(&db, draft.id, now).await.unwrap();
    assert!(!page.can_invite);
    let names: Vec<&str> = page.candidates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Carla Libre"],
        "Bruno has a place in another session of it"
    );

    // Direct enrolment from the same list: the candidate leaves the list.
    enrol_officers(&db, staff, s.id, &[free.id], now)
        .await
        .unwrap();
    assert_eq!(
        own_enrolment(&db, s.id, free.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        EnrolmentStatus::Inscrit
    );
    assert!(
        fill_page(&db, s.id, now)
            .await
            .unwrap()
            .candidates
            .is_empty()
    );

    // Once the session has started, the page says so.
    let started = session_at(&db, t.id, in_days(0) - Duration::hours(1), 7, 4).await;
    let page = fill_page(&db, started.id, now).await.unwrap();
    assert_eq!(
        page.closed.as_deref(),
        Some("Cette session a déjà commencé.")
    );
}
