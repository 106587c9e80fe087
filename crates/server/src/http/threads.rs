//! Following threads and the caller's own views: `/messages/{mid}/follow`,
//! `/messages/{mid}/read`, `/workspaces/{wid}/threads`, `/workspaces/{wid}/mentions`,
//! `/workspaces/{wid}/notifications`.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Json, Path, Query};
use crate::domain::models::Message;
use crate::error::{ApiResult, ErrorBody};
use crate::service::threads::{self, FollowedThread};
use crate::service::workspaces;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(follow, unfollow))
        .routes(routes!(read_thread))
        .routes(routes!(list_threads))
        .routes(routes!(list_mentions))
        .routes(routes!(get_default, set_default))
}

/// Follows a thread (its root message): its replies count as unread in the "Threads" view and
/// may notify. Replying, starting a thread or being mentioned in a reply follows it too.
#[utoipa::path(put, path = "/messages/{mid}/follow", tag = "threads", params(("mid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn follow(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<StatusCode> {
    threads::follow(&state, &user.user_id, &mid, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unfollows a thread; a later reply of one's own follows it again.
#[utoipa::path(delete, path = "/messages/{mid}/follow", tag = "threads", params(("mid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn unfollow(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
) -> ApiResult<StatusCode> {
    threads::follow(&state, &user.user_id, &mid, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ThreadReadBody {
    /// The seq of the last reply read; the marker never moves backwards.
    seq: i64,
}

/// Marks a followed thread's replies read up to `seq`.
#[utoipa::path(post, path = "/messages/{mid}/read", tag = "threads", params(("mid" = String, Path)),
    request_body = ThreadReadBody, responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn read_thread(
    State(state): State<AppState>,
    user: AuthUser,
    Path(mid): Path<String>,
    Json(body): Json<ThreadReadBody>,
) -> ApiResult<StatusCode> {
    threads::read(&state, &user.user_id, &mid, body.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ThreadsAnswer {
    threads: Vec<FollowedThread>,
}

/// The threads the caller follows in the workspace (at most 50): unread first, then by latest reply.
#[utoipa::path(get, path = "/workspaces/{wid}/threads", tag = "threads", params(("wid" = String, Path)),
    responses((status = 200, body = ThreadsAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_threads(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<ThreadsAnswer>> {
    Ok(axum::Json(ThreadsAnswer { threads: threads::followed(&state, &user.user_id, &wid).await? }))
}

#[derive(Deserialize, IntoParams)]
pub struct MentionsQuery {
    /// The id of the last message of the previous page.
    before: Option<String>,
    /// 1 to 100; 50 by default.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MentionsAnswer {
    messages: Vec<Message>,
    /// Older mentions exist.
    has_more: bool,
}

/// Messages that mention the caller (by handle, group, `@channel` or `@here`) in channels of the
/// workspace they may read now, newest first.
#[utoipa::path(get, path = "/workspaces/{wid}/mentions", tag = "threads", params(("wid" = String, Path), MentionsQuery),
    responses((status = 200, body = MentionsAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_mentions(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    Query(q): Query<MentionsQuery>,
) -> ApiResult<axum::Json<MentionsAnswer>> {
    let (messages, has_more) =
        threads::mentions(&state, &user.user_id, &wid, q.before.as_deref(), q.limit).await?;
    Ok(axum::Json(MentionsAnswer { messages, has_more }))
}

#[derive(Deserialize, ToSchema)]
pub struct DefaultBody {
    /// `all`, `mentions` or `nothing`.
    level: String,
}

#[derive(Serialize, ToSchema)]
pub struct DefaultLevel {
    level: String,
}

#[derive(Serialize, ToSchema)]
pub struct DefaultAnswer {
    notifications: DefaultLevel,
}

/// The caller's default notification level in the workspace, which channels follow unless set
/// on their own (`mentions` until changed).
#[utoipa::path(get, path = "/workspaces/{wid}/notifications", tag = "threads", params(("wid" = String, Path)),
    responses((status = 200, body = DefaultAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_default(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<DefaultAnswer>> {
    let level = workspaces::notify_default(&state, &user.user_id, &wid).await?;
    Ok(axum::Json(DefaultAnswer { notifications: DefaultLevel { level } }))
}

/// Sets the caller's default notification level in the workspace.
#[utoipa::path(put, path = "/workspaces/{wid}/notifications", tag = "threads", params(("wid" = String, Path)),
    request_body = DefaultBody,
    responses((status = 200, body = DefaultAnswer), (status = "4XX", body = ErrorBody)))]
async fn set_default(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    Json(body): Json<DefaultBody>,
) -> ApiResult<axum::Json<DefaultAnswer>> {
    let level = workspaces::set_notify_default(&state, &user.user_id, &wid, &body.level).await?;
    Ok(axum::Json(DefaultAnswer { notifications: DefaultLevel { level } }))
}
