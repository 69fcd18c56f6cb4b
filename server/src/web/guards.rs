//! The guards every request of the app passes: bodies read with a limit, cross-site writes
//! refused, and the security and cache headers of every answer (the Content-Security-Policy
//! with this answer's nonce among them).

use super::static_files;
use axum::{
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

/// The CSV upload of `/gestion/officiers/import`.
const UPLOAD: &str = "/api/gestion/officiers/import/fichier";
/// The largest request body: a form, or the CSV upload (its 2 MB file, the form around it, and
/// room for the multipart reader to read ahead).
const MAX_BODY: usize = 1024 * 1024;
const MAX_UPLOAD_BODY: usize = 3 * 1024 * 1024;

/// Bodies are read with a limit (a longer one is cut, a declared one refused at once), and the
/// CSV upload must be a multipart form: its server function's decoder cannot read anything
/// else, and is never given anything else.
pub(super) async fn limit_bodies(req: Request, next: Next) -> Response {
    let upload = req.uri().path() == UPLOAD;
    if upload && req.method() == Method::POST {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            // What server_fn's decoder would fail on (it panics), refused here.
            .is_some_and(|v| multer::parse_boundary(v).is_ok());
        if !multipart {
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Envoyez le fichier CSV avec le formulaire d'envoi de fichier de la page « Importer (CSV) ».",
            )
                .into_response();
        }
    }
    let limit = if upload { MAX_UPLOAD_BODY } else { MAX_BODY };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = || {
        let message = if upload {
            app::officer_import::service::TOO_LARGE
        } else {
            "La requête est trop volumineuse."
        };
        (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
    };
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    // A body longer than it said (or that said nothing) is cut at the limit; whatever the
    // handler then answered, the answer is that it was too large.
    let cut = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let body = {
        let cut = cut.clone();
        http_body_util::BodyExt::map_err(http_body_util::Limited::new(body, limit), move |e| {
            cut.store(true, Ordering::Relaxed);
            e
        })
    };
    let res = next
        .run(Request::from_parts(parts, axum::body::Body::new(body)))
        .await;
    if cut.load(Ordering::Relaxed) {
        return too_large();
    }
    res
}

/// Leptos server functions have no CSRF protection of their own: refuse state-changing
/// requests that a browser says come from another site.
pub(super) async fn refuse_cross_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // A one-click unsubscribe is posted by the recipient's mail provider (RFC 8058): its signed
    // address is the only key, and it can only turn a kind of email off.
    if req.uri().path().starts_with("/desabonnement/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_ok = match (
        headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()),
        host,
    ) {
        (Some(origin), Some(host)) => {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host)
        }
        (Some(_), None) => false,
        (None, _) => true,
    };
    let site_ok = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        None => true,
    };
    if origin_ok && site_ok {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-origin write refused");
        (
            StatusCode::FORBIDDEN,
            "Requête refusée : elle ne provient pas de Cassiopée.",
        )
            .into_response()
    }
}

/// What [`harden_headers`] needs to know of the build and the deployment.
#[derive(Clone, Copy)]
pub(super) struct Hardening {
    /// The build named the bundle's files after their content.
    pub(super) hashed_bundle: bool,
    /// The site is served over HTTPS (`CASSIOPEE_SECURE_COOKIES`): browsers are told to keep to it.
    pub(super) https: bool,
}

/// The nonce of a page's scripts: the hydration scripts carry it (Leptos reads it from the
/// context), the Content-Security-Policy of the answer names it, and no other inline script runs.
#[derive(Clone)]
pub(super) struct CspNonce(pub(super) leptos::nonce::Nonce);

/// The Content-Security-Policy of every answer: everything from this site only; scripts
/// from its files or carrying this answer's nonce, and the wasm compiled; styles from its
/// files, and `style` attributes (the fill bars' widths); no plugin, no `<base>`, forms posted
/// to this site only, never shown in a frame.
fn content_security_policy(nonce: Option<&str>) -> HeaderValue {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).expect("a nonce is base64")
}

/// Security headers on every answer (the CSP above, no sniffing, no frames, the referrer kept
/// to the site, HSTS behind HTTPS). Personal pages and data must not be kept by browsers or
/// proxies; the site's files may be, a year when their name changes with their content
/// (the build named them so), else revalidated.
pub(super) async fn harden_headers(
    State(hardening): State<Hardening>,
    mut req: Request,
    next: Next,
) -> Response {
    let policy = static_files::cache_policy(req.uri().path(), hardening.hashed_bundle);
    // Only pages run inline scripts: the site's files (most requests) need no nonce.
    let nonce = (!static_files::is_site_file(req.uri().path())).then(leptos::nonce::Nonce::new);
    if let Some(nonce) = &nonce {
        req.extensions_mut().insert(CspNonce(nonce.clone()));
    }
    let mut res = next.run(req).await;
    // A missing file may appear with the next build: never kept long.
    let policy = if policy == static_files::FOR_A_YEAR && !res.status().is_success() {
        static_files::CHECK_FIRST
    } else {
        policy
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        content_security_policy(nonce.as_deref()),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if hardening.https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}
