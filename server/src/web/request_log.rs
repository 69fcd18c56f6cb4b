//! One log line per request (tower-http's trace layer): its id, method, path, status and
//! duration. The id comes from the proxy's `X-Request-Id` when it sent a sane one (nginx's
//! `$request_id`, so that its access log and ours name the same request), else a new UUID; it
//! is sent back in the answer's `X-Request-Id`, and every line logged while the request is
//! answered carries it.
//!
//! The path is logged without its query, which may hold a secret (a reset link's token), and
//! without the secret of the addresses that are keys themselves ([`loggable`]).

use axum::{
    body::Body,
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use std::time::Duration;
use tower_http::{
    classify::{ServerErrorsAsFailures, SharedClassifier},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{MakeSpan, OnResponse, TraceLayer},
};
use tracing::Span;

pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// An id received from the client is kept when it is up to 64 letters, digits, `-` or `_`;
/// anything else (a forged line break, a kilobyte of text) is replaced by a new one.
pub(crate) fn is_sane_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

/// Removes an `X-Request-Id` that [`is_sane_id`] refuses, before a new one is made.
pub(crate) async fn drop_insane_id(mut req: Request, next: Next) -> Response {
    if req
        .headers()
        .get(&REQUEST_ID)
        .is_some_and(|v| !is_sane_id(v))
    {
        req.headers_mut().remove(&REQUEST_ID);
    }
    next.run(req).await
}

/// Gives each request its id (kept from a sane `X-Request-Id`, else a new UUID).
pub(crate) fn set_id() -> SetRequestIdLayer<MakeRequestUuid> {
    SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid)
}

/// Sends the request's id back in the answer.
pub(crate) fn propagate_id() -> PropagateRequestIdLayer {
    PropagateRequestIdLayer::new(REQUEST_ID)
}

/// The addresses whose last part is a secret key (a calendar feed, an invitation, a one-click
/// unsubscribe link): logged with « … » in its place.
const SECRET_TAILS: [&str; 3] = ["/calendrier/", "/invitations/", "/desabonnement/"];

/// The path as it may be logged.
pub(crate) fn loggable(path: &str) -> std::borrow::Cow<'_, str> {
    match SECRET_TAILS.iter().find(|p| path.starts_with(**p)) {
        Some(prefix) => format!("{prefix}…").into(),
        None => path.into(),
    }
}

/// The span of a request, around everything logged while it is answered.
#[derive(Clone, Copy)]
pub(crate) struct RequestSpan;

impl MakeSpan<Body> for RequestSpan {
    fn make_span(&mut self, req: &Request) -> Span {
        let id = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!(
            "requete",
            id = %id,
            method = %req.method(),
            path = %loggable(req.uri().path()),
        )
    }
}

/// The request's line, once its answer's headers are ready.
#[derive(Clone, Copy)]
pub(crate) struct ResponseLine;

impl<B> OnResponse<B> for ResponseLine {
    fn on_response(self, res: &http::Response<B>, latency: Duration, _span: &Span) {
        let status = res.status().as_u16();
        let duration_ms = (latency.as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
        if status >= 500 {
            tracing::warn!(status, duration_ms, "réponse");
        } else {
            tracing::info!(status, duration_ms, "réponse");
        }
    }
}

/// The trace layer: one span per request, one line per answer (and nothing per body chunk; a
/// 5xx is already said by its line).
pub(crate) fn trace()
-> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan, (), ResponseLine, (), (), ()> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(ResponseLine)
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}
