//! User groups: workspace admins make them; `@handle` of a group then mentions its members who
//! are in the channel.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, groups::GroupRow};
use crate::domain::{new_id, now_ms, validate};
use crate::error::{ApiError, ApiResult};
use crate::service::access;
use crate::state::AppState;

/// People in one group at most.
pub const MAX_GROUP_MEMBERS: usize = 1000;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Group {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub user_ids: Vec<String>,
}

/// A group handle: 1–40 lower-case letters, digits, `.`, `-`, `_` (what `@handle` finds).
fn handle(raw: &str) -> ApiResult<String> {
    let h = raw.trim().trim_start_matches('@').to_lowercase();
    let ok = !h.is_empty()
        && h.chars().count() <= 40
        && h.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !matches!(h.as_str(), "channel" | "here" | "everyone");
    if ok {
        Ok(h)
    } else {
        Err(ApiError::invalid("handle", "must be 1 to 40 letters, digits, '.', '-' or '_'"))
    }
}

pub async fn list(state: &AppState, caller: &str, workspace_id: &str) -> ApiResult<Vec<Group>> {
    let mut rd = state.db.read().await?;
    access::workspace_role(rd.c(), caller, workspace_id).await?;
    let rows = db::groups::list(rd.c(), workspace_id).await?;
    let mut members: HashMap<String, Vec<String>> = HashMap::new();
    for (group_id, user_id) in db::groups::members_of_workspace(rd.c(), workspace_id).await? {
        members.entry(group_id).or_default().push(user_id);
    }
    Ok(rows
        .into_iter()
        .map(|g| Group {
            user_ids: members.remove(&g.id).unwrap_or_default(),
            id: g.id,
            handle: g.handle,
            name: g.name,
        })
        .collect())
}

/// The checked member list: distinct members of the workspace.
async fn check_members(tx: &mut db::Tx, workspace_id: &str, user_ids: &[String]) -> ApiResult<Vec<String>> {
    let mut ids: Vec<String> = user_ids.iter().map(|id| id.trim().to_string()).collect();
    ids.sort();
    ids.dedup();
    if ids.len() > MAX_GROUP_MEMBERS {
        return Err(ApiError::invalid("user_ids", format!("at most {MAX_GROUP_MEMBERS} people")));
    }
    for id in &ids {
        if db::workspaces::role_of(tx.c(), workspace_id, id).await?.is_none() {
            return Err(ApiError::invalid("user_ids", "everyone must be a member of the workspace"));
        }
    }
    Ok(ids)
}

async fn require_admin(tx: &mut db::Tx, caller: &str, workspace_id: &str) -> ApiResult<()> {
    if access::workspace_role(tx.c(), caller, workspace_id).await?.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden("only workspace admins manage groups"))
    }
}

/// A handle must not be someone's `@handle` in the workspace, nor another group's.
async fn check_free(tx: &mut db::Tx, workspace_id: &str, handle: &str) -> ApiResult<()> {
    if !db::users::ids_by_mention_key(tx.c(), workspace_id, handle).await?.is_empty() {
        return Err(ApiError::conflict("a member of the workspace has this handle"));
    }
    Ok(())
}

pub async fn create(
    state: &AppState,
    caller: &str,
    workspace_id: &str,
    raw_handle: &str,
    name: &str,
    user_ids: &[String],
) -> ApiResult<Group> {
    let handle = handle(raw_handle)?;
    let name = validate::display_name(name).map_err(|m| ApiError::invalid("name", m))?;
    let mut tx = state.db.begin().await?;
    require_admin(&mut tx, caller, workspace_id).await?;
    check_free(&mut tx, workspace_id, &handle).await?;
    let user_ids = check_members(&mut tx, workspace_id, user_ids).await?;
    let row = GroupRow { id: new_id(), workspace_id: workspace_id.to_string(), handle, name };
    match db::groups::insert(tx.c(), &row, now_ms()).await {
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ApiError::conflict("a group with this handle exists"));
        }
        other => other?,
    }
    db::groups::set_members(tx.c(), &row.id, &user_ids).await?;
    state.commit(tx).await?;
    Ok(Group { id: row.id, handle: row.handle, name: row.name, user_ids })
}

pub struct GroupPatch {
    pub handle: Option<String>,
    pub name: Option<String>,
    pub user_ids: Option<Vec<String>>,
}

pub async fn update(state: &AppState, caller: &str, group_id: &str, patch: GroupPatch) -> ApiResult<Group> {
    let mut tx = state.db.begin().await?;
    let mut row = db::groups::get(tx.c(), group_id).await?.ok_or(ApiError::NotFound("group"))?;
    access::workspace_role(tx.c(), caller, &row.workspace_id)
        .await
        .map_err(|_| ApiError::NotFound("group"))?;
    require_admin(&mut tx, caller, &row.workspace_id.clone()).await?;
    if let Some(h) = &patch.handle {
        let h = handle(h)?;
        if h != row.handle {
            check_free(&mut tx, &row.workspace_id.clone(), &h).await?;
        }
        row.handle = h;
    }
    if let Some(name) = &patch.name {
        row.name = validate::display_name(name).map_err(|m| ApiError::invalid("name", m))?;
    }
    match db::groups::update(tx.c(), &row).await {
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ApiError::conflict("a group with this handle exists"));
        }
        other => other?,
    }
    let user_ids = match &patch.user_ids {
        Some(ids) => {
            let ids = check_members(&mut tx, &row.workspace_id.clone(), ids).await?;
            db::groups::set_members(tx.c(), &row.id, &ids).await?;
            ids
        }
        None => db::groups::members(tx.c(), &row.id).await?,
    };
    state.commit(tx).await?;
    Ok(Group { id: row.id, handle: row.handle, name: row.name, user_ids })
}

pub async fn delete(state: &AppState, caller: &str, group_id: &str) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    let row = db::groups::get(tx.c(), group_id).await?.ok_or(ApiError::NotFound("group"))?;
    access::workspace_role(tx.c(), caller, &row.workspace_id)
        .await
        .map_err(|_| ApiError::NotFound("group"))?;
    require_admin(&mut tx, caller, &row.workspace_id).await?;
    db::groups::delete(tx.c(), group_id).await?;
    state.commit(tx).await?;
    Ok(())
}
