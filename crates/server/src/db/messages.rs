//! Messages, their mentions and their edit history.

use sqlx::AssertSqlSafe;

use super::{Conn, numbered_rows};
use crate::on;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MessageRow {
    pub id: String,
    pub channel_id: String,
    pub seq: i64,
    pub author_id: String,
    pub content: String,
    pub html: String,
    pub thread_root_id: Option<String>,
    pub reply_count: i64,
    /// When the thread (this root) last got a reply.
    pub last_reply_at: Option<i64>,
    /// A reply that is also shown in the channel ("also send to channel").
    pub also_in_channel: bool,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
    pub idempotency_key: Option<String>,
}

macro_rules! message_columns {
    () => {
        "id, channel_id, seq, author_id, content, html, thread_root_id, reply_count, last_reply_at,
         also_in_channel, created_at, edited_at, deleted, idempotency_key"
    };
}

/// Inserts messages in one statement; a unique violation means an author reused an
/// idempotency key.
pub async fn insert_many(c: Conn<'_>, rows: &[(&MessageRow, Option<&str>)]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = numbered_rows(
        "INSERT INTO messages (id, channel_id, seq, author_id, content, html, thread_root_id,
                               also_in_channel, reply_count, idempotency_key, created_at, edited_at,
                               deleted) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL, FALSE)",
        rows.len(),
        1,
    );
    on!(c, |e| {
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (m, key) in rows {
            query = query
                .bind(&m.id)
                .bind(&m.channel_id)
                .bind(m.seq)
                .bind(&m.author_id)
                .bind(&m.content)
                .bind(&m.html)
                .bind(&m.thread_root_id)
                .bind(m.also_in_channel)
                .bind(*key)
                .bind(m.created_at);
        }
        query.execute(e).await.map(drop)
    })
}

/// Records (message, user) mentions of new messages in one statement.
pub async fn insert_mentions(c: Conn<'_>, mentions: &[(&MessageRow, &str)]) -> sqlx::Result<()> {
    if mentions.is_empty() {
        return Ok(());
    }
    let sql = numbered_rows(
        "INSERT INTO message_mentions (message_id, user_id, channel_id, seq) VALUES ",
        "(?, ?, ?, ?)",
        mentions.len(),
        1,
    );
    on!(c, |e| {
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (m, user_id) in mentions {
            query = query.bind(&m.id).bind(*user_id).bind(&m.channel_id).bind(m.seq);
        }
        query.execute(e).await.map(drop)
    })
}

pub async fn by_id(c: Conn<'_>, id: &str) -> sqlx::Result<Option<MessageRow>> {
    on!(c, |e| {
        sqlx::query_as(concat!("SELECT ", message_columns!(), " FROM messages WHERE id = $1"))
            .bind(id)
            .fetch_optional(e)
            .await
    })
}

pub async fn by_idempotency_key(c: Conn<'_>, author_id: &str, key: &str) -> sqlx::Result<Option<MessageRow>> {
    on!(c, |e| {
        sqlx::query_as(concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE author_id = $1 AND idempotency_key = $2"
        ))
        .bind(author_id)
        .bind(key)
        .fetch_optional(e)
        .await
    })
}

/// A page of a channel's top-level messages (and replies also sent to it) strictly between `after` and `before`: the newest
/// `limit` when `newest_first`, else the oldest. Returned in the order fetched.
pub async fn page(
    c: Conn<'_>,
    channel_id: &str,
    after: i64,
    before: i64,
    limit: i64,
    newest_first: bool,
) -> sqlx::Result<Vec<MessageRow>> {
    let sql = if newest_first {
        concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE channel_id = $1 AND (thread_root_id IS NULL OR also_in_channel) AND seq > $2 AND seq < $3
              ORDER BY seq DESC LIMIT $4"
        )
    } else {
        concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE channel_id = $1 AND (thread_root_id IS NULL OR also_in_channel) AND seq > $2 AND seq < $3
              ORDER BY seq ASC LIMIT $4"
        )
    };
    on!(c, |e| {
        sqlx::query_as(sql).bind(channel_id).bind(after).bind(before).bind(limit).fetch_all(e).await
    })
}

/// Replies of a thread with seq strictly between `after` and `before`: the oldest `limit`, or the
/// newest when `newest_first`; returned in the order fetched.
pub async fn replies(
    c: Conn<'_>,
    root_id: &str,
    after: i64,
    before: i64,
    limit: i64,
    newest_first: bool,
) -> sqlx::Result<Vec<MessageRow>> {
    let sql = if newest_first {
        concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE thread_root_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq DESC LIMIT $4"
        )
    } else {
        concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE thread_root_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq ASC LIMIT $4"
        )
    };
    on!(c, |e| sqlx::query_as(sql).bind(root_id).bind(after).bind(before).bind(limit).fetch_all(e).await)
}

/// Counts one more reply on a thread's root at `at`; returns its new reply count and its author.
pub async fn bump_reply_count(c: Conn<'_>, root_id: &str, at: i64) -> sqlx::Result<(i64, String)> {
    on!(c, |e| {
        sqlx::query_as(
            "UPDATE messages SET reply_count = reply_count + 1,
                    last_reply_at = CASE WHEN COALESCE(last_reply_at, 0) < $2 THEN $2 ELSE last_reply_at END
             WHERE id = $1 RETURNING reply_count, author_id",
        )
        .bind(root_id)
        .bind(at)
        .fetch_one(e)
        .await
    })
}

/// Counts one reply less on a thread's root (a reply was deleted); returns its reply count and
/// when it last got a reply.
pub async fn drop_reply(c: Conn<'_>, root_id: &str) -> sqlx::Result<(i64, Option<i64>)> {
    on!(c, |e| {
        sqlx::query_as(
            "UPDATE messages SET reply_count = CASE WHEN reply_count > 0 THEN reply_count - 1 ELSE 0 END
             WHERE id = $1 RETURNING reply_count, last_reply_at",
        )
        .bind(root_id)
        .fetch_one(e)
        .await
    })
}

pub async fn set_content(
    c: Conn<'_>,
    id: &str,
    content: &str,
    html: &str,
    edited_at: i64,
) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE messages SET content = $2, html = $3, edited_at = $4 WHERE id = $1")
            .bind(id)
            .bind(content)
            .bind(html)
            .bind(edited_at)
            .execute(e)
            .await
            .map(drop)
    })
}

/// Empties a message, keeping its row and seq; its mentions and history go with the content.
pub async fn tombstone(c: Conn<'_>, id: &str) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE messages SET content = '', html = '', deleted = TRUE WHERE id = $1")
            .bind(id)
            .execute(&mut *e)
            .await?;
        sqlx::query("DELETE FROM message_mentions WHERE message_id = $1").bind(id).execute(&mut *e).await?;
        sqlx::query("DELETE FROM message_versions WHERE message_id = $1").bind(id).execute(e).await.map(drop)
    })
}

/// Keeps the content a message had before an edit.
pub async fn push_version(c: Conn<'_>, id: &str, content: &str, written_at: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("INSERT INTO message_versions (message_id, content, edited_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(content)
            .bind(written_at)
            .execute(e)
            .await
            .map(drop)
    })
}

/// Earlier versions, oldest first.
pub async fn versions(c: Conn<'_>, id: &str) -> sqlx::Result<Vec<(String, i64)>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT content, edited_at FROM message_versions WHERE message_id = $1 ORDER BY edited_at",
        )
        .bind(id)
        .fetch_all(e)
        .await
    })
}

pub async fn set_mentions(c: Conn<'_>, m: &MessageRow, user_ids: &[String]) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("DELETE FROM message_mentions WHERE message_id = $1")
            .bind(&m.id)
            .execute(&mut *e)
            .await?;
        for user_id in user_ids {
            sqlx::query(
                "INSERT INTO message_mentions (message_id, user_id, channel_id, seq) VALUES ($1, $2, $3, $4)",
            )
            .bind(&m.id)
            .bind(user_id)
            .bind(&m.channel_id)
            .bind(m.seq)
            .execute(&mut *e)
            .await?;
        }
        Ok(())
    })
}

/// (message_id, user_id) mention pairs of these messages.
pub async fn mentions_of(c: Conn<'_>, ids: &[&str]) -> sqlx::Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = numbered_rows(
        "SELECT message_id, user_id FROM message_mentions WHERE message_id IN (",
        "?",
        ids.len(),
        1,
    );
    sql.push_str(") ORDER BY message_id, user_id");
    on!(c, |e| {
        let mut query = sqlx::query_as(AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(e).await
    })
}

/// Live messages that mention `user_id` in the channels of `workspace_id` they may read now
/// (members; public channels for non-guests), newest first, older than the cursor
/// `(created_at, id)` when given.
pub async fn mentioning(
    c: Conn<'_>,
    user_id: &str,
    workspace_id: &str,
    before: Option<(i64, &str)>,
    limit: i64,
) -> sqlx::Result<Vec<MessageRow>> {
    let (at, id) = before.unwrap_or((i64::MAX, ""));
    on!(c, |e| {
        sqlx::query_as(
            "SELECT m.id, m.channel_id, m.seq, m.author_id, m.content, m.html, m.thread_root_id,
                    m.reply_count, m.last_reply_at, m.also_in_channel, m.created_at, m.edited_at,
                    m.deleted, m.idempotency_key
             FROM message_mentions mm
             JOIN messages m ON m.id = mm.message_id
             JOIN channels c ON c.id = mm.channel_id
             JOIN workspace_members wm ON wm.workspace_id = c.workspace_id AND wm.user_id = $1
             LEFT JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = $1
             WHERE mm.user_id = $1 AND c.workspace_id = $2 AND m.deleted = FALSE
               AND (cm.user_id IS NOT NULL OR (c.kind = 'public' AND wm.role <> 'guest'))
               AND (m.created_at < $3 OR (m.created_at = $3 AND m.id < $4))
             ORDER BY m.created_at DESC, m.id DESC LIMIT $5",
        )
        .bind(user_id)
        .bind(workspace_id)
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(e)
        .await
    })
}

/// The messages with these ids, in no particular order.
pub async fn by_ids(c: Conn<'_>, ids: &[&str]) -> sqlx::Result<Vec<MessageRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = numbered_rows(
        concat!("SELECT ", message_columns!(), " FROM messages WHERE id IN ("),
        "?",
        ids.len(),
        1,
    );
    sql.push(')');
    on!(c, |e| {
        let mut query = sqlx::query_as(AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(e).await
    })
}
