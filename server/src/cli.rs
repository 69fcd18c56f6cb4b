//! Command line of the `cassiopee` binary (product §7). Parsed by hand: five commands and a few
//! flags do not justify a parser crate, and every mistake gets a clear French message.

use app::model::Role;

pub const USAGE: &str = "\
Utilisation : cassiopee [COMMANDE]

Commandes :
  serve                      démarre le serveur web (par défaut)
  migrate                    met le schéma de la base à jour
  seed --demo                charge le jeu de démonstration (sans effet s'il est déjà chargé)
  create-user --email ADRESSE --name NOM --role officer|staff|admin --password MOT_DE_PASSE
                             crée un compte

La base est choisie par DATABASE_URL (sqlite://… ou postgres://…) et l'adresse d'écoute par
LEPTOS_SITE_ADDR ; voir README.md.";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    SeedDemo,
    CreateUser {
        email: String,
        name: String,
        role: Role,
        password: String,
    },
    Help,
}

/// Parses the arguments that follow the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Serve);
    };
    match command.as_str() {
        "serve" => no_more(rest, Command::Serve),
        "migrate" => no_more(rest, Command::Migrate),
        "seed" => match rest {
            [flag] if flag == "--demo" => Ok(Command::SeedDemo),
            [flag] if flag == "--large" => {
                Err("« seed --large » n'est pas encore disponible dans cette version.".to_owned())
            }
            _ => Err("« seed » attend exactement une option : --demo.".to_owned()),
        },
        "create-user" => create_user(rest),
        "help" | "--help" | "-h" => Ok(Command::Help),
        other => Err(format!("Commande inconnue : « {other} ».")),
    }
}

fn no_more(rest: &[String], command: Command) -> Result<Command, String> {
    match rest.first() {
        None => Ok(command),
        Some(extra) => Err(format!("Argument inattendu : « {extra} ».")),
    }
}

fn create_user(rest: &[String]) -> Result<Command, String> {
    let (mut email, mut name, mut role, mut password) = (None, None, None, None);
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        let slot = match flag.as_str() {
            "--email" => &mut email,
            "--name" => &mut name,
            "--role" => &mut role,
            "--password" => &mut password,
            other => return Err(format!("Option inconnue pour create-user : « {other} ».")),
        };
        let value = it
            .next()
            .ok_or_else(|| format!("L'option {flag} attend une valeur."))?;
        if slot.replace(value.clone()).is_some() {
            return Err(format!("L'option {flag} est donnée deux fois."));
        }
    }
    let missing = |what: &str| format!("create-user : l'option {what} est obligatoire.");
    let role_text = role.ok_or_else(|| missing("--role"))?;
    let role = Role::parse(&role_text).ok_or_else(|| {
        format!("Rôle inconnu : « {role_text} » (valeurs possibles : officer, staff, admin).")
    })?;
    Ok(Command::CreateUser {
        email: email.ok_or_else(|| missing("--email"))?,
        name: name.ok_or_else(|| missing("--name"))?,
        role,
        password: password.ok_or_else(|| missing("--password"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn commands() {
        assert_eq!(parse(&[]), Ok(Command::Serve));
        assert_eq!(parse(&args("serve")), Ok(Command::Serve));
        assert_eq!(parse(&args("migrate")), Ok(Command::Migrate));
        assert_eq!(parse(&args("seed --demo")), Ok(Command::SeedDemo));
        assert_eq!(
            parse(&args(
                "create-user --email a@b.fr --name Jean --role staff --password x"
            )),
            Ok(Command::CreateUser {
                email: "a@b.fr".into(),
                name: "Jean".into(),
                role: Role::Staff,
                password: "x".into()
            })
        );
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(
            parse(&args("servir"))
                .unwrap_err()
                .contains("Commande inconnue")
        );
        assert!(parse(&args("seed")).unwrap_err().contains("--demo"));
        assert!(
            parse(&args("migrate now"))
                .unwrap_err()
                .contains("inattendu")
        );
        assert!(
            parse(&args("create-user --email a@b.fr"))
                .unwrap_err()
                .contains("--role")
        );
        assert!(
            parse(&args("create-user --role chef"))
                .unwrap_err()
                .contains("Rôle inconnu")
        );
        assert!(
            parse(&args("create-user --email"))
                .unwrap_err()
                .contains("attend une valeur")
        );
    }
}
