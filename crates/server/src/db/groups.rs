//! User groups of a workspace and their members.

use super::Conn;
use crate::on;

#[derive(Debug, sqlx::FromRow)]
pub struct GroupRow {
    pub id: String,
    pub workspace_id: String,
    pub handle: String,
    pub name: String,
}

/// Inserts a group; a unique violation when the handle is taken in the workspace.
pub async fn insert(c: Conn<'_>, group: &GroupRow, now: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("INSERT INTO user_groups (id, workspace_id, handle, name, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&group.id)
            .bind(&group.workspace_id)
            .bind(&group.handle)
            .bind(&group.name)
            .bind(now)
            .execute(e)
            .await
            .map(drop)
    })
}

pub async fn update(c: Conn<'_>, group: &GroupRow) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE user_groups SET handle = $2, name = $3 WHERE id = $1")
            .bind(&group.id)
            .bind(&group.handle)
            .bind(&group.name)
            .execute(e)
            .await
            .map(drop)
    })
}

pub async fn delete(c: Conn<'_>, id: &str) -> sqlx::Result<()> {
    on!(c, |e| sqlx::query("DELETE FROM user_groups WHERE id = $1").bind(id).execute(e).await.map(drop))
}

pub async fn get(c: Conn<'_>, id: &str) -> sqlx::Result<Option<GroupRow>> {
    on!(c, |e| {
        sqlx::query_as("SELECT id, workspace_id, handle, name FROM user_groups WHERE id = $1")
            .bind(id)
            .fetch_optional(e)
            .await
    })
}

pub async fn list(c: Conn<'_>, workspace_id: &str) -> sqlx::Result<Vec<GroupRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT id, workspace_id, handle, name FROM user_groups WHERE workspace_id = $1 ORDER BY handle",
        )
        .bind(workspace_id)
        .fetch_all(e)
        .await
    })
}

pub async fn by_handle(c: Conn<'_>, workspace_id: &str, handle: &str) -> sqlx::Result<Option<String>> {
    on!(c, |e| {
        sqlx::query_scalar("SELECT id FROM user_groups WHERE workspace_id = $1 AND handle = $2")
            .bind(workspace_id)
            .bind(handle)
            .fetch_optional(e)
            .await
    })
}

/// (group id, user id) of every group of the workspace.
pub async fn members_of_workspace(c: Conn<'_>, workspace_id: &str) -> sqlx::Result<Vec<(String, String)>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT gm.group_id, gm.user_id FROM user_group_members gm
             JOIN user_groups g ON g.id = gm.group_id WHERE g.workspace_id = $1 ORDER BY gm.user_id",
        )
        .bind(workspace_id)
        .fetch_all(e)
        .await
    })
}

pub async fn members(c: Conn<'_>, group_id: &str) -> sqlx::Result<Vec<String>> {
    on!(c, |e| {
        sqlx::query_scalar("SELECT user_id FROM user_group_members WHERE group_id = $1 ORDER BY user_id")
            .bind(group_id)
            .fetch_all(e)
            .await
    })
}

/// Replaces a group's members.
pub async fn set_members(c: Conn<'_>, group_id: &str, user_ids: &[String]) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("DELETE FROM user_group_members WHERE group_id = $1")
            .bind(group_id)
            .execute(&mut *e)
            .await?;
        for user_id in user_ids {
            sqlx::query(
                "INSERT INTO user_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(group_id)
            .bind(user_id)
            .execute(&mut *e)
            .await?;
        }
        Ok(())
    })
}

/// The group's members who are in the channel.
pub async fn members_in_channel(c: Conn<'_>, group_id: &str, channel_id: &str) -> sqlx::Result<Vec<String>> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT gm.user_id FROM user_group_members gm
             JOIN channel_members cm ON cm.user_id = gm.user_id AND cm.channel_id = $2
             WHERE gm.group_id = $1 ORDER BY gm.user_id",
        )
        .bind(group_id)
        .bind(channel_id)
        .fetch_all(e)
        .await
    })
}
