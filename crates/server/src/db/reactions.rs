//! Reactions, pins and saved messages: small rows hanging off a message.

use sqlx::AssertSqlSafe;

use super::{Conn, numbered_rows};
use crate::on;

/// Adds a reaction; false when that person had already reacted with that emoji.
pub async fn add(c: Conn<'_>, message_id: &str, emoji: &str, user_id: &str, now: i64) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO message_reactions (message_id, emoji, user_id, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (message_id, emoji, user_id) DO NOTHING",
        )
        .bind(message_id)
        .bind(emoji)
        .bind(user_id)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Removes a reaction; false when there was none.
pub async fn remove(c: Conn<'_>, message_id: &str, emoji: &str, user_id: &str) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query("DELETE FROM message_reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3")
            .bind(message_id)
            .bind(emoji)
            .bind(user_id)
            .execute(e)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}

/// How many distinct emoji a message carries, and whether `emoji` is among them.
pub async fn distinct(c: Conn<'_>, message_id: &str, emoji: &str) -> sqlx::Result<(i64, bool)> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT COUNT(DISTINCT emoji), COALESCE(SUM(CASE WHEN emoji = $2 THEN 1 ELSE 0 END), 0) > 0
             FROM message_reactions WHERE message_id = $1",
        )
        .bind(message_id)
        .bind(emoji)
        .fetch_one(e)
        .await
    })
}

/// (message_id, emoji, user_id) of the given messages, in the order the reactions were made.
pub async fn of_messages(c: Conn<'_>, message_ids: &[&str]) -> sqlx::Result<Vec<(String, String, String)>> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = numbered_rows(
        "SELECT message_id, emoji, user_id FROM message_reactions WHERE message_id IN (",
        "?",
        message_ids.len(),
        1,
    );
    sql.push_str(") ORDER BY created_at, user_id");
    on!(c, |e| {
        let mut query = sqlx::query_as(AssertSqlSafe(sql));
        for id in message_ids {
            query = query.bind(*id);
        }
        query.fetch_all(e).await
    })
}

/// Pins a message; false when it was pinned already.
pub async fn pin(
    c: Conn<'_>,
    channel_id: &str,
    message_id: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO pins (message_id, channel_id, pinned_by, pinned_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (message_id) DO NOTHING",
        )
        .bind(message_id)
        .bind(channel_id)
        .bind(user_id)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

pub async fn unpin(c: Conn<'_>, message_id: &str) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query("DELETE FROM pins WHERE message_id = $1")
            .bind(message_id)
            .execute(e)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}

/// Which of these messages are pinned.
pub async fn pinned_among(c: Conn<'_>, message_ids: &[&str]) -> sqlx::Result<Vec<String>> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql =
        numbered_rows("SELECT message_id FROM pins WHERE message_id IN (", "?", message_ids.len(), 1);
    sql.push(')');
    on!(c, |e| {
        let mut query = sqlx::query_scalar(AssertSqlSafe(sql));
        for id in message_ids {
            query = query.bind(*id);
        }
        query.fetch_all(e).await
    })
}

/// A channel's pinned message ids, newest pin first.
pub async fn pins_of(c: Conn<'_>, channel_id: &str, limit: i64) -> sqlx::Result<Vec<String>> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT message_id FROM pins WHERE channel_id = $1 ORDER BY pinned_at DESC LIMIT $2",
        )
        .bind(channel_id)
        .bind(limit)
        .fetch_all(e)
        .await
    })
}

/// Saves a message for a person (saving twice changes nothing).
pub async fn save(c: Conn<'_>, user_id: &str, message_id: &str, now: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO saved_messages (user_id, message_id, saved_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, message_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(message_id)
        .bind(now)
        .execute(e)
        .await
        .map(drop)
    })
}

pub async fn unsave(c: Conn<'_>, user_id: &str, message_id: &str) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("DELETE FROM saved_messages WHERE user_id = $1 AND message_id = $2")
            .bind(user_id)
            .bind(message_id)
            .execute(e)
            .await
            .map(drop)
    })
}

/// A person's saved message ids, newest save first.
pub async fn saved_by(c: Conn<'_>, user_id: &str, limit: i64) -> sqlx::Result<Vec<String>> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT message_id FROM saved_messages WHERE user_id = $1 ORDER BY saved_at DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(e)
        .await
    })
}
