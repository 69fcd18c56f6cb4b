//! `cassiopee`: the server binary and its operator commands (product §7).
#![recursion_limit = "256"]

mod allocator;
mod backup;
mod check;
mod cli;
mod config;
mod invariants;
mod mailer;
mod metrics;
mod password_input;
mod scheduler;
mod seed;
mod session_store;
mod simulate;
mod web;

use axum::serve::ListenerExt;
use cli::Command;
use config::Config;
use leptos::prelude::*;
use std::process::ExitCode;

fn main() -> ExitCode {
    allocator::tune();
    // The blocking pool reads the site's files (and checks passwords, one at a time): by
    // default it grows to 512 threads, and under a burst of file requests it kept a hundred,
    // each with its stack and caches, for nothing on two cores.
    match tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(16)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(start()),
        Err(e) => {
            eprintln!("Erreur : démarrage impossible ({e})");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        cli::Parsed::Run(c) => c,
        cli::Parsed::Print { text, status: 0 } => {
            println!("{}", text.trim_end());
            return ExitCode::SUCCESS;
        }
        cli::Parsed::Print { text, status } => {
            eprintln!("{text}");
            return ExitCode::from(status);
        }
    };
    let log_format = match config::LogFormat::from_env() {
        Ok(format) => format,
        Err(msg) => {
            eprintln!("Erreur : {msg}");
            return ExitCode::FAILURE;
        }
    };
    init_tracing(matches!(command, Command::Simulate(_)), log_format);
    match run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("Erreur : {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stdout, except for `simulate` (`quiet`), whose stdout is its report: there
/// only warnings, on stderr. `RUST_LOG` chooses what is logged (default: `info`, one line per
/// request among them), `CASSIOPEE_LOG_FORMAT` how.
fn init_tracing(quiet: bool, format: config::LogFormat) {
    use tracing_subscriber::EnvFilter;
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let subscriber = if quiet {
        logger(config::LogFormat::Text, filter, std::io::stderr)
    } else {
        logger(format, filter, std::io::stdout)
    };
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The log writer: plain lines, or one JSON object per line with the time, level, message and
/// fields, and the request's span (its id, method and path) on every line logged while it is
/// answered.
pub(crate) fn logger<W>(
    format: config::LogFormat,
    filter: tracing_subscriber::EnvFilter,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer);
    match format {
        config::LogFormat::Text => Box::new(builder.finish()),
        config::LogFormat::Json => Box::new(
            builder
                .json()
                .with_current_span(true)
                .with_span_list(false)
                .finish(),
        ),
    }
}

async fn run(command: Command) -> Result<(), String> {
    // `simulate` plays on its own scratch databases: no DATABASE_URL, no configuration.
    if let Command::Simulate(options) = &command {
        let started = std::time::Instant::now();
        let report = simulate::run(options).await?;
        println!("{}", report.trim_end());
        let seconds = format!("{:.1}", started.elapsed().as_secs_f64());
        eprintln!("Simulation terminée en {} s.", seconds.replace('.', ","));
        return Ok(());
    }
    let config = Config::from_env()?;
    // `check` and `backup` read the database as it is, without migrating it.
    let db = if matches!(command, Command::Check | Command::Backup(_)) {
        app::db::connect(&config.database_url).await.map_err(|e| {
            format!(
                "base de données inaccessible : {e} (base {})",
                redact(&config.database_url)
            )
        })?
    } else {
        app::db::connect_and_migrate(&config.database_url)
            .await
            .map_err(|e| format!("{e} (base {})", redact(&config.database_url)))?
    };
    match command {
        // Played above, without a database.
        Command::Simulate(_) => Ok(()),
        Command::Serve => serve(config, db).await,
        Command::Migrate => {
            println!("Schéma à jour.");
            Ok(())
        }
        Command::SeedDemo => {
            let report = seed::seed_demo(&db).await.map_err(|e| e.to_string())?;
            if report.created {
                println!(
                    "Jeu de démonstration chargé : {} officiers, {} formations, {} sessions, {} inscriptions.",
                    report.officers, report.trainings, report.sessions, report.enrolments
                );
            } else {
                println!("Jeu de démonstration déjà présent : rien à faire.");
            }
            seed::print_demo_logins();
            Ok(())
        }
        Command::CreateUser { email, name, role } => {
            let password = password_input::read_new_password()?;
            let user = app::accounts::create_user(&db, &email, &name, role, password)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Compte créé : {} ({}, {}).",
                user.email,
                user.display_name,
                role.label()
            );
            Ok(())
        }
        Command::ResetPassword { email } => {
            let password = password_input::read_new_password()?;
            let user = app::admin::service::reset_password_by_the_operator(
                &db,
                &email,
                password,
                chrono::Utc::now(),
            )
            .await
            .map_err(|e| e.to_string())?;
            println!(
                "Mot de passe changé : {} ({}) ; ses sessions sont fermées.",
                user.email, user.display_name
            );
            Ok(())
        }
        Command::Backup(file) => {
            let started = std::time::Instant::now();
            let size = backup::backup(&db, &config.database_url, &file).await?;
            println!(
                "Sauvegarde écrite : {} ({} Mo) en {} s.",
                file.display(),
                app::format::decimal(size as f64 / 1e6, 1),
                app::format::decimal(started.elapsed().as_secs_f64(), 1)
            );
            Ok(())
        }
        Command::Check => {
            let report = check::check(&db).await?;
            print!("{}", report.text);
            if report.sound {
                println!("Base saine.");
                Ok(())
            } else {
                Err("la base ne tient pas toutes ses règles (voir ci-dessus).".to_owned())
            }
        }
        Command::SeedLarge => {
            let started = std::time::Instant::now();
            let report = seed::seed_large(&db).await.map_err(|e| e.to_string())?;
            println!(
                "Jeu de mesure chargé en {:.1} s : {} officiers, {} formations, {} sessions, {} inscriptions, {} avis.",
                started.elapsed().as_secs_f64(),
                report.officers,
                report.trainings,
                report.sessions,
                report.enrolments,
                report.feedback
            );
            Ok(())
        }
    }
}

async fn serve(config: Config, db: sea_orm::DatabaseConnection) -> Result<(), String> {
    // `serve` never seeds (`cassiopee seed --demo` does, when asked): it only warns while the
    // demo accounts, whose password is published, can log in.
    let demo = seed::demo_accounts(&db).await.map_err(|e| e.to_string())?;
    if let Some(warning) = seed::demo_warning(&demo) {
        tracing::warn!("{warning}");
    }
    allocator::give_back_freed_memory();
    session_store::DbSessionStore::new(db.clone())
        .spawn_cleanup(std::time::Duration::from_secs(3600));
    tracing::info!("Courriels : {}", config.mail.describe());
    let mail = mailer::MailConfig::new(&config.mail)?;
    // Told to stop once the last request is answered (see the end of this function).
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mailer = tokio::spawn(mailer::run(
        db.clone(),
        mail,
        mailer::worker_name(),
        stopped.clone(),
    ));
    let public_url = app::notification::PublicUrl::new(&config.public_url);
    let scheduler = tokio::spawn(scheduler::run(db.clone(), public_url.clone(), stopped));
    let leptos_options = leptos_options(&config)?;
    let state = web::AppState {
        leptos_options,
        db,
        public_url,
        password_gate: app::password::PasswordGate::for_the_server(),
        trusted_proxies: config.trusted_proxies.clone(),
    };
    let app = web::router(state, &config);
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("impossible d'écouter sur {} : {e}", config.site_addr))?;
    let bound = listener
        .local_addr()
        .map_or(config.site_addr.to_string(), |a| a.to_string());
    tracing::info!("Cassiopée écoute sur http://{bound}");
    // TCP_NODELAY: a response written in two parts (headers, then body) must not wait for the
    // client's delayed acknowledgement of the first (up to 40 ms on Linux) before the second.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "TCP_NODELAY refusé sur une connexion");
        }
    });
    // Each connection shares the router (`into_make_service…`). Served as it is, axum copies the
    // whole router for each new connection (about 160 KB and 200 allocations here, for the 60
    // routes and their layers): 500 officers connecting at once held 120 MB more.
    // With each connection's address: `/metrics` is for the addresses the operator allows.
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    // No connection is accepted any more and every request in flight was answered: the batch
    // of emails being sent is finished and marked, and a round of reminders ends, before the
    // process exits (bounded, for a stuck SMTP server: an email sent but not marked is sent
    // again by the next instance, its Message-ID unchanged).
    tracing::info!("requêtes en cours terminées ; fin de l'envoi des courriels en cours");
    let _ = stop.send(true);
    let background = async {
        let _ = mailer.await;
        let _ = scheduler.await;
    };
    if tokio::time::timeout(STOP_WITHIN, background).await.is_err() {
        tracing::warn!("courriels : lot non terminé à temps, il sera repris");
    }
    tracing::info!("arrêt terminé");
    served.map_err(|e| format!("serveur arrêté : {e}"))
}

/// How long the emails being sent may take once the server stopped (systemd's
/// `TimeoutStopSec` of deploy/cassiopee@.service leaves room for it).
const STOP_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

/// Leptos options from the environment (as cargo-leptos sets them), with the binary's own
/// defaults when it runs on its own: the bundle's name, and production mode.
fn leptos_options(config: &Config) -> Result<LeptosOptions, String> {
    let mut options = get_configuration(None)
        .map_err(|e| format!("configuration Leptos : {e}"))?
        .leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "cassiopee".into();
    }
    if std::env::var("LEPTOS_ENV").is_err() {
        options.env = leptos::config::Env::PROD;
    }
    // A release build names the bundle's files after their content and lists the names in
    // `hash.txt` beside the binary (cargo-leptos `hash-files`): use them when they are there.
    if std::env::var("LEPTOS_HASH_FILES").is_err() {
        options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(&*options.hash_file)))
            .is_some_and(|file| file.is_file());
    }
    options.site_addr = config.site_addr;
    Ok(options)
}

/// Ctrl-C, or SIGTERM (systemd, a supervisor): the server stops accepting connections.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIGTERM non écouté");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("arrêt demandé : plus de nouvelle connexion");
}

/// The database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}
