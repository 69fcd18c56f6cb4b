//! The reminder scheduler: each reminder once (after a restart, with two instances), catching
//! up after downtime without sending what is no longer timely.

use crate::{
    enrolment::actions::enrol,
    entities::{notification, session},
    model::{EnrolmentStatus, NotificationKind as Kind, Role},
    notification::{PublicUrl, reminders::run},
    testing::{officer, place, session_at, test_db, training, user_with_role},
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

async fn titles(db: &DatabaseConnection, user_id: i32) -> Vec<String> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.ne(Kind::InscriptionConfirmee))
        .filter(notification::Column::Kind.ne(Kind::ListeAttente))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.title)
        .collect()
}

/// Every scheduled case at once, on `db`; returns (officers, staff, sessions) to check.
struct Fixture {
    soon: i32,
    tomorrow: i32,
    late: i32,
    staff: i32,
    attended: i32,
}

async fn fixture(db: &DatabaseConnection) -> Fixture {
    let staff = user_with_role(db, "Claire Gestion", Role::Staff).await.id;
    let t = training(db, "Lire un bilan").await;
    let now = Utc::now();
    // In 3 days: J-7 is due (caught up), J-1 not yet.
    let s3 = session_at(db, t.id, now + Duration::days(3), 7, 5).await;
    let soon = officer(db, "Anne Bientôt").await.id;
    enrol(db, soon, s3.id, now - Duration::days(10))
        .await
        .unwrap();
    // In 12 hours: only J-1 (J-7 is no longer timely).
    let s1 = session_at(db, t.id, now + Duration::hours(12), 7, 5).await;
    let tomorrow = officer(db, "Bruno Demain").await.id;
    enrol(db, tomorrow, s1.id, now - Duration::days(10))
        .await
        .unwrap();
    // In 10 days with 1 of minimum 3: staff alert.
    let under = session_at(db, t.id, now + Duration::days(10), 7, 5).await;
    let mut row: session::ActiveModel = under.clone().into();
    row.min_participants = Set(3);
    row.update(db).await.unwrap();
    let one = officer(db, "Chloé Seule").await.id;
    enrol(db, one, under.id, now).await.unwrap();
    // Started an hour ago with an officer still waiting.
    let started = session_at(db, t.id, now - Duration::hours(1), 7, 1).await;
    let late = officer(db, "David Attente").await.id;
    place(db, started.id, late, EnrolmentStatus::ListeAttente).await;
    // Free seats while someone waits (a state the rules never produce).
    let odd = session_at(db, t.id, now + Duration::days(30), 7, 5).await;
    let stuck = officer(db, "Emma Bloquée").await.id;
    place(db, odd.id, stuck, EnrolmentStatus::ListeAttente).await;
    // Over two days ago, with an officer marked present: the « avis » is asked.
    let past = session_at(db, t.id, now - Duration::days(2), 7, 5).await;
    let attended = officer(db, "Fanny Présente").await.id;
    place(db, past.id, attended, EnrolmentStatus::Present).await;
    Fixture {
        soon,
        tomorrow,
        late,
        staff,
        attended,
    }
}

#[tokio::test]
async fn each_reminder_goes_once_and_a_late_run_catches_up() {
    let url = crate::testing::file_sqlite_url();
    let db = crate::db::connect_and_migrate(&url).await.unwrap();
    let f = fixture(&db).await;
    let now = Utc::now();

    assert_eq!(run(&db, &PublicUrl::default(), now).await.unwrap(), 6);
    assert_eq!(
        titles(&db, f.attended).await,
        ["Votre avis sur Lire un bilan"]
    );
    // Each with its email (the J-7 one with the session's calendar file).
    let mails = crate::entities::email_outbox::Entity::find()
        .filter(crate::entities::email_outbox::Column::Subject.starts_with("[Cassiopée] Rappel"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().all(|m| m.ics_attachment.is_some()));
    assert_eq!(
        titles(&db, f.soon).await,
        ["Rappel : Lire un bilan dans 7 jours"]
    );
    assert_eq!(
        titles(&db, f.tomorrow).await,
        ["Rappel : Lire un bilan demain"]
    );
    assert_eq!(
        titles(&db, f.late).await,
        ["Liste d'attente close : Lire un bilan"]
    );
    let staff = titles(&db, f.staff).await;
    assert_eq!(staff.len(), 2, "{staff:?}");
    assert!(staff.contains(&"Sous le minimum à J-14 : Lire un bilan".to_owned()));
    assert!(staff.contains(&"Places libres avec liste d'attente : Lire un bilan".to_owned()));

    // Restarted: the same run does nothing more.
    drop(db);
    let again = crate::db::connect_and_migrate(&url).await.unwrap();
    assert_eq!(run(&again, &PublicUrl::default(), now).await.unwrap(), 0);
    assert_eq!(titles(&again, f.soon).await.len(), 1);

    // Two and a half days later the first session is tomorrow: its J-1, once.
    let later = now + Duration::days(2) + Duration::hours(12);
    assert_eq!(run(&again, &PublicUrl::default(), later).await.unwrap(), 1);
    assert_eq!(run(&again, &PublicUrl::default(), later).await.unwrap(), 0);
    assert_eq!(
        titles(&again, f.soon).await,
        [
            "Rappel : Lire un bilan dans 7 jours",
            "Rappel : Lire un bilan demain"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgresql_send_each_reminder_once() {
    let Some(url) = crate::testing::postgres_url().await else {
        return;
    };
    let a = crate::db::connect_and_migrate(&url).await.unwrap();
    let b = crate::db::connect(&url).await.unwrap();
    let f = fixture(&a).await;
    // Enough sessions due for both instances to find work: forty J-7 reminders more.
    let t = training(&a, "Parler en public").await;
    let now = Utc::now();
    let mut many = Vec::new();
    for n in 0..40 {
        let s = session_at(&a, t.id, now + Duration::days(4) + Duration::hours(n), 1, 5).await;
        let o = officer(&a, &format!("Officier {n}")).await.id;
        enrol(&a, o, s.id, now - Duration::days(10)).await.unwrap();
        many.push(o);
    }
    let base = PublicUrl::default();
    // Both pools connected before the race: a connection still being opened (slow on a
    // loaded machine) must not leave all the work to the other instance.
    a.ping().await.unwrap();
    b.ping().await.unwrap();
    let (x, y) = tokio::join!(run(&a, &base, now), run(&b, &base, now));
    let (x, y) = (x.unwrap(), y.unwrap());
    // Which instance sends what depends on the scheduling of the two runs (one may find
    // everything already done, or skip every session the other holds locked): only the total
    // and the once-each below are promised.
    assert_eq!(x + y, 46, "a sent {x}, b sent {y}");
    println!("two instances: a sent {x}, b sent {y}");
    // Every recipient once.
    for who in [f.soon, f.tomorrow, f.late, f.attended] {
        assert_eq!(titles(&a, who).await.len(), 1, "officer {who}");
    }
    assert_eq!(titles(&a, f.staff).await.len(), 2);
    for o in many {
        assert_eq!(titles(&a, o).await.len(), 1, "officer {o}");
    }
}

#[tokio::test]
async fn a_session_moved_after_its_reminders_gets_them_again_for_its_new_date() {
    let db = test_db().await;
    let t = training(&db, "Déménager").await;
    let now = Utc::now();
    // At 10 h in Paris, five days from now: an hour later is the same day.
    let day = crate::dates::paris_date(now + Duration::days(5));
    let ten = chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap();
    let start = crate::dates::from_paris(day, ten).unwrap();
    let s = session_at(&db, t.id, start, 7, 5).await;
    let o = officer(&db, "Gaston Déplacé").await.id;
    enrol(&db, o, s.id, now - Duration::days(10)).await.unwrap();
    let base = PublicUrl::default();
    run(&db, &base, now).await.unwrap();
    assert_eq!(reminders_of(&db, o).await, 1, "J-7 for the first date");
    // An hour later the same day: the reminder already said it.
    let mut row: session::ActiveModel = s.clone().into();
    row.starts_at = Set(s.starts_at + Duration::hours(1));
    row.ends_at = Set(s.ends_at + Duration::hours(1));
    let s = row.update(&db).await.unwrap();
    run(&db, &base, now).await.unwrap();
    assert_eq!(reminders_of(&db, o).await, 1, "not again for the same day");

    // Staff move it three weeks later: J-7 and J-1 are due again, for the new date.
    let mut row: session::ActiveModel = s.clone().into();
    row.starts_at = Set(s.starts_at + Duration::days(21));
    row.ends_at = Set(s.ends_at + Duration::days(21));
    let moved = row.update(&db).await.unwrap();
    let j7 = moved.starts_at - Duration::days(6);
    run(&db, &base, j7).await.unwrap();
    assert_eq!(reminders_of(&db, o).await, 2, "J-7 for the new date");
    run(&db, &base, j7).await.unwrap();
    assert_eq!(reminders_of(&db, o).await, 2, "still once per date");
    run(&db, &base, moved.starts_at - Duration::hours(12))
        .await
        .unwrap();
    assert_eq!(reminders_of(&db, o).await, 3, "J-1 for the new date");
}

#[tokio::test]
async fn no_reminder_goes_out_for_a_session_cancelled_after_it_was_read() {
    use crate::notification::reminders::{Reminder, once};
    let db = test_db().await;
    let t = training(&db, "Annuler à temps").await;
    let now = Utc::now();
    let s = session_at(&db, t.id, now + Duration::hours(20), 7, 5).await;
    let o = officer(&db, "Hélène Prévenue").await.id;
    enrol(&db, o, s.id, now - Duration::days(10)).await.unwrap();
    // The scheduler read the session (published), then staff cancelled it.
    let read_before = s.clone();
    crate::testing::set_status(&db, s.id, crate::model::SessionStatus::Annulee).await;
    let sent = once(&db, Reminder::J1, &read_before, &PublicUrl::default(), now)
        .await
        .unwrap();
    assert!(!sent);
    assert_eq!(reminders_of(&db, o).await, 0);
}

/// How many reminders (J-7, J-1) an officer received.
async fn reminders_of(db: &DatabaseConnection, officer_id: i32) -> usize {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(officer_id))
        .filter(notification::Column::Kind.eq(Kind::Rappel))
        .all(db)
        .await
        .unwrap()
        .len()
}
