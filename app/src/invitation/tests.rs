//! « Remplir la session »: the candidates and their order, invitations and their answers.

use super::service::*;
use crate::{
    dates,
    db::test_db,
    enrolment::{
        history::my_trainings,
        service::{enrol, own_enrolment, place_state},
        staff::enrol_officers,
    },
    entities::{enrolment, session, user},
    error::AppError,
    journal,
    model::{EnrolmentStatus, InvitationStatus, Role, SessionStatus},
    programme::service::{ProgrammeInput, add_item, save},
    testing::{officer, session_at, training, user_with_role},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

fn in_days(days: i64) -> DateTime<Utc> {
    Utc::now() + Duration::days(days)
}

fn refusal(err: AppError) -> String {
    match err {
        AppError::Refused(msg) => msg,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// An officer whose programme ends in `ends_in` days and holds `items` (training, priority).
async fn with_programme(
    db: &DatabaseConnection,
    staff: i32,
    name: &str,
    ends_in: i64,
    items: &[(i32, &str)],
) -> user::Model {
    let o = officer(db, name).await;
    let now = Utc::now();
    let input = ProgrammeInput {
        starts_on: dates::paris_date(in_days(-60)).to_string(),
        ends_on: dates::paris_date(in_days(ends_in)).to_string(),
        career_goal: "Administrateur de sociétés".into(),
    };
    save(db, staff, o.id, input, now).await.unwrap();
    for (training_id, priority) in items {
        add_item(db, staff, o.id, &training_id.to_string(), priority, now)
            .await
            .unwrap();
    }
    o
}

/// A place written as it would be after the fact (a past session's attendance, say).
async fn place(db: &DatabaseConnection, session_id: i32, officer_id: i32, status: EnrolmentStatus) {
    enrolment::ActiveModel {
        session_id: Set(session_id),
        officer_id: Set(officer_id),
        status: Set(status),
        waitlist_rank: Set((status == EnrolmentStatus::ListeAttente).then_some(1)),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        confirmed_at: Set(None),
        cancelled_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

async fn set_status(db: &DatabaseConnection, s: &session::Model, status: SessionStatus) {
    let mut row: session::ActiveModel = s.clone().into();
    row.status = Set(status);
    row.update(db).await.unwrap();
}

#[tokio::test]
async fn candidates_are_those_who_need_the_training_by_priority_then_programme_end() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Gouvernance d'entreprise").await;
    let other = training(&db, "Négocier").await;
    let s = session_at(&db, t.id, in_days(30), 7, 8).await;
    let ob = |id| [(id, "obligatoire")];

    // Candidates.
    with_programme(&db, staff, "Alain Zola", 200, &ob(t.id)).await;
    with_programme(&db, staff, "Bernard Aubry", 60, &ob(t.id)).await;
    let karim = with_programme(&db, staff, "Karim Lefort", 60, &ob(t.id)).await;
    with_programme(&db, staff, "Chloé Martin", 60, &[(t.id, "recommandee")]).await;
    let lea = with_programme(&db, staff, "Léa Simon", 40, &[(t.id, "recommandee")]).await;
    with_programme(&db, staff, "David Noël", 60, &[(t.id, "optionnelle")]).await;
    // Missed a past session (absent) or was placed in a cancelled one: still to follow.
    let past = session_at(&db, t.id, in_days(-90), 7, 8).await;
    place(&db, past.id, karim.id, EnrolmentStatus::Absent).await;
    let cancelled = session_at(&db, t.id, in_days(50), 7, 8).await;
    set_status(&db, &cancelled, SessionStatus::Annulee).await;
    place(&db, cancelled.id, lea.id, EnrolmentStatus::Inscrit).await;

    // Not candidates.
    let followed = with_programme(&db, staff, "Eric Dupré", 60, &ob(t.id)).await;
    place(&db, past.id, followed.id, EnrolmentStatus::Present).await;
    let waiting = with_programme(&db, staff, "Fanny Roux", 60, &ob(t.id)).await;
    let later = session_at(&db, t.id, in_days(70), 7, 8).await;
    place(&db, later.id, waiting.id, EnrolmentStatus::ListeAttente).await;
    let busy = with_programme(&db, staff, "Gilles Petit", 60, &ob(t.id)).await;
    let same_time = session_at(&db, other.id, in_days(30) + Duration::hours(2), 3, 8).await;
    enrol(&db, busy.id, same_time.id, Utc::now()).await.unwrap();
    with_programme(&db, staff, "Hugo Blanc", 10, &ob(t.id)).await; // gone before the session
    let inactive = with_programme(&db, staff, "Inès Garnier", 60, &ob(t.id)).await;
    let mut row: user::ActiveModel = inactive.into();
    row.active = Set(false);
    row.update(&db).await.unwrap();
    let here = with_programme(&db, staff, "Jules Faure", 60, &ob(t.id)).await;
    enrol(&db, here.id, s.id, Utc::now()).await.unwrap();
    with_programme(&db, staff, "Marc Autre", 60, &ob(other.id)).await;

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
async fn invited_officers_accept_by_enrolling_even_after_the_deadline_or_decline() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Lire un bilan").await;
    // Enrolment closed yesterday (deadline 7 days before a start in 6 days).
    let s = session_at(&db, t.id, in_days(6), 7, 2).await;
    let ob = [(t.id, "obligatoire")];
    let anne = with_programme(&db, staff, "Anne Bleu", 90, &ob).await;
    let paul = with_programme(&db, staff, "Paul Vert", 120, &ob).await;
    let zoe = with_programme(&db, staff, "Zoé Rouge", 150, &ob).await;
    let now = Utc::now();

    // Without an invitation, the deadline holds.
    let err = enrol(&db, zoe.id, s.id, now).await.unwrap_err();
    assert!(refusal(err).starts_with("Les inscriptions à cette session sont closes"));

    let out = invite(&db, staff, s.id, &[paul.id, anne.id], now)
        .await
        .unwrap();
    assert_eq!(
        out.message(),
        "2 officiers invités (Anne Bleu, Paul Vert) : l'invitation s'affiche sur la page de la session et dans « Mes formations »."
    );
    // Inviting again is harmless: nobody gets two invitations.
    // Each invited officer is told, with the invitation's own link.
    let told = crate::entities::notification::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == crate::notification::Kind::Invitation.code())
        .collect::<Vec<_>>();
    assert_eq!(told.len(), 2);
    assert!(told.iter().all(|n| {
        n.title == "Invitation : Lire un bilan"
            && n.link
                .as_deref()
                .is_some_and(|l| l.starts_with("/invitations/"))
    }));
    assert_eq!(
        crate::entities::email_outbox::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .len(),
        2
    );
    let again = invite(&db, staff, s.id, &[anne.id, zoe.id], now)
        .await
        .unwrap();
    assert_eq!(again.invited, [(zoe.id, "Zoé Rouge".to_owned())]);
    assert_eq!(again.already, ["Anne Bleu"]);

    // The officer sees it on the session page and in « Mes formations ».
    let anne_user = user::Entity::find_by_id(anne.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let state = place_state(&db, &anne_user, s.id, now).await.unwrap();
    assert!(
        state
            .invitation
            .as_deref()
            .unwrap()
            .starts_with("La MiRVOG vous invite")
    );
    assert_eq!(state.action, Ok(crate::enrolment::Action::Enrol));
    let mine = my_trainings(&db, anne.id, now).await.unwrap();
    assert_eq!(mine.invitations.len(), 1);
    assert_eq!(mine.invitations[0].session_id, s.id);

    // « S'inscrire » accepts it, past the enrolment deadline.
    enrol(&db, anne.id, s.id, now).await.unwrap();
    let state = place_state(&db, &anne_user, s.id, now).await.unwrap();
    assert_eq!(state.invitation, None);
    assert_eq!(state.mine, Some(EnrolmentStatus::Inscrit));
    assert!(
        my_trainings(&db, anne.id, now)
            .await
            .unwrap()
            .invitations
            .is_empty()
    );

    // Paul declines; staff see every answer, and the link of the one still waiting.
    decline(&db, paul.id, s.id, now).await.unwrap();
    let err = decline(&db, paul.id, s.id, now).await.unwrap_err();
    assert_eq!(
        refusal(err),
        "Vous n'avez pas d'invitation en attente pour cette session."
    );
    let lines = for_session(&db, s.id).await.unwrap();
    let by_name = |n: &str| lines.iter().find(|l| l.name == n).unwrap().clone();
    assert!(
        by_name("Anne Bleu")
            .state
            .starts_with("Invitation acceptée le")
    );
    assert_eq!(by_name("Anne Bleu").place.as_deref(), Some("Inscrit"));
    assert!(
        by_name("Paul Vert")
            .state
            .starts_with("Invitation déclinée le")
    );
    assert_eq!(by_name("Paul Vert").link, None);
    let zoe_link = by_name("Zoé Rouge").link.unwrap();
    assert!(zoe_link.starts_with("/invitations/") && zoe_link.len() == "/invitations/".len() + 32);

    // The link opens the session for its officer only.
    let token = zoe_link.trim_start_matches("/invitations/");
    assert_eq!(session_of_link(&db, zoe.id, token).await.unwrap(), s.id);
    assert_eq!(
        session_of_link(&db, paul.id, token).await.unwrap_err(),
        AppError::NotFound
    );

    // Seats are first come, first served: the last seat went to Zoé, Paul (invited again) waits.
    enrol(&db, zoe.id, s.id, now).await.unwrap();
    invite(&db, staff, s.id, &[paul.id], now).await.unwrap();
    let placed = enrol(&db, paul.id, s.id, now).await.unwrap();
    assert_eq!(
        placed,
        crate::enrolment::service::Enrolled::Waitlisted { position: 1 }
    );

    // Every invitation is in the session's and the officer's journal.
    let invitations = journal::service::for_session(&db, s.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.action == "Invitation envoyée")
        .count();
    assert_eq!(invitations, 4);
    assert!(
        journal::service::for_officer(&db, zoe.id)
            .await
            .unwrap()
            .iter()
            .any(|l| l.action == "Invitation envoyée")
    );
    let stored = crate::entities::invitation::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.officer_id, i.status))
        .collect::<std::collections::HashMap<_, _>>();
    assert_eq!(stored[&anne.id], InvitationStatus::Acceptee);
    assert_eq!(stored[&zoe.id], InvitationStatus::Acceptee);
    assert_eq!(stored[&paul.id], InvitationStatus::Acceptee);
}

#[tokio::test]
async fn invitations_are_refused_for_drafts_and_placed_officers_and_nothing_is_half_done() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Négocier").await;
    let s = session_at(&db, t.id, in_days(20), 7, 4).await;
    let ob = [(t.id, "obligatoire")];
    let placed = with_programme(&db, staff, "Bruno Placé", 90, &ob).await;
    let free = with_programme(&db, staff, "Carla Libre", 90, &ob).await;
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
    set_status(&db, &draft, SessionStatus::Brouillon).await;
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
