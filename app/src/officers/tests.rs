//! Officers and their programmes: statuses derived from places, the progress line, the staff
//! editor, and the officers' list. (Programme sits below officers: its tests that need an
//! officer created through the officers' service live here.)

use super::service as officers;
use crate::programme::{ItemStatus, service::*};
use crate::{
    enrolment::{
        actions::enrol,
        staff::{enrol_officers, record_attendance},
    },
    error::AppError,
    journal,
    model::{EnrolmentStatus, Priority, Role},
    testing::test_db,
    testing::{session_at, training, user_with_role},
};
use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;

async fn new_officer(db: &DatabaseConnection, staff: i32, name: &str) -> i32 {
    let input = officers::OfficerInput {
        display_name: name.into(),
        email: format!("{}@mirvog.test", name.to_lowercase().replace(' ', ".")),
        grade: "Général de brigade".into(),
        armee: "Armée de Terre".into(),
        ..Default::default()
    };
    officers::create(db, staff, &input, Utc::now())
        .await
        .unwrap()
}

fn dates(p: &str, e: &str) -> ProgrammeInput {
    ProgrammeInput {
        starts_on: p.into(),
        ends_on: e.into(),
        career_goal: "Administrateur de sociétés".into(),
    }
}

#[tokio::test]
async fn statuses_come_from_places_and_progress_counts_followed_trainings() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let o = new_officer(&db, staff, "Jean Martin").await;
    let followed = training(&db, "Lire un bilan").await;
    let booked = training(&db, "Négocier").await;
    let to_plan = training(&db, "Gouvernance").await;
    let now = Utc::now();

    // Nothing can be added before the programme has dates.
    let err = add_item(&db, staff, o, &followed.id.to_string(), "obligatoire", now)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::refused("Enregistrez d'abord les dates du programme de cet officier.")
    );
    let Err(AppError::Invalid(e)) =
        save(&db, staff, o, dates("2027-06-30", "2027-01-01"), now).await
    else {
        panic!("refused")
    };
    assert!(e.message("ends_on").is_some());
    save(&db, staff, o, dates("2026-09-01", "2027-06-30"), now)
        .await
        .unwrap();
    for (t, p) in [
        (&followed, "obligatoire"),
        (&booked, "recommandee"),
        (&to_plan, "optionnelle"),
    ] {
        add_item(&db, staff, o, &t.id.to_string(), p, now)
            .await
            .unwrap();
    }
    let err = add_item(&db, staff, o, &booked.id.to_string(), "obligatoire", now)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::refused("« Négocier » est déjà au programme.")
    );
    let unchanged = programme_of(&db, o, now, false).await.unwrap().unwrap();
    assert_eq!(unchanged.items.len(), 3);
    assert_eq!(unchanged.items[1].priority, Priority::Recommandee);

    // Attended a past session of the first; booked on an upcoming one of the second; the third
    // has one open session.
    let past = session_at(&db, followed.id, now + Duration::days(20), 7, 5).await;
    enrol(&db, o, past.id, now).await.unwrap();
    let place = crate::records::place::own_enrolment(&db, past.id, o)
        .await
        .unwrap()
        .unwrap();
    record_attendance(
        &db,
        staff,
        past.id,
        &[(place.id, EnrolmentStatus::Present)],
        now + Duration::days(21),
    )
    .await
    .unwrap();
    let next = session_at(&db, booked.id, now + Duration::days(30), 7, 5).await;
    enrol_officers(&db, staff, next.id, &[o], now)
        .await
        .unwrap();
    let open = session_at(&db, to_plan.id, now + Duration::days(40), 7, 5).await;

    let p = programme_of(&db, o, now + Duration::days(22), true)
        .await
        .unwrap()
        .unwrap();
    let statuses: Vec<ItemStatus> = p.items.iter().map(|i| i.status).collect();
    assert_eq!(
        statuses,
        [
            ItemStatus::Suivie,
            ItemStatus::Inscrit,
            ItemStatus::APlanifier
        ]
    );
    assert_eq!(p.progress(), "1 formation suivie sur 3");
    assert_eq!(
        p.items[2]
            .next_sessions
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>(),
        [open.id]
    );
    assert!(p.items[0].next_sessions.is_empty());
    assert_eq!(p.items[1].session_id, Some(next.id));

    // Editor: priority, order, removal, all in the officer's journal.
    let item = p.items[2].id;
    set_priority(&db, staff, o, item, "obligatoire", now)
        .await
        .unwrap();
    move_item(&db, staff, o, item, true, now).await.unwrap();
    let p = programme_of(&db, o, now, false).await.unwrap().unwrap();
    assert_eq!(p.items[1].id, item);
    assert_eq!(p.items[1].priority, Priority::Obligatoire);
    remove_item(&db, staff, o, item, now).await.unwrap();
    let p = programme_of(&db, o, now, false).await.unwrap().unwrap();
    assert_eq!(p.items.len(), 2);
    let lines = journal::service::for_officer(&db, o).await.unwrap();
    let actions: Vec<&str> = lines.iter().map(|l| l.action.as_str()).collect();
    for a in [
        "Formation retirée du programme",
        "Ordre du programme modifié",
        "Priorité modifiée",
        "Programme créé",
        "Officier créé",
        "Présence notée",
        "Inscription par la gestion",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn officers_have_unique_addresses_and_keep_their_places_until_removed() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let o = new_officer(&db, staff, "Jean Martin").await;
    let dup = officers::OfficerInput {
        display_name: "Autre".into(),
        email: " JEAN.MARTIN@mirvog.test ".into(),
        grade: "Amiral".into(),
        armee: "Marine nationale".into(),
        phone: "abc".into(),
        ..Default::default()
    };
    let Err(AppError::Invalid(e)) = officers::create(&db, staff, &dup, Utc::now()).await else {
        panic!("refused")
    };
    assert_eq!(
        e.message("email").as_deref(),
        Some("Un compte existe déjà avec cette adresse.")
    );
    assert!(e.message("phone").is_some());

    let t = training(&db, "Gouvernance").await;
    let s = session_at(&db, t.id, Utc::now() + Duration::days(30), 7, 5).await;
    enrol(&db, o, s.id, Utc::now()).await.unwrap();
    let err = officers::set_active(&db, staff, o, false, Utc::now())
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused(m) if m.contains("1 inscription(s) à venir")));
    crate::enrolment::actions::withdraw(&db, o, s.id, Utc::now())
        .await
        .unwrap();
    officers::set_active(&db, staff, o, false, Utc::now())
        .await
        .unwrap();
    // A deactivated officer can no longer be enrolled.
    let err = enrol_officers(&db, staff, s.id, &[o], Utc::now())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::refused(format!(
            "Aucune inscription n'a été faite : le compte n° {o} n'est pas un officier actif."
        ))
    );
    assert_eq!(
        crate::records::place::own_enrolment(&db, s.id, o)
            .await
            .unwrap()
            .map(|e| e.status),
        Some(EnrolmentStatus::Desinscrit)
    );
}

#[tokio::test]
async fn a_search_with_commas_finds_each_name() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    for n in ["Jean Martin", "Paul Dubois", "Luc Laurent", "Marc Autre"] {
        new_officer(&db, staff, n).await;
    }
    let names = |l: super::OfficerList| l.rows.into_iter().map(|r| r.name).collect::<Vec<_>>();
    let found = officers::list(&db, "martin, DUBOIS;\nluc laur", false)
        .await
        .unwrap();
    assert_eq!(names(found), ["Jean Martin", "Luc Laurent", "Paul Dubois"]);
    let found = officers::list(&db, "marc jean", false).await.unwrap();
    assert!(names(found).is_empty(), "every word of a part must match");
    assert_eq!(
        officers::list(&db, "  ", false).await.unwrap().rows.len(),
        4
    );
}

#[tokio::test]
async fn a_session_whose_waitlist_the_officer_is_on_is_not_offered_again() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let o = new_officer(&db, staff, "Jean Martin").await;
    let other = new_officer(&db, staff, "Paul Premier").await;
    let t = training(&db, "Négocier").await;
    let now = Utc::now();
    save(&db, staff, o, dates("2026-01-01", "2030-12-31"), now)
        .await
        .unwrap();
    add_item(&db, staff, o, &t.id.to_string(), "obligatoire", now)
        .await
        .unwrap();
    let full = session_at(&db, t.id, now + Duration::days(30), 7, 1).await;
    let later = session_at(&db, t.id, now + Duration::days(60), 7, 5).await;
    enrol(&db, other, full.id, now).await.unwrap();
    enrol(&db, o, full.id, now).await.unwrap();
    let p = programme_of(&db, o, now, true).await.unwrap().unwrap();
    let item = &p.items[0];
    assert_eq!(item.status, ItemStatus::APlanifier);
    assert!(
        item.note
            .as_deref()
            .unwrap()
            .starts_with("Liste d'attente (position 1)")
    );
    assert_eq!(
        item.next_sessions.iter().map(|s| s.id).collect::<Vec<_>>(),
        [later.id]
    );
}

#[tokio::test]
async fn a_grade_or_service_longer_than_its_column_is_refused_next_to_the_field() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let long = "G".repeat(crate::model::max_len::GRADE + 1);
    let input = officers::OfficerInput {
        display_name: "Trop Long".into(),
        email: "trop.long@mirvog.test".into(),
        grade: long.clone(),
        armee: long.clone(),
        ..Default::default()
    };
    let Err(AppError::Invalid(e)) = officers::create(&db, staff, &input, Utc::now()).await else {
        panic!("refused")
    };
    assert_eq!(
        e.message("grade").as_deref(),
        Some("80 caractères au plus.")
    );
    assert_eq!(
        e.message("armee").as_deref(),
        Some("80 caractères au plus.")
    );
    assert_eq!(e.value("grade"), Some(long), "what was typed comes back");
    let exact = "G".repeat(crate::model::max_len::GRADE);
    let input = officers::OfficerInput {
        grade: exact.clone(),
        armee: exact,
        ..input
    };
    officers::create(&db, staff, &input, Utc::now())
        .await
        .unwrap();
}
