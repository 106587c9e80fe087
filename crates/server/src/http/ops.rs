//! Operations endpoints: liveness and readiness.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorBody};
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
