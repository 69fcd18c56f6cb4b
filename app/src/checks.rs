//! Reading a submitted form: every field parsed with a French message when it is refused, and
//! what was typed kept, so that the form comes back as it was, each message next to its field.

use crate::error::{AppError, AppResult, FormErrors};
use chrono::{NaiveDate, NaiveTime};

/// Collects the French messages of a form's bad fields, and what was typed in each field,
/// while parsing it. Parsers return a placeholder on error; call [`Check::done`] before
/// using any value.
#[derive(Debug, Default)]
pub struct Check {
    errors: FormErrors,
}

impl Check {
    pub fn new() -> Self {
        Check::default()
    }

    fn keep(&mut self, name: &str, raw: &str) {
        self.errors.values.push((name.to_owned(), raw.to_owned()));
    }

    /// Refuses a field with a message (for checks that involve several fields or the
    /// database).
    pub fn fail(&mut self, name: &str, message: impl Into<String>) {
        if self.errors.message(name).is_none() {
            self.errors.fields.push((name.to_owned(), message.into()));
        }
    }

    pub fn has_error(&self, name: &str) -> bool {
        self.errors.message(name).is_some()
    }

    /// A required text of at most `max` characters, trimmed.
    pub fn text(&mut self, name: &str, raw: &str, max: usize) -> String {
        let value = self.optional_text(name, raw, max);
        if value.is_none() {
            self.fail(name, "Ce champ est obligatoire.");
        }
        value.unwrap_or_default()
    }

    /// An optional text: `None` when left blank.
    pub fn optional_text(&mut self, name: &str, raw: &str, max: usize) -> Option<String> {
        self.keep(name, raw);
        let value = raw.trim();
        if value.chars().count() > max {
            self.fail(name, format!("{max} caractères au plus."));
            return None;
        }
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// A required whole number between `min` and `max`.
    pub fn integer(&mut self, name: &str, raw: &str, min: i32, max: i32) -> i32 {
        self.keep(name, raw);
        let value = raw.trim();
        if value.is_empty() {
            self.fail(name, "Ce champ est obligatoire.");
            return min;
        }
        match value.parse::<i32>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                self.fail(
                    name,
                    format!("Saisissez un nombre entier entre {min} et {max}."),
                );
                min
            }
        }
    }

    /// An optional amount in euros (« 1 250,50 », « 1250.5 », « 800 € »), in cents.
    pub fn euros(&mut self, name: &str, raw: &str) -> Option<i64> {
        self.keep(name, raw);
        if raw.trim().is_empty() {
            return None;
        }
        match parse_euros(raw) {
            Some(cents) => Some(cents),
            None => {
                self.fail(
                    name,
                    "Saisissez un montant en euros, par exemple 1 250,50 (10 000 000 € au plus).",
                );
                None
            }
        }
    }

    /// A required date, as a date input sends it (`2027-01-31`) or typed (`31/01/2027`).
    pub fn date(&mut self, name: &str, raw: &str) -> Option<NaiveDate> {
        let value = self.optional_date(name, raw);
        if value.is_none() {
            self.fail(name, "Saisissez une date, par exemple 31/01/2027.");
        }
        value
    }

    pub fn optional_date(&mut self, name: &str, raw: &str) -> Option<NaiveDate> {
        self.keep(name, raw);
        let value = raw.trim();
        if value.is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"));
        match parsed {
            Ok(d) if (2000..=2100).contains(&chrono::Datelike::year(&d)) => Some(d),
            _ => {
                self.fail(name, "Saisissez une date, par exemple 31/01/2027.");
                None
            }
        }
    }

    /// A required time of day (`09:30`, `9h30`).
    pub fn time(&mut self, name: &str, raw: &str) -> Option<NaiveTime> {
        self.keep(name, raw);
        let value = raw.trim().replace(['h', 'H'], ":");
        let value = if value.ends_with(':') {
            format!("{value}00")
        } else {
            value
        };
        match NaiveTime::parse_from_str(&value, "%H:%M") {
            Ok(t) => Some(t),
            Err(_) => {
                self.fail(name, "Saisissez une heure, par exemple 09:30.");
                None
            }
        }
    }

    /// Err with every refused field and every typed value, if any field was refused.
    pub fn done(self) -> AppResult<()> {
        if self.errors.fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.errors))
        }
    }
}

/// Cents from a French or plain amount; `None` if it is not one (or is negative or huge).
pub fn parse_euros(raw: &str) -> Option<i64> {
    let cleaned: String = raw
        .trim()
        .trim_end_matches('€')
        .trim_end_matches("EUR")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    let cleaned = cleaned.replace(',', ".");
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || frac.len() > 2 || (!frac.is_empty() && !digits(frac)) {
        return None;
    }
    let euros: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    let total = euros.checked_mul(100)?.checked_add(cents)?;
    (total <= 1_000_000_000).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_french_spreadsheets_write_them() {
        assert_eq!(parse_euros("1 250,50"), Some(125_050));
        assert_eq!(parse_euros("1\u{a0}250,5 €"), Some(125_050));
        assert_eq!(parse_euros("800"), Some(80_000));
        assert_eq!(parse_euros("12.3"), Some(1_230));
        assert_eq!(parse_euros("-5"), None);
        assert_eq!(parse_euros("12,345"), None);
        assert_eq!(parse_euros("douze"), None);
        assert_eq!(parse_euros("99999999999"), None);
    }

    #[test]
    fn a_refused_form_keeps_every_value() {
        let mut c = Check::new();
        let title = c.text("titre", "  Négociation  ", 100);
        let n = c.integer("capacite", "douze", 1, 500);
        let _ = c.date("debut", "2027-02-30");
        assert_eq!(title, "Négociation");
        assert_eq!(n, 1);
        let Err(AppError::Invalid(e)) = c.done() else {
            panic!("refused")
        };
        assert_eq!(e.fields.len(), 2);
        assert_eq!(
            e.message("capacite").as_deref(),
            Some("Saisissez un nombre entier entre 1 et 500.")
        );
        assert_eq!(e.value("capacite").as_deref(), Some("douze"));
        assert_eq!(e.value("titre").as_deref(), Some("  Négociation  "));
    }
}
