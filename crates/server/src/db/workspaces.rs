//! Workspaces and their members with roles.

use super::Conn;
use super::users::UserRow;
use crate::on;

#[derive(Debug, sqlx::FromRow)]
pub struct WorkspaceRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    /// The viewer's role.
    pub role: String,
}

#[derive(Debug, sqlx::FromRow)]
pub struct MemberRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub role: String,
}

pub async fn insert(c: Conn<'_>, id: &str, name: &str, created_by: &str, now: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("INSERT INTO workspaces (id, name, created_by, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(name)
            .bind(created_by)
            .bind(now)
            .execute(e)
            .await
            .map(drop)
    })
}

/// Adds a member; false when they already were one.
pub async fn add_member(
    c: Conn<'_>,
    workspace_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, user_id) DO NOTHING",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(role)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

pub async fn list_for_user(c: Conn<'_>, user_id: &str) -> sqlx::Result<Vec<WorkspaceRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT w.id, w.name, w.created_at, wm.role FROM workspaces w
             JOIN workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = $1
             ORDER BY w.name, w.id",
        )
        .bind(user_id)
        .fetch_all(e)
        .await
    })
}

pub async fn get_for_user(
    c: Conn<'_>,
    workspace_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<WorkspaceRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT w.id, w.name, w.created_at, wm.role FROM workspaces w
             JOIN workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = $2
             WHERE w.id = $1",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(e)
        .await
    })
}

/// The user's role in the workspace; None when not a member.
pub async fn role_of(c: Conn<'_>, workspace_id: &str, user_id: &str) -> sqlx::Result<Option<String>> {
    on!(c, |e| {
        sqlx::query_scalar("SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(e)
            .await
    })
}

/// A member's default notification level in the workspace (None: not a member).
pub async fn notify_default(c: Conn<'_>, workspace_id: &str, user_id: &str) -> sqlx::Result<Option<String>> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT notify_level FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(e)
        .await
    })
}

/// Sets a member's default notification level; false when they are not a member.
pub async fn set_notify_default(
    c: Conn<'_>,
    workspace_id: &str,
    user_id: &str,
    level: &str,
) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query("UPDATE workspace_members SET notify_level = $3 WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .bind(level)
            .execute(e)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}

pub async fn members(c: Conn<'_>, workspace_id: &str) -> sqlx::Result<Vec<MemberRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT u.id, u.email, u.name, u.password_hash, u.is_admin, u.status_text, u.created_at,
                    u.mention_key, u.status_emoji, u.status_expires_at, u.dnd_until, u.avatar_id, wm.role
             FROM workspace_members wm JOIN users u ON u.id = wm.user_id
             WHERE wm.workspace_id = $1 ORDER BY u.name, u.id",
        )
        .bind(workspace_id)
        .fetch_all(e)
        .await
    })
}

pub async fn set_role(c: Conn<'_>, workspace_id: &str, user_id: &str, role: &str) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE workspace_members SET role = $3 WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .bind(role)
            .execute(e)
            .await
            .map(drop)
    })
}

pub async fn remove_member(c: Conn<'_>, workspace_id: &str, user_id: &str) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .execute(e)
            .await
            .map(drop)
    })
}

pub async fn count_owners(c: Conn<'_>, workspace_id: &str) -> sqlx::Result<i64> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM workspace_members WHERE workspace_id = $1 AND role = 'owner'",
        )
        .bind(workspace_id)
        .fetch_one(e)
        .await
    })
}

pub async fn name_of(c: Conn<'_>, workspace_id: &str) -> sqlx::Result<Option<String>> {
    on!(c, |e| {
        sqlx::query_scalar("SELECT name FROM workspaces WHERE id = $1")
            .bind(workspace_id)
            .fetch_optional(e)
            .await
    })
}

/// Takes the workspace row's lock until commit, so that decisions about its members (is this
/// the last owner?) are made one transaction at a time. SQLite's writer lock already does.
pub async fn lock(c: Conn<'_>, workspace_id: &str) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query("UPDATE workspaces SET name = name WHERE id = $1")
            .bind(workspace_id)
            .execute(e)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}
