//! Reactions, pins and saved messages: `/messages/{mid}/reactions/{emoji}`,
//! `/messages/{mid}/pin`, `/channels/{cid}/pins`, `/messages/{mid}/save`, `/me/saved`.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Path};
use crate::domain::models::Message;
use crate::error::{ApiResult, ErrorBody};
use crate::service::reactions;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_reaction, remove_reaction))
        .routes(routes!(pin, unpin))
        .routes(routes!(list_pins))
        .routes(routes!(save, unsave))
        .routes(routes!(list_saved))
}

#[derive(Serialize, ToSchema)]
pub struct MessagesAnswer {
    messages: Vec<Message>,
}

/// Reacts with an emoji (Unicode, or a `:shortcode:`): members of the channel; 50 different
/// emoji per message at most. Records `reaction.added`; a repeat changes nothing.
#[utoipa::path(put, path = "/messages/{mid}/reactions/{emoji}", tag = "messages",
    params(("mid" = String, Path), ("emoji" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn add_reaction(
    State(state): State<AppState>,
    user: AuthUser,
    Path((mid, emoji)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    reactions::react(&state, &user.user_id, &mid, &emoji, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes the caller's reaction back; records `reaction.removed`.
#[utoipa::path(delete, path = "/messages/{mid}/reactions/{emoji}", tag = "messages",
    params(("mid" = String, Path), ("emoji" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn remove_reaction(
    State(state): State<AppState>,
    user: AuthUser,
    Path((mid, emoji)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    reactions::react(&state, &user.user_id, &mid, &emoji, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pins a message to its channel: members; records `message.pinned`.
#[utoipa::path(put, path = "/messages/{mid}/pin", tag = "messages", params(("mid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn pin(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<StatusCode> {
    reactions::pin(&state, &user.user_id, &mid, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unpins a message; records `message.unpinned`.
#[utoipa::path(delete, path = "/messages/{mid}/pin", tag = "messages", params(("mid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn unpin(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<StatusCode> {
    reactions::pin(&state, &user.user_id, &mid, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A channel's pinned messages, newest pin first.
#[utoipa::path(get, path = "/channels/{cid}/pins", tag = "channels", params(("cid" = String, Path)),
    responses((status = 200, body = MessagesAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_pins(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
) -> ApiResult<axum::Json<MessagesAnswer>> {
    Ok(axum::Json(MessagesAnswer { messages: reactions::pins(&state, &user.user_id, &cid).await? }))
}

/// Saves a message for later, privately.
#[utoipa::path(put, path = "/messages/{mid}/save", tag = "messages", params(("mid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn save(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<StatusCode> {
    reactions::save(&state, &user.user_id, &mid, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/messages/{mid}/save", tag = "messages", params(("mid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn unsave(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<StatusCode> {
    reactions::save(&state, &user.user_id, &mid, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's saved messages, newest save first (of channels they may still read).
#[utoipa::path(get, path = "/me/saved", tag = "users",
    responses((status = 200, body = MessagesAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_saved(State(state): State<AppState>, user: AuthUser) -> ApiResult<axum::Json<MessagesAnswer>> {
    Ok(axum::Json(MessagesAnswer { messages: reactions::saved(&state, &user.user_id).await? }))
}
