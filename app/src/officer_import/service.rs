use super::{ImportLine, ImportPreview, Rejected};
use crate::{
    accounts,
    caller::{session, session_error},
    checks::Check,
    error::{AppError, AppResult},
    officers::service::{OfficerInput, check_fields, insert},
    password::NO_PASSWORD,
};
use chrono::{DateTime, Utc};
use leptos::server_fn::codec::MultipartData;
use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Key of the pending file in the web session.
const KEY: &str = "officer_import";
/// Largest file accepted (a few thousand lines).
const MAX_BYTES: usize = 2 * 1024 * 1024;
/// The columns, as a person reads them in the refusal of a file without them.
const EXPECTED: &str = "Nom ; Adresse électronique ; Grade ; Armée ou service ; Téléphone (facultatif) ; Date de départ (facultatif)";

/// The file between the preview and the import.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Pending {
    file_name: String,
    encoding: String,
    text: String,
}

/// Text from the bytes of a spreadsheet export: UTF-8 (with or without BOM) when valid, else
/// Windows-1252, what French Excel writes by default.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), "Windows-1252")
        }
    }
}

/// `;` (French spreadsheets) or `,`, whichever the header line uses more.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.matches(';').count() >= header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Name,
    FirstName,
    Email,
    Grade,
    Armee,
    Phone,
    Departure,
}

/// Recognises a header cell whatever its case, accents and punctuation.
fn column(header: &str) -> Option<Column> {
    let key: String = header
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'û' | 'ù' => 'u',
            'ç' => 'c',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Some(match key.as_str() {
        "nom" | "nomcomplet" | "nometprenom" | "name" => Column::Name,
        "prenom" | "prenoms" => Column::FirstName,
        "adresseelectronique"
        | "email"
        | "mail"
        | "courriel"
        | "adressemail"
        | "adresseemail"
        | "adressecourriel" => Column::Email,
        "grade" => Column::Grade,
        "armee" | "armeeouservice" | "service" | "armeedorigine" | "armeeorigine" => Column::Armee,
        "telephone" | "tel" | "portable" | "telephoneportable" => Column::Phone,
        "datededepart" | "datedepart" | "depart" => Column::Departure,
        _ => return None,
    })
}

/// The officers a file describes, by line, or why the file cannot be read at all.
pub fn parse(text: &str) -> AppResult<Vec<(usize, OfficerInput)>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| AppError::refused("La première ligne du fichier est illisible."))?
        .clone();
    let index: HashMap<Column, usize> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| column(h).map(|c| (c, i)))
        .collect();
    for (col, label) in [
        (Column::Name, "Nom"),
        (Column::Email, "Adresse électronique"),
        (Column::Grade, "Grade"),
        (Column::Armee, "Armée ou service"),
    ] {
        if !index.contains_key(&col) {
            return Err(AppError::Refused(format!(
                "Colonne « {label} » introuvable dans la première ligne. Colonnes attendues : {EXPECTED}."
            )));
        }
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|_| {
            AppError::Refused(format!(
                "Ligne {line} illisible : vérifiez les guillemets du fichier."
            ))
        })?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |c: Column| {
            index
                .get(&c)
                .and_then(|i| record.get(*i))
                .unwrap_or("")
                .to_owned()
        };
        let name = match cell(Column::FirstName) {
            first if first.is_empty() => cell(Column::Name),
            first => format!("{first} {}", cell(Column::Name)),
        };
        rows.push((
            line,
            OfficerInput {
                display_name: name,
                email: cell(Column::Email),
                grade: cell(Column::Grade),
                armee: cell(Column::Armee),
                phone: cell(Column::Phone),
                departure_date: cell(Column::Departure),
                password: String::new(),
            },
        ));
    }
    Ok(rows)
}

/// The French name of a field, for the reasons of a refused line.
fn label(field: &str) -> &'static str {
    match field {
        "display_name" => "Nom",
        "email" => "Adresse électronique",
        "grade" => "Grade",
        "armee" => "Armée ou service",
        "phone" => "Téléphone",
        "departure_date" => "Date de départ",
        _ => "Champ",
    }
}

/// Sorts the lines into those that can be imported and those refused (bad field, address used
/// twice in the file or already in use).
pub async fn validate<C: ConnectionTrait>(
    db: &C,
    rows: Vec<(usize, OfficerInput)>,
) -> AppResult<(Vec<(usize, OfficerInput)>, Vec<Rejected>)> {
    let mut valid = Vec::new();
    let mut rejected = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, input) in rows {
        let mut c = Check::new();
        let v = check_fields(&mut c, &input);
        let mut reasons: Vec<String> = match c.done() {
            Err(AppError::Invalid(e)) => e
                .fields
                .iter()
                .map(|(f, m)| format!("{} : {m}", label(f)))
                .collect(),
            _ => Vec::new(),
        };
        if !v.email.is_empty() {
            if let Some(first) = seen.get(&v.email) {
                reasons.push(format!("adresse déjà présente ligne {first}"));
            } else if accounts::find_by_email(db, &v.email).await?.is_some() {
                reasons.push(format!("un compte existe déjà avec l'adresse {}", v.email));
            }
            seen.entry(v.email.clone()).or_insert(line);
        }
        if reasons.is_empty() {
            valid.push((line, input));
        } else {
            rejected.push(Rejected {
                line,
                reason: reasons.join(" ; "),
            });
        }
    }
    Ok((valid, rejected))
}

/// Why a file over [`MAX_BYTES`] is refused (also by the server, before reading it).
pub const TOO_LARGE: &str = "Ce fichier dépasse 2 Mo : découpez-le en plusieurs fichiers.";

fn too_large() -> AppError {
    AppError::refused(TOO_LARGE)
}

/// Reads the uploaded file (form field `fichier`) and keeps it in the web session.
pub async fn receive(data: MultipartData) -> AppResult<()> {
    let mut form = data.into_inner().ok_or(AppError::Internal)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|_| AppError::refused("Le fichier n'a pas pu être reçu : réessayez."))?
    {
        if field.name() != Some("fichier") {
            continue;
        }
        let name = field.file_name().unwrap_or("fichier.csv").to_owned();
        // Read as it arrives, and stopped as soon as it is too large: never held whole.
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|_| AppError::refused("Le fichier n'a pas pu être reçu : réessayez."))?
        {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        file = Some((name, bytes));
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::refused("Choisissez un fichier CSV à importer."));
    };
    if bytes.contains(&0) {
        return Err(AppError::refused(
            "Ce fichier n'est pas un CSV : dans votre tableur, choisissez « Enregistrer sous » puis le format CSV.",
        ));
    }
    let (text, encoding) = decode(&bytes);
    parse(&text)?;
    let pending = Pending {
        file_name,
        encoding: encoding.to_owned(),
        text,
    };
    session()?.insert(KEY, pending).await.map_err(session_error)
}

async fn pending() -> AppResult<Option<Pending>> {
    session()?.get::<Pending>(KEY).await.map_err(session_error)
}

pub async fn forget() -> AppResult<()> {
    session()?
        .remove::<Pending>(KEY)
        .await
        .map_err(session_error)
        .map(|_| ())
}

/// The preview of the kept file.
pub async fn pending_preview<C: ConnectionTrait>(db: &C) -> AppResult<Option<ImportPreview>> {
    let Some(p) = pending().await? else {
        return Ok(None);
    };
    preview(db, &p.file_name, &p.encoding, &p.text)
        .await
        .map(Some)
}

pub async fn preview<C: ConnectionTrait>(
    db: &C,
    file_name: &str,
    encoding: &str,
    text: &str,
) -> AppResult<ImportPreview> {
    let (valid, rejected) = validate(db, parse(text)?).await?;
    Ok(ImportPreview {
        file_name: file_name.to_owned(),
        encoding: encoding.to_owned(),
        separator: (separator(text) as char).to_string(),
        valid: valid
            .into_iter()
            .map(|(line, i)| ImportLine {
                line,
                name: i.display_name.trim().to_owned(),
                email: i.email.trim().to_lowercase(),
                grade: i.grade.trim().to_owned(),
                armee: i.armee.trim().to_owned(),
            })
            .collect(),
        rejected,
    })
}

/// Imports the kept file: every line in one transaction, or none if any line is refused.
pub async fn import_pending<C>(db: &C, actor: i32, now: DateTime<Utc>) -> AppResult<usize>
where
    C: ConnectionTrait + TransactionTrait,
{
    let Some(p) = pending().await? else {
        return Err(AppError::refused(
            "Aucun fichier en attente : envoyez d'abord le fichier CSV.",
        ));
    };
    let n = import_text(db, actor, &p.text, now).await?;
    forget().await?;
    Ok(n)
}

/// Imports the officers of a CSV text, all or nothing.
pub async fn import_text<C>(db: &C, actor: i32, text: &str, now: DateTime<Utc>) -> AppResult<usize>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let (valid, rejected) = validate(&txn, parse(text)?).await?;
    if !rejected.is_empty() {
        return Err(AppError::Refused(format!(
            "Aucun officier n'a été importé : {} ligne(s) refusée(s). Corrigez le fichier puis envoyez-le de nouveau.",
            rejected.len()
        )));
    }
    if valid.is_empty() {
        return Err(AppError::refused(
            "Le fichier ne contient aucune ligne d'officier.",
        ));
    }
    let n = valid.len();
    for (_, input) in valid {
        let mut c = Check::new();
        let v = check_fields(&mut c, &input);
        insert(
            &txn,
            actor,
            v,
            NO_PASSWORD.to_owned(),
            "Officier importé",
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        model::Role,
        testing::{test_db, user_with_role},
    };
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    #[test]
    fn windows_1252_and_utf8_with_bom_are_read() {
        let latin = b"Nom;Adresse \xe9lectronique;Grade;Arm\xe9e\r\nG\xe9n\xe9ral Andr\xe9 L\xe9ger;a@b.fr;G\xe9n\xe9ral;Terre\r\n";
        let (text, enc) = decode(latin);
        assert_eq!(enc, "Windows-1252");
        assert!(text.contains("Général André Léger"));
        let rows = parse(&text).unwrap();
        assert_eq!(rows[0].1.display_name, "Général André Léger");
        let (text, enc) = decode(
            "\u{feff}Prénom,Nom,E-mail,Grade,Armée ou service\nJean,Martin,j@m.fr,Amiral,Marine\n"
                .as_bytes(),
        );
        assert_eq!(enc, "UTF-8");
        let rows = parse(&text).unwrap();
        assert_eq!(rows[0].1.display_name, "Jean Martin");
        assert_eq!(rows[0].1.email, "j@m.fr");
        assert!(
            matches!(parse("Nom;Grade\nX;Y\n"), Err(AppError::Refused(m)) if m.contains("Adresse électronique"))
        );
    }

    #[tokio::test]
    async fn a_file_with_bad_lines_imports_nothing_and_reports_each_line() {
        let db = test_db().await;
        let staff = user_with_role(&db, "Claire Gestion", Role::Staff).await.id;
        let existing = crate::testing::officer(&db, "Déjà Là").await;
        let text = format!(
            "Nom;Adresse électronique;Grade;Armée ou service;Téléphone;Date de départ\n\
             Général Jean Martin;jean.martin@mirvog.fr;Général de brigade;Terre;06 12 34 56 78;31/08/2027\n\
             Amiral Paul Roux;pas-une-adresse;Amiral;Marine;;\n\
             ;;;;;\n\
             Général Luc Petit;JEAN.MARTIN@mirvog.fr;Général;Air;;\n\
             Général Déjà Là;{};Général;Terre;;hier\n\
             Général Sans Grade;sans.grade@mirvog.fr;;Terre;;\n",
            existing.email
        );
        let p = preview(&db, "officiers.csv", "UTF-8", &text).await.unwrap();
        assert_eq!(p.valid.len(), 1);
        let lines: Vec<usize> = p.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 5, 6, 7]);
        assert!(
            p.rejected[0]
                .reason
                .starts_with("Adresse électronique : Adresse électronique invalide")
        );
        assert_eq!(p.rejected[1].reason, "adresse déjà présente ligne 2");
        assert!(
            p.rejected[2].reason.contains("Date de départ : "),
            "{}",
            p.rejected[2].reason
        );
        assert!(
            p.rejected[2].reason.contains("un compte existe déjà"),
            "{}",
            p.rejected[2].reason
        );
        assert_eq!(p.rejected[3].reason, "Grade : Ce champ est obligatoire.");

        let before = crate::entities::user::Entity::find()
            .count(&db)
            .await
            .unwrap();
        let err = import_text(&db, staff, &text, Utc::now())
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Refused(m) if m.starts_with("Aucun officier n'a été importé : 4 ligne(s)"))
        );
        assert_eq!(
            crate::entities::user::Entity::find()
                .count(&db)
                .await
                .unwrap(),
            before
        );

        // The corrected file goes in whole, with profiles and journal, and no usable password.
        let good = "Nom,Adresse électronique,Grade,Armée\nGénéral Jean Martin,jean.martin@mirvog.fr,Général de brigade,Terre\nAmiral Paul Roux,paul.roux@mirvog.fr,Amiral,Marine\n";
        assert_eq!(import_text(&db, staff, good, Utc::now()).await.unwrap(), 2);
        let paul = crate::entities::user::Entity::find()
            .filter(crate::entities::user::Column::Email.eq("paul.roux@mirvog.fr"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(paul.password_hash, NO_PASSWORD);
        let page = crate::officers::service::page(&db, paul.id, Utc::now())
            .await
            .unwrap();
        assert_eq!(page.armee, "Marine");
        assert_eq!(page.journal[0].action, "Officier importé");
    }
}
