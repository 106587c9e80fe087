//! Operations endpoints: liveness, readiness, and the Prometheus metrics.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::metrics::PoolLabels;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

/// 200 while the process runs.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

/// 200 when the database (and Redis, when configured) answer and the server is not shutting
/// down; 503 otherwise.
#[utoipa::path(get, path = "/readyz", tag = "ops",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
async fn readyz(State(state): State<AppState>) -> ApiResult<axum::Json<Health>> {
    if state.is_draining() {
        return Err(ApiError::Unavailable("shutting down".into()));
    }
    if !state.db.ping().await {
        return Err(ApiError::Unavailable("the database does not answer".into()));
    }
    if let Some(redis) = state.bus.remote()
        && !redis.ping().await
    {
        return Err(ApiError::Unavailable("Redis does not answer".into()));
    }
    Ok(axum::Json(Health { status: "ready" }))
}

/// `GET /metrics`: the Prometheus text format (outside `/api`, undocumented in OpenAPI).
pub async fn metrics(State(state): State<AppState>) -> Response {
    let metrics = &state.metrics;
    metrics.sockets.set(state.hub.socket_count() as i64);
    for (pool, size, idle) in state.db.pool_stats() {
        let label = |s: &str| PoolLabels { pool: pool.to_string(), state: s.to_string() };
        metrics.db_connections.get_or_create(&label("idle")).set(idle as i64);
        metrics.db_connections.get_or_create(&label("in_use")).set(i64::from(size) - idle as i64);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], metrics.render()).into_response()
}
