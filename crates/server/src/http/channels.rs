//! `/workspaces/{wid}/channels`, `/workspaces/{wid}/dms` and `/channels/*`: channels, DMs,
//! membership, read markers and the event log.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Json, Path, Query};
use crate::domain::models::{Channel, ChannelEvent, Notifications, User};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::service::channels::{self, ChannelPatch, DEFAULT_EVENTS_PAGE, MAX_EVENTS_PAGE};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_channels, create_channel))
        .routes(routes!(open_dm))
        .routes(routes!(get_channel, patch_channel))
        .routes(routes!(join))
        .routes(routes!(leave))
        .routes(routes!(list_members, add_member))
        .routes(routes!(remove_member))
        .routes(routes!(get_notifications, set_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(events))
}

#[derive(Serialize, ToSchema)]
pub struct ChannelAnswer {
    channel: Channel,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelsAnswer {
    channels: Vec<Channel>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewChannelBody {
    /// 1–80 lower-case letters, digits, `-`, `_`; unique in the workspace.
    name: String,
    /// public or private.
    kind: String,
    topic: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct DmBody {
    /// The other people (1 to 8); the caller is added.
    user_ids: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct ChannelPatchBody {
    name: Option<String>,
    topic: Option<String>,
    /// Archive (read-only) or unarchive; the creator or an admin.
    archived: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelMembersAnswer {
    members: Vec<User>,
}

#[derive(Deserialize, ToSchema)]
pub struct AddMemberBody {
    user_id: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ReadBody {
    /// The seq read up to; the marker never moves backwards.
    seq: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Events with a seq greater than this (0 for all).
    after: Option<i64>,
    /// 1 to 1000; 500 by default.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EventsAnswer {
    events: Vec<ChannelEvent>,
    /// The channel's newest seq: more remain when the last event is before it.
    latest_seq: i64,
}

/// Public channels, plus the private channels and DMs the caller is in, with unread counts.
#[utoipa::path(get, path = "/workspaces/{wid}/channels", tag = "channels", params(("wid" = String, Path)),
    responses((status = 200, body = ChannelsAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_channels(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<ChannelsAnswer>> {
    Ok(axum::Json(ChannelsAnswer { channels: channels::list(&state, &user.user_id, &wid).await? }))
}

#[utoipa::path(post, path = "/workspaces/{wid}/channels", tag = "channels", params(("wid" = String, Path)),
    request_body = NewChannelBody,
    responses((status = 201, body = ChannelAnswer), (status = "4XX", body = ErrorBody)))]
async fn create_channel(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    Json(body): Json<NewChannelBody>,
) -> ApiResult<(StatusCode, axum::Json<ChannelAnswer>)> {
    let channel =
        channels::create(&state, &user.user_id, &wid, &body.name, &body.kind, body.topic.as_deref()).await?;
    Ok((StatusCode::CREATED, axum::Json(ChannelAnswer { channel })))
}

/// The DM of exactly these people; the same set always gets the same channel (201 when new).
#[utoipa::path(post, path = "/workspaces/{wid}/dms", tag = "channels", params(("wid" = String, Path)),
    request_body = DmBody,
    responses((status = 200, body = ChannelAnswer), (status = 201, body = ChannelAnswer),
        (status = "4XX", body = ErrorBody)))]
async fn open_dm(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    Json(body): Json<DmBody>,
) -> ApiResult<(StatusCode, axum::Json<ChannelAnswer>)> {
    if body.user_ids.len() > channels::MAX_DM_PEOPLE {
        return Err(ApiError::invalid("user_ids", "a DM holds 2 to 9 people, you included"));
    }
    let (channel, created) = channels::open_dm(&state, &user.user_id, &wid, &body.user_ids).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(ChannelAnswer { channel })))
}

#[utoipa::path(get, path = "/channels/{cid}", tag = "channels", params(("cid" = String, Path)),
    responses((status = 200, body = ChannelAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_channel(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
) -> ApiResult<axum::Json<ChannelAnswer>> {
    Ok(axum::Json(ChannelAnswer { channel: channels::get(&state, &user.user_id, &cid).await? }))
}

/// Members set the topic; the creator or an admin renames and archives.
#[utoipa::path(patch, path = "/channels/{cid}", tag = "channels", params(("cid" = String, Path)),
    request_body = ChannelPatchBody,
    responses((status = 200, body = ChannelAnswer), (status = "4XX", body = ErrorBody)))]
async fn patch_channel(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
    Json(body): Json<ChannelPatchBody>,
) -> ApiResult<axum::Json<ChannelAnswer>> {
    let patch = ChannelPatch { name: body.name, topic: body.topic, archived: body.archived };
    Ok(axum::Json(ChannelAnswer { channel: channels::update(&state, &user.user_id, &cid, patch).await? }))
}

/// Joins a public channel (idempotent).
#[utoipa::path(post, path = "/channels/{cid}/join", tag = "channels", params(("cid" = String, Path)),
    responses((status = 200, body = ChannelAnswer), (status = "4XX", body = ErrorBody)))]
async fn join(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
) -> ApiResult<axum::Json<ChannelAnswer>> {
    Ok(axum::Json(ChannelAnswer { channel: channels::join(&state, &user.user_id, &cid).await? }))
}

/// Leaves a channel (not `general`, not a DM; idempotent).
#[utoipa::path(post, path = "/channels/{cid}/leave", tag = "channels", params(("cid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn leave(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
) -> ApiResult<StatusCode> {
    channels::leave(&state, &user.user_id, &cid).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/channels/{cid}/members", tag = "channels", params(("cid" = String, Path)),
    responses((status = 200, body = ChannelMembersAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_members(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
) -> ApiResult<axum::Json<ChannelMembersAnswer>> {
    Ok(axum::Json(ChannelMembersAnswer { members: channels::members(&state, &user.user_id, &cid).await? }))
}

/// A member adds someone of the workspace.
#[utoipa::path(post, path = "/channels/{cid}/members", tag = "channels", params(("cid" = String, Path)),
    request_body = AddMemberBody,
    responses((status = 201, body = ChannelMembersAnswer), (status = "4XX", body = ErrorBody)))]
async fn add_member(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
    Json(body): Json<AddMemberBody>,
) -> ApiResult<(StatusCode, axum::Json<ChannelMembersAnswer>)> {
    let members = channels::add_member(&state, &user.user_id, &cid, &body.user_id).await?;
    Ok((StatusCode::CREATED, axum::Json(ChannelMembersAnswer { members })))
}

/// Moves the caller's read marker forward.
#[utoipa::path(post, path = "/channels/{cid}/read", tag = "channels", params(("cid" = String, Path)),
    request_body = ReadBody, responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn mark_read(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
    Json(body): Json<ReadBody>,
) -> ApiResult<StatusCode> {
    channels::mark_read(&state, &user.user_id, &cid, body.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The channel's event log after a seq: what a client missed.
#[utoipa::path(get, path = "/channels/{cid}/events", tag = "channels", params(("cid" = String, Path), EventsQuery),
    responses((status = 200, body = EventsAnswer), (status = "4XX", body = ErrorBody)))]
async fn events(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
    Query(q): Query<EventsQuery>,
) -> ApiResult<axum::Json<EventsAnswer>> {
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid("after", "must be zero or more"));
    }
    let limit = q.limit.unwrap_or(DEFAULT_EVENTS_PAGE);
    if !(1..=MAX_EVENTS_PAGE).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be 1 to {MAX_EVENTS_PAGE}")));
    }
    let (events, latest_seq) = channels::events(&state, &user.user_id, &cid, after, limit).await?;
    Ok(axum::Json(EventsAnswer { events, latest_seq }))
}

/// Removes a member: the channel's creator or a workspace admin; not in `general` or a DM.
#[utoipa::path(delete, path = "/channels/{cid}/members/{uid}", tag = "channels",
    params(("cid" = String, Path), ("uid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    user: AuthUser,
    Path((cid, uid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    channels::remove_member(&state, &user.user_id, &cid, &uid).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct NotificationsBody {
    /// `all`, `mentions`, `nothing`, or `default` (follow the workspace default).
    level: String,
    muted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationsAnswer {
    notifications: Notifications,
}

/// The caller's notification preferences for the channel (members only).
#[utoipa::path(get, path = "/channels/{cid}/notifications", tag = "channels", params(("cid" = String, Path)),
    responses((status = 200, body = NotificationsAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_notifications(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
) -> ApiResult<axum::Json<NotificationsAnswer>> {
    Ok(axum::Json(NotificationsAnswer {
        notifications: channels::notifications(&state, &user.user_id, &cid).await?,
    }))
}

/// Sets the caller's notification preferences for the channel.
#[utoipa::path(put, path = "/channels/{cid}/notifications", tag = "channels", params(("cid" = String, Path)),
    request_body = NotificationsBody,
    responses((status = 200, body = NotificationsAnswer), (status = "4XX", body = ErrorBody)))]
async fn set_notifications(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
    Json(body): Json<NotificationsBody>,
) -> ApiResult<axum::Json<NotificationsAnswer>> {
    let notifications =
        channels::set_notifications(&state, &user.user_id, &cid, &body.level, body.muted).await?;
    Ok(axum::Json(NotificationsAnswer { notifications }))
}
