//! `cassiopee`: the server binary and its operator commands (product §7).
#![recursion_limit = "256"]

mod cli;
mod config;
#[cfg(test)]
mod invariants;
mod mailer;
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
    tune_the_allocator();
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

/// Tunes glibc's allocator for a server that should stay small, before any thread starts.
///
/// Each password check takes 7 MiB (argon2, `app::password`), on a thread of the blocking
/// pool. glibc keeps such a block for reuse once it was freed, in that thread's arena, so a
/// server that checked a few passwords at once held hundreds of megabytes for good. Blocks of
/// 1 MiB and more are asked of the system, and given back to it, each time (the cost is one
/// `mmap` per password check or large export, nothing beside their work).
///
/// glibc also gives each thread that allocates an arena of its own, up to eight per core: the
/// runtime's workers, its blocking pool and each SQLite connection's thread, each arena holding
/// on to what it freed. One arena per core keeps the same speed (small blocks come from each
/// thread's cache without a lock) and cut the peak of the 500-officer race from 63 to 54 MB.
fn tune_the_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores).unwrap_or(2);
        // An operator's own `MALLOC_ARENA_MAX` is left as it is.
        let arenas_given = std::env::var_os("MALLOC_ARENA_MAX").is_some();
        // SAFETY: `mallopt` only sets a parameter of the allocator; no other thread runs yet.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
            if !arenas_given {
                libc::mallopt(libc::M_ARENA_MAX, arenas);
            }
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
    init_tracing(matches!(command, Command::Simulate(_)));
    match run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("Erreur : {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stdout, except for `simulate` (`quiet`), whose stdout is its report: there
/// only warnings, on stderr.
fn init_tracing(quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if quiet {
        builder.with_writer(std::io::stderr).init();
    } else {
        builder.init();
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
    let db = app::db::connect_and_migrate(&config.database_url)
        .await
        .map_err(|e| format!("{e} (base {})", redact(&config.database_url)))?;
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
        Command::CreateUser {
            email,
            name,
            role,
            password,
        } => {
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
    session_store::DbSessionStore::new(db.clone())
        .spawn_cleanup(std::time::Duration::from_secs(3600));
    tracing::info!("Courriels : {}", config.mail.describe());
    let mail = mailer::MailConfig::new(&config.mail)?;
    tokio::spawn(mailer::run(db.clone(), mail, mailer::worker_name()));
    let public_url = app::notification::PublicUrl::new(&config.public_url);
    tokio::spawn(scheduler::run(db.clone(), public_url.clone()));
    let leptos_options = leptos_options(&config)?;
    let state = web::AppState {
        leptos_options,
        db,
        public_url,
        password_gate: app::password::PasswordGate::for_the_server(),
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
    // `into_make_service`: each connection shares the router. Served as it is, axum copies the
    // whole router for each new connection (about 160 KB and 200 allocations here, for the 60
    // routes and their layers): 500 officers connecting at once held 120 MB more.
    axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("serveur arrêté : {e}"))
}

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

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("arrêt demandé");
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
