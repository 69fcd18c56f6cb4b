//! What the operator's tools read: `/healthz` and `/readyz` for the supervisor and the load
//! balancer, `/metrics` for Prometheus (to the allowed addresses only); outside web sessions
//! and the request queue, never cached.

use super::client_addr;
use crate::config::Config;
use axum::{
    Router,
    extract::{Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use sea_orm::DatabaseConnection;
use std::sync::OnceLock;

/// The probes and the metrics, with what they read.
pub(super) fn router(db: DatabaseConnection, config: &Config) -> Router {
    Router::new()
        .route("/healthz", axum::routing::get(healthz))
        .route("/readyz", axum::routing::get(readyz))
        .route("/metrics", axum::routing::get(metrics))
        .with_state(Operator {
            db,
            trusted_proxies: config.trusted_proxies.clone(),
            metrics_allow: config.metrics_allow.clone(),
        })
}

/// What the probes and the metrics read.
#[derive(Clone)]
struct Operator {
    db: DatabaseConnection,
    trusted_proxies: client_addr::Networks,
    metrics_allow: client_addr::Networks,
}

/// Every route pattern of the app, to name the requests in the metrics.
pub(super) fn route_names() -> crate::metrics::Routes {
    static NAMES: OnceLock<crate::metrics::Routes> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            let pages = super::routes();
            let server_fns: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
                .map(|(path, _)| path)
                .collect();
            crate::metrics::Routes::new(
                pages
                    .iter()
                    .map(|r| r.path())
                    .chain(server_fns)
                    .chain(OTHER_ROUTES),
            )
        })
        .clone()
}

/// The routes beside the pages and server functions.
const OTHER_ROUTES: [&str; 7] = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/sw.js",
    "/calendrier/{file}",
    "/desabonnement/{token}",
    "/gestion/statistiques/export.csv",
];

/// `/metrics`, to the addresses of `CASSIOPEE_METRICS_ALLOW` only (by default this machine's):
/// others get a 404, as if there were nothing there. A request that says it was forwarded by a
/// proxy that is not trusted is refused too: behind a proxy the operator did not declare, every
/// visitor would seem to come from the machine itself.
async fn metrics(State(operator): State<Operator>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
    let allowed = client_addr::client(req.headers(), peer, &operator.trusted_proxies)
        .is_some_and(|c| !c.forwarded_unbelieved && operator.metrics_allow.contains(c.addr));
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    let text = crate::metrics::render(&operator.db).await;
    no_store(
        (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
    )
}

/// `/healthz`: the process is up and answers.
async fn healthz() -> Response {
    no_store((StatusCode::OK, "ok\n").into_response())
}

/// `/readyz`: the database answers and every migration of this program is applied; else 503
/// with the French reason (the load balancer sends no one to this instance meanwhile).
async fn readyz(State(operator): State<Operator>) -> Response {
    let answer = match app::db::ready(&operator.db).await {
        Ok(()) => (StatusCode::OK, "prêt\n".to_owned()),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, format!("{reason}\n"))
        }
    };
    no_store(answer.into_response())
}

/// A probe's answer is never kept by a cache.
fn no_store(mut res: Response) -> Response {
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res
}
