//! Command line of the `cassiopee` binary (product §7), on `clap` (derive) with French help
//! texts. clap's own messages are English, so its errors are rewritten in French here
//! (`french_error`); a mistake exits with status 2, as before.

use crate::simulate::{self, Options};
use app::model::Role;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand};

const HELP_TEMPLATE: &str = "\
{about}

Utilisation : {usage}

{all-args}{after-help}";

const AFTER_HELP: &str = "\
La base est choisie par DATABASE_URL (sqlite://… ou postgres://…) et l'adresse d'écoute par
LEPTOS_SITE_ADDR ; voir README.md.";

#[derive(Debug, Parser)]
#[command(
    name = "cassiopee",
    about = "Cassiopée : la gestion des formations de la MiRVOG.",
    help_template = HELP_TEMPLATE,
    after_help = AFTER_HELP,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    disable_help_flag = true,
    disable_help_subcommand = true,
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
    /// Affiche cette aide
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true,
          display_order = 1000)]
    help: Option<bool>,
}

#[derive(Debug, Subcommand)]
#[command(help_template = HELP_TEMPLATE)]
enum Sub {
    /// Démarre le serveur web (commande par défaut)
    #[command(help_template = HELP_TEMPLATE)]
    Serve,
    /// Met le schéma de la base à jour
    #[command(help_template = HELP_TEMPLATE)]
    Migrate,
    /// Charge un jeu de données : --demo (démonstration) ou --large (mesures de performance)
    #[command(help_template = HELP_TEMPLATE)]
    Seed(SeedArgs),
    /// Crée un compte ; le mot de passe est demandé (ou lu sur l'entrée standard)
    #[command(name = "create-user", help_template = HELP_TEMPLATE, after_help = PASSWORD_HELP)]
    CreateUser(CreateUserArgs),
    /// Donne un nouveau mot de passe à un compte et ferme ses sessions ; il est demandé (ou lu
    /// sur l'entrée standard)
    #[command(name = "reset-password", help_template = HELP_TEMPLATE, after_help = PASSWORD_HELP)]
    ResetPassword(ResetPasswordArgs),
    /// Écrit une copie cohérente de la base dans FICHIER, pendant que le serveur tourne
    /// (SQLite : VACUUM INTO ; PostgreSQL : pg_dump, qui doit être installé)
    #[command(help_template = HELP_TEMPLATE)]
    Backup(BackupArgs),
    /// Vérifie la base sans la modifier : schéma, intégrité, règles du §3, nombre de lignes
    #[command(help_template = HELP_TEMPLATE)]
    Check,
    /// Simule une année de la MiRVOG avec Cassiopée et à l'ère du courriel, et compare le
    /// remplissage (sur une base temporaire, sans toucher à DATABASE_URL)
    #[command(help_template = HELP_TEMPLATE)]
    Simulate(simulate::Flags),
    /// Affiche cette aide
    #[command(help_template = HELP_TEMPLATE)]
    Help,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct SeedArgs {
    /// Le jeu de démonstration, comptes de chaque rôle compris (sans effet s'il est déjà chargé)
    #[arg(long)]
    demo: bool,
    /// Le jeu de mesure : trois ans, 2 000 officiers, 300 formations, 3 000 sessions
    /// (refusé sur une base qui contient déjà des données)
    #[arg(long)]
    large: bool,
}

#[derive(Debug, Args)]
struct CreateUserArgs {
    /// Adresse électronique du compte
    #[arg(long, value_name = "ADRESSE")]
    email: String,
    /// Nom affiché
    #[arg(long, value_name = "NOM")]
    name: String,
    /// Rôle : officer, staff ou admin
    #[arg(long, value_name = "RÔLE", value_parser = parse_role)]
    role: Role,
    /// Refused: see [`PASSWORD_ON_THE_COMMAND_LINE`].
    #[arg(long, hide = true)]
    password: Option<String>,
}

#[derive(Debug, Args)]
struct BackupArgs {
    /// Le fichier à écrire (jamais un fichier existant)
    #[arg(value_name = "FICHIER")]
    file: std::path::PathBuf,
}

#[derive(Debug, Args)]
struct ResetPasswordArgs {
    /// Adresse électronique du compte
    #[arg(long, value_name = "ADRESSE")]
    email: String,
    /// Refused: see [`PASSWORD_ON_THE_COMMAND_LINE`].
    #[arg(long, hide = true)]
    password: Option<String>,
}

const PASSWORD_HELP: &str = "\
Le mot de passe (10 caractères au moins) est demandé deux fois, sans écho, quand la commande est
lancée dans un terminal ; sinon il est lu sur la première ligne de l'entrée standard :
  printf '%s\\n' \"$MOT_DE_PASSE\" | cassiopee reset-password --email …
Jamais sur la ligne de commande : la liste des processus et l'historique du shell la gardent.";

/// A password given with `--password` would stay in the process list and the shell history.
const PASSWORD_ON_THE_COMMAND_LINE: &str = "le mot de passe ne se donne pas sur la ligne de \
commande (la liste des processus et l'historique du shell le garderaient) : lancez la commande \
sans --password, elle le demande, ou donnez-le sur l'entrée standard.";

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!("rôle inconnu « {text} » (valeurs possibles : officer, staff, admin)")
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    SeedDemo,
    SeedLarge,
    /// The password is read afterwards (`password_input`), never from the arguments.
    CreateUser {
        email: String,
        name: String,
        role: Role,
    },
    ResetPassword {
        email: String,
    },
    Backup(std::path::PathBuf),
    Check,
    Simulate(Options),
}

/// What the arguments ask for: a command, or text to print and an exit status (help: 0,
/// mistake: 2).
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Command),
    Print { text: String, status: u8 },
}

/// Parses the arguments that follow the program name.
pub fn parse(args: &[String]) -> Parsed {
    let argv = std::iter::once("cassiopee".to_owned()).chain(args.iter().cloned());
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) if e.kind() == ErrorKind::DisplayHelp => {
            return Parsed::Print {
                text: e.render().to_string(),
                status: 0,
            };
        }
        Err(e) => {
            return Parsed::Print {
                text: format!(
                    "Erreur : {}\n\nVoir « cassiopee --help ».",
                    french_error(&e)
                ),
                status: 2,
            };
        }
    };
    Parsed::Run(match cli.command {
        None | Some(Sub::Serve) => Command::Serve,
        Some(Sub::Migrate) => Command::Migrate,
        Some(Sub::Seed(s)) if s.large => Command::SeedLarge,
        Some(Sub::Seed(_)) => Command::SeedDemo,
        Some(Sub::CreateUser(CreateUserArgs {
            password: Some(_), ..
        }))
        | Some(Sub::ResetPassword(ResetPasswordArgs {
            password: Some(_), ..
        })) => {
            return Parsed::Print {
                text: format!(
                    "Erreur : {PASSWORD_ON_THE_COMMAND_LINE}\n\nVoir « cassiopee --help »."
                ),
                status: 2,
            };
        }
        Some(Sub::CreateUser(a)) => Command::CreateUser {
            email: a.email,
            name: a.name,
            role: a.role,
        },
        Some(Sub::ResetPassword(a)) => Command::ResetPassword { email: a.email },
        Some(Sub::Backup(a)) => Command::Backup(a.file),
        Some(Sub::Check) => Command::Check,
        Some(Sub::Simulate(flags)) => Command::Simulate(flags.into()),
        Some(Sub::Help) => {
            return Parsed::Print {
                text: help(),
                status: 0,
            };
        }
    })
}

/// The general help text.
pub fn help() -> String {
    use clap::CommandFactory;
    Cli::command().render_help().to_string()
}

/// clap's error in French, from its kind and context.
fn french_error(e: &clap::Error) -> String {
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue : « {} ».",
            context(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => format!("argument inattendu : « {arg} »."),
        ErrorKind::MissingRequiredArgument => {
            let missing = arg.replace("<", "").replace(">", "");
            if missing.contains("--demo") {
                "« seed » attend une option : --demo ou --large.".to_owned()
            } else {
                format!("option obligatoire manquante : {missing}.")
            }
        }
        ErrorKind::ArgumentConflict if context(ContextKind::PriorArg) == arg || arg.is_empty() => {
            format!("l'option {arg} est donnée deux fois.")
        }
        ErrorKind::ArgumentConflict => format!(
            "les options {arg} et {} ne vont pas ensemble.",
            context(ContextKind::PriorArg)
        ),
        ErrorKind::InvalidValue if context(ContextKind::InvalidValue).is_empty() => {
            format!("l'option {arg} attend une valeur.")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let detail = e
                .source()
                .map(|s| format!(" : {s}"))
                .unwrap_or_else(|| format!(" « {} »", context(ContextKind::InvalidValue)));
            format!("valeur refusée pour {arg}{detail}.")
        }
        ErrorKind::TooManyValues => {
            format!("l'option {arg} est donnée deux fois.")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "une commande est attendue.".to_owned()
        }
        _ => format!("arguments invalides ({}).", e.kind()),
    }
}

use std::error::Error as _;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::Format;
    use chrono::NaiveDate;

    fn run(s: &str) -> Parsed {
        let args: Vec<String> = s.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    fn mistake(s: &str) -> String {
        match run(s) {
            Parsed::Print { text, status: 2 } => text,
            other => panic!("« {s} » should be refused, got {other:?}"),
        }
    }

    #[test]
    fn commands() {
        assert_eq!(run(""), Parsed::Run(Command::Serve));
        assert_eq!(run("serve"), Parsed::Run(Command::Serve));
        assert_eq!(run("migrate"), Parsed::Run(Command::Migrate));
        assert_eq!(run("seed --demo"), Parsed::Run(Command::SeedDemo));
        assert_eq!(run("seed --large"), Parsed::Run(Command::SeedLarge));
        assert_eq!(
            run("create-user --email a@b.fr --name Jean --role staff"),
            Parsed::Run(Command::CreateUser {
                email: "a@b.fr".into(),
                name: "Jean".into(),
                role: Role::Staff,
            })
        );
        assert_eq!(
            run("backup /var/backups/cassiopee.sqlite"),
            Parsed::Run(Command::Backup("/var/backups/cassiopee.sqlite".into()))
        );
        assert_eq!(run("check"), Parsed::Run(Command::Check));
        assert_eq!(
            run("reset-password --email a@b.fr"),
            Parsed::Run(Command::ResetPassword {
                email: "a@b.fr".into()
            })
        );
    }

    #[test]
    fn help_is_french_on_every_command() {
        for args in [
            "--help",
            "-h",
            "help",
            "seed --help",
            "create-user --help",
            "serve -h",
        ] {
            let Parsed::Print { text, status: 0 } = run(args) else {
                panic!("« {args} » should print the help");
            };
            assert!(text.contains("Utilisation : cassiopee"), "{args}: {text}");
            assert!(!text.contains("Usage:"), "{args}: {text}");
            assert!(!text.contains("Print help"), "{args}: {text}");
        }
        let general = help();
        assert!(general.contains("Commandes"), "{general}");
        assert!(general.contains("create-user"), "{general}");
        let Parsed::Print { text, .. } = run("seed --help") else {
            unreachable!()
        };
        assert!(
            text.contains("--large") && text.contains("--demo"),
            "{text}"
        );
    }

    #[test]
    fn mistakes_are_explained_in_french() {
        assert!(mistake("servir").contains("commande inconnue : « servir »"));
        assert!(mistake("seed").contains("--demo ou --large"));
        assert!(mistake("seed --demo --large").contains("ne vont pas ensemble"));
        assert!(mistake("migrate now").contains("inattendu"));
        assert!(mistake("create-user --email a@b.fr").contains("obligatoire manquante"));
        assert!(
            mistake("create-user --email a@b.fr --name J --role chef")
                .contains("rôle inconnu « chef »")
        );
        assert!(mistake("create-user --email").contains("attend une valeur"));
        assert!(mistake("seed --demo --demo").contains("deux fois"));
        assert!(mistake("reset-password").contains("obligatoire manquante : --email"));
        assert!(mistake("backup").contains("obligatoire manquante : FICHIER"));
    }

    #[test]
    fn a_password_on_the_command_line_is_refused_and_the_help_says_how_to_give_it() {
        for args in [
            "create-user --email a@b.fr --name J --role staff --password secret-en-clair",
            "reset-password --email a@b.fr --password secret-en-clair",
            "reset-password --password=secret-en-clair --email a@b.fr",
        ] {
            let text = mistake(args);
            assert!(
                text.contains("ne se donne pas sur la ligne de commande"),
                "{args}: {text}"
            );
            assert!(!text.contains("secret-en-clair"), "{args}: {text}");
        }
        for command in ["create-user", "reset-password"] {
            let Parsed::Print { text, status: 0 } = run(&format!("{command} --help")) else {
                panic!("{command} --help should print the help");
            };
            assert!(text.contains("entrée standard"), "{command}: {text}");
            assert!(!text.contains("--password"), "{command}: {text}");
        }
        assert!(help().contains("reset-password"));
    }

    #[test]
    fn simulate_takes_its_assumptions_as_flags() {
        assert_eq!(
            run("simulate"),
            Parsed::Run(Command::Simulate(Options::default()))
        );
        let Parsed::Run(Command::Simulate(o)) = run(
            "simulate --seed 9 --officers 40 --no-show 11 --withdrawals 0 --late-share 100 \
             --email-delay 0 --runs 5 --format csv --start 2028-01-03",
        ) else {
            panic!("simulate should run");
        };
        assert_eq!(
            o,
            Options {
                seed: 9,
                officers: 40,
                no_show: 11,
                withdrawals: 0,
                late_share: 100,
                email_delay: 0,
                runs: 5,
                format: Format::Csv,
                start: NaiveDate::from_ymd_opt(2028, 1, 3).unwrap(),
            }
        );
        let Parsed::Print { text, status: 0 } = run("simulate --help") else {
            panic!("simulate --help should print the help");
        };
        for flag in [
            "--seed",
            "--officers",
            "--no-show",
            "--withdrawals",
            "--late-share",
            "--email-delay",
            "--runs",
            "--format",
            "--start",
        ] {
            assert!(text.contains(flag), "{flag}: {text}");
        }
        assert!(text.contains("par défaut : 100"), "{text}");
        assert!(!text.contains("default"), "{text}");
        assert!(help().contains("simulate"));
    }

    #[test]
    fn bad_simulation_flags_are_refused_in_french() {
        let cases = [
            ("simulate --officers 0", "au moins 1 officier"),
            ("simulate --officers -5", "négatif"),
            ("simulate --officers beaucoup", "n'est pas un nombre entier"),
            ("simulate --no-show 101", "dépasse 100"),
            ("simulate --no-show -1", "négatif"),
            ("simulate --withdrawals 150", "dépasse 100"),
            ("simulate --late-share 101", "dépasse 100"),
            ("simulate --email-delay -3", "négatif"),
            ("simulate --email-delay 400", "365 au plus"),
            ("simulate --runs 0", "au moins 1 tirage"),
            ("simulate --seed -1", "négatif"),
            (
                "simulate --format xml",
                "format inconnu « xml » (valeurs possibles : text, csv)",
            ),
            ("simulate --start 2027-13-01", "n'est pas une date"),
            ("simulate --officers", "attend une valeur"),
            ("simulate --vitesse 2", "inattendu"),
        ];
        for (args, expected) in cases {
            let text = mistake(args);
            assert!(text.contains(expected), "{args}: {text}");
            assert!(text.starts_with("Erreur : "), "{args}: {text}");
        }
        // The percent sign may be typed.
        let Parsed::Run(Command::Simulate(o)) = run("simulate --no-show 20%") else {
            panic!("20% is a percentage");
        };
        assert_eq!(o.no_show, 20);
    }
}
