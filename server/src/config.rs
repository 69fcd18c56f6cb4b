//! Configuration from the environment, with the defaults documented in the README.

use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// Send the session cookie with `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Load the demo data at start on an embedded SQLite database.
    pub demo: bool,
    /// The address users reach the application at, for the links in emails.
    pub public_url: String,
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
            secure_cookies: flag("CASSIOPEE_SECURE_COOKIES", false)?,
            demo: flag("CASSIOPEE_DEMO", true)? && database_url.starts_with("sqlite:"),
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
