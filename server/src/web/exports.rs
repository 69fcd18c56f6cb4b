//! `/gestion/statistiques/export.csv`: the statistics' table as a file for French Excel, for the
//! same filters and sort as the page (product §6). The page access table already keeps it to
//! staff; the handler checks again, as every staff server function does.

use super::AppState;
use app::{caller::Viewer, error::AppError, statistics::StatsFilters};
use axum::{
    extract::{Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

pub async fn statistics_csv(State(state): State<AppState>, req: Request) -> Response {
    let staff = req
        .extensions()
        .get::<Viewer>()
        .and_then(|v| v.0.as_ref())
        .is_some_and(|u| u.active && u.role.is_staff());
    if !staff {
        return (StatusCode::FORBIDDEN, "Accès refusé.").into_response();
    }
    let filters = filters(req.uri().query().unwrap_or(""));
    match app::statistics::report::csv_file(&state.db, &filters, chrono::Utc::now()).await {
        Ok((name, bytes)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(AppError::Invalid(errors)) => {
            let reasons: Vec<String> = errors.fields.into_iter().map(|(_, m)| m).collect();
            (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("Export impossible avec ces filtres : {}", reasons.join(" ")),
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "statistics export");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                AppError::Internal.to_string(),
            )
                .into_response()
        }
    }
}

/// The filters from the query string (bytes that are not UTF-8 become « � » and are refused
/// like any unknown value; a key given twice counts once, the last time).
fn filters(query: &str) -> StatsFilters {
    let pairs: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    StatsFilters::from_lookup(|k| pairs.get(k).cloned())
}
