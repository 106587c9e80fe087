//! `/workspaces/*` and `/invites/*`: workspaces, members, roles, invites.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, ClientIp, Json, Path};
use crate::domain::event::Status;
use crate::domain::models::{Invite, Member, Workspace};
use crate::domain::roles::Role;
use crate::error::{ApiResult, ErrorBody};
use crate::service::workspaces::{self, NewInvite};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_workspace, list_workspaces))
        .routes(routes!(get_workspace))
        .routes(routes!(list_members))
        .routes(routes!(presence))
        .routes(routes!(set_role, remove_member))
        .routes(routes!(create_invite))
        .routes(routes!(accept_invite))
        .routes(routes!(preview_invite))
}

#[derive(Deserialize, ToSchema)]
pub struct WorkspaceBody {
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct WorkspaceAnswer {
    workspace: Workspace,
}

#[derive(Serialize, ToSchema)]
pub struct WorkspacesAnswer {
    workspaces: Vec<Workspace>,
}

#[derive(Serialize, ToSchema)]
pub struct MembersAnswer {
    members: Vec<Member>,
}

#[derive(Serialize, ToSchema)]
pub struct PresenceEntry {
    user_id: String,
    status: Status,
}

#[derive(Serialize, ToSchema)]
pub struct PresenceAnswer {
    presence: Vec<PresenceEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberAnswer {
    member: Member,
}

#[derive(Deserialize, ToSchema)]
pub struct RoleBody {
    /// owner, admin, member or guest.
    role: String,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct InviteBody {
    /// member (default) or guest.
    role: Option<String>,
    /// 1 to 720; 168 (a week) by default.
    expires_in_hours: Option<i64>,
    /// Unlimited (until expiry) by default.
    max_uses: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct InviteAnswer {
    invite: Invite,
}

/// Creates a workspace; the caller is its owner; `general` is created with the caller in it.
#[utoipa::path(post, path = "/workspaces", tag = "workspaces", request_body = WorkspaceBody,
    responses((status = 201, body = WorkspaceAnswer), (status = "4XX", body = ErrorBody)))]
async fn create_workspace(
    State(state): State<AppState>,
    user: AuthUser,
    Json(body): Json<WorkspaceBody>,
) -> ApiResult<(StatusCode, axum::Json<WorkspaceAnswer>)> {
    let workspace = workspaces::create(&state, &user.user_id, &body.name).await?;
    Ok((StatusCode::CREATED, axum::Json(WorkspaceAnswer { workspace })))
}

/// The workspaces the caller belongs to.
#[utoipa::path(get, path = "/workspaces", tag = "workspaces",
    responses((status = 200, body = WorkspacesAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_workspaces(
    State(state): State<AppState>,
    user: AuthUser,
) -> ApiResult<axum::Json<WorkspacesAnswer>> {
    Ok(axum::Json(WorkspacesAnswer { workspaces: workspaces::list(&state, &user.user_id).await? }))
}

#[utoipa::path(get, path = "/workspaces/{wid}", tag = "workspaces", params(("wid" = String, Path)),
    responses((status = 200, body = WorkspaceAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_workspace(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<WorkspaceAnswer>> {
    Ok(axum::Json(WorkspaceAnswer { workspace: workspaces::get(&state, &user.user_id, &wid).await? }))
}

#[utoipa::path(get, path = "/workspaces/{wid}/members", tag = "workspaces", params(("wid" = String, Path)),
    responses((status = 200, body = MembersAnswer), (status = "4XX", body = ErrorBody)))]
async fn list_members(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<MembersAnswer>> {
    Ok(axum::Json(MembersAnswer { members: workspaces::members(&state, &user.user_id, &wid).await? }))
}

/// Every member's presence, across all their devices and all nodes.
#[utoipa::path(get, path = "/workspaces/{wid}/presence", tag = "workspaces", params(("wid" = String, Path)),
    responses((status = 200, body = PresenceAnswer), (status = "4XX", body = ErrorBody)))]
async fn presence(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<PresenceAnswer>> {
    let presence = workspaces::presence(&state, &user.user_id, &wid)
        .await?
        .into_iter()
        .map(|(user_id, status)| PresenceEntry { user_id, status })
        .collect();
    Ok(axum::Json(PresenceAnswer { presence }))
}

/// Changes a member's role (admins; only owners touch the owner role).
#[utoipa::path(patch, path = "/workspaces/{wid}/members/{uid}", tag = "workspaces",
    params(("wid" = String, Path), ("uid" = String, Path)), request_body = RoleBody,
    responses((status = 200, body = MemberAnswer), (status = "4XX", body = ErrorBody)))]
async fn set_role(
    State(state): State<AppState>,
    user: AuthUser,
    Path((wid, uid)): Path<(String, String)>,
    Json(body): Json<RoleBody>,
) -> ApiResult<axum::Json<MemberAnswer>> {
    let member = workspaces::set_role(&state, &user.user_id, &wid, &uid, &body.role).await?;
    Ok(axum::Json(MemberAnswer { member }))
}

/// Removes a member (admins), or leaves (anyone, for themselves).
#[utoipa::path(delete, path = "/workspaces/{wid}/members/{uid}", tag = "workspaces",
    params(("wid" = String, Path), ("uid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    user: AuthUser,
    Path((wid, uid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    workspaces::remove_member(&state, &user.user_id, &wid, &uid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates an invite code (members and admins; not guests).
#[utoipa::path(post, path = "/workspaces/{wid}/invites", tag = "workspaces", params(("wid" = String, Path)),
    request_body = InviteBody,
    responses((status = 201, body = InviteAnswer), (status = "4XX", body = ErrorBody)))]
async fn create_invite(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    Json(body): Json<InviteBody>,
) -> ApiResult<(StatusCode, axum::Json<InviteAnswer>)> {
    let input =
        NewInvite { role: body.role, expires_in_hours: body.expires_in_hours, max_uses: body.max_uses };
    let invite = workspaces::create_invite(&state, &user.user_id, &wid, input).await?;
    Ok((StatusCode::CREATED, axum::Json(InviteAnswer { invite })))
}

/// Joins the invite's workspace (and its `general`).
#[utoipa::path(post, path = "/invites/{code}/accept", tag = "workspaces", params(("code" = String, Path)),
    responses((status = 200, body = WorkspaceAnswer), (status = "4XX", body = ErrorBody)))]
async fn accept_invite(
    State(state): State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<WorkspaceAnswer>> {
    Ok(axum::Json(WorkspaceAnswer {
        workspace: workspaces::accept_invite(&state, &user.user_id, &code, ip).await?,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct InvitePreviewBody {
    code: String,
    workspace_id: String,
    workspace_name: String,
    role: Role,
    expires_at: String,
    /// The caller is in the workspace already: accepting changes nothing.
    already_member: bool,
}

#[derive(Serialize, ToSchema)]
pub struct InvitePreviewAnswer {
    invite: InvitePreviewBody,
}

/// What an invite leads to, so a client can ask before accepting it, or check a link before
/// showing a sign-up form (no session needed: holding the code is what counts): 404 for an
/// unknown code, 409 for an expired or used-up one.
#[utoipa::path(get, path = "/invites/{code}", tag = "workspaces", params(("code" = String, Path)),
    security((), ("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = InvitePreviewAnswer), (status = "4XX", body = ErrorBody)))]
async fn preview_invite(
    State(state): State<AppState>,
    user: Option<AuthUser>,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<InvitePreviewAnswer>> {
    let caller = user.map(|u| u.user_id).unwrap_or_default();
    let p = workspaces::preview_invite(&state, &caller, &code).await?;
    Ok(axum::Json(InvitePreviewAnswer {
        invite: InvitePreviewBody {
            code: p.code,
            workspace_id: p.workspace_id,
            workspace_name: p.workspace_name,
            role: p.role,
            expires_at: p.expires_at,
            already_member: p.already_member,
        },
    }))
}
