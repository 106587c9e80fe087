//! Invite codes: a workspace, a role, an expiry and an optional use limit.

use super::Conn;
use crate::on;

#[derive(Debug, sqlx::FromRow)]
pub struct InviteRow {
    pub code: String,
    pub workspace_id: String,
    pub role: String,
    pub expires_at: i64,
    pub max_uses: Option<i64>,
    pub uses: i64,
}

pub async fn insert(c: Conn<'_>, invite: &InviteRow, created_by: &str, now: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO invites (code, workspace_id, created_by, role, created_at, expires_at, max_uses, uses)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
        )
        .bind(&invite.code)
        .bind(&invite.workspace_id)
        .bind(created_by)
        .bind(&invite.role)
        .bind(now)
        .bind(invite.expires_at)
        .bind(invite.max_uses)
        .execute(e)
        .await
        .map(drop)
    })
}

pub async fn get(c: Conn<'_>, code: &str) -> sqlx::Result<Option<InviteRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT code, workspace_id, role, expires_at, max_uses, uses FROM invites WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(e)
        .await
    })
}

/// Counts one use if the invite is still valid at `now`; false when expired or used up.
pub async fn take_use(c: Conn<'_>, code: &str, now: i64) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE invites SET uses = uses + 1
             WHERE code = $1 AND expires_at > $2 AND (max_uses IS NULL OR uses < max_uses)",
        )
        .bind(code)
        .bind(now)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Deletes invites that expired before `before`; returns how many.
pub async fn purge_expired(c: Conn<'_>, before: i64) -> sqlx::Result<u64> {
    on!(c, |e| {
        sqlx::query("DELETE FROM invites WHERE expires_at < $1")
            .bind(before)
            .execute(e)
            .await
            .map(|r| r.rows_affected())
    })
}
