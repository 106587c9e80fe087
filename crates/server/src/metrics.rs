//! Prometheus metrics, served as text at `GET /metrics`: requests by route and status with
//! latency histograms, sockets, envelopes published, frames delivered and dropped, bus lag and
//! database pool use: the figures of docs/benchmarks.md, watched in production.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route template (`/api/v1/channels/{cid}`), never the raw path: bounded cardinality.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    pub pool: String,
    pub state: String,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to ~16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_seconds: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pub sockets: Gauge,
    pub envelopes_published: Counter,
    pub frames_sent: Counter,
    pub frames_dropped: Counter,
    pub slow_sockets_closed: Counter,
    pub bus_lag_seconds: Histogram,
    pub db_connections: Family<PoolLabels, Gauge>,
    pub uploads: Counter,
    pub upload_bytes: Counter,
    /// Time spent making previews, and the megapixels they were made from: their ratio is the
    /// thumbnail cost per megapixel (`ocomms-bench upload` reports it).
    pub thumbnail_seconds: Counter<f64, std::sync::atomic::AtomicU64>,
    pub thumbnail_megapixels: Counter<f64, std::sync::atomic::AtomicU64>,
    /// Message sends written, and the shared transactions they were written in: their ratio is
    /// the mean group-commit batch.
    pub sends_written: Counter,
    pub send_batches: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("ocomms");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let request_seconds = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests",
            request_seconds.clone(),
        );
        let sockets = Gauge::default();
        registry.register("websockets", "WebSockets open on this node", sockets.clone());
        let envelopes_published = Counter::default();
        registry.register(
            "envelopes_published",
            "Events and notices published on the bus by this node",
            envelopes_published.clone(),
        );
        let frames_sent = Counter::default();
        registry.register("frames_queued", "Frames queued to this node's sockets", frames_sent.clone());
        let frames_dropped = Counter::default();
        registry.register(
            "frames_dropped",
            "Frames not queued (socket gone, or ephemeral under pressure)",
            frames_dropped.clone(),
        );
        let slow_sockets_closed = Counter::default();
        registry.register(
            "slow_sockets_closed",
            "Sockets closed with 4008 for falling behind",
            slow_sockets_closed.clone(),
        );
        let bus_lag_seconds = Histogram::new(exponential_buckets(0.0001, 2.0, 16));
        registry.register(
            "bus_lag_seconds",
            "From publish on one node to arrival on another",
            bus_lag_seconds.clone(),
        );
        let db_connections = Family::<PoolLabels, Gauge>::default();
        registry.register("db_connections", "Database pool connections by state", db_connections.clone());
        let uploads = Counter::default();
        registry.register("uploads", "Files stored", uploads.clone());
        let upload_bytes = Counter::default();
        registry.register("upload_bytes", "Bytes of files stored", upload_bytes.clone());
        let thumbnail_seconds = Counter::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "thumbnail_seconds",
            "Time decoding images and making previews",
            thumbnail_seconds.clone(),
        );
        let thumbnail_megapixels = Counter::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "thumbnail_megapixels",
            "Megapixels of the images previews were made from",
            thumbnail_megapixels.clone(),
        );
        let sends_written = Counter::default();
        registry.register("sends_written", "Message sends committed", sends_written.clone());
        let send_batches = Counter::default();
        registry.register(
            "send_batches",
            "Transactions that committed message sends (several sends share one)",
            send_batches.clone(),
        );
        Metrics {
            registry,
            sends_written,
            send_batches,
            uploads,
            upload_bytes,
            thumbnail_seconds,
            thumbnail_megapixels,
            requests,
            request_seconds,
            sockets,
            envelopes_published,
            frames_sent,
            frames_dropped,
            slow_sockets_closed,
            bus_lag_seconds,
            db_connections,
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Counts and times every request that matched a route.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    metrics
        .requests
        .get_or_create(&RequestLabels { method: method.clone(), route: route.clone(), status })
        .inc();
    metrics
        .request_seconds
        .get_or_create(&RouteLabels { method, route })
        .observe(started.elapsed().as_secs_f64());
    response
}
