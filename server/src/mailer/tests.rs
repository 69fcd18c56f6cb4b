//! The worker against a real SMTP server: aiosmtpd (aio-libs), started by the tests with its
//! Maildir handler, so that what arrives is read back from disk as a mail client would.

use super::*;
use app::{
    enrolment::actions::{enrol, withdraw},
    entities::email_outbox,
    model::OutboxStatus,
    testing::{officer, session_at, training},
};
use chrono::Duration as Days;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::{
    collections::HashSet,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
};

/// An aiosmtpd server writing what it receives into `dir` (a Maildir); stopped when dropped.
struct SmtpServer {
    child: Child,
    dir: PathBuf,
}

impl SmtpServer {
    fn start(port: u16, dir: &Path) -> SmtpServer {
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd; scripts/setup.sh test does it)");
        let server = SmtpServer {
            child,
            dir: dir.to_owned(),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start on port {port}");
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Every message received so far, parsed.
    fn received(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                out.push(std::fs::read(e.path()).unwrap());
            }
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A path for a new Maildir: aiosmtpd creates it (with its `tmp`, `new`, `cur`) if absent.
fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "cassiopee_smtp_{name}_{}_{}",
        std::process::id(),
        app::password::secret_token()
    ))
}

/// A plain SMTP transport (no TLS) to `host:port`, as the tests and the benchmark use it.
fn plain_smtp(host: &str, port: u16) -> Sender {
    Sender::Smtp(
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(Duration::from_secs(10)))
            .build(),
    )
}

fn config(port: u16) -> MailConfig {
    MailConfig {
        from: "Cassiopée <ne-pas-repondre@mirvog.test>".parse().unwrap(),
        sender: plain_smtp("127.0.0.1", port),
    }
}

fn header(mail: &mailparse::ParsedMail, name: &str) -> String {
    mail.headers
        .iter()
        .find(|h| h.get_key().eq_ignore_ascii_case(name))
        .map(|h| h.get_value())
        .unwrap_or_default()
}

/// The text/calendar part of a message, decoded.
fn calendar_part(mail: &mailparse::ParsedMail) -> Option<String> {
    if mail.ctype.mimetype == "text/calendar" {
        return mail.get_body().ok();
    }
    mail.subparts.iter().find_map(calendar_part)
}

/// The text/plain part of a message.
fn text_part(mail: &mailparse::ParsedMail) -> Option<String> {
    if mail.ctype.mimetype == "text/plain" {
        return mail.get_body().ok();
    }
    mail.subparts.iter().find_map(text_part)
}

#[tokio::test]
async fn a_promotion_email_arrives_through_smtp() {
    let db = app::testing::file_sqlite().await;
    let t = training(&db, "Lire un bilan").await;
    let s = session_at(&db, t.id, Utc::now() + Days::days(20), 7, 1).await;
    let first = officer(&db, "Anne Premiere").await;
    let second = officer(&db, "Bruno Second").await;
    enrol(&db, first.id, s.id, Utc::now()).await.unwrap();
    enrol(&db, second.id, s.id, Utc::now()).await.unwrap();
    withdraw(&db, first.id, s.id, Utc::now()).await.unwrap();

    let port = free_port();
    let server = SmtpServer::start(port, &temp_dir("promotion"));
    let sent = drain(&db, &config(port), "test").await.unwrap();
    assert_eq!(sent, 4, "confirmation, waitlist, withdrawal, promotion");
    let mails: Vec<Vec<u8>> = server.received();
    assert_eq!(mails.len(), 4);
    let parsed: Vec<mailparse::ParsedMail> = mails
        .iter()
        .map(|m| mailparse::parse_mail(m).unwrap())
        .collect();
    let promotion = parsed
        .iter()
        .find(|m| header(m, "Subject").contains("Une place s'est libérée"))
        .expect("the promotion email");
    assert_eq!(header(promotion, "To"), second.email);
    assert_eq!(
        header(promotion, "Subject"),
        "[Cassiopée] Une place s'est libérée : vous êtes inscrit à Lire un bilan"
    );
    let text = text_part(promotion).unwrap();
    assert!(text.contains("Bonjour Bruno Second,"), "{text}");
    assert!(text.contains(&format!("/sessions/{}", s.id)), "{text}");
    assert!(header(promotion, "Message-ID").starts_with("<courriel-"));
    // RFC 3834: sent by a program, so that out-of-office replies do not answer it.
    assert_eq!(header(promotion, "Auto-Submitted"), "auto-generated");
    // RFC 8058: one POST to the signed link turns promotions off for Bruno, without login.
    let unsubscribe = header(promotion, "List-Unsubscribe");
    let link = unsubscribe
        .strip_prefix('<')
        .and_then(|l| l.strip_suffix('>'))
        .and_then(|l| l.split_once("/desabonnement/"))
        .map(|(_, token)| token)
        .unwrap_or_else(|| panic!("{unsubscribe}"));
    assert_eq!(
        header(promotion, "List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    assert_eq!(
        app::notification::unsubscribe::check(&db, link)
            .await
            .unwrap(),
        Some((second.id, app::model::NotificationKind::Promotion))
    );
    // The session as a calendar entry, at the right time in Paris.
    let ics = calendar_part(promotion).expect("a .ics attachment");
    let cal: icalendar::Calendar = ics.parse().expect("a parseable calendar");
    use icalendar::Component;
    let event = cal.events().next().expect("the session");
    let start = event.properties().get("DTSTART").unwrap();
    assert_eq!(start.params().get("TZID").unwrap().value(), "Europe/Paris");
    let paris = s.starts_at.with_timezone(&chrono_tz::Europe::Paris);
    assert_eq!(start.value(), paris.format("%Y%m%dT%H%M%S").to_string());
    assert_eq!(cal.property_value("METHOD"), Some("PUBLISH"));
    let rows = email_outbox::Entity::find().all(&db).await.unwrap();
    assert!(
        rows.iter()
            .all(|r| r.status == OutboxStatus::Envoye && r.sent_at.is_some())
    );
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_arrives_once_when_it_is_back() {
    let db = app::testing::file_sqlite().await;
    let t = training(&db, "Négocier").await;
    let s = session_at(&db, t.id, Utc::now() + Days::days(20), 7, 10).await;
    for n in 0..5 {
        let o = officer(&db, &format!("Officier {n}")).await;
        enrol(&db, o.id, s.id, Utc::now()).await.unwrap();
    }
    let port = free_port();
    let cfg = config(port);

    // Nobody listens: every email fails, keeps its error and waits.
    assert_eq!(drain(&db, &cfg, "test").await.unwrap(), 0);
    let rows = email_outbox::Entity::find().all(&db).await.unwrap();
    assert_eq!(rows.len(), 5);
    for r in &rows {
        assert_eq!(r.status, OutboxStatus::EnAttente);
        assert_eq!(r.attempts, 1);
        assert!(r.last_error.is_some());
        assert!(r.next_attempt_at > Utc::now());
    }
    // Not due yet: nothing is tried again.
    assert_eq!(drain(&db, &cfg, "test").await.unwrap(), 0);
    assert_eq!(
        email_outbox::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.attempts)
            .sum::<i32>(),
        5
    );

    // The server is back; once the wait is over, every email arrives, once.
    let server = SmtpServer::start(port, &temp_dir("outage"));
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(Utc::now() - Days::seconds(1)),
        )
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(drain(&db, &cfg, "test").await.unwrap(), 5);
    assert_eq!(drain(&db, &cfg, "test").await.unwrap(), 0);
    let ids: HashSet<String> = server
        .received()
        .iter()
        .map(|m| header(&mailparse::parse_mail(m).unwrap(), "Message-ID"))
        .collect();
    assert_eq!(server.received().len(), 5);
    assert_eq!(ids.len(), 5);
    server.stop();
}

/// `n` queued emails to one officer: a real confirmation (text, HTML, .ics) and its copies.
async fn queue(db: &sea_orm::DatabaseConnection, n: usize) {
    let t = training(db, "Gouvernance").await;
    let s = session_at(db, t.id, Utc::now() + Days::days(20), 7, 10).await;
    let o = officer(db, "Destinataire Unique").await;
    enrol(db, o.id, s.id, Utc::now()).await.unwrap();
    let model = email_outbox::Entity::find().one(db).await.unwrap().unwrap();
    for chunk in (1..n).collect::<Vec<_>>().chunks(200) {
        let copies = chunk.iter().map(|_| {
            let mut m: email_outbox::ActiveModel = model.clone().into();
            m.id = sea_orm::ActiveValue::NotSet;
            m
        });
        email_outbox::Entity::insert_many(copies)
            .exec(db)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn two_workers_on_postgresql_send_each_of_500_mails_once() {
    let Some(url) = app::testing::postgres_url().await else {
        return;
    };
    let db = app::db::connect_and_migrate(&url).await.unwrap();
    queue(&db, 500).await;
    assert_eq!(
        email_outbox::Entity::find()
            .filter(email_outbox::Column::Status.eq(OutboxStatus::EnAttente))
            .all(&db)
            .await
            .unwrap()
            .len(),
        500
    );

    let port = free_port();
    let server = SmtpServer::start(port, &temp_dir("two_workers"));
    // Two instances: their own pools on the same database.
    let other = app::db::connect(&url).await.unwrap();
    let (config_a, config_b) = (config(port), config(port));
    let (a, b) = tokio::join!(
        drain(&db, &config_a, "instance-a"),
        drain(&other, &config_b, "instance-b")
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, 500, "a sent {a}, b sent {b}");
    assert!(a > 0 && b > 0, "both worked: a {a}, b {b}");
    let received = server.received();
    assert_eq!(received.len(), 500);
    let ids: HashSet<String> = received
        .iter()
        .map(|m| header(&mailparse::parse_mail(m).unwrap(), "Message-ID"))
        .collect();
    assert_eq!(ids.len(), 500, "no email twice");
    let left = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.ne(OutboxStatus::Envoye))
        .all(&db)
        .await
        .unwrap();
    assert!(left.is_empty());
}

#[tokio::test]
async fn a_database_error_while_marking_loses_no_mark_and_sends_nothing_twice() {
    use sea_orm::ConnectionTrait;
    let db = app::testing::file_sqlite().await;
    queue(&db, 5).await;
    // The first « sent » mark fails once, as a database that drops a connection would.
    let trigger = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // A sequence counts outside the failing statement's transaction.
        "CREATE SEQUENCE panne;
         CREATE FUNCTION panne_une_fois() RETURNS trigger AS $$
         BEGIN
             IF NEW.status = 'envoye' AND nextval('panne') = 1 THEN
                 RAISE EXCEPTION 'panne simulée de la base';
             END IF;
             RETURN NEW;
         END $$ LANGUAGE plpgsql;
         CREATE TRIGGER panne_une_fois BEFORE UPDATE OF status ON email_outbox
         FOR EACH ROW EXECUTE FUNCTION panne_une_fois();"
    } else {
        "CREATE TABLE panne (restantes INTEGER NOT NULL);
         INSERT INTO panne VALUES (1);
         CREATE TRIGGER panne_une_fois BEFORE UPDATE OF status ON email_outbox
         WHEN NEW.status = 'envoye' AND (SELECT restantes FROM panne) > 0
         BEGIN
             UPDATE panne SET restantes = restantes - 1;
             SELECT RAISE(FAIL, 'panne simulée de la base');
         END;"
    };
    db.execute_unprepared(trigger).await.unwrap();
    let port = free_port();
    let server = SmtpServer::start(port, &temp_dir("mark_fails_once"));
    let cfg = config(port);
    // Every email in flight is marked; the failed mark is made again.
    let first = drain(&db, &cfg, "test").await;
    let rows = email_outbox::Entity::find().all(&db).await.unwrap();
    assert!(
        rows.iter().all(|r| r.status == OutboxStatus::Envoye),
        "first drain: {first:?}, {:?}",
        rows.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(first, Ok(5));
    // Later runs, even once a stale claim would be taken over, send nothing again.
    assert_eq!(drain(&db, &cfg, "test").await, Ok(0));
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::ClaimedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now() - Days::hours(1))),
        )
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(drain(&db, &cfg, "test").await, Ok(0));
    assert_eq!(server.received().len(), 5, "each email once");
    server.stop();
}

/// Benchmark (run by `bench/mail-throughput.sh`, not by the suite): one worker sends 1,000
/// queued emails to aiosmtpd; prints emails per second.
#[tokio::test]
#[ignore = "benchmark: bench/mail-throughput.sh"]
async fn throughput() {
    const N: usize = 1000;
    let db = app::testing::file_sqlite().await;
    queue(&db, N).await;
    let port = free_port();
    let server = SmtpServer::start(port, &temp_dir("bench"));
    let started = std::time::Instant::now();
    let sent = drain(&db, &config(port), "bench").await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(sent, N);
    assert_eq!(server.received().len(), N);
    println!(
        "mail throughput: {N} emails (text, HTML and .ics) to aiosmtpd in {seconds:.2} s = {:.0} emails/s (one worker, SQLite outbox)",
        N as f64 / seconds
    );
}
