//! Uploaded files: who uploaded them where, what they are, which message they are attached to.

use sqlx::AssertSqlSafe;

use super::{Conn, numbered_rows};
use crate::domain::models::FileInfo;
use crate::domain::rfc3339;
use crate::on;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FileRow {
    pub id: String,
    pub workspace_id: String,
    pub uploader_id: String,
    pub name: String,
    pub mime_type: String,
    pub size: i64,
    pub sha256: String,
    pub storage_key: String,
    pub thumb_key: Option<String>,
    pub thumb_mime: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub message_id: Option<String>,
    pub channel_id: Option<String>,
    pub position: i64,
    pub created_at: i64,
    pub hidden_at: Option<i64>,
}

impl FileRow {
    pub fn to_api(&self) -> FileInfo {
        FileInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            mime_type: self.mime_type.clone(),
            size: self.size,
            url: format!("/api/v1/files/{}", self.id),
            thumbnail_url: self.thumb_key.as_ref().map(|_| format!("/api/v1/files/{}/thumbnail", self.id)),
            width: self.width,
            height: self.height,
            created_at: rfc3339(self.created_at),
        }
    }
}

macro_rules! file_columns {
    () => {
        "id, workspace_id, uploader_id, name, mime_type, size, sha256, storage_key, thumb_key, thumb_mime,
         width, height, message_id, channel_id, position, created_at, hidden_at"
    };
}

pub async fn insert(c: Conn<'_>, f: &FileRow) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(concat!(
            "INSERT INTO files (",
            file_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        ))
        .bind(&f.id)
        .bind(&f.workspace_id)
        .bind(&f.uploader_id)
        .bind(&f.name)
        .bind(&f.mime_type)
        .bind(f.size)
        .bind(&f.sha256)
        .bind(&f.storage_key)
        .bind(&f.thumb_key)
        .bind(&f.thumb_mime)
        .bind(f.width)
        .bind(f.height)
        .bind(&f.message_id)
        .bind(&f.channel_id)
        .bind(f.position)
        .bind(f.created_at)
        .bind(f.hidden_at)
        .execute(e)
        .await
        .map(drop)
    })
}

pub async fn by_id(c: Conn<'_>, id: &str) -> sqlx::Result<Option<FileRow>> {
    on!(c, |e| {
        sqlx::query_as(concat!("SELECT ", file_columns!(), " FROM files WHERE id = $1"))
            .bind(id)
            .fetch_optional(e)
            .await
    })
}

/// Bytes a user's files count against their quota: hidden ones (of deleted messages, or being
/// purged) no longer do.
pub async fn used_bytes(c: Conn<'_>, uploader_id: &str) -> sqlx::Result<i64> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM files WHERE uploader_id = $1 AND hidden_at IS NULL",
        )
            .bind(uploader_id)
            .fetch_one(e)
            .await
    })
}

/// Of `ids`, the files `uploader_id` uploaded to `workspace_id` that are not attached yet.
pub async fn attachable(
    c: Conn<'_>,
    ids: &[&str],
    uploader_id: &str,
    workspace_id: &str,
) -> sqlx::Result<Vec<FileRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = numbered_rows(
        concat!(
            "SELECT ",
            file_columns!(),
            " FROM files WHERE uploader_id = $1 AND workspace_id = $2
             AND message_id IS NULL AND hidden_at IS NULL AND id IN ("
        ),
        "?",
        ids.len(),
        3,
    );
    sql.push(')');
    on!(c, |e| {
        let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(uploader_id).bind(workspace_id);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(e).await
    })
}

/// Attaches an unattached file of its uploader to a message; false when it is attached already
/// (a concurrent send took it) or gone.
pub async fn attach(
    c: Conn<'_>,
    file_id: &str,
    uploader_id: &str,
    message_id: &str,
    channel_id: &str,
    position: i64,
) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE files SET message_id = $3, channel_id = $4, position = $5
             WHERE id = $1 AND uploader_id = $2 AND message_id IS NULL AND hidden_at IS NULL",
        )
        .bind(file_id)
        .bind(uploader_id)
        .bind(message_id)
        .bind(channel_id)
        .bind(position)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// The visible attachments of the given messages, each message's in its order.
pub async fn of_messages(c: Conn<'_>, message_ids: &[&str]) -> sqlx::Result<Vec<FileRow>> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = numbered_rows(
        concat!("SELECT ", file_columns!(), " FROM files WHERE hidden_at IS NULL AND message_id IN ("),
        "?",
        message_ids.len(),
        1,
    );
    sql.push_str(") ORDER BY message_id, position");
    on!(c, |e| {
        let mut query = sqlx::query_as(AssertSqlSafe(sql));
        for id in message_ids {
            query = query.bind(*id);
        }
        query.fetch_all(e).await
    })
}

/// Hides a deleted message's files: nobody is served them any more.
pub async fn hide_of_message(c: Conn<'_>, message_id: &str, now: i64) -> sqlx::Result<u64> {
    on!(c, |e| {
        sqlx::query("UPDATE files SET hidden_at = $2 WHERE message_id = $1 AND hidden_at IS NULL")
            .bind(message_id)
            .bind(now)
            .execute(e)
            .await
            .map(|r| r.rows_affected())
    })
}

/// Files whose bytes may go: uploads never attached from before `unattached_before`, and files
/// hidden before `hidden_before`; at most `limit`, oldest first.
pub async fn purgeable(
    c: Conn<'_>,
    unattached_before: i64,
    hidden_before: i64,
    limit: i64,
) -> sqlx::Result<Vec<FileRow>> {
    on!(c, |e| {
        sqlx::query_as(concat!(
            "SELECT ",
            file_columns!(),
            " FROM files WHERE (message_id IS NULL AND created_at < $1)
                 OR (hidden_at IS NOT NULL AND hidden_at < $2)
             ORDER BY created_at LIMIT $3"
        ))
        .bind(unattached_before)
        .bind(hidden_before)
        .bind(limit)
        .fetch_all(e)
        .await
    })
}

/// Takes a purgeable file out of use before its bytes go: hidden (so nobody is served it and it
/// cannot be attached), and marked for a retry should removing the bytes fail. False when it is
/// no longer purgeable (a send attached it meanwhile).
pub async fn claim_for_purge(
    c: Conn<'_>,
    id: &str,
    unattached_before: i64,
    hidden_before: i64,
) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE files SET hidden_at = 0 WHERE id = $1
                AND ((message_id IS NULL AND created_at < $2) OR (hidden_at IS NOT NULL AND hidden_at < $3))",
        )
        .bind(id)
        .bind(unattached_before)
        .bind(hidden_before)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Takes one's own upload that is not attached out of use (as [`claim_for_purge`]); false when
/// it is attached, or not theirs.
pub async fn claim_own_unattached(c: Conn<'_>, id: &str, uploader_id: &str) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE files SET hidden_at = 0 WHERE id = $1 AND uploader_id = $2 AND message_id IS NULL",
        )
        .bind(id)
        .bind(uploader_id)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

pub async fn delete(c: Conn<'_>, id: &str) -> sqlx::Result<()> {
    on!(c, |e| { sqlx::query("DELETE FROM files WHERE id = $1").bind(id).execute(e).await.map(drop) })
}

/// The text of a plain-text file, for search.
pub async fn set_text(c: Conn<'_>, id: &str, text: &str) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE files SET text_content = $2 WHERE id = $1")
            .bind(id)
            .bind(text)
            .execute(e)
            .await
            .map(drop)
    })
}
