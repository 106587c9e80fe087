//! Workspaces: creation with its `general` channel, members and roles, invites.

use std::net::IpAddr;

use rand::RngCore;

use crate::db::{self, Tx, channels::NewChannel};
use crate::domain::event::{Envelope, Status};
use crate::domain::models::{Invite, Member, Workspace};
use crate::domain::roles::Role;
use crate::domain::{new_id, now_ms, rfc3339, validate};
use crate::error::{ApiError, ApiResult};
use crate::service::access::{self, corrupt};
use crate::service::channels;
use crate::service::throttle::Scope;
use crate::state::AppState;

/// Invites last a week unless asked otherwise, and at most 30 days.
const DEFAULT_INVITE_HOURS: i64 = 7 * 24;
const MAX_INVITE_HOURS: i64 = 30 * 24;
const MAX_INVITE_USES: i64 = 10_000;
/// The channel every workspace starts with and every (non-guest) member is in.
pub const DEFAULT_CHANNEL: &str = "general";

fn to_api(row: db::workspaces::WorkspaceRow) -> ApiResult<Workspace> {
    Ok(Workspace {
        role: Role::parse(&row.role).ok_or_else(|| corrupt("role", &row.role))?,
        id: row.id,
        name: row.name,
        created_at: rfc3339(row.created_at),
    })
}

pub async fn create(state: &AppState, user_id: &str, name: &str) -> ApiResult<Workspace> {
    let name = validate::display_name(name).map_err(|m| ApiError::invalid("name", m))?;
    let now = now_ms();
    let id = new_id();
    let mut tx = state.db.begin().await?;
    db::workspaces::insert(tx.c(), &id, &name, user_id, now).await?;
    db::workspaces::add_member(tx.c(), &id, user_id, Role::Owner.as_str(), now).await?;
    let general = NewChannel {
        id: &new_id(),
        workspace_id: &id,
        name: DEFAULT_CHANNEL,
        kind: "public",
        topic: "",
        dm_key: None,
        is_default: true,
        created_by: user_id,
        now,
    };
    // Before the channel's events: the creator's sockets follow the workspace, then its general.
    tx.outbox.push(Envelope::WorkspaceJoined {
        user_id: user_id.into(),
        workspace_id: id.clone(),
        role: Role::Owner,
    });
    channels::insert_with_members(&mut tx, &general, &[user_id.to_string()]).await?;
    state.commit(tx).await?;
    tracing::info!(workspace_id = %id, user_id, "workspace created");
    Ok(Workspace { id, name, role: Role::Owner, created_at: rfc3339(now) })
}

pub async fn list(state: &AppState, user_id: &str) -> ApiResult<Vec<Workspace>> {
    let mut rd = state.db.read().await?;
    db::workspaces::list_for_user(rd.c(), user_id).await?.into_iter().map(to_api).collect()
}

pub async fn get(state: &AppState, user_id: &str, workspace_id: &str) -> ApiResult<Workspace> {
    let mut rd = state.db.read().await?;
    let row = db::workspaces::get_for_user(rd.c(), workspace_id, user_id).await?;
    to_api(row.ok_or(ApiError::NotFound("workspace"))?)
}

pub async fn members(state: &AppState, user_id: &str, workspace_id: &str) -> ApiResult<Vec<Member>> {
    let mut rd = state.db.read().await?;
    access::workspace_role(rd.c(), user_id, workspace_id).await?;
    db::workspaces::members(rd.c(), workspace_id)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Member {
                role: Role::parse(&m.role).ok_or_else(|| corrupt("role", &m.role))?,
                user: m.user.to_api(user_id),
            })
        })
        .collect()
}

/// The caller's default notification level in a workspace.
pub async fn notify_default(state: &AppState, user_id: &str, workspace_id: &str) -> ApiResult<String> {
    let mut rd = state.db.read().await?;
    db::workspaces::notify_default(rd.c(), workspace_id, user_id)
        .await?
        .ok_or(ApiError::NotFound("workspace"))
}

/// Sets the caller's default notification level in a workspace: all, mentions or nothing.
pub async fn set_notify_default(
    state: &AppState,
    user_id: &str,
    workspace_id: &str,
    level: &str,
) -> ApiResult<String> {
    if !matches!(level, "all" | "mentions" | "nothing") {
        return Err(ApiError::invalid("level", "must be all, mentions or nothing"));
    }
    let mut tx = state.db.begin().await?;
    if !db::workspaces::set_notify_default(tx.c(), workspace_id, user_id, level).await? {
        return Err(ApiError::NotFound("workspace"));
    }
    state.commit(tx).await?;
    Ok(level.to_string())
}

/// Every member's presence: online, away or offline.
pub async fn presence(
    state: &AppState,
    user_id: &str,
    workspace_id: &str,
) -> ApiResult<Vec<(String, Status)>> {
    let ids: Vec<String> = {
        let mut rd = state.db.read().await?;
        access::workspace_role(rd.c(), user_id, workspace_id).await?;
        db::workspaces::members(rd.c(), workspace_id).await?.into_iter().map(|m| m.user.id).collect()
    };
    let statuses = state.presence.status_of(&ids).await;
    Ok(ids.into_iter().zip(statuses).collect())
}

/// Changes a member's role. Admins manage members and admins; only owners touch owners; the last
/// owner cannot step down.
pub async fn set_role(
    state: &AppState,
    caller: &str,
    workspace_id: &str,
    target: &str,
    role: &str,
) -> ApiResult<Member> {
    let new_role = Role::parse(role)
        .ok_or_else(|| ApiError::invalid("role", "must be owner, admin, member or guest"))?;
    let mut tx = state.db.begin().await?;
    // Locked before the owner count is read: two owners demoting each other must not both pass.
    db::workspaces::lock(tx.c(), workspace_id).await?;
    let caller_role = access::workspace_role(tx.c(), caller, workspace_id).await?;
    if !caller_role.is_admin() {
        return Err(ApiError::forbidden("only admins change roles"));
    }
    let old_role = access::workspace_role(tx.c(), target, workspace_id)
        .await
        .map_err(|_| ApiError::NotFound("member"))?;
    if (old_role == Role::Owner || new_role == Role::Owner) && caller_role != Role::Owner {
        return Err(ApiError::forbidden("only owners grant or take the owner role"));
    }
    if old_role == Role::Owner
        && new_role != Role::Owner
        && db::workspaces::count_owners(tx.c(), workspace_id).await? <= 1
    {
        return Err(ApiError::conflict("a workspace needs at least one owner"));
    }
    db::workspaces::set_role(tx.c(), workspace_id, target, new_role.as_str()).await?;
    let user = db::users::by_id(tx.c(), target).await?.ok_or(ApiError::NotFound("member"))?;
    if new_role != old_role {
        tx.outbox.push(Envelope::MemberUpdated {
            workspace_id: workspace_id.into(),
            user_id: target.into(),
            role: new_role,
        });
        tx.outbox.push(Envelope::RoleChanged {
            user_id: target.into(),
            workspace_id: workspace_id.into(),
            role: new_role,
        });
    }
    state.commit(tx).await?;
    Ok(Member { user: user.to_api(caller), role: new_role })
}

/// Removes a member (or lets one leave): out of every channel of the workspace, then the workspace.
pub async fn remove_member(
    state: &AppState,
    caller: &str,
    workspace_id: &str,
    target: &str,
) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    db::workspaces::lock(tx.c(), workspace_id).await?;
    let caller_role = access::workspace_role(tx.c(), caller, workspace_id).await?;
    let target_role = access::workspace_role(tx.c(), target, workspace_id)
        .await
        .map_err(|_| ApiError::NotFound("member"))?;
    if caller != target {
        if !caller_role.is_admin() {
            return Err(ApiError::forbidden("only admins remove members"));
        }
        if target_role == Role::Owner && caller_role != Role::Owner {
            return Err(ApiError::forbidden("admins cannot remove an owner"));
        }
    }
    if target_role == Role::Owner && db::workspaces::count_owners(tx.c(), workspace_id).await? <= 1 {
        return Err(ApiError::conflict("the last owner cannot leave; make someone else owner first"));
    }
    let now = now_ms();
    for channel_id in db::channels::ids_joined_in(tx.c(), workspace_id, target).await? {
        channels::remove_member_in(&mut tx, &channel_id, target, now).await?;
    }
    db::workspaces::remove_member(tx.c(), workspace_id, target).await?;
    tx.outbox.push(Envelope::WorkspaceLeft { user_id: target.into(), workspace_id: workspace_id.into() });
    state.commit(tx).await?;
    tracing::info!(workspace_id, user_id = target, by = caller, "member removed");
    Ok(())
}

pub struct NewInvite {
    pub role: Option<String>,
    pub expires_in_hours: Option<i64>,
    pub max_uses: Option<i64>,
}

pub async fn create_invite(
    state: &AppState,
    caller: &str,
    workspace_id: &str,
    input: NewInvite,
) -> ApiResult<Invite> {
    let role = match input.role.as_deref() {
        None | Some("member") => Role::Member,
        Some("guest") => Role::Guest,
        Some(_) => return Err(ApiError::invalid("role", "must be member or guest")),
    };
    let hours = input.expires_in_hours.unwrap_or(DEFAULT_INVITE_HOURS);
    if !(1..=MAX_INVITE_HOURS).contains(&hours) {
        return Err(ApiError::invalid("expires_in_hours", format!("must be 1 to {MAX_INVITE_HOURS}")));
    }
    if input.max_uses.is_some_and(|n| !(1..=MAX_INVITE_USES).contains(&n)) {
        return Err(ApiError::invalid("max_uses", format!("must be 1 to {MAX_INVITE_USES}")));
    }
    let mut tx = state.db.begin().await?;
    if access::workspace_role(tx.c(), caller, workspace_id).await?.is_guest() {
        return Err(ApiError::forbidden("guests cannot invite"));
    }
    let mut code = [0u8; 16];
    rand::rng().fill_bytes(&mut code);
    let now = now_ms();
    let row = db::invites::InviteRow {
        code: hex::encode(code),
        workspace_id: workspace_id.to_string(),
        role: role.as_str().to_string(),
        expires_at: now + hours * 3600 * 1000,
        max_uses: input.max_uses,
        uses: 0,
    };
    db::invites::insert(tx.c(), &row, caller, now).await?;
    state.commit(tx).await?;
    Ok(Invite {
        code: row.code,
        workspace_id: row.workspace_id,
        role,
        expires_at: rfc3339(row.expires_at),
        max_uses: row.max_uses,
        uses: 0,
    })
}

/// What an invite leads to, for the person about to accept it.
pub struct InvitePreview {
    pub code: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub role: Role,
    pub expires_at: String,
    pub already_member: bool,
}

/// An invite as its holder sees it before accepting: 404 unknown, 409 expired or used up (unless
/// the holder is already in the workspace).
pub async fn preview_invite(state: &AppState, user_id: &str, code: &str) -> ApiResult<InvitePreview> {
    let mut rd = state.db.read().await?;
    let invite = db::invites::get(rd.c(), code).await?.ok_or(ApiError::NotFound("invite"))?;
    let already_member = db::workspaces::role_of(rd.c(), &invite.workspace_id, user_id).await?.is_some();
    let used_up = invite.max_uses.is_some_and(|max| invite.uses >= max);
    if !already_member && (invite.expires_at <= now_ms() || used_up) {
        return Err(ApiError::conflict("this invite has expired or been used up"));
    }
    let workspace_name =
        db::workspaces::name_of(rd.c(), &invite.workspace_id).await?.ok_or(ApiError::NotFound("invite"))?;
    Ok(InvitePreview {
        role: Role::parse(&invite.role).ok_or_else(|| corrupt("role", &invite.role))?,
        code: invite.code,
        workspace_id: invite.workspace_id,
        workspace_name,
        expires_at: rfc3339(invite.expires_at),
        already_member,
    })
}

/// Accepts an invite; acceptances are counted per client IP like sign-ups.
pub async fn accept_invite(state: &AppState, user_id: &str, code: &str, ip: IpAddr) -> ApiResult<Workspace> {
    state.throttle.attempt(Scope::JoinIp, &crate::service::throttle::ip_key(ip)).await?;
    let mut tx = state.db.begin().await?;
    let workspace_id = redeem_invite(&mut tx, user_id, code, now_ms()).await?;
    let row = db::workspaces::get_for_user(tx.c(), &workspace_id, user_id).await?;
    state.commit(tx).await?;
    to_api(row.ok_or(ApiError::NotFound("workspace"))?)
}

/// Joins `user_id` to the invite's workspace (and its `general`, unless a guest), counting one use.
/// Someone already in the workspace uses nothing. Returns the workspace id.
pub async fn redeem_invite(tx: &mut Tx, user_id: &str, code: &str, now: i64) -> ApiResult<String> {
    let invite = db::invites::get(tx.c(), code).await?.ok_or(ApiError::NotFound("invite"))?;
    if db::workspaces::role_of(tx.c(), &invite.workspace_id, user_id).await?.is_some() {
        return Ok(invite.workspace_id);
    }
    if !db::invites::take_use(tx.c(), code, now).await? {
        return Err(ApiError::conflict("this invite has expired or been used up"));
    }
    db::workspaces::add_member(tx.c(), &invite.workspace_id, user_id, &invite.role, now).await?;
    let role = Role::parse(&invite.role).ok_or_else(|| corrupt("role", &invite.role))?;
    tx.outbox.push(Envelope::WorkspaceJoined {
        user_id: user_id.into(),
        workspace_id: invite.workspace_id.clone(),
        role,
    });
    if invite.role != Role::Guest.as_str()
        && let Some(general) = db::channels::default_of(tx.c(), &invite.workspace_id).await?
    {
        channels::add_member_in(tx, &general, user_id, now).await?;
    }
    tracing::info!(workspace_id = %invite.workspace_id, user_id, "invite accepted");
    Ok(invite.workspace_id)
}
