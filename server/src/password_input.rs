//! The password of `create-user` and `reset-password`: asked twice without echo when the
//! command runs in a terminal, else read from the first line of standard input (a script, a
//! secret manager's pipe). Never from the arguments: the process list and the shell history
//! keep those.

use std::io::{BufRead, IsTerminal};

/// Reads the new password, from the terminal or from standard input.
pub fn read_new_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Mot de passe (10 caractères au moins) : ")
            .map_err(|e| format!("lecture du mot de passe impossible ({e})."))?;
        let second = rpassword::prompt_password("Le même, pour confirmer : ")
            .map_err(|e| format!("lecture du mot de passe impossible ({e})."))?;
        if first != second {
            return Err("les deux mots de passe diffèrent : rien n'est changé.".to_owned());
        }
        Ok(first)
    } else {
        from_lines(std::io::stdin().lock())
    }
}

/// The first line of `input`, without its line ending; refused when there is none or it is
/// not text.
pub fn from_lines(mut input: impl BufRead) -> Result<String, String> {
    let mut bytes = Vec::new();
    input
        .read_until(b'\n', &mut bytes)
        .map_err(|e| format!("lecture de l'entrée standard impossible ({e})."))?;
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(
            "aucun mot de passe reçu sur l'entrée standard : rien n'est changé.".to_owned(),
        );
    }
    String::from_utf8(bytes).map_err(|_| {
        "le mot de passe reçu sur l'entrée standard n'est pas du texte UTF-8 : rien n'est changé."
            .to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::from_lines;

    #[test]
    fn the_first_line_of_standard_input_is_the_password() {
        assert_eq!(
            from_lines(&b"mot de passe solide\n"[..]).unwrap(),
            "mot de passe solide"
        );
        assert_eq!(
            from_lines(&b"avec fin windows\r\nsuite"[..]).unwrap(),
            "avec fin windows"
        );
        assert_eq!(
            from_lines(&b"sans fin de ligne"[..]).unwrap(),
            "sans fin de ligne"
        );
        // Spaces are part of a password.
        assert_eq!(from_lines(&b"  espaces  \n"[..]).unwrap(), "  espaces  ");
        assert!(
            from_lines(&b""[..])
                .unwrap_err()
                .contains("aucun mot de passe")
        );
        assert!(
            from_lines(&b"\nautre"[..])
                .unwrap_err()
                .contains("aucun mot de passe")
        );
        assert!(
            from_lines(&b"\xff\xfe\n"[..])
                .unwrap_err()
                .contains("UTF-8")
        );
    }
}
