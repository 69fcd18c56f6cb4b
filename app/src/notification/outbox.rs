//! The email outbox, as the sending worker sees it: claim a batch of due emails, then mark
//! each sent or failed. Rows are written by [`super::service::deliver`] in the transaction of
//! the change they tell about, so an SMTP outage delays mail but never loses it.
//!
//! Never twice: a batch is claimed by one UPDATE that marks the rows with a claim token of its
//! own; on PostgreSQL its sub-select takes `FOR UPDATE SKIP LOCKED`, so concurrent instances
//! claim disjoint rows, and on SQLite the write lock serialises claims. A row is marked sent
//! only by the claim that holds it. A claim left by a worker that died is taken over after
//! [`STALE_CLAIM`]; the one case that can then send twice is a crash between the SMTP server's
//! acceptance and the mark (each email carries a stable Message-ID, so servers can drop it).

use crate::{entities::email_outbox, error::AppResult, model::OutboxStatus};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType},
};

/// After this long a claim is presumed abandoned (its worker stopped mid-batch).
pub const STALE_CLAIM: Duration = Duration::minutes(10);
/// What is kept of a sent email that carried a personal link.
pub const ERASED: &str =
    "(Courriel contenant un lien personnel : son texte est effacé une fois envoyé.)";

/// Attempts before an email is given up (about two days of retries).
pub const MAX_ATTEMPTS: i32 = 20;

/// Wait before the next attempt after `attempts` failures: 30 s doubling, at most 3 h.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 10) - 1;
    Duration::seconds(std::cmp::min(30_i64 << exp, 3 * 3600))
}

/// What goes into the outbox: the composed email and where it comes from.
pub struct Outgoing {
    pub recipient: String,
    pub mail: super::email::Mail,
    /// The notification it tells about; none for an email that carries a personal link (its
    /// text is erased once sent).
    pub notification_id: Option<i32>,
    pub ics: Option<String>,
    pub unsubscribe_url: Option<String>,
}

/// Queues an email, in the caller's transaction, due now.
pub async fn queue<C: ConnectionTrait>(db: &C, out: Outgoing, now: DateTime<Utc>) -> AppResult<()> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let subject = crate::format::clip(&out.mail.subject, 300);
    email_outbox::ActiveModel {
        notification_id: Set(out.notification_id),
        recipient: Set(out.recipient),
        subject: Set(subject),
        body_text: Set(out.mail.text),
        body_html: Set(out.mail.html),
        ics_attachment: Set(out.ics),
        status: Set(OutboxStatus::EnAttente),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        claimed_by: Set(None),
        claimed_at: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        unsubscribe_url: Set(out.unsubscribe_url),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The emails not yet sent nor given up (waiting for their turn or their next attempt, or
/// being sent): the queue's length for `/metrics` and `cassiopee check`.
pub async fn queue_length<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.is_in([OutboxStatus::EnAttente, OutboxStatus::Envoi]))
        .count(db)
        .await?)
}

/// Claims up to `batch` due emails for `claim` (a token unique to this call) and returns them.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    claim: &str,
    batch: u64,
    now: DateTime<Utc>,
) -> AppResult<Vec<email_outbox::Model>> {
    let due = Condition::any()
        .add(
            Condition::all()
                .add(email_outbox::Column::Status.eq(OutboxStatus::EnAttente))
                .add(email_outbox::Column::NextAttemptAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(email_outbox::Column::Status.eq(OutboxStatus::Envoi))
                .add(email_outbox::Column::ClaimedAt.lt(now - STALE_CLAIM)),
        );
    let mut pick = email_outbox::Entity::find()
        .select_only()
        .column(email_outbox::Column::Id)
        .filter(due)
        .order_by_asc(email_outbox::Column::Id)
        .limit(batch)
        .into_query();
    if db.get_database_backend() == DbBackend::Postgres {
        pick.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::Status,
            Expr::value(OutboxStatus::Envoi),
        )
        .col_expr(email_outbox::Column::ClaimedBy, Expr::value(claim))
        .col_expr(email_outbox::Column::ClaimedAt, Expr::value(Some(now)))
        .filter(Expr::col(email_outbox::Column::Id).in_subquery(pick))
        .exec(db)
        .await?;
    Ok(email_outbox::Entity::find()
        .filter(email_outbox::Column::ClaimedBy.eq(claim))
        .filter(email_outbox::Column::Status.eq(OutboxStatus::Envoi))
        .order_by_asc(email_outbox::Column::Id)
        .all(db)
        .await?)
}

/// The SMTP server accepted the email.
pub async fn sent<C: ConnectionTrait>(
    db: &C,
    id: i32,
    claim: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::Status,
            Expr::value(OutboxStatus::Envoye),
        )
        .col_expr(email_outbox::Column::SentAt, Expr::value(Some(now)))
        .col_expr(
            email_outbox::Column::Attempts,
            Expr::col(email_outbox::Column::Attempts).add(1),
        )
        // An email of no notification carries a personal link (« Mot de passe oublié ? »):
        // once sent, its text is not kept, so that a copy of the database opens no account.
        .col_expr(
            email_outbox::Column::BodyText,
            Expr::case(
                Expr::col(email_outbox::Column::NotificationId).is_null(),
                ERASED,
            )
            .finally(Expr::col(email_outbox::Column::BodyText))
            .into(),
        )
        .col_expr(
            email_outbox::Column::BodyHtml,
            Expr::case(
                Expr::col(email_outbox::Column::NotificationId).is_null(),
                ERASED,
            )
            .finally(Expr::col(email_outbox::Column::BodyHtml))
            .into(),
        )
        .filter(email_outbox::Column::Id.eq(id))
        .filter(email_outbox::Column::ClaimedBy.eq(claim))
        .filter(email_outbox::Column::Status.eq(OutboxStatus::Envoi))
        .exec(db)
        .await?;
    Ok(())
}

/// Sending failed: the error is kept and the email waits for its next attempt, or is given up
/// after [`MAX_ATTEMPTS`].
pub async fn failed<C: ConnectionTrait>(
    db: &C,
    row: &email_outbox::Model,
    claim: &str,
    error: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let attempts = row.attempts + 1;
    let status = if attempts >= MAX_ATTEMPTS {
        OutboxStatus::Echec
    } else {
        OutboxStatus::EnAttente
    };
    email_outbox::Entity::update_many()
        .col_expr(email_outbox::Column::Status, Expr::value(status))
        .col_expr(email_outbox::Column::Attempts, Expr::value(attempts))
        .col_expr(
            email_outbox::Column::NextAttemptAt,
            Expr::value(now + backoff(attempts)),
        )
        .col_expr(
            email_outbox::Column::LastError,
            Expr::value(Some(error.chars().take(2000).collect::<String>())),
        )
        .col_expr(
            email_outbox::Column::ClaimedBy,
            Expr::value(Option::<String>::None),
        )
        .filter(email_outbox::Column::Id.eq(row.id))
        .filter(email_outbox::Column::ClaimedBy.eq(claim))
        .filter(email_outbox::Column::Status.eq(OutboxStatus::Envoi))
        .exec(db)
        .await?;
    Ok(())
}
