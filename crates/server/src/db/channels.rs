//! Channels (public, private, DMs), their members and read markers.

use sqlx::AssertSqlSafe;

use super::users::UserRow;
use super::{Conn, numbered_rows};
use crate::on;

/// A channel as one viewer sees it, counts included.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChannelRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub kind: String,
    pub topic: String,
    pub dm_key: Option<String>,
    pub is_default: bool,
    pub archived: bool,
    pub last_seq: i64,
    pub is_member: bool,
    pub last_read_seq: i64,
    pub unread_count: i64,
    pub mention_count: i64,
    pub created_by: String,
    pub created_at: i64,
    /// The viewer's notification preferences: the level in effect (the channel's own or the
    /// workspace default), whether it is the default, muted.
    pub notify_level: String,
    pub notify_default: bool,
    pub muted: bool,
}

/// One query for channels with the viewer's ($1) read state and counts: no query per channel.
/// Unread: top-level messages by others after the marker; mentions: live ones after the marker.
macro_rules! channel_select {
    () => {
        "SELECT c.id, c.workspace_id, c.name, c.kind, c.topic, c.dm_key, c.is_default, c.archived,
                c.last_seq, c.created_by, c.created_at, cm.user_id IS NOT NULL AS is_member,
                COALESCE(cm.last_read_seq, 0) AS last_read_seq,
                CASE WHEN cm.user_id IS NULL THEN 0 ELSE (
                    SELECT COUNT(*) FROM messages m
                    WHERE m.channel_id = c.id AND m.seq > cm.last_read_seq AND m.author_id <> $1
                      AND m.deleted = FALSE AND (m.thread_root_id IS NULL OR m.also_in_channel)) END AS unread_count,
                CASE WHEN cm.user_id IS NULL THEN 0 ELSE (
                    SELECT COUNT(*) FROM message_mentions mm
                    WHERE mm.user_id = $1 AND mm.channel_id = c.id AND mm.seq > cm.last_read_seq)
                END AS mention_count,
                CASE WHEN cm.user_id IS NOT NULL AND NOT cm.notify_default THEN cm.notify_level
                     ELSE COALESCE((SELECT wm.notify_level FROM workspace_members wm
                                    WHERE wm.workspace_id = c.workspace_id AND wm.user_id = $1), 'mentions')
                END AS notify_level,
                COALESCE(cm.notify_default, TRUE) AS notify_default,
                COALESCE(cm.muted, FALSE) AS muted
         FROM channels c
         LEFT JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = $1"
    };
}

/// What a caller may do in a channel: the one authorization read on every channel request.
#[derive(Debug, sqlx::FromRow)]
pub struct AccessRow {
    pub workspace_id: String,
    pub kind: String,
    pub archived: bool,
    pub is_default: bool,
    pub created_by: String,
    /// The caller's workspace role.
    pub role: String,
    pub is_member: bool,
}

pub struct NewChannel<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub topic: &'a str,
    pub dm_key: Option<&'a str>,
    pub is_default: bool,
    pub created_by: &'a str,
    pub now: i64,
}

pub async fn insert(c: Conn<'_>, ch: &NewChannel<'_>) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO channels (id, workspace_id, name, kind, topic, dm_key, is_default, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(ch.id)
        .bind(ch.workspace_id)
        .bind(ch.name)
        .bind(ch.kind)
        .bind(ch.topic)
        .bind(ch.dm_key)
        .bind(ch.is_default)
        .bind(ch.created_by)
        .bind(ch.now)
        .execute(e)
        .await
        .map(drop)
    })
}

/// The channels of a workspace that `viewer` may see: theirs, plus every public one unless a guest.
pub async fn list_for(
    c: Conn<'_>,
    viewer: &str,
    workspace_id: &str,
    with_public: bool,
) -> sqlx::Result<Vec<ChannelRow>> {
    on!(c, |e| {
        sqlx::query_as(concat!(
            channel_select!(),
            " WHERE c.workspace_id = $2 AND (cm.user_id IS NOT NULL OR (c.kind = 'public' AND $3))
              ORDER BY c.kind = 'dm', c.name, c.id"
        ))
        .bind(viewer)
        .bind(workspace_id)
        .bind(with_public)
        .fetch_all(e)
        .await
    })
}

/// One channel with `viewer`'s read state; visibility is the caller's to check.
pub async fn get_for(c: Conn<'_>, viewer: &str, channel_id: &str) -> sqlx::Result<Option<ChannelRow>> {
    on!(c, |e| {
        sqlx::query_as(concat!(channel_select!(), " WHERE c.id = $2"))
            .bind(viewer)
            .bind(channel_id)
            .fetch_optional(e)
            .await
    })
}

/// The caller's standing in a channel; None unless they are in its workspace.
pub async fn access(c: Conn<'_>, user_id: &str, channel_id: &str) -> sqlx::Result<Option<AccessRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT c.workspace_id, c.kind, c.archived, c.is_default, c.created_by, wm.role,
                    cm.user_id IS NOT NULL AS is_member
             FROM channels c
             JOIN workspace_members wm ON wm.workspace_id = c.workspace_id AND wm.user_id = $1
             LEFT JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = $1
             WHERE c.id = $2",
        )
        .bind(user_id)
        .bind(channel_id)
        .fetch_optional(e)
        .await
    })
}

/// Which of `user_ids` are members of the channel.
pub async fn members_among(c: Conn<'_>, channel_id: &str, user_ids: &[&str]) -> sqlx::Result<Vec<String>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = numbered_rows(
        "SELECT user_id FROM channel_members WHERE channel_id = $1 AND user_id IN (",
        "?",
        user_ids.len(),
        2,
    ) + ")";
    on!(c, |e| {
        let mut query = sqlx::query_scalar(AssertSqlSafe(sql)).bind(channel_id);
        for id in user_ids {
            query = query.bind(*id);
        }
        query.fetch_all(e).await
    })
}

pub async fn id_by_dm_key(c: Conn<'_>, workspace_id: &str, dm_key: &str) -> sqlx::Result<Option<String>> {
    on!(c, |e| {
        sqlx::query_scalar("SELECT id FROM channels WHERE workspace_id = $1 AND dm_key = $2")
            .bind(workspace_id)
            .bind(dm_key)
            .fetch_optional(e)
            .await
    })
}

pub async fn default_of(c: Conn<'_>, workspace_id: &str) -> sqlx::Result<Option<String>> {
    on!(c, |e| {
        sqlx::query_scalar("SELECT id FROM channels WHERE workspace_id = $1 AND is_default = TRUE")
            .bind(workspace_id)
            .fetch_optional(e)
            .await
    })
}

pub async fn update(
    c: Conn<'_>,
    channel_id: &str,
    name: &str,
    topic: &str,
    archived: bool,
) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE channels SET name = $2, topic = $3, archived = $4 WHERE id = $1")
            .bind(channel_id)
            .bind(name)
            .bind(topic)
            .bind(archived)
            .execute(e)
            .await
            .map(drop)
    })
}

/// Adds a member with their read marker at `read_seq`; false when already a member.
pub async fn add_member(
    c: Conn<'_>,
    channel_id: &str,
    user_id: &str,
    read_seq: i64,
    now: i64,
) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO channel_members (channel_id, user_id, last_read_seq, joined_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (channel_id, user_id) DO NOTHING",
        )
        .bind(channel_id)
        .bind(user_id)
        .bind(read_seq)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Removes a member; false when they were not one.
pub async fn remove_member(c: Conn<'_>, channel_id: &str, user_id: &str) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2")
            .bind(channel_id)
            .bind(user_id)
            .execute(e)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}

pub async fn members(c: Conn<'_>, channel_id: &str) -> sqlx::Result<Vec<UserRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT u.id, u.email, u.name, u.password_hash, u.is_admin, u.status_text, u.created_at,
                    u.mention_key, u.status_emoji, u.status_expires_at, u.dnd_until, u.avatar_id
             FROM channel_members cm JOIN users u ON u.id = cm.user_id
             WHERE cm.channel_id = $1 ORDER BY u.name, u.id",
        )
        .bind(channel_id)
        .fetch_all(e)
        .await
    })
}

/// Every channel a user is a member of, with its last seq.
pub async fn memberships(c: Conn<'_>, user_id: &str) -> sqlx::Result<Vec<(String, i64)>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT c.id, c.last_seq FROM channels c JOIN channel_members cm ON cm.channel_id = c.id
             WHERE cm.user_id = $1",
        )
        .bind(user_id)
        .fetch_all(e)
        .await
    })
}

/// The channels of a workspace that a user is in.
pub async fn ids_joined_in(c: Conn<'_>, workspace_id: &str, user_id: &str) -> sqlx::Result<Vec<String>> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT c.id FROM channels c JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = $2
             WHERE c.workspace_id = $1 ORDER BY c.id",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_all(e)
        .await
    })
}

/// Moves the read marker forward to `seq` (never backwards, never past the channel's last seq).
/// Returns the marker after the call, or None when the user is not a member.
pub async fn mark_read(c: Conn<'_>, channel_id: &str, user_id: &str, seq: i64) -> sqlx::Result<Option<i64>> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE channel_members SET last_read_seq = (SELECT CASE WHEN $3 < last_seq THEN $3 ELSE last_seq END
                                                        FROM channels WHERE id = $1)
             WHERE channel_id = $1 AND user_id = $2
               AND last_read_seq < (SELECT CASE WHEN $3 < last_seq THEN $3 ELSE last_seq END
                                    FROM channels WHERE id = $1)",
        )
        .bind(channel_id)
        .bind(user_id)
        .bind(seq)
        .execute(&mut *e)
        .await?;
        sqlx::query_scalar("SELECT last_read_seq FROM channel_members WHERE channel_id = $1 AND user_id = $2")
            .bind(channel_id)
            .bind(user_id)
            .fetch_optional(e)
            .await
    })
}

/// Sets a member's notification preferences (`level` None: follow the workspace default); false
/// when they are not a member.
pub async fn set_notifications(
    c: Conn<'_>,
    channel_id: &str,
    user_id: &str,
    level: Option<&str>,
    muted: bool,
) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE channel_members SET notify_level = COALESCE($3, notify_level), notify_default = $4,
                    muted = $5
             WHERE channel_id = $1 AND user_id = $2",
        )
        .bind(channel_id)
        .bind(user_id)
        .bind(level)
        .bind(level.is_none())
        .bind(muted)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}
