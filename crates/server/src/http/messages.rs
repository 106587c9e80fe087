//! `/channels/{cid}/messages` and `/messages/*`: send, list, get, edit, delete, replies, history.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Json, Path, Query};
use crate::domain::models::{Message, MessageVersion};
use crate::error::{ApiResult, ErrorBody};
use crate::service::messages::{self, NewMessage, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send, list))
        .routes(routes!(get_message, edit, delete))
        .routes(routes!(replies))
        .routes(routes!(history))
}

#[derive(Deserialize, ToSchema)]
pub struct SendBody {
    /// Markdown, at most 40,000 characters.
    content: String,
    /// A retry with the same key (per author) answers the original and creates nothing.
    idempotency_key: Option<String>,
    /// Posts the message as a reply in this message's thread.
    thread_root_id: Option<String>,
    /// A reply also shown in the channel's message list ("also send to channel").
    also_send_to_channel: Option<bool>,
    /// Files to attach (at most 10): the sender's own uploads to this workspace, not shared yet.
    /// With files, `content` may be empty.
    file_ids: Option<Vec<String>>,
}

#[derive(Deserialize, ToSchema)]
pub struct EditBody {
    content: String,
}

#[derive(Serialize, ToSchema)]
pub struct MessageAnswer {
    message: Message,
}

#[derive(Serialize, ToSchema)]
pub struct MessagesAnswer {
    messages: Vec<Message>,
    /// More messages exist in the paging direction.
    has_more: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RepliesAnswer {
    messages: Vec<Message>,
    /// More replies exist in the paging direction.
    has_more: bool,
}

#[derive(Deserialize, IntoParams)]
pub struct RepliesQuery {
    /// Older than this seq: the newest replies before it.
    before_seq: Option<i64>,
    /// Newer than this seq: the oldest replies after it.
    after_seq: Option<i64>,
    /// 1 to 1000; 100 by default.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryAnswer {
    versions: Vec<MessageVersion>,
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Older than this seq (paging back).
    before_seq: Option<i64>,
    /// Newer than this seq (paging forward).
    after_seq: Option<i64>,
    /// 1 to 200; 50 by default.
    limit: Option<i64>,
}

/// Posts a message (201), or answers a retried `idempotency_key` with the original (200).
#[utoipa::path(post, path = "/channels/{cid}/messages", tag = "messages", params(("cid" = String, Path)),
    request_body = SendBody,
    responses((status = 201, body = MessageAnswer), (status = 200, body = MessageAnswer),
        (status = "4XX", body = ErrorBody)))]
async fn send(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
    Json(body): Json<SendBody>,
) -> ApiResult<(StatusCode, axum::Json<MessageAnswer>)> {
    let input = NewMessage {
        content: body.content,
        idempotency_key: body.idempotency_key,
        thread_root_id: body.thread_root_id,
        also_send_to_channel: body.also_send_to_channel.unwrap_or(false),
        file_ids: body.file_ids.unwrap_or_default(),
    };
    let (message, created) = messages::send(&state, &user.user_id, &cid, input).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(MessageAnswer { message })))
}

/// A page of top-level messages, ascending by seq; the newest page without a cursor.
#[utoipa::path(get, path = "/channels/{cid}/messages", tag = "messages", params(("cid" = String, Path), ListQuery),
    responses((status = 200, body = MessagesAnswer), (status = "4XX", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<axum::Json<MessagesAnswer>> {
    let page = PageQuery { before_seq: q.before_seq, after_seq: q.after_seq, limit: q.limit };
    let (messages, has_more) = messages::list(&state, &user.user_id, &cid, page).await?;
    Ok(axum::Json(MessagesAnswer { messages, has_more }))
}

#[utoipa::path(get, path = "/messages/{mid}", tag = "messages", params(("mid" = String, Path)),
    responses((status = 200, body = MessageAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_message(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<axum::Json<MessageAnswer>> {
    Ok(axum::Json(MessageAnswer { message: messages::get(&state, &user.user_id, &mid).await? }))
}

/// Edits a message (its author only).
#[utoipa::path(patch, path = "/messages/{mid}", tag = "messages", params(("mid" = String, Path)),
    request_body = EditBody,
    responses((status = 200, body = MessageAnswer), (status = "4XX", body = ErrorBody)))]
async fn edit(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
    Json(body): Json<EditBody>,
) -> ApiResult<axum::Json<MessageAnswer>> {
    Ok(axum::Json(MessageAnswer {
        message: messages::edit(&state, &user.user_id, &mid, body.content).await?,
    }))
}

/// Deletes a message (its author or a workspace admin); it stays as a tombstone with its seq.
#[utoipa::path(delete, path = "/messages/{mid}", tag = "messages", params(("mid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn delete(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<StatusCode> {
    messages::delete(&state, &user.user_id, &mid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of the replies in a message's thread, oldest first: the first page without a cursor.
#[utoipa::path(get, path = "/messages/{mid}/replies", tag = "messages", params(("mid" = String, Path), RepliesQuery),
    responses((status = 200, body = RepliesAnswer), (status = "4XX", body = ErrorBody)))]
async fn replies(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
    Query(q): Query<RepliesQuery>,
) -> ApiResult<axum::Json<RepliesAnswer>> {
    let page = PageQuery { before_seq: q.before_seq, after_seq: q.after_seq, limit: q.limit };
    let (messages, has_more) = messages::replies(&state, &user.user_id, &mid, page).await?;
    Ok(axum::Json(RepliesAnswer { messages, has_more }))
}

/// Every version of a message, the current one last (its author and admins).
#[utoipa::path(get, path = "/messages/{mid}/history", tag = "messages", params(("mid" = String, Path)),
    responses((status = 200, body = HistoryAnswer), (status = "4XX", body = ErrorBody)))]
async fn history(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<axum::Json<HistoryAnswer>> {
    Ok(axum::Json(HistoryAnswer { versions: messages::history(&state, &user.user_id, &mid).await? }))
}
