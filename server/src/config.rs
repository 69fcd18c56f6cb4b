//! Configuration from the environment, with the defaults documented in the README: the one
//! place that reads it. Every value is checked here, with a French message naming the variable.

use crate::web::client_addr::Networks;
use lettre::message::Mailbox;
use std::{fmt, net::SocketAddr, path::PathBuf};

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// Send the session cookie with `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// The address users reach the application at, for the links in emails.
    pub public_url: String,
    /// Where and how emails go.
    pub mail: MailSettings,
    /// The proxies whose `X-Forwarded-For` is believed (`CASSIOPEE_TRUSTED_PROXIES`).
    pub trusted_proxies: Networks,
    /// Who may read `/metrics` (`CASSIOPEE_METRICS_ALLOW`).
    pub metrics_allow: Networks,
}

/// The mail settings (`CASSIOPEE_MAIL_*`, `CASSIOPEE_SMTP_*`).
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub from: Mailbox,
    pub transport: MailTransport,
}

#[derive(Clone, Debug)]
pub enum MailTransport {
    /// An SMTP server.
    Smtp {
        host: String,
        /// Unset: the usual port of `tls` (587, 465 or 25).
        port: Option<u16>,
        tls: SmtpTls,
        user: Option<String>,
        password: Secret,
    },
    /// No SMTP server: each email is written as an `.eml` file in this folder.
    Folder(PathBuf),
}

/// How the SMTP connection is secured (`CASSIOPEE_SMTP_TLS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// `starttls` (the default).
    StartTls,
    /// `tls`: implicit TLS.
    Tls,
    /// `aucun`: plain, for a local relay.
    Plain,
}

/// A value that never appears in logs or debug output.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl MailSettings {
    pub fn from_env() -> Result<MailSettings, String> {
        let from = var("CASSIOPEE_MAIL_FROM")
            .unwrap_or_else(|| "Cassiopée <ne-pas-repondre@cassiopee.invalid>".to_owned());
        let from: Mailbox = from.parse().map_err(|_| {
            format!(
                "CASSIOPEE_MAIL_FROM invalide : « {from} » (attendu : Cassiopée <adresse@exemple.fr>)."
            )
        })?;
        let transport = match var("CASSIOPEE_SMTP_HOST") {
            Some(host) => {
                let tls = match var("CASSIOPEE_SMTP_TLS").as_deref().unwrap_or("starttls") {
                    "starttls" => SmtpTls::StartTls,
                    "tls" => SmtpTls::Tls,
                    "aucun" | "none" => SmtpTls::Plain,
                    other => {
                        return Err(format!(
                            "CASSIOPEE_SMTP_TLS invalide : « {other} » (attendu : starttls, tls ou aucun)."
                        ));
                    }
                };
                let port = match var("CASSIOPEE_SMTP_PORT") {
                    Some(p) => Some(
                        p.parse()
                            .map_err(|_| format!("CASSIOPEE_SMTP_PORT invalide : « {p} »."))?,
                    ),
                    None => None,
                };
                MailTransport::Smtp {
                    host,
                    port,
                    tls,
                    user: var("CASSIOPEE_SMTP_USER"),
                    password: Secret(var("CASSIOPEE_SMTP_PASSWORD").unwrap_or_default()),
                }
            }
            None => MailTransport::Folder(PathBuf::from(
                var("CASSIOPEE_MAIL_DIR").unwrap_or_else(|| "data/courriels".to_owned()),
            )),
        };
        Ok(MailSettings { from, transport })
    }

    /// Where mail goes, for the start-up log line.
    pub fn describe(&self) -> String {
        match &self.transport {
            MailTransport::Smtp { host, .. } => format!("serveur SMTP {host}"),
            MailTransport::Folder(dir) => format!(
                "aucun serveur SMTP configuré : les courriels sont écrits dans {}",
                dir.display()
            ),
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let database_url =
            var("DATABASE_URL").unwrap_or_else(|| app::db::DEFAULT_DATABASE_URL.to_owned());
        let addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let site_addr = addr.parse().map_err(|_| {
            format!("LEPTOS_SITE_ADDR invalide : « {addr} » (attendu : 127.0.0.1:3000).")
        })?;
        let public_url = var("CASSIOPEE_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        if !public_url.starts_with("http://") && !public_url.starts_with("https://") {
            return Err(format!(
                "CASSIOPEE_PUBLIC_URL invalide : « {public_url} » (attendu : https://cassiopee.exemple.fr)."
            ));
        }
        Ok(Config {
            public_url,
            mail: MailSettings::from_env()?,
            secure_cookies: flag("CASSIOPEE_SECURE_COOKIES", false)?,
            trusted_proxies: Networks::parse(
                "CASSIOPEE_TRUSTED_PROXIES",
                &var("CASSIOPEE_TRUSTED_PROXIES").unwrap_or_default(),
            )?,
            metrics_allow: Networks::parse(
                "CASSIOPEE_METRICS_ALLOW",
                &var("CASSIOPEE_METRICS_ALLOW").unwrap_or_else(|| "127.0.0.1, ::1".to_owned()),
            )?,
            database_url,
            site_addr,
        })
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &str, default: bool) -> Result<bool, String> {
    match var(name).as_deref().map(str::to_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "oui" | "yes") => Ok(true),
        Some("0" | "false" | "non" | "no") => Ok(false),
        Some(other) => Err(format!(
            "{name} invalide : « {other} » (attendu : true ou false)."
        )),
    }
}

/// How log lines are written (`CASSIOPEE_LOG_FORMAT`): plain text for a person (`texte`, the
/// default), or one JSON object per line for a log collector (`json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    pub fn from_env() -> Result<LogFormat, String> {
        match var("CASSIOPEE_LOG_FORMAT")
            .map(|v| v.trim().to_lowercase())
            .as_deref()
        {
            None | Some("texte" | "text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => Err(format!(
                "CASSIOPEE_LOG_FORMAT invalide : « {other} » (attendu : texte ou json)."
            )),
        }
    }
}
