//! The flags of `cassiopee simulate` (clap derive, French help; the command line and its
//! French errors are in `crate::cli`). Each default is written in its help text, clap's own
//! « [default: …] » being English; `Options::default()` holds the same values (a test of
//! `cli` checks that they agree).

use super::{Format, Options};
use chrono::NaiveDate;
use clap::Args;

#[derive(Debug, Args)]
pub struct Flags {
    /// Graine du tirage : la même graine donne le même résultat (par défaut : 1)
    #[arg(long, value_name = "N", default_value = "1", hide_default_value = true,
          allow_hyphen_values = true, value_parser = parse_seed)]
    seed: u64,
    /// Nombre d'officiers en reconversion sur l'année (par défaut : 100)
    #[arg(long, value_name = "N", default_value = "100", hide_default_value = true,
          allow_hyphen_values = true, value_parser = parse_officers)]
    officers: usize,
    /// Part des inscrits absents le jour de la session, en % (par défaut : 18 ; publié : 11 à 28)
    #[arg(long = "no-show", value_name = "PCT", default_value = "18", hide_default_value = true,
          allow_hyphen_values = true, value_parser = parse_percent)]
    no_show: u8,
    /// Part des places confirmées rendues avant la session, en % (par défaut : 15)
    #[arg(long, value_name = "PCT", default_value = "15", hide_default_value = true,
          allow_hyphen_values = true, value_parser = parse_percent)]
    withdrawals: u8,
    /// Part de ces désistements après la date limite d'annulation, en % (par défaut : 33)
    #[arg(long = "late-share", value_name = "PCT", default_value = "33",
          hide_default_value = true, allow_hyphen_values = true, value_parser = parse_percent)]
    late_share: u8,
    /// À l'ère du courriel, jours entre la publication d'une session et le moment où les
    /// officiers l'apprennent (par défaut : 21)
    #[arg(long = "email-delay", value_name = "JOURS", default_value = "21",
          hide_default_value = true, allow_hyphen_values = true, value_parser = parse_delay)]
    email_delay: u32,
    /// Nombre de graines jouées (seed, seed+1…) : au-delà d'une, moyenne et écart-type
    /// (par défaut : 1)
    #[arg(long, value_name = "N", default_value = "1", hide_default_value = true,
          allow_hyphen_values = true, value_parser = parse_runs)]
    runs: u32,
    /// Présentation : text (tableau) ou csv (séparateur « ; », virgule décimale)
    /// (par défaut : text)
    #[arg(long, value_name = "FORMAT", default_value = "text", hide_default_value = true,
          value_parser = parse_format)]
    format: Format,
    /// Premier jour de l'année simulée, AAAA-MM-JJ (par défaut : 2027-01-04)
    #[arg(long, value_name = "DATE", default_value = "2027-01-04", hide_default_value = true,
          value_parser = parse_start)]
    start: NaiveDate,
}

/// A whole number, refused in French when negative or not a number.
fn whole(text: &str) -> Result<u64, String> {
    let t = text.trim().trim_end_matches('%').trim();
    if t.starts_with('-') {
        return Err(format!(
            "« {text} » est négatif : un nombre positif est attendu"
        ));
    }
    t.parse::<u64>()
        .map_err(|_| format!("« {text} » n'est pas un nombre entier"))
}

fn parse_seed(text: &str) -> Result<u64, String> {
    whole(text)
}

fn parse_officers(text: &str) -> Result<usize, String> {
    match whole(text)? {
        0 => Err("il faut au moins 1 officier".to_owned()),
        n if n > super::MAX_OFFICERS as u64 => {
            Err(format!("{n} officiers : {} au plus", super::MAX_OFFICERS))
        }
        n => Ok(n as usize),
    }
}

fn parse_percent(text: &str) -> Result<u8, String> {
    match whole(text)? {
        n if n > 100 => Err(format!(
            "« {text} » dépasse 100 : un pourcentage entre 0 et 100 est attendu"
        )),
        n => Ok(n as u8),
    }
}

fn parse_delay(text: &str) -> Result<u32, String> {
    match whole(text)? {
        n if n > u64::from(super::MAX_EMAIL_DELAY) => {
            Err(format!("{n} jours : {} au plus", super::MAX_EMAIL_DELAY))
        }
        n => Ok(n as u32),
    }
}

fn parse_runs(text: &str) -> Result<u32, String> {
    match whole(text)? {
        0 => Err("il faut au moins 1 tirage".to_owned()),
        n if n > u64::from(super::MAX_RUNS) => {
            Err(format!("{n} tirages : {} au plus", super::MAX_RUNS))
        }
        n => Ok(n as u32),
    }
}

fn parse_format(text: &str) -> Result<Format, String> {
    match text.trim().to_lowercase().as_str() {
        "text" | "texte" => Ok(Format::Text),
        "csv" => Ok(Format::Csv),
        _ => Err(format!(
            "format inconnu « {text} » (valeurs possibles : text, csv)"
        )),
    }
}

fn parse_start(text: &str) -> Result<NaiveDate, String> {
    let d = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("« {text} » n'est pas une date AAAA-MM-JJ"))?;
    if !(2000..=2098).contains(&chrono::Datelike::year(&d)) {
        return Err(format!(
            "« {text} » : une année entre 2000 et 2098 est attendue"
        ));
    }
    Ok(d)
}

impl From<Flags> for Options {
    fn from(f: Flags) -> Options {
        Options {
            seed: f.seed,
            officers: f.officers,
            no_show: f.no_show,
            withdrawals: f.withdrawals,
            late_share: f.late_share,
            email_delay: f.email_delay,
            runs: f.runs,
            format: f.format,
            start: f.start,
        }
    }
}
