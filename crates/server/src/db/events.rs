//! The channel event log.

use sqlx::AssertSqlSafe;

use super::{Conn, numbered_rows};
use crate::on;

#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    pub seq: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub data: String,
    pub created_at: i64,
}

/// Takes the channel's next seq. The row lock (PostgreSQL) or the write lock (SQLite) this takes
/// is held to commit, so concurrent writers get consecutive seqs and a rollback reuses none.
pub async fn next_seq(c: Conn<'_>, channel_id: &str) -> sqlx::Result<i64> {
    on!(c, |e| {
        sqlx::query_scalar("UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq")
            .bind(channel_id)
            .fetch_one(e)
            .await
    })
}

/// Locks the channel's row (see `service::log::lock_channel`); false for an unknown channel.
pub async fn lock_channel(c: Conn<'_>, channel_id: &str) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query("UPDATE channels SET last_seq = last_seq WHERE id = $1")
            .bind(channel_id)
            .execute(e)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}

/// Takes the channel's next `count` seqs unless it is archived; returns the last of them.
pub async fn take_seqs(c: Conn<'_>, channel_id: &str, count: i64) -> sqlx::Result<Option<i64>> {
    on!(c, |e| {
        sqlx::query_scalar(
            "UPDATE channels SET last_seq = last_seq + $2 WHERE id = $1 AND archived = FALSE RETURNING last_seq",
        )
        .bind(channel_id)
        .bind(count)
        .fetch_optional(e)
        .await
    })
}

/// Appends (channel_id, seq, type, data, created_at) events in one statement.
pub async fn append_many(c: Conn<'_>, events: &[(String, i64, &str, String, i64)]) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let sql = numbered_rows(
        "INSERT INTO channel_events (channel_id, seq, type, data, created_at) VALUES ",
        "(?, ?, ?, ?, ?)",
        events.len(),
        1,
    );
    on!(c, |e| {
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (channel_id, seq, kind, data, at) in events {
            query = query.bind(channel_id).bind(*seq).bind(*kind).bind(data).bind(*at);
        }
        query.execute(e).await.map(drop)
    })
}

pub async fn append(
    c: Conn<'_>,
    channel_id: &str,
    seq: i64,
    kind: &str,
    data: &str,
    now: i64,
) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("INSERT INTO channel_events (channel_id, seq, type, data, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(channel_id)
            .bind(seq)
            .bind(kind)
            .bind(data)
            .bind(now)
            .execute(e)
            .await
            .map(drop)
    })
}

pub async fn after(c: Conn<'_>, channel_id: &str, after_seq: i64, limit: i64) -> sqlx::Result<Vec<EventRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT seq, type, data, created_at FROM channel_events
             WHERE channel_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(channel_id)
        .bind(after_seq)
        .bind(limit)
        .fetch_all(e)
        .await
    })
}
