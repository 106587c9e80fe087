//! Who may do what: the workspace role and channel standing of a caller, loaded in one query and
//! turned into 404 when the caller may not know the thing exists.

use crate::db::{self, Conn};
use crate::domain::models::ChannelKind;
use crate::domain::roles::Role;
use crate::error::{ApiError, ApiResult};

/// The caller's standing in a channel they may at least know about.
#[derive(Debug)]
pub struct ChannelAccess {
    pub workspace_id: String,
    pub kind: ChannelKind,
    pub archived: bool,
    pub is_default: bool,
    pub created_by: String,
    pub role: Role,
    pub is_member: bool,
}

impl ChannelAccess {
    /// Members read; so does any non-guest for a public channel (Slack's preview).
    pub fn can_read(&self) -> bool {
        self.is_member || (self.kind == ChannelKind::Public && !self.role.is_guest())
    }

    /// Posting needs membership and a channel that is not archived.
    pub fn require_post(&self) -> ApiResult<()> {
        if !self.is_member {
            return Err(ApiError::forbidden("join the channel to post in it"));
        }
        if self.archived {
            return Err(ApiError::forbidden("the channel is archived"));
        }
        Ok(())
    }

    /// Renaming, archiving: the channel's creator or a workspace admin.
    pub fn can_manage(&self, user_id: &str) -> bool {
        self.role.is_admin() || (self.is_member && self.created_by == user_id)
    }
}

/// Loads the caller's access to a channel they may read; 404 otherwise.
pub async fn readable_channel(c: Conn<'_>, user_id: &str, channel_id: &str) -> ApiResult<ChannelAccess> {
    let access = channel(c, user_id, channel_id).await?;
    if access.can_read() { Ok(access) } else { Err(ApiError::NotFound("channel")) }
}

async fn channel(c: Conn<'_>, user_id: &str, channel_id: &str) -> ApiResult<ChannelAccess> {
    let row = db::channels::access(c, user_id, channel_id).await?.ok_or(ApiError::NotFound("channel"))?;
    Ok(ChannelAccess {
        kind: ChannelKind::parse(&row.kind).ok_or_else(|| corrupt("channel kind", &row.kind))?,
        role: Role::parse(&row.role).ok_or_else(|| corrupt("role", &row.role))?,
        workspace_id: row.workspace_id,
        archived: row.archived,
        is_default: row.is_default,
        created_by: row.created_by,
        is_member: row.is_member,
    })
}

/// The caller's role in a workspace; 404 when not a member.
pub async fn workspace_role(c: Conn<'_>, user_id: &str, workspace_id: &str) -> ApiResult<Role> {
    let role =
        db::workspaces::role_of(c, workspace_id, user_id).await?.ok_or(ApiError::NotFound("workspace"))?;
    Role::parse(&role).ok_or_else(|| corrupt("role", &role))
}

/// A value the schema's CHECK constraints should have made impossible.
pub fn corrupt(what: &str, value: &str) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("unexpected {what} {value:?} in the database"))
}
