//! Notes: a channel's, or one person's in a workspace; their versions.

use super::Conn;
use crate::on;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NoteRow {
    pub id: String,
    pub workspace_id: String,
    pub channel_id: Option<String>,
    pub owner_id: Option<String>,
    pub content: String,
    pub html: String,
    pub version: i64,
    pub updated_at: i64,
    pub last_edited_by: Option<String>,
}

/// Which note: a channel's, or a person's own in a workspace.
#[derive(Clone, Copy, Debug)]
pub enum Whose<'a> {
    Channel(&'a str),
    Personal { workspace_id: &'a str, owner_id: &'a str },
}

macro_rules! note_columns {
    () => {
        "id, workspace_id, channel_id, owner_id, content, html, version, updated_at, last_edited_by"
    };
}

pub async fn get(c: Conn<'_>, whose: Whose<'_>) -> sqlx::Result<Option<NoteRow>> {
    on!(c, |e| {
        match whose {
            Whose::Channel(channel_id) => {
                sqlx::query_as(concat!("SELECT ", note_columns!(), " FROM notes WHERE channel_id = $1"))
                    .bind(channel_id)
                    .fetch_optional(e)
                    .await
            }
            Whose::Personal { workspace_id, owner_id } => {
                sqlx::query_as(concat!(
                    "SELECT ",
                    note_columns!(),
                    " FROM notes WHERE workspace_id = $1 AND owner_id = $2"
                ))
                .bind(workspace_id)
                .bind(owner_id)
                .fetch_optional(e)
                .await
            }
        }
    })
}

/// The first save: false when the note exists already (someone saved first).
pub async fn insert(c: Conn<'_>, note: &NoteRow) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(concat!(
            "INSERT INTO notes (",
            note_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING"
        ))
        .bind(&note.id)
        .bind(&note.workspace_id)
        .bind(&note.channel_id)
        .bind(&note.owner_id)
        .bind(&note.content)
        .bind(&note.html)
        .bind(note.version)
        .bind(note.updated_at)
        .bind(&note.last_edited_by)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Saves a new version over `expected_version`; false when the note has moved on (a conflict).
pub async fn update(c: Conn<'_>, note: &NoteRow, expected_version: i64) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE notes SET content = $2, html = $3, version = $4, updated_at = $5, last_edited_by = $6
             WHERE id = $1 AND version = $7",
        )
        .bind(&note.id)
        .bind(&note.content)
        .bind(&note.html)
        .bind(note.version)
        .bind(note.updated_at)
        .bind(&note.last_edited_by)
        .bind(expected_version)
        .execute(e)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Records a version and keeps only the newest `keep`.
pub async fn push_version(c: Conn<'_>, note: &NoteRow, keep: i64) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "INSERT INTO note_versions (note_id, version, content, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&note.id)
        .bind(note.version)
        .bind(&note.content)
        .bind(&note.last_edited_by)
        .bind(note.updated_at)
        .execute(&mut *e)
        .await?;
        sqlx::query("DELETE FROM note_versions WHERE note_id = $1 AND version <= $2")
            .bind(&note.id)
            .bind(note.version - keep)
            .execute(e)
            .await
            .map(drop)
    })
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub content: String,
    pub edited_by: Option<String>,
    pub edited_at: i64,
}

/// The kept versions, newest first.
pub async fn versions(c: Conn<'_>, note_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT version, content, edited_by, edited_at FROM note_versions WHERE note_id = $1 ORDER BY version DESC",
        )
        .bind(note_id)
        .fetch_all(e)
        .await
    })
}

pub async fn version(c: Conn<'_>, note_id: &str, version: i64) -> sqlx::Result<Option<VersionRow>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT version, content, edited_by, edited_at FROM note_versions WHERE note_id = $1 AND version = $2",
        )
        .bind(note_id)
        .bind(version)
        .fetch_optional(e)
        .await
    })
}
