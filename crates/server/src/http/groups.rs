//! `/workspaces/{wid}/groups` and `/groups/{gid}`: user groups for `@group` mentions.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Json, Path};
use crate::error::{ApiResult, ErrorBody};
use crate::service::groups::{self, Group, GroupPatch};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(update_group, delete_group))
}

#[derive(Serialize, ToSchema)]
pub struct GroupsAnswer {
    groups: Vec<Group>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupAnswer {
    group: Group,
}

#[derive(Deserialize, ToSchema)]
pub struct NewGroupBody {
    handle: String,
    name: String,
    user_ids: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct GroupPatchBody {
    handle: Option<String>,
    name: Option<String>,
    user_ids: Option<Vec<String>>,
}

/// The workspace's groups with their members.
#[utoipa::path(get, path = "/workspaces/{wid}/groups", tag = "workspaces", params(("wid" = String, Path)),
    responses((status = 200, body = GroupsAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_groups(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<GroupsAnswer>> {
    Ok(axum::Json(GroupsAnswer { groups: groups::list(&state, &user.user_id, &wid).await? }))
}

/// Creates a group (workspace admins); `@handle` then mentions its members in the channel.
#[utoipa::path(post, path = "/workspaces/{wid}/groups", tag = "workspaces", params(("wid" = String, Path)),
    request_body = NewGroupBody,
    responses((status = 201, body = GroupAnswer), (status = "4XX", body = ErrorBody)))]
async fn create_group(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    Json(body): Json<NewGroupBody>,
) -> ApiResult<(StatusCode, axum::Json<GroupAnswer>)> {
    let group = groups::create(&state, &user.user_id, &wid, &body.handle, &body.name, &body.user_ids).await?;
    Ok((StatusCode::CREATED, axum::Json(GroupAnswer { group })))
}

/// Changes a group (workspace admins).
#[utoipa::path(patch, path = "/groups/{gid}", tag = "workspaces", params(("gid" = String, Path)),
    request_body = GroupPatchBody,
    responses((status = 200, body = GroupAnswer), (status = "4XX", body = ErrorBody)))]
async fn update_group(
    State(state): State<AppState>,
    user: AuthUser,
    Path(gid): Path<String>,
    Json(body): Json<GroupPatchBody>,
) -> ApiResult<axum::Json<GroupAnswer>> {
    let patch = GroupPatch { handle: body.handle, name: body.name, user_ids: body.user_ids };
    Ok(axum::Json(GroupAnswer { group: groups::update(&state, &user.user_id, &gid, patch).await? }))
}

/// Deletes a group (workspace admins).
#[utoipa::path(delete, path = "/groups/{gid}", tag = "workspaces", params(("gid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn delete_group(
    State(state): State<AppState>,
    user: AuthUser,
    Path(gid): Path<String>,
) -> ApiResult<StatusCode> {
    groups::delete(&state, &user.user_id, &gid).await?;
    Ok(StatusCode::NO_CONTENT)
}
