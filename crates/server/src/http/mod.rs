//! The HTTP API: one module per resource, assembled here with the OpenAPI document generated
//! from the same handlers, so a route cannot exist without its documentation.

mod auth;
mod channels;
pub mod extract;
mod files;
mod groups;
mod messages;
mod notes;
mod ops;
mod reactions;
mod search;
pub mod serve;
mod threads;
mod users;
pub mod web;
mod workspaces;
mod ws;

use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Largest JSON body accepted: room for a 40,000-character message however it is escaped.
pub const MAX_JSON_BODY_BYTES: usize = 1024 * 1024;
/// A request taking longer than this is answered 408 and dropped.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(OpenApi)]
#[openapi(
    info(title = "OComms API", version = "1", description = "See shared/API.md and docs/protocol.md."),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("cookie" = [])),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(extract::SESSION_COOKIE))),
        );
    }
}

/// The API routes and their OpenAPI document.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .merge(auth::router())
        .merge(users::router())
        .merge(workspaces::router())
        .merge(channels::router())
        .merge(groups::router())
        .merge(messages::router())
        .merge(files::router())
        .merge(notes::router())
        .merge(search::router())
        .merge(reactions::router())
        .merge(threads::router())
        .merge(ws::router())
        .routes(routes!(openapi_json));
    OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(ops::router()).nest("/api/v1", v1).split_for_parts()
}

/// The whole application: the API, the web client, limits, logging, error envelopes.
pub fn router(state: AppState) -> axum::Router {
    let (routes, doc) = api();
    let doc = Arc::new(doc.to_json().unwrap_or_default());
    let web = match &state.config.serve.web_dir {
        Some(dir) => web::Web::from_dir(dir),
        None => web::Web::load(),
    };
    let pages = web.clone();
    let metrics = Arc::clone(&state.metrics);
    routes
        .route_layer(axum::middleware::from_fn_with_state(metrics, crate::metrics::track))
        .route("/metrics", axum::routing::get(ops::metrics))
        .layer(Extension(doc))
        .with_state(state)
        .merge(web::router(web))
        // Client routes (/w/…, /invite/…) get the page; unknown API routes get the envelope.
        .fallback(move |method: Method, uri: Uri| {
            let pages = pages.clone();
            async move {
                if method == Method::GET && !uri.path().starts_with("/api/") {
                    pages.index()
                } else {
                    ApiError::NotFound("route").into_response()
                }
            }
        })
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(extract::refuse_nul))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(axum::middleware::from_fn(time_limit))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(|response: &Response, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(status = response.status().as_u16(), ms = latency.as_millis() as u64, "answered");
                })
                .on_failure(()),
        )
}

/// Answers 408 to a request not answered within [`REQUEST_TIMEOUT`]; uploads are exempt (they
/// take as long as the client keeps sending, and time out a stall instead).
async fn time_limit(request: Request<axum::body::Body>, next: axum::middleware::Next) -> Response {
    if files::is_upload(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

async fn method_not_allowed() -> Response {
    let body = serde_json::json!({"error": {"code": "method_not_allowed", "message": "method not allowed on this route"}});
    (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response()
}

/// This document: every endpoint with its request and response schemas.
#[utoipa::path(get, path = "/openapi.json", tag = "ops", security(()),
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json")))]
async fn openapi_json(Extension(doc): Extension<Arc<String>>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str().to_owned()).into_response()
}
