//! `GET /api/v1/ws`: authenticate at the handshake, then register the socket with the hub
//! *before* reading what it may follow (so no access change falls in between), and run it.

use axum::Extension;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{bearer_token, check_origin, session_cookie};
use super::serve::ConnectionPermit;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::gateway::{self, session};
use crate::service::{auth, sockets};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(websocket))
}

/// Opens the event stream (see docs/protocol.md). Authenticated by Bearer token, or by the
/// session cookie with an Origin of this server's.
#[utoipa::path(get, path = "/ws", tag = "gateway",
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = "4XX", body = ErrorBody)))]
async fn websocket(
    State(state): State<AppState>,
    permit: Option<Extension<ConnectionPermit>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let token = match bearer_token(&headers) {
        Some(token) => token,
        None => {
            let token = session_cookie(&headers).ok_or(ApiError::Unauthenticated)?;
            // A cross-site page must not open a socket with the user's cookie: check as a write.
            check_origin(&Method::POST, &headers, &state.public_origin)?;
            token
        }
    };
    let (user_id, session) = auth::authenticate(&state, &token).await?;
    let upgrade = upgrade.map_err(|e| ApiError::invalid("upgrade", e.body_text()))?;
    if state.hub.sockets_of(&user_id) >= state.config.serve.max_sockets_per_user {
        return Err(ApiError::RateLimited { retry_after_s: 5 });
    }
    // The socket counts as a connection (and shutdown waits for it) until it ends.
    let tracked = state.connections.token();
    Ok(upgrade
        .read_buffer_size(gateway::READ_BUFFER_BYTES)
        .write_buffer_size(gateway::WRITE_BUFFER_BYTES)
        .max_write_buffer_size(gateway::MAX_WRITE_BUFFER_BYTES)
        .max_message_size(gateway::MAX_INBOUND_BYTES)
        .max_frame_size(gateway::MAX_INBOUND_BYTES)
        .on_upgrade(move |socket| async move {
            let _permit = permit;
            let _tracked = tracked;
            let registration = state.hub.register(&user_id, &session).await;
            // Both boxed: inline, the memberships read (8.8 KB of state) and the session
            // loop would make every socket's task as large as the larger of them for the
            // socket's whole life.
            match Box::pin(sockets::memberships(&state, &user_id)).await {
                Ok(memberships) => state.hub.activate(registration.id, memberships),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot load a socket's memberships");
                    state.hub.unregister(registration.id);
                    session::refuse(socket).await;
                    return;
                }
            }
            let peer =
                session::Peer { session_id: format!("{}-{}", state.node_id, registration.id), user_id };
            Box::pin(session::run(socket, state, peer, registration)).await;
        }))
}
