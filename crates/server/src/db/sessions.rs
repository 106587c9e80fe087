//! Sessions: one row per logged-in device, keyed by the SHA-256 of its token.

use sqlx::AssertSqlSafe;

use super::{Conn, numbered_rows};
use crate::on;

#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: String,
    pub expires_at: i64,
}

pub async fn insert(
    c: Conn<'_>,
    token_hash: &str,
    user_id: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(e)
        .await
        .map(drop)
    })
}

/// The live session for `token_hash`, if any.
pub async fn find(c: Conn<'_>, token_hash: &str, now: i64) -> sqlx::Result<Option<SessionRow>> {
    on!(c, |e| {
        sqlx::query_as("SELECT user_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(e)
            .await
    })
}

/// Which of `token_hashes` are live sessions at `now`.
pub async fn live_among(c: Conn<'_>, token_hashes: &[String], now: i64) -> sqlx::Result<Vec<String>> {
    if token_hashes.is_empty() {
        return Ok(Vec::new());
    }
    let sql = numbered_rows(
        "SELECT token_hash FROM sessions WHERE expires_at > $1 AND token_hash IN (",
        "?",
        token_hashes.len(),
        2,
    ) + ")";
    on!(c, |e| {
        let mut query = sqlx::query_scalar(AssertSqlSafe(sql)).bind(now);
        for hash in token_hashes {
            query = query.bind(hash);
        }
        query.fetch_all(e).await
    })
}

pub async fn extend(c: Conn<'_>, token_hash: &str, expires_at: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE sessions SET expires_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(expires_at)
            .execute(e)
            .await
            .map(drop)
    })
}

/// Ends a session, recording its revocation for every node's sockets.
pub async fn delete(c: Conn<'_>, token_hash: &str, now: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO session_revocations (token_hash, user_id, revoked_at)
             SELECT token_hash, user_id, $2 FROM sessions WHERE token_hash = $1
             ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(token_hash)
        .bind(now)
        .execute(&mut *e)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(e).await.map(drop)
    })
}

/// Ends every session of a user (after a password reset), recording the revocations.
pub async fn delete_all_of(c: Conn<'_>, user_id: &str, now: i64) -> sqlx::Result<u64> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO session_revocations (token_hash, user_id, revoked_at)
             SELECT token_hash, user_id, $2 FROM sessions WHERE user_id = $1
             ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut *e)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(e)
            .await
            .map(|r| r.rows_affected())
    })
}

/// Sessions revoked at or after `since`.
pub async fn revoked_since(c: Conn<'_>, since: i64) -> sqlx::Result<Vec<String>> {
    on!(c, |e| {
        sqlx::query_scalar("SELECT token_hash FROM session_revocations WHERE revoked_at >= $1")
            .bind(since)
            .fetch_all(e)
            .await
    })
}

/// Deletes sessions that expired and revocations recorded before `before`.
pub async fn purge(c: Conn<'_>, now: i64, revocations_before: i64) -> sqlx::Result<u64> {
    on!(c, |e| {
        let sessions =
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(&mut *e).await?;
        sqlx::query("DELETE FROM session_revocations WHERE revoked_at < $1")
            .bind(revocations_before)
            .execute(e)
            .await?;
        Ok(sessions.rows_affected())
    })
}
