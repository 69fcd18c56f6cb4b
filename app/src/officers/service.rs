use super::{HistoryLine, OfficerForm, OfficerList, OfficerPage, OfficerRow};
use crate::model::max_len;
use crate::{
    accounts,
    checks::Check,
    dates,
    entities::{enrolment, officer_profile, programme, session, training, user},
    error::{AppError, AppResult},
    journal::service::{self as journal, Change, Record, Snapshot},
    model::{Choice, EnrolmentStatus, Role, SessionStatus},
    programme::service as programmes,
    records::officer::find_officer,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait, Func},
};
use std::collections::{HashMap, HashSet};

/// How many officers the list shows.
const LIST_LIMIT: u64 = 300;

/// The officer form as typed.
#[derive(Clone, Debug, Default)]
pub struct OfficerInput {
    pub display_name: String,
    pub email: String,
    pub grade: String,
    pub armee: String,
    pub phone: String,
    pub departure_date: String,
    /// New officers only; blank for none yet.
    pub password: String,
}

/// A checked officer, ready to save.
pub struct ValidOfficer {
    pub display_name: String,
    pub email: String,
    pub grade: String,
    pub armee: String,
    pub phone: Option<String>,
    pub departure_date: Option<chrono::NaiveDate>,
}

/// Checks the fields of an officer (also each line of an import), without the database.
pub fn check_fields(c: &mut Check, input: &OfficerInput) -> ValidOfficer {
    let display_name = c.text("display_name", &input.display_name, max_len::DISPLAY_NAME);
    c.optional_text("email", &input.email, max_len::EMAIL);
    let email = match accounts::normalize_email(&input.email) {
        Ok(e) => e,
        Err(e) => {
            c.fail("email", e.to_string());
            String::new()
        }
    };
    let grade = c.text("grade", &input.grade, max_len::GRADE);
    let armee = c.text("armee", &input.armee, max_len::ARMEE);
    let phone = c.optional_text("phone", &input.phone, max_len::PHONE);
    if let Some(p) = &phone
        && !p
            .chars()
            .all(|ch| ch.is_ascii_digit() || " +.-()".contains(ch))
    {
        c.fail(
            "phone",
            "Saisissez un numéro de téléphone, par exemple 06 12 34 56 78.",
        );
    }
    let departure_date = c.optional_date("departure_date", &input.departure_date);
    ValidOfficer {
        display_name,
        email,
        grade,
        armee,
        phone,
        departure_date,
    }
}

async fn email_taken<C: ConnectionTrait>(
    db: &C,
    email: &str,
    except: Option<i32>,
) -> AppResult<bool> {
    Ok(accounts::find_by_email(db, email)
        .await?
        .is_some_and(|u| Some(u.id) != except))
}

fn snapshot(u: &user::Model, p: &officer_profile::Model) -> Snapshot {
    vec![
        ("Nom", u.display_name.clone()),
        ("Adresse électronique", u.email.clone()),
        ("Grade", p.grade.clone()),
        ("Armée ou service", p.armee.clone()),
        ("Téléphone", p.phone.clone().unwrap_or_default()),
        (
            "Date de départ",
            p.departure_date
                .map(|d| dates::day(dates::end_of_day(d)))
                .unwrap_or_default(),
        ),
    ]
}

/// Inserts an officer and their profile (the caller holds the transaction and the checks).
pub async fn insert<C: ConnectionTrait>(
    txn: &C,
    actor: i32,
    v: ValidOfficer,
    password_hash: String,
    action: &str,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    let u = user::ActiveModel {
        email: Set(v.email),
        display_name: Set(v.display_name),
        role: Set(Role::Officer),
        password_hash: Set(password_hash),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let p = officer_profile::ActiveModel {
        user_id: Set(u.id),
        grade: Set(v.grade),
        armee: Set(v.armee),
        phone: Set(v.phone),
        departure_date: Set(v.departure_date),
    }
    .insert(txn)
    .await?;
    Change::new(actor, action, Record::Officer, u.id)
        .after(&snapshot(&u, &p))
        .write(txn, now)
        .await?;
    Ok(u.id)
}

pub async fn create<C>(
    db: &C,
    actor: i32,
    input: &OfficerInput,
    now: DateTime<Utc>,
) -> AppResult<i32>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut c = Check::new();
    let v = check_fields(&mut c, input);
    let password = input.password.trim();
    if !password.is_empty()
        && let Err(e) = accounts::validate_password(password)
    {
        c.fail("password", e.to_string());
    }
    // Hash before taking the write lock: it is slow on purpose.
    let hash = if password.is_empty() || c.has_error("password") {
        crate::password::NO_PASSWORD.to_owned()
    } else {
        crate::password::hash_password(password.to_owned()).await?
    };
    let txn = crate::db::begin_write(db).await?;
    if !c.has_error("email") && email_taken(&txn, &v.email, None).await? {
        c.fail("email", "Un compte existe déjà avec cette adresse.");
    }
    c.done()?;
    let id = insert(&txn, actor, v, hash, "Officier créé", now).await?;
    txn.commit().await?;
    Ok(id)
}

pub async fn update<C>(
    db: &C,
    actor: i32,
    id: i32,
    input: &OfficerInput,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let (u, p) = find_officer(&txn, id).await?;
    let mut c = Check::new();
    let v = check_fields(&mut c, input);
    if !c.has_error("email") && email_taken(&txn, &v.email, Some(id)).await? {
        c.fail("email", "Un compte existe déjà avec cette adresse.");
    }
    c.done()?;
    let before = snapshot(&u, &p);
    let mut urow: user::ActiveModel = u.into();
    urow.display_name = Set(v.display_name);
    urow.email = Set(v.email);
    let u = urow.update(&txn).await?;
    let mut prow: officer_profile::ActiveModel = p.into();
    prow.grade = Set(v.grade);
    prow.armee = Set(v.armee);
    prow.phone = Set(v.phone);
    prow.departure_date = Set(v.departure_date);
    let p = prow.update(&txn).await?;
    let after = snapshot(&u, &p);
    if before != after {
        Change::new(actor, "Fiche de l'officier modifiée", Record::Officer, id)
            .before(&before)
            .after(&after)
            .write(&txn, now)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Deactivates (or reactivates) an account. An officer holding places in sessions to come must
/// be taken out of them first, so that nobody holds a seat they cannot manage.
pub async fn set_active<C>(
    db: &C,
    actor: i32,
    id: i32,
    active: bool,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let (u, _) = find_officer(&txn, id).await?;
    if u.active == active {
        return Err(AppError::refused(if active {
            "Ce compte est déjà actif."
        } else {
            "Ce compte est déjà désactivé."
        }));
    }
    if !active {
        // Under the officer's lock: an enrolment cannot slip in between the count and the
        // deactivation.
        crate::records::officer::lock_users(&txn, &[id]).await?;
        let upcoming = enrolment::Entity::find()
            .filter(enrolment::Column::OfficerId.eq(id))
            .filter(enrolment::Column::Status.is_in(crate::records::place::LIVE))
            .find_also_related(session::Entity)
            .filter(session::Column::StartsAt.gt(now))
            .filter(session::Column::Status.ne(SessionStatus::Annulee))
            .count(&txn)
            .await?;
        if upcoming > 0 {
            return Err(AppError::refused(format!(
                "Cet officier a encore {upcoming} inscription(s) à venir : retirez-le d'abord de ces sessions."
            )));
        }
    }
    let mut row: user::ActiveModel = u.into();
    row.active = Set(active);
    row.update(&txn).await?;
    if !active {
        crate::accounts::end_sessions(&txn, id).await?;
    }
    let action = if active {
        "Compte réactivé"
    } else {
        "Compte désactivé"
    };
    Change::new(actor, action, Record::Officer, id)
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_password<C>(
    db: &C,
    actor: i32,
    id: i32,
    password: String,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let hash = crate::accounts::new_password_hash(password).await?;
    let txn = crate::db::begin_write(db).await?;
    let (u, _) = find_officer(&txn, id).await?;
    crate::accounts::replace_password(&txn, u, hash).await?;
    // Never the password itself, nor its hash.
    Change::new(
        actor,
        "Mot de passe défini par la gestion",
        Record::Officer,
        id,
    )
    .write(&txn, now)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// How many comma-separated names one search takes.
const SEARCH_PARTS: usize = 30;

/// Users whose name or address contains every word of `search` (case-insensitive). Parts
/// separated by commas, semicolons or lines are searched each on their own: « Martin, Dubois;
/// laurent » finds all three, so a list of names pasted from a message picks several officers.
pub fn name_search(search: &str) -> Condition {
    let mut any = Condition::any();
    let parts = search
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(SEARCH_PARTS);
    for part in parts {
        let mut all = Condition::all();
        for word in part.split_whitespace().take(5) {
            let pattern = format!("%{}%", word.to_lowercase().replace(['%', '_'], ""));
            let lower = |c: user::Column| Expr::expr(Func::lower(Expr::col(c)));
            all = all.add(
                Condition::any()
                    .add(lower(user::Column::DisplayName).like(pattern.clone()))
                    .add(lower(user::Column::Email).like(pattern)),
            );
        }
        any = any.add(all);
    }
    if search.trim().is_empty() {
        Condition::all()
    } else {
        any
    }
}

/// Officers matching `search` (see [`name_search`]), by name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    search: &str,
    inactive: bool,
) -> AppResult<OfficerList> {
    let cond = Condition::all()
        .add(user::Column::Role.eq(Role::Officer))
        .add(user::Column::Active.eq(!inactive))
        .add(name_search(search));
    let found = user::Entity::find()
        .filter(cond)
        .order_by_asc(user::Column::DisplayName)
        .limit(LIST_LIMIT + 1)
        .all(db)
        .await?;
    let truncated = found.len() as u64 > LIST_LIMIT;
    let ids: Vec<i32> = found.iter().map(|u| u.id).collect();
    let profiles: HashMap<i32, officer_profile::Model> = officer_profile::Entity::find()
        .filter(officer_profile::Column::UserId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    let programmes: HashMap<i32, programme::Model> = programme::Entity::find()
        .filter(programme::Column::OfficerId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.officer_id, p))
        .collect();
    let rows = found
        .into_iter()
        .take(LIST_LIMIT as usize)
        .map(|u| {
            let p = profiles.get(&u.id);
            OfficerRow {
                id: u.id,
                grade: p.map(|p| p.grade.clone()).unwrap_or_default(),
                armee: p.map(|p| p.armee.clone()).unwrap_or_default(),
                programme: programmes
                    .get(&u.id)
                    .map(|p| format!("jusqu'au {}", dates::day(dates::end_of_day(p.ends_on)))),
                name: u.display_name,
                email: u.email,
                active: u.active,
            }
        })
        .collect();
    Ok(OfficerList { rows, truncated })
}

pub async fn form<C: ConnectionTrait>(db: &C, id: Option<i32>) -> AppResult<OfficerForm> {
    let Some(id) = id else {
        return Ok(OfficerForm {
            id: None,
            name: String::new(),
            values: Vec::new(),
        });
    };
    let (u, p) = find_officer(db, id).await?;
    Ok(OfficerForm {
        id: Some(id),
        name: u.display_name.clone(),
        values: vec![
            ("display_name".into(), u.display_name),
            ("email".into(), u.email),
            ("grade".into(), p.grade),
            ("armee".into(), p.armee),
            ("phone".into(), p.phone.unwrap_or_default()),
            (
                "departure_date".into(),
                p.departure_date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ),
        ],
    })
}

/// The officer's page: profile, history of places, programme (with its editor's choices) and
/// journal.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    id: i32,
    now: DateTime<Utc>,
) -> AppResult<OfficerPage> {
    let (u, p) = find_officer(db, id).await?;
    let places = enrolment::Entity::find()
        .filter(enrolment::Column::OfficerId.eq(id))
        .find_also_related(session::Entity)
        .order_by_desc(session::Column::StartsAt)
        .all(db)
        .await?;
    let titles: HashMap<i32, String> = training::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.title))
        .collect();
    let history = places
        .into_iter()
        .filter_map(|(e, s)| s.map(|s| (e, s)))
        .map(|(e, s)| HistoryLine {
            session_id: s.id,
            title: titles.get(&s.training_id).cloned().unwrap_or_default(),
            dates: dates::span(s.starts_at, s.ends_at),
            status: e.status,
            cancelled_session: s.status == SessionStatus::Annulee,
        })
        .filter(|h| h.status != EnrolmentStatus::Desinscrit || h.cancelled_session)
        .collect();
    let programme = programmes::programme_of(db, id, now, false).await?;
    let stored = programmes::find(db, id).await?;
    let programme_values = match &stored {
        Some(p) => vec![
            (
                "starts_on".into(),
                p.starts_on.format("%Y-%m-%d").to_string(),
            ),
            ("ends_on".into(), p.ends_on.format("%Y-%m-%d").to_string()),
            ("career_goal".into(), p.career_goal.clone()),
        ],
        None => Vec::new(),
    };
    let in_programme: HashSet<i32> = programme
        .as_ref()
        .map(|p| p.items.iter().map(|i| i.training_id).collect())
        .unwrap_or_default();
    let addable = training::Entity::find()
        .filter(training::Column::Archived.eq(false))
        .order_by_asc(training::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .filter(|t| !in_programme.contains(&t.id))
        .map(|t| Choice {
            value: t.id.to_string(),
            label: t.title,
        })
        .collect();
    Ok(OfficerPage {
        id,
        can_log_in: u.password_hash.starts_with('$'),
        name: u.display_name,
        email: u.email,
        grade: p.grade,
        armee: p.armee,
        phone: p.phone.unwrap_or_default(),
        departure: p
            .departure_date
            .map(|d| dates::day(dates::end_of_day(d)))
            .unwrap_or_default(),
        active: u.active,
        history,
        programme,
        programme_values,
        addable,
        journal: journal::for_officer(db, id).await?,
    })
}
