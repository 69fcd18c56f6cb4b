//! `/desabonnement/{token}`, the address of each email's `List-Unsubscribe` header (RFC 8058):
//! the mail client's one-click POST turns that kind of email off, without login (the signed
//! token is the key, `app::notification::unsubscribe`). A GET, as a person or a link checker
//! opening it, changes nothing: it shows a page with the button that sends the same POST.

use super::AppState;
use app::error::AppError;
use axum::{
    extract::State,
    http::{StatusCode, Uri},
    response::Response,
};

/// The token, as written in the address (a token is letters, digits, `.`, `-` and `_`: anything
/// else, undecodable or not, is simply not a token).
fn token(uri: &Uri) -> &str {
    uri.path()
        .strip_prefix("/desabonnement/")
        .unwrap_or_default()
}

/// The page before the POST: which emails the button stops.
pub(super) async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    match app::notification::unsubscribe::describe(&state.db, token(&uri)).await {
        Ok(label) => super::plain_page(
            StatusCode::OK,
            "Se désabonner",
            &format!(
                "<p class=\"fr-text--lead\">Ne plus recevoir les courriels « {} » de Cassiopée ?</p>\
                 <form method=\"post\"><button class=\"fr-btn\" type=\"submit\">Ne plus recevoir ces courriels</button></form>\
                 <p class=\"fr-mt-2w\">Vous pourrez les rétablir dans vos préférences, une fois connecté.</p>",
                html_escape::encode_text(&label)
            ),
        ),
        Err(e) => refused(&e),
    }
}

/// The one-click POST (its body, `List-Unsubscribe=One-Click`, says nothing more).
pub(super) async fn one_click(State(state): State<AppState>, uri: Uri) -> Response {
    match app::notification::unsubscribe::apply(&state.db, token(&uri), chrono::Utc::now()).await {
        Ok(label) => super::plain_page(
            StatusCode::OK,
            "Désabonnement enregistré",
            &format!(
                "<p class=\"fr-text--lead\">C'est fait : vous ne recevrez plus les courriels « {} ».</p>\
                 <p>Vous pouvez les rétablir dans vos préférences : <a href=\"/profil#preferences\">Mon profil</a>.</p>",
                html_escape::encode_text(&label)
            ),
        ),
        Err(e) => refused(&e),
    }
}

fn refused(e: &AppError) -> Response {
    match e {
        AppError::NotFound => super::plain_page(
            StatusCode::NOT_FOUND,
            "Lien inconnu",
            "<p class=\"fr-text--lead\">Ce lien de désabonnement n'est pas valable. Vos préférences se règlent dans votre profil, une fois connecté.</p>",
        ),
        other => super::plain_page(
            StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "Désabonnement impossible",
            &format!(
                "<p class=\"fr-text--lead\">{}</p>",
                html_escape::encode_text(&other.to_string())
            ),
        ),
    }
}
