//! Prometheus metrics of the process, served at `/metrics` (web.rs) to the addresses the
//! operator allows: requests by route, method and status, their latency by route, the email
//! queue's length (read from the database at each scrape, so every instance tells the same),
//! and the emails this instance sent and failed to send.
//!
//! Routes are named by their pattern (`/sessions/{id}`), files of the site by « fichier » and
//! anything else by « autre », so that a scan of random addresses cannot grow the series.

use axum::{extract::Request, middleware::Next, response::Response};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use std::sync::{Arc, LazyLock};
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

type LatencyFamily = Family<RouteLabel, Histogram, fn() -> Histogram>;

struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    queue: Gauge,
    emails_sent: Counter,
    emails_failed: Counter,
}

/// Latency buckets from 1 ms to about 16 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("cassiopee");
    let requests = Family::<RequestLabels, Counter>::default();
    registry.register(
        "http_requests",
        "Requêtes HTTP répondues, par route, méthode et statut",
        requests.clone(),
    );
    let latency = LatencyFamily::new_with_constructor(latency_histogram);
    registry.register(
        "http_request_duration_seconds",
        "Durée des réponses (jusqu'aux en-têtes), par route",
        latency.clone(),
    );
    let queue = Gauge::default();
    registry.register(
        "email_queue",
        "Courriels à envoyer (en attente ou en cours d'envoi), toutes instances",
        queue.clone(),
    );
    let emails_sent = Counter::default();
    registry.register(
        "emails_sent",
        "Courriels envoyés par cette instance",
        emails_sent.clone(),
    );
    let emails_failed = Counter::default();
    registry.register(
        "emails_failed",
        "Envois de courriel échoués par cette instance (chacun sera retenté)",
        emails_failed.clone(),
    );
    Metrics {
        registry,
        requests,
        latency,
        queue,
        emails_sent,
        emails_failed,
    }
});

/// An email was accepted by the SMTP server (or written to the mail folder).
pub fn email_sent() {
    METRICS.emails_sent.inc();
}

/// An email could not be sent (it will be tried again, or was given up).
pub fn email_failed() {
    METRICS.emails_failed.inc();
}

/// The route patterns of the application, to name each request's route.
#[derive(Clone)]
pub struct Routes(Arc<matchit::Router<String>>);

impl Routes {
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Routes {
        let mut router = matchit::Router::new();
        for pattern in patterns {
            // The same pattern twice (a page and its server function) is named once.
            let _ = router.insert(pattern, pattern.to_owned());
        }
        Routes(Arc::new(router))
    }

    fn name(&self, path: &str) -> String {
        match self.0.at(path) {
            Ok(found) => found.value.clone(),
            Err(_) if crate::web::is_site_file(path) => "fichier".to_owned(),
            Err(_) => "autre".to_owned(),
        }
    }
}

/// Counts each request and times it (until its answer's headers are ready).
pub async fn record(
    axum::extract::State(routes): axum::extract::State<Routes>,
    req: Request,
    next: Next,
) -> Response {
    let route = routes.name(req.uri().path());
    let method = match req.method().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "HEAD" => "HEAD",
        _ => "AUTRE",
    };
    let started = Instant::now();
    let res = next.run(req).await;
    METRICS
        .latency
        .get_or_create(&RouteLabel {
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    METRICS
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: res.status().as_u16(),
        })
        .inc();
    res
}

/// The metrics in Prometheus' text format, the email queue read now.
pub async fn render(db: &sea_orm::DatabaseConnection) -> String {
    match app::notification::outbox::queue_length(db).await {
        Ok(n) => {
            METRICS.queue.set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        Err(e) => tracing::warn!(error = %e, "metrics: email queue not read"),
    }
    let mut text = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &METRICS.registry) {
        tracing::error!(error = %e, "metrics: encoding failed");
    }
    text
}
