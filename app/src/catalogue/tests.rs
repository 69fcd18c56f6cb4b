//! The officer's side of the catalogue: « Mes formations » with staff's invitations, through
//! the whole life of an invitation.

use super::my_trainings::my_trainings;
use crate::{
    enrolment::{Action, actions::Enrolled, actions::enrol, place::place_state},
    entities::user,
    error::AppError,
    invitation::service::{decline, for_session, invite, session_of_link},
    journal,
    model::{EnrolmentStatus, InvitationStatus, NotificationKind, Priority, Role, SessionStatus},
    testing::{
        in_days, officer, officer_with_programme, refusal, session_at, set_status, test_db,
        training, user_with_role,
    },
};
use chrono::Utc;
use sea_orm::EntityTrait;

#[tokio::test]
async fn invited_officers_accept_by_enrolling_even_after_the_deadline_or_decline() {
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Lire un bilan").await;
    // Enrolment closed yesterday (deadline 7 days before a start in 6 days).
    let s = session_at(&db, t.id, in_days(6), 7, 2).await;
    let ob = [(t.id, Priority::Obligatoire)];
    let anne = officer_with_programme(&db, "Anne Bleu", 90, &ob).await;
    let paul = officer_with_programme(&db, "Paul Vert", 120, &ob).await;
    let zoe = officer_with_programme(&db, "Zoé Rouge", 150, &ob).await;
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
        .filter(|n| n.kind == NotificationKind::Invitation)
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
    assert_eq!(state.action, Ok(Action::Enrol));
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
    assert_eq!(placed, Enrolled::Waitlisted { position: 1 });

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
async fn places_staff_give_in_a_draft_are_announced_at_publication_only() {
    use crate::{
        entities::{email_outbox, notification},
        notification::{PublicUrl, calendar},
        planning::lifecycle::publish,
    };
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter};
    let db = test_db().await;
    let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
    let t = training(&db, "Préparer un conseil").await;
    let s = session_at(&db, t.id, in_days(30), 7, 1).await;
    set_status(&db, s.id, SessionStatus::Brouillon).await;
    let seated =
        officer_with_programme(&db, "Agnès Brouillon", 90, &[(t.id, Priority::Obligatoire)]).await;
    let waiting = officer_with_programme(&db, "Bruno Brouillon", 90, &[]).await;
    let removed = officer_with_programme(&db, "Chloé Retirée", 90, &[]).await;
    let now = Utc::now();
    let all = [seated.id, waiting.id, removed.id];
    crate::enrolment::staff::enrol_officers(&db, staff, s.id, &all, now)
        .await
        .unwrap();
    // Staff rework the draft: a new place, an officer taken out; still nothing said.
    let mut row: crate::entities::session::ActiveModel =
        crate::entities::session::Entity::find_by_id(s.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .into();
    row.location = Set("Hôtel de Brienne, Paris".to_owned());
    row.update(&db).await.unwrap();
    let place = crate::records::place::own_enrolment(&db, s.id, removed.id)
        .await
        .unwrap()
        .unwrap();
    crate::enrolment::staff::remove_participant(&db, staff, s.id, place.id, now)
        .await
        .unwrap();
    // Another draft with a place, cancelled: nobody to tell.
    let other = session_at(&db, t.id, in_days(60), 7, 5).await;
    set_status(&db, other.id, SessionStatus::Brouillon).await;
    crate::enrolment::staff::enrol_officers(&db, staff, other.id, &[removed.id], now)
        .await
        .unwrap();
    let cancelled = crate::planning::lifecycle::cancel(&db, staff, other.id, now);
    assert!(cancelled.await.unwrap().is_empty());

    // The status « Mon programme » shows for the training.
    let programme_status = |id: i32| {
        let db = db.clone();
        async move {
            let p = crate::programme::service::programme_of(&db, id, now, true).await;
            p.unwrap().unwrap().items[0].status
        }
    };
    // The draft does not exist for officers: no message, no email, nothing in their lists.
    let told = |id: i32| {
        let db = db.clone();
        async move {
            notification::Entity::find()
                .filter(notification::Column::UserId.eq(id))
                .all(&db)
                .await
                .unwrap()
        }
    };
    for o in [&seated, &waiting, &removed] {
        assert!(told(o.id).await.is_empty(), "{}", o.display_name);
    }
    assert!(
        email_outbox::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .is_empty()
    );
    let mine = my_trainings(&db, seated.id, now).await.unwrap();
    assert!(mine.upcoming.is_empty(), "{mine:?}");
    let feed = calendar::feed(&db, seated.id, PublicUrl::DEFAULT)
        .await
        .unwrap();
    assert!(!feed.contains("Préparer un conseil"));
    assert_eq!(
        programme_status(seated.id).await,
        crate::programme::ItemStatus::APlanifier
    );
    // The place still keeps the officer's dates (§3.3), without naming the draft.
    let overlapping = session_at(&db, t.id, in_days(30), 7, 5).await;
    let err = crate::enrolment::actions::enrol(&db, seated.id, overlapping.id, now)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(err),
        "Impossible : la MiRVOG vous a déjà prévu une formation à ces dates. Contactez-la pour en savoir plus."
    );

    // Published: each hears of the place staff gave them, with its email.
    publish(&db, staff, s.id, now).await.unwrap();
    let kinds = |n: Vec<notification::Model>| n.into_iter().map(|n| n.kind).collect::<Vec<_>>();
    assert_eq!(
        kinds(told(seated.id).await),
        [NotificationKind::InscriptionConfirmee]
    );
    assert_eq!(
        kinds(told(waiting.id).await),
        [NotificationKind::ListeAttente]
    );
    assert_eq!(
        email_outbox::Entity::find().all(&db).await.unwrap().len(),
        2
    );
    assert_eq!(
        my_trainings(&db, seated.id, now)
            .await
            .unwrap()
            .upcoming
            .len(),
        1
    );
    assert!(
        told(removed.id).await.is_empty(),
        "never told of places it lost"
    );
    assert_eq!(
        programme_status(seated.id).await,
        crate::programme::ItemStatus::Inscrit
    );
}

/// On the large data set the catalogue would be one long page: trainings come a page at a
/// time, in the order of their next session, with links to the pages around that keep the
/// filters; a page past the end shows the last one.
#[tokio::test]
async fn the_catalogue_comes_a_page_of_trainings_at_a_time_with_the_filters_kept() {
    use super::{Filters, TRAININGS_PER_PAGE, service::catalogue};
    let db = test_db().await;
    let me = officer(&db, "Lecteur Pages").await;
    let count = 2 * TRAININGS_PER_PAGE + 3;
    for n in 0..count {
        let t = training(&db, &format!("Formation {n:02}")).await;
        // Two sessions each; the trainings' next sessions come in the order of their number.
        for days in [20 + n as i64, 200 + n as i64] {
            session_at(&db, t.id, in_days(days), 7, 10).await;
        }
    }
    let page = |page: Option<u32>, theme: Option<&str>| Filters {
        theme: theme.map(str::to_owned),
        page,
        ..Default::default()
    };
    let titles =
        |c: &super::Catalogue| c.groups.iter().map(|g| g.title.clone()).collect::<Vec<_>>();

    let first = catalogue(&db, me.id, &page(None, None), Utc::now())
        .await
        .unwrap();
    assert_eq!((first.page, first.pages), (1, 3));
    assert_eq!(first.groups.len(), TRAININGS_PER_PAGE);
    assert_eq!(first.groups[0].title, "Formation 00");
    assert!(first.groups.iter().all(|g| g.sessions.len() == 2));
    assert_eq!(first.previous, None);
    assert_eq!(first.next.as_deref(), Some("/formations?page=2"));

    let last = catalogue(&db, me.id, &page(Some(3), None), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        titles(&last),
        ["Formation 16", "Formation 17", "Formation 18"]
    );
    assert_eq!(last.previous.as_deref(), Some("/formations?page=2"));
    assert_eq!(last.next, None);

    // Past the end, or page 0: the nearest page that exists.
    let beyond = catalogue(&db, me.id, &page(Some(40), None), Utc::now())
        .await
        .unwrap();
    assert_eq!((beyond.page, titles(&beyond)), (3, titles(&last)));
    let zero = catalogue(&db, me.id, &page(Some(0), None), Utc::now())
        .await
        .unwrap();
    assert_eq!(zero.page, 1);

    // The filters travel with the links, encoded.
    let second = catalogue(&db, me.id, &page(Some(2), Some("Management")), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        second.previous.as_deref(),
        Some("/formations?theme=Management")
    );
    assert_eq!(
        second.next.as_deref(),
        Some("/formations?theme=Management&page=3")
    );
    let none = catalogue(&db, me.id, &page(None, Some("Vie & santé")), Utc::now())
        .await
        .unwrap();
    assert!(none.groups.is_empty());
    assert_eq!((none.page, none.pages, none.next), (1, 1, None));
}

/// The filters and their choices, at the edges the database now decides: a month is a Paris
/// month (a session at 23:30 on 31 July in Paris is July's, one at 00:30 on 1 August is
/// August's, though both are 31 July in UTC); the choices list what an officer could find
/// whatever is chosen, never an archived training's, a draft's or a past session's month or
/// theme; the viewer's own places are marked.
#[tokio::test]
async fn the_catalogue_filters_by_paris_month_theme_and_format_and_offers_only_what_exists() {
    catalogue_filters(&test_db().await).await;
}

/// The same on PostgreSQL, where the database sorts, groups and counts differently.
#[tokio::test]
async fn the_catalogue_filters_the_same_on_postgresql() {
    if let Some(db) = crate::testing::postgres().await {
        catalogue_filters(&db).await;
    }
}

async fn catalogue_filters(db: &sea_orm::DatabaseConnection) {
    use super::{Filters, service::catalogue};
    use crate::{entities::training as training_entity, model::TrainingFormat};
    use chrono::TimeZone;
    use sea_orm::{ActiveModelTrait, Set};

    let now = Utc.with_ymd_and_hms(2027, 1, 10, 12, 0, 0).unwrap();
    let at = |m, d, h, min| Utc.with_ymd_and_hms(2027, m, d, h, min, 0).unwrap();
    let retheme = |t: training_entity::Model, theme: &str, format, archived| {
        let mut row: training_entity::ActiveModel = t.into();
        row.theme = Set(theme.to_owned());
        row.format = Set(format);
        row.archived = Set(archived);
        row
    };
    let a = training(db, "A présentiel").await;
    let b = retheme(
        training(db, "B distanciel").await,
        "Numérique",
        TrainingFormat::Distanciel,
        false,
    )
    .update(db)
    .await
    .unwrap();
    let archived = retheme(
        training(db, "C archivée").await,
        "Archives",
        TrainingFormat::Presentiel,
        true,
    )
    .update(db)
    .await
    .unwrap();
    let drafts = retheme(
        training(db, "D brouillon et passé").await,
        "Langues",
        TrainingFormat::Hybride,
        false,
    )
    .update(db)
    .await
    .unwrap();
    // 23:30 on 31 July in Paris (summer time, UTC+2), then 02:30 on 1 August.
    let a_july = session_at(db, a.id, at(7, 31, 21, 30), 7, 10).await;
    let a_august = session_at(db, a.id, at(8, 1, 0, 30), 7, 10).await;
    // 00:30 on 1 August in Paris, then mid-September.
    let b_august = session_at(db, b.id, at(7, 31, 22, 30), 7, 10).await;
    let b_september = session_at(db, b.id, at(9, 15, 7, 0), 7, 10).await;
    session_at(db, archived.id, at(10, 1, 7, 0), 7, 10).await;
    let draft = session_at(db, drafts.id, at(11, 2, 7, 0), 7, 10).await;
    set_status(db, draft.id, SessionStatus::Brouillon).await;
    session_at(db, drafts.id, at(1, 5, 7, 0), 7, 10).await; // before `now`

    let me = officer(db, "Lecteur Filtres").await;
    enrol(db, me.id, a_july.id, now).await.unwrap();

    let list = |theme: &str, format: &str, month: &str| Filters {
        theme: Some(theme.to_owned()),
        format: Some(format.to_owned()),
        month: Some(month.to_owned()),
        page: None,
    };
    let shown = |c: &super::Catalogue| {
        c.groups
            .iter()
            .map(|g| {
                let ids = g.sessions.iter().map(|s| s.id).collect::<Vec<_>>();
                (g.title.clone(), ids)
            })
            .collect::<Vec<_>>()
    };
    let values = |choices: &[crate::model::Choice]| {
        choices
            .iter()
            .map(|c| (c.value.clone(), c.label.clone()))
            .collect::<Vec<_>>()
    };

    let all = catalogue(db, me.id, &list("", "", ""), now).await.unwrap();
    assert_eq!(
        shown(&all),
        [
            ("A présentiel".to_owned(), vec![a_july.id, a_august.id]),
            ("B distanciel".to_owned(), vec![b_august.id, b_september.id]),
        ]
    );
    assert_eq!(
        all.groups[0].sessions[0].mine,
        Some(EnrolmentStatus::Inscrit)
    );
    assert_eq!(all.groups[0].sessions[1].mine, None);
    assert_eq!(
        values(&all.themes),
        [
            ("Management".to_owned(), "Management".to_owned()),
            ("Numérique".to_owned(), "Numérique".to_owned()),
        ]
    );
    let months = [
        ("2027-07".to_owned(), "Juillet 2027".to_owned()),
        ("2027-08".to_owned(), "Août 2027".to_owned()),
        ("2027-09".to_owned(), "Septembre 2027".to_owned()),
    ];
    assert_eq!(values(&all.months), months);

    let july = catalogue(db, me.id, &list("", "", "2027-07"), now)
        .await
        .unwrap();
    assert_eq!(shown(&july), [("A présentiel".to_owned(), vec![a_july.id])]);
    // The choices do not depend on what is chosen.
    assert_eq!(
        (values(&july.themes).len(), values(&july.months)),
        (2, months.to_vec())
    );

    // In August, B comes first: its session starts earlier than A's.
    let august = catalogue(db, me.id, &list("", "", "2027-08"), now)
        .await
        .unwrap();
    assert_eq!(
        shown(&august),
        [
            ("B distanciel".to_owned(), vec![b_august.id]),
            ("A présentiel".to_owned(), vec![a_august.id]),
        ]
    );
    let remote = catalogue(db, me.id, &list("", "distanciel", ""), now)
        .await
        .unwrap();
    assert_eq!(
        shown(&remote),
        [("B distanciel".to_owned(), vec![b_august.id, b_september.id])]
    );
    let numeric_september = catalogue(db, me.id, &list("Numérique", "", "2027-09"), now)
        .await
        .unwrap();
    assert_eq!(
        shown(&numeric_september),
        [("B distanciel".to_owned(), vec![b_september.id])]
    );
    // Nothing matches: an archived training's theme, a month with only a draft, a month that
    // does not exist; the page says so and still offers every choice.
    for (theme, month) in [
        ("Archives", ""),
        ("", "2027-11"),
        ("", "2027-13"),
        ("", "juillet"),
    ] {
        let none = catalogue(db, me.id, &list(theme, "", month), now)
            .await
            .unwrap();
        assert!(none.groups.is_empty(), "{theme:?} {month:?}");
        assert_eq!((none.page, none.pages, none.next), (1, 1, None));
        assert_eq!(values(&none.months), months);
    }

    // A session planned past the first query's three years: 00:30 on 1 March 2031 in Paris
    // (winter time, UTC+1). Its month is found, in Paris time, by the months counted again.
    let far = Utc.with_ymd_and_hms(2031, 2, 28, 23, 30, 0).unwrap();
    let far = session_at(db, b.id, far, 7, 10).await;
    let later = catalogue(db, me.id, &list("", "", ""), now).await.unwrap();
    let mut with_far = months.to_vec();
    with_far.push(("2031-03".to_owned(), "Mars 2031".to_owned()));
    assert_eq!(values(&later.months), with_far);
    let march = catalogue(db, me.id, &list("", "", "2031-03"), now)
        .await
        .unwrap();
    assert_eq!(shown(&march), [("B distanciel".to_owned(), vec![far.id])]);
}

/// The catalogue reads only the columns its cards show: each group carries its training's
/// labels, each card its session's dates, place and seats, and the enrolment closes with the
/// deadline (a session whose deadline passed is still listed, as « Inscriptions closes »).
#[tokio::test]
async fn each_group_and_card_shows_its_own_training_and_session() {
    use super::{Filters, service::catalogue};
    let db = test_db().await;
    let me = officer(&db, "Lecteur Cartes").await;
    let t = training(&db, "Conduite du changement").await;
    let open = session_at(&db, t.id, in_days(30), 7, 10).await;
    let closed = session_at(&db, t.id, in_days(3), 7, 10).await;
    let c = catalogue(&db, me.id, &Filters::default(), Utc::now())
        .await
        .unwrap();
    assert_eq!(c.groups.len(), 1);
    let g = &c.groups[0];
    assert_eq!(
        (
            g.id,
            g.title.as_str(),
            g.theme.as_str(),
            g.provider.as_str()
        ),
        (t.id, "Conduite du changement", "Management", "Organisme")
    );
    assert_eq!(
        (g.format.as_str(), g.duration.as_str()),
        ("Présentiel", "1 jour (7 h)")
    );
    let cards: Vec<_> = g
        .sessions
        .iter()
        .map(|s| (s.id, s.open, s.seats.as_str(), s.place.as_str()))
        .collect();
    assert_eq!(
        cards,
        [
            (
                closed.id,
                false,
                "Inscriptions closes",
                "École militaire, Paris"
            ),
            (
                open.id,
                true,
                "10 places restantes",
                "École militaire, Paris"
            ),
        ]
    );
    assert_eq!(
        g.sessions[1].dates,
        crate::dates::span(open.starts_at, open.ends_at)
    );
}
