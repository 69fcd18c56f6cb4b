use super::{TrainingForm, TrainingList, TrainingRow, TrainingSession};
use crate::model::max_len;
use crate::{
    checks::Check,
    dates,
    entities::{session, training},
    error::{AppError, AppResult},
    format::{euros, euros_input},
    journal::service::{self as journal, Change, Record, Snapshot},
    model::{SessionStatus, TrainingFormat},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// The training form as typed.
#[derive(Clone, Debug, Default)]
pub struct TrainingInput {
    pub title: String,
    pub description: String,
    pub theme: String,
    pub provider: String,
    pub format: String,
    pub duration_hours: String,
    pub default_capacity: String,
    pub fixed_cost: String,
    pub seat_cost: String,
}

/// A checked training, ready to save.
struct Valid {
    title: String,
    description: String,
    theme: String,
    provider: String,
    format: TrainingFormat,
    duration_hours: i32,
    default_capacity: i32,
    fixed_cost_cents: Option<i64>,
    seat_cost_cents: Option<i64>,
}

fn check(input: &TrainingInput) -> (Check, Valid) {
    let mut c = Check::new();
    let title = c.text("title", &input.title, max_len::TRAINING_TITLE);
    let description = c.optional_text("description", &input.description, max_len::DESCRIPTION);
    let theme = c.text("theme", &input.theme, max_len::THEME);
    let provider = c.text("provider", &input.provider, max_len::PROVIDER);
    c.optional_text("format", &input.format, 20);
    let format = TrainingFormat::from_code(input.format.trim());
    if format.is_none() {
        c.fail(
            "format",
            "Choisissez un format : présentiel, distanciel ou hybride.",
        );
    }
    let duration_hours = c.integer("duration_hours", &input.duration_hours, 1, 500);
    let default_capacity = c.integer("default_capacity", &input.default_capacity, 1, 500);
    let fixed_cost_cents = c.euros("fixed_cost", &input.fixed_cost);
    let seat_cost_cents = c.euros("seat_cost", &input.seat_cost);
    let valid = Valid {
        title,
        description: description.unwrap_or_default(),
        theme,
        provider,
        format: format.unwrap_or(TrainingFormat::Presentiel),
        duration_hours,
        default_capacity,
        fixed_cost_cents,
        seat_cost_cents,
    };
    (c, valid)
}

/// Another training (active or archived) already has this title, whatever the case.
async fn title_taken<C: ConnectionTrait>(
    db: &C,
    title: &str,
    except: Option<i32>,
) -> AppResult<bool> {
    let all = training::Entity::find()
        .select_only()
        .column(training::Column::Id)
        .column(training::Column::Title)
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?;
    let wanted = title.to_lowercase();
    Ok(all
        .into_iter()
        .any(|(id, t)| Some(id) != except && t.to_lowercase() == wanted))
}

async fn checked<C: ConnectionTrait>(
    db: &C,
    input: &TrainingInput,
    except: Option<i32>,
) -> AppResult<Valid> {
    let (mut c, valid) = check(input);
    if !c.has_error("title") && title_taken(db, &valid.title, except).await? {
        c.fail("title", "Une formation porte déjà ce titre.");
    }
    c.done()?;
    Ok(valid)
}

pub fn snapshot(t: &training::Model) -> Snapshot {
    vec![
        ("Titre", t.title.clone()),
        ("Thème", t.theme.clone()),
        ("Organisme", t.provider.clone()),
        ("Format", t.format.label().to_owned()),
        ("Durée", format!("{} h", t.duration_hours)),
        ("Capacité par défaut", t.default_capacity.to_string()),
        (
            "Coût fixe par session",
            t.fixed_cost_cents.map(euros).unwrap_or_default(),
        ),
        (
            "Coût par place",
            t.seat_cost_cents.map(euros).unwrap_or_default(),
        ),
        ("Description", t.description.clone()),
    ]
}

pub async fn create<C>(
    db: &C,
    actor: i32,
    input: &TrainingInput,
    now: DateTime<Utc>,
) -> AppResult<i32>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let v = checked(&txn, input, None).await?;
    let t = training::ActiveModel {
        title: Set(v.title),
        description: Set(v.description),
        theme: Set(v.theme),
        provider: Set(v.provider),
        format: Set(v.format),
        duration_hours: Set(v.duration_hours),
        default_capacity: Set(v.default_capacity),
        fixed_cost_cents: Set(v.fixed_cost_cents),
        seat_cost_cents: Set(v.seat_cost_cents),
        archived: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Change::new(actor, "Formation créée", Record::Training, t.id)
        .after(&snapshot(&t))
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(t.id)
}

pub async fn update<C>(
    db: &C,
    actor: i32,
    id: i32,
    input: &TrainingInput,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let old = find(&txn, id).await?;
    let v = checked(&txn, input, Some(id)).await?;
    let mut row: training::ActiveModel = old.clone().into();
    row.title = Set(v.title);
    row.description = Set(v.description);
    row.theme = Set(v.theme);
    row.provider = Set(v.provider);
    row.format = Set(v.format);
    row.duration_hours = Set(v.duration_hours);
    row.default_capacity = Set(v.default_capacity);
    row.fixed_cost_cents = Set(v.fixed_cost_cents);
    row.seat_cost_cents = Set(v.seat_cost_cents);
    row.updated_at = Set(now);
    let new = row.update(&txn).await?;
    let (before, after) = (snapshot(&old), snapshot(&new));
    if before != after {
        Change::new(actor, "Formation modifiée", Record::Training, id)
            .before(&before)
            .after(&after)
            .write(&txn, now)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn set_archived<C>(
    db: &C,
    actor: i32,
    id: i32,
    archived: bool,
    now: DateTime<Utc>,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let old = find(&txn, id).await?;
    if old.archived == archived {
        return Err(AppError::refused(if archived {
            "Cette formation est déjà archivée."
        } else {
            "Cette formation est déjà active."
        }));
    }
    let mut row: training::ActiveModel = old.into();
    row.archived = Set(archived);
    row.updated_at = Set(now);
    row.update(&txn).await?;
    let action = if archived {
        "Formation archivée"
    } else {
        "Formation réactivée"
    };
    Change::new(actor, action, Record::Training, id)
        .write(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn find<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<training::Model> {
    training::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Active trainings (or the archived ones), by theme then title, with their upcoming sessions.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    archived: bool,
    now: DateTime<Utc>,
) -> AppResult<TrainingList> {
    let trainings = training::Entity::find()
        .filter(training::Column::Archived.eq(archived))
        .order_by_asc(training::Column::Theme)
        .order_by_asc(training::Column::Title)
        .all(db)
        .await?;
    let upcoming: HashMap<i32, i64> = session::Entity::find()
        .select_only()
        .column(session::Column::TrainingId)
        .column_as(session::Column::Id.count(), "n")
        .filter(session::Column::StartsAt.gt(now))
        .filter(session::Column::Status.is_in([SessionStatus::Brouillon, SessionStatus::Publiee]))
        .group_by(session::Column::TrainingId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let archived_count = training::Entity::find()
        .filter(training::Column::Archived.eq(true))
        .count(db)
        .await?;
    let rows = trainings
        .into_iter()
        .map(|t| TrainingRow {
            id: t.id,
            cost: cost_label(&t),
            title: t.title,
            theme: t.theme,
            provider: t.provider,
            format: t.format.label().to_owned(),
            duration: format!("{} h", t.duration_hours),
            capacity: t.default_capacity,
            archived: t.archived,
            upcoming_sessions: upcoming.get(&t.id).copied().unwrap_or(0).max(0) as u64,
        })
        .collect();
    Ok(TrainingList {
        rows,
        archived_count,
    })
}

/// « 5 000 € par session + 300 € par place ».
pub fn cost_label(t: &training::Model) -> String {
    match (t.fixed_cost_cents, t.seat_cost_cents) {
        (Some(f), Some(s)) => format!("{} par session + {} par place", euros(f), euros(s)),
        (Some(f), None) => format!("{} par session", euros(f)),
        (None, Some(s)) => format!("{} par place", euros(s)),
        (None, None) => "Sans coût".to_owned(),
    }
}

pub async fn form<C: ConnectionTrait>(db: &C, id: Option<i32>) -> AppResult<TrainingForm> {
    let themes: Vec<String> = training::Entity::find()
        .select_only()
        .column(training::Column::Theme)
        .distinct()
        .order_by_asc(training::Column::Theme)
        .into_tuple::<String>()
        .all(db)
        .await?;
    let Some(id) = id else {
        return Ok(TrainingForm {
            id: None,
            title: String::new(),
            archived: false,
            values: vec![
                ("format".into(), TrainingFormat::Presentiel.code().into()),
                ("default_capacity".into(), "12".into()),
            ],
            themes,
            sessions: Vec::new(),
            journal: Vec::new(),
        });
    };
    let t = find(db, id).await?;
    let sessions = session::Entity::find()
        .filter(session::Column::TrainingId.eq(id))
        .order_by_desc(session::Column::StartsAt)
        .all(db)
        .await?
        .into_iter()
        .map(|s| TrainingSession {
            id: s.id,
            dates: dates::span(s.starts_at, s.ends_at),
            status: s.status.label().to_owned(),
            seats: format!("{} / {}", s.seats_taken, s.capacity),
        })
        .collect();
    let values = vec![
        ("title".into(), t.title.clone()),
        ("description".into(), t.description.clone()),
        ("theme".into(), t.theme.clone()),
        ("provider".into(), t.provider.clone()),
        ("format".into(), t.format.code().into()),
        ("duration_hours".into(), t.duration_hours.to_string()),
        ("default_capacity".into(), t.default_capacity.to_string()),
        ("fixed_cost".into(), euros_input(t.fixed_cost_cents)),
        ("seat_cost".into(), euros_input(t.seat_cost_cents)),
    ];
    Ok(TrainingForm {
        id: Some(id),
        title: t.title,
        archived: t.archived,
        values,
        themes,
        sessions,
        journal: journal::for_training(db, id).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_db;

    fn input(title: &str) -> TrainingInput {
        TrainingInput {
            title: title.into(),
            description: "Pour diriger un conseil.".into(),
            theme: "Gouvernance".into(),
            provider: "IFA".into(),
            format: "hybride".into(),
            duration_hours: "14".into(),
            default_capacity: "12".into(),
            fixed_cost: "4 800".into(),
            seat_cost: "250,50".into(),
        }
    }

    #[tokio::test]
    async fn create_edit_archive_with_journal() {
        let db = test_db().await;
        let staff =
            crate::testing::user_with_role(&db, "Claire Gestion", crate::model::Role::Staff).await;
        let now = Utc::now();
        let id = create(&db, staff.id, &input("Administrateur de société"), now)
            .await
            .unwrap();
        let t = find(&db, id).await.unwrap();
        assert_eq!(t.format, TrainingFormat::Hybride);
        assert_eq!(t.fixed_cost_cents, Some(480_000));
        assert_eq!(t.seat_cost_cents, Some(25_050));

        let mut changed = input("Administrateur de société");
        changed.default_capacity = "15".into();
        update(&db, staff.id, id, &changed, now).await.unwrap();
        set_archived(&db, staff.id, id, true, now).await.unwrap();
        assert!(list(&db, false, now).await.unwrap().rows.is_empty());
        assert_eq!(list(&db, true, now).await.unwrap().rows.len(), 1);

        let lines = journal::for_training(&db, id).await.unwrap();
        let actions: Vec<&str> = lines.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "Formation archivée",
                "Formation modifiée",
                "Formation créée"
            ]
        );
        assert_eq!(lines[1].details, ["Capacité par défaut : 12 → 15"]);
        assert_eq!(lines[1].actor, "Claire Gestion");
    }

    #[tokio::test]
    async fn bad_fields_are_all_reported_and_nothing_saved() {
        let db = test_db().await;
        let staff =
            crate::testing::user_with_role(&db, "Claire Gestion", crate::model::Role::Staff).await;
        let now = Utc::now();
        create(&db, staff.id, &input("Lire un bilan"), now)
            .await
            .unwrap();
        let mut bad = input("lire un BILAN");
        bad.format = "en plein air".into();
        bad.default_capacity = "0".into();
        bad.fixed_cost = "beaucoup".into();
        let Err(AppError::Invalid(e)) = create(&db, staff.id, &bad, now).await else {
            panic!("refused");
        };
        let fields: Vec<&str> = e.fields.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            ["format", "default_capacity", "fixed_cost", "title"]
        );
        assert_eq!(
            e.message("title").as_deref(),
            Some("Une formation porte déjà ce titre.")
        );
        assert_eq!(e.value("fixed_cost").as_deref(), Some("beaucoup"));
        assert_eq!(training::Entity::find().count(&db).await.unwrap(), 1);
    }
}
