//! The email worker (product §5): drains the outbox of `app::notification::outbox` through
//! lettre, in the background of `serve`. With `CASSIOPEE_SMTP_HOST` set it speaks SMTP;
//! without, the embedded default writes each email as an `.eml` file in a folder (the demo needs
//! no mail server) and logs where.

use crate::config::{MailSettings, MailTransport, SmtpTls};
use app::{entities::email_outbox, notification::outbox};
use chrono::Utc;
use futures::stream::{FuturesUnordered, StreamExt};
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Attachment, Mailbox, MultiPart,
        header::{ContentType, Header, HeaderName, HeaderValue},
    },
    transport::smtp::authentication::Credentials,
};
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tokio::sync::watch;

/// How many emails one claim takes.
const BATCH: u64 = 20;
/// How often an idle worker looks for due emails.
const POLL: Duration = Duration::from_secs(2);

/// Where emails go.
pub enum Sender {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

/// The mail settings made ready to send: the sender address and an open transport.
pub struct MailConfig {
    pub from: Mailbox,
    pub sender: Sender,
}

impl MailConfig {
    /// Builds the transport of the settings (creates the folder of the `.eml` files).
    pub fn new(settings: &MailSettings) -> Result<MailConfig, String> {
        let sender = match &settings.transport {
            MailTransport::Smtp {
                host,
                port,
                tls,
                user,
                password,
            } => {
                let builder = match tls {
                    SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
                    SmtpTls::Plain => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                        host,
                    )),
                }
                .map_err(|e| format!("serveur SMTP « {host} » invalide : {e}"))?;
                let mut builder = builder.timeout(Some(Duration::from_secs(30)));
                if let Some(port) = port {
                    builder = builder.port(*port);
                }
                if let Some(user) = user {
                    builder = builder
                        .credentials(Credentials::new(user.clone(), password.expose().to_owned()));
                }
                Sender::Smtp(builder.build())
            }
            MailTransport::Folder(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!(
                        "impossible de créer le dossier des courriels {} : {e}",
                        dir.display()
                    )
                })?;
                Sender::Folder(AsyncFileTransport::new(dir))
            }
        };
        Ok(MailConfig {
            from: settings.from.clone(),
            sender,
        })
    }
}

/// This instance's name in the outbox claims: host and process.
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "cassiopee".to_owned());
    format!("{host}-{}", std::process::id())
}

/// Runs for the life of the server: sends what is due, then waits a little. Once `stop` says
/// so, it finishes the batch it is sending (each email answered and marked) and returns.
pub async fn run(
    db: DatabaseConnection,
    config: MailConfig,
    worker: String,
    mut stop: watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        if let Err(e) = drain_until(&db, &config, &worker, &stop).await {
            tracing::warn!(error = %e, "courriels : la file n'a pas pu être lue");
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
    }
    tracing::info!("courriels : envoi arrêté, aucun lot en cours");
}

/// Sends every email due now; returns how many were sent.
#[cfg(test)]
pub async fn drain(
    db: &DatabaseConnection,
    config: &MailConfig,
    worker: &str,
) -> Result<usize, String> {
    let (_keep, never) = watch::channel(false);
    drain_until(db, config, worker, &never).await
}

/// Sends every email due now, batch after batch, until none is left or `stop` says so (the
/// batch in hand is finished first); returns how many were sent.
async fn drain_until(
    db: &DatabaseConnection,
    config: &MailConfig,
    worker: &str,
    stop: &watch::Receiver<bool>,
) -> Result<usize, String> {
    let mut sent = 0;
    while !*stop.borrow() {
        let claim = format!("{worker}:{}", app::password::secret_token());
        let now = Utc::now();
        let rows = outbox::claim(db, &claim, BATCH, now)
            .await
            .map_err(|e| e.to_string())?;
        if rows.is_empty() {
            return Ok(sent);
        }
        // The batch goes out over several pooled SMTP connections at once (one connection
        // waits on each message's round trips); each email is marked as soon as it is answered.
        let mut answers: FuturesUnordered<_> = rows
            .iter()
            .map(|row| async move { (row, send(config, row).await) })
            .collect();
        // A mark that cannot be written (the database briefly away) is tried again, and never
        // stops the marking of the other emails in flight: an email sent but left unmarked
        // would be sent again once its claim goes stale.
        let mut unmarked = None;
        while let Some((row, result)) = answers.next().await {
            let marked = match &result {
                Ok(()) => mark(|| outbox::sent(db, row.id, &claim, Utc::now())).await,
                Err(error) => {
                    tracing::warn!(id = row.id, %error, "courriel non envoyé, nouvel essai plus tard");
                    mark(|| outbox::failed(db, row, &claim, error, Utc::now())).await
                }
            };
            if result.is_ok() {
                crate::metrics::email_sent();
            } else {
                crate::metrics::email_failed();
            }
            match marked {
                Ok(()) if result.is_ok() => sent += 1,
                Ok(()) => {}
                Err(e) => {
                    tracing::error!(id = row.id, error = %e, "courriel : état non enregistré");
                    unmarked = Some(e);
                }
            }
        }
        if let Some(e) = unmarked {
            return Err(e);
        }
    }
    Ok(sent)
}

/// Writes a mark of the outbox, trying again a few times (0.2 s, 0.4 s, 0.8 s…) when the
/// database fails.
async fn mark<F, Fut>(write: F) -> Result<(), String>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = app::error::AppResult<()>>,
{
    let mut wait = Duration::from_millis(200);
    let mut tries = 0;
    loop {
        match write().await {
            Ok(()) => return Ok(()),
            Err(e) if tries >= 4 => return Err(e.to_string()),
            Err(_) => {
                tries += 1;
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
    }
}

async fn send(config: &MailConfig, row: &email_outbox::Model) -> Result<(), String> {
    let message = build(config, row)?;
    match &config.sender {
        Sender::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        Sender::Folder(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
    }
}

/// The MIME message of an outbox row: text and HTML alternatives, and the calendar file of the
/// session when there is one. The Message-ID is stable per row.
pub fn build(config: &MailConfig, row: &email_outbox::Model) -> Result<Message, String> {
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("adresse du destinataire invalide : {e}"))?;
    let domain = config.from.email.domain().to_owned();
    let body = MultiPart::alternative_plain_html(row.body_text.clone(), row.body_html.clone());
    let builder = Message::builder()
        .from(config.from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(format!("<courriel-{}@{domain}>", row.id)))
        .header(AutoSubmitted);
    // RFC 8058: the mail client's « unsubscribe » button posts to the signed link.
    let builder = match &row.unsubscribe_url {
        Some(url) => builder
            .header(ListUnsubscribe(url.clone()))
            .header(ListUnsubscribePost),
        None => builder,
    };
    let message = match &row.ics_attachment {
        Some(ics) => {
            let method = if ics.contains("METHOD:CANCEL") {
                "CANCEL"
            } else {
                "PUBLISH"
            };
            let kind =
                ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                    .map_err(|e| e.to_string())?;
            builder.multipart(
                MultiPart::mixed()
                    .multipart(body)
                    .singlepart(Attachment::new("session.ics".to_owned()).body(ics.clone(), kind)),
            )
        }
        None => builder.multipart(body),
    };
    message.map_err(|e| e.to_string())
}

/// `Auto-Submitted: auto-generated` (RFC 3834): the email is sent by a program, so that
/// out-of-office replies and other automatic answers do not answer it.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        if s.trim().eq_ignore_ascii_case("auto-generated") {
            Ok(AutoSubmitted)
        } else {
            Err(format!("Auto-Submitted inattendu : {s}").into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `List-Unsubscribe: <https://…/desabonnement/TOKEN>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let url = s.trim().trim_start_matches('<').trim_end_matches('>');
        Ok(ListUnsubscribe(url.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the link works by one POST.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        if s.trim() == "List-Unsubscribe=One-Click" {
            Ok(ListUnsubscribePost)
        } else {
            Err(format!("List-Unsubscribe-Post inattendu : {s}").into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests;
