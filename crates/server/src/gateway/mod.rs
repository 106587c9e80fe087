//! The WebSocket gateway, `GET /api/v1/ws`: authenticate at the handshake, register the socket
//! with the hub under what the user may read, and run it (`session`). `hub` fans envelopes out
//! to sockets; `presence` keeps who is online.

pub mod hub;
pub mod presence;
pub mod session;

use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::db;
use crate::domain::roles::Role;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{bearer_token, check_origin, session_cookie};
use crate::service::auth;
use crate::state::AppState;
use hub::SocketInfo;

/// Largest inbound frame or message (close 1009 above).
pub const MAX_INBOUND_BYTES: usize = 64 * 1024;
/// Per-socket buffers, set deliberately: axum's defaults (128 KiB each) cost gigabytes at
/// thousands of sockets.
pub const READ_BUFFER_BYTES: usize = 4 * 1024;
pub const WRITE_BUFFER_BYTES: usize = 16 * 1024;
/// Unsent bytes a socket may hold before writes fail (the hub's queue bounds frames first).
pub const MAX_WRITE_BUFFER_BYTES: usize = 1024 * 1024;

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
    let info = socket_info(&state, &user_id, &session).await?;
    let peer = session::Peer { user_id, session_id: String::new() };
    let hub = Arc::clone(&state.hub);
    Ok(upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_write_buffer_size(MAX_WRITE_BUFFER_BYTES)
        .max_message_size(MAX_INBOUND_BYTES)
        .max_frame_size(MAX_INBOUND_BYTES)
        .on_upgrade(move |socket| async move {
            let registration = hub.register(info);
            let peer = session::Peer { session_id: format!("{}-{}", state.node_id, registration.id), ..peer };
            session::run(socket, state, peer, registration).await;
        }))
}

/// What a user's socket follows: their workspaces and the channels they are members of.
async fn socket_info(state: &AppState, user_id: &str, session: &str) -> ApiResult<SocketInfo> {
    let mut rd = state.db.read().await?;
    let workspaces = db::workspaces::list_for_user(rd.c(), user_id)
        .await?
        .into_iter()
        .filter_map(|w| Role::parse(&w.role).map(|role| (w.id, role)))
        .collect();
    let channels = db::channels::memberships(rd.c(), user_id).await?;
    Ok(SocketInfo { user_id: user_id.to_string(), session: session.to_string(), channels, workspaces })
}

/// The workspaces of a user, from the database (for presence after their last socket is gone).
pub async fn workspaces_of(state: &AppState, user_id: &str) -> Vec<String> {
    let Ok(mut rd) = state.db.read().await else { return Vec::new() };
    db::workspaces::list_for_user(rd.c(), user_id)
        .await
        .map(|ws| ws.into_iter().map(|w| w.id).collect())
        .unwrap_or_default()
}

/// Closes sockets whose session no longer exists: the bus announces logouts at once, this
/// catches what it cannot (expiry, a password reset from the command line, a lost publish).
async fn close_ended_sessions(state: &AppState) {
    let sessions = state.hub.sessions();
    let now = crate::domain::now_ms();
    let mut ended = Vec::new();
    for chunk in sessions.chunks(500) {
        let live = match state.db.read().await {
            Ok(mut rd) => db::sessions::live_among(rd.c(), chunk, now).await,
            Err(e) => Err(e),
        };
        match live {
            Ok(live) => ended.extend(chunk.iter().filter(|s| !live.contains(s)).cloned()),
            Err(e) => {
                tracing::warn!(error = %e, "cannot check sessions");
                return;
            }
        }
    }
    if !ended.is_empty() {
        state.hub.close_sessions(&ended);
    }
}

/// Background upkeep, every heartbeat until shutdown: ended sessions, and multi-node presence
/// refresh and expiry.
pub async fn upkeep(state: AppState) {
    let mut tick = tokio::time::interval(state.config.serve.heartbeat());
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        close_ended_sessions(&state).await;
        for (user_id, status) in state.presence.upkeep().await {
            for workspace_id in workspaces_of(&state, &user_id).await {
                state.bus.publish(crate::domain::event::Envelope::Presence {
                    workspace_id,
                    user_id: user_id.clone(),
                    status,
                });
            }
        }
    }
}
