//! Who follows a thread, who took part in it, and how far each follower has read its replies.

use sqlx::AssertSqlSafe;

use super::messages::MessageRow;
use super::{Conn, numbered_rows};
use crate::on;

/// A reply's author took part: they follow the thread again and have read it up to their reply.
pub async fn replied(c: Conn<'_>, root_id: &str, user_id: &str, at: i64, seq: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO thread_follows (root_id, user_id, following, last_replied_at, last_read_seq)
             VALUES ($1, $2, TRUE, $3, $4)
             ON CONFLICT (root_id, user_id) DO UPDATE SET following = TRUE,
                 last_replied_at = excluded.last_replied_at,
                 last_read_seq = CASE WHEN thread_follows.last_read_seq > excluded.last_read_seq
                                      THEN thread_follows.last_read_seq ELSE excluded.last_read_seq END",
        )
        .bind(root_id)
        .bind(user_id)
        .bind(at)
        .bind(seq)
        .execute(e)
        .await
        .map(drop)
    })
}

/// People who follow a thread unless they said otherwise (its root's author, those a reply
/// mentions): a choice already made, following or not, is kept.
pub async fn follow_by_default(c: Conn<'_>, root_id: &str, user_ids: &[&str]) -> sqlx::Result<()> {
    if user_ids.is_empty() {
        return Ok(());
    }
    let mut sql = numbered_rows(
        "INSERT INTO thread_follows (root_id, user_id, following, last_replied_at, last_read_seq) VALUES ",
        "($1, ?, TRUE, NULL, 0)",
        user_ids.len(),
        2,
    );
    sql.push_str(" ON CONFLICT (root_id, user_id) DO NOTHING");
    on!(c, |e| {
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(root_id);
        for id in user_ids {
            query = query.bind(*id);
        }
        query.execute(e).await.map(drop)
    })
}

/// Follows or unfollows a thread by choice. A new follower has read what is there already
/// (`read_to`): only later replies are unread.
pub async fn set_following(
    c: Conn<'_>,
    root_id: &str,
    user_id: &str,
    following: bool,
    read_to: i64,
) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO thread_follows (root_id, user_id, following, last_replied_at, last_read_seq)
             VALUES ($1, $2, $3, NULL, $4)
             ON CONFLICT (root_id, user_id) DO UPDATE SET following = excluded.following",
        )
        .bind(root_id)
        .bind(user_id)
        .bind(following)
        .bind(read_to)
        .execute(e)
        .await
        .map(drop)
    })
}

/// Moves a follower's read marker forward (never back); nothing for someone who never followed.
pub async fn read(c: Conn<'_>, root_id: &str, user_id: &str, seq: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE thread_follows SET last_read_seq = $3
             WHERE root_id = $1 AND user_id = $2 AND last_read_seq < $3",
        )
        .bind(root_id)
        .bind(user_id)
        .bind(seq)
        .execute(e)
        .await
        .map(drop)
    })
}

/// Whether `user_id` follows the thread.
pub async fn is_following(c: Conn<'_>, root_id: &str, user_id: &str) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query_scalar::<_, bool>(
            "SELECT following FROM thread_follows WHERE root_id = $1 AND user_id = $2",
        )
        .bind(root_id)
        .bind(user_id)
        .fetch_optional(e)
        .await
        .map(|f| f.unwrap_or(false))
    })
}

/// (root id, user id) of the people who replied in these threads, the latest repliers first.
pub async fn participants(c: Conn<'_>, root_ids: &[&str]) -> sqlx::Result<Vec<(String, String)>> {
    if root_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = numbered_rows(
        "SELECT root_id, user_id FROM thread_follows WHERE last_replied_at IS NOT NULL AND root_id IN (",
        "?",
        root_ids.len(),
        1,
    );
    sql.push_str(") ORDER BY last_replied_at DESC, user_id");
    on!(c, |e| {
        let mut query = sqlx::query_as(AssertSqlSafe(sql));
        for id in root_ids {
            query = query.bind(*id);
        }
        query.fetch_all(e).await
    })
}

/// Who replied in one thread, the latest replier first, at most `max`.
pub async fn participants_of(c: Conn<'_>, root_id: &str, max: usize) -> sqlx::Result<Vec<String>> {
    Ok(participants(c, &[root_id]).await?.into_iter().map(|(_, user)| user).take(max).collect())
}

/// A followed thread: its root and how many replies by others the follower has not read.
#[derive(Debug, sqlx::FromRow)]
pub struct FollowedRow {
    #[sqlx(flatten)]
    pub root: MessageRow,
    pub unread_count: i64,
}

/// The threads with replies that `user_id` follows in channels of `workspace_id` they are a
/// member of: those with unread replies first, then the latest reply first.
pub async fn followed(
    c: Conn<'_>,
    user_id: &str,
    workspace_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<FollowedRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT * FROM (
                SELECT m.id, m.channel_id, m.seq, m.author_id, m.content, m.html, m.thread_root_id,
                       m.reply_count, m.last_reply_at, m.also_in_channel, m.created_at, m.edited_at,
                       m.deleted, m.idempotency_key,
                       (SELECT COUNT(*) FROM messages r
                        WHERE r.thread_root_id = m.id AND r.seq > f.last_read_seq AND r.author_id <> $1
                          AND r.deleted = FALSE) AS unread_count
                FROM thread_follows f
                JOIN messages m ON m.id = f.root_id
                JOIN channels c ON c.id = m.channel_id
                JOIN channel_members cm ON cm.channel_id = m.channel_id AND cm.user_id = $1
                WHERE f.user_id = $1 AND f.following AND c.workspace_id = $2 AND m.reply_count > 0
             ) t
             ORDER BY CASE WHEN unread_count > 0 THEN 0 ELSE 1 END, last_reply_at DESC, id DESC LIMIT $3",
        )
        .bind(user_id)
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(e)
        .await
    })
}
