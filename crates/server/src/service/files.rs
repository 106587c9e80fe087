//! Files and avatars: what may be uploaded where, storing a spooled upload (typed by its bytes,
//! previewed when it is an image), who may read a file, attaching files to a message, purging
//! what is no longer needed.
//!
//! The HTTP edge reads a multipart body into a [`Spooled`] file (streamed, hashed, bounded by
//! [`allowance`]); everything after that happens here.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::db::{self, files::FileRow};
use crate::domain::event::Envelope;
use crate::domain::files::{self as kinds, OCTET_STREAM};
use crate::domain::models::{FileInfo, User};
use crate::domain::{new_id, now_ms};
use crate::error::{ApiError, ApiResult};
use crate::service::access;
use crate::service::images::{self, ImageRefusal};
use crate::state::AppState;
use crate::storage::StorageError;

/// Attachments one message may carry.
pub const MAX_ATTACHMENTS: usize = 10;
/// Largest avatar upload.
pub const MAX_AVATAR_BYTES: u64 = 2 * 1024 * 1024;
/// Uploads never attached are purged after this; so are the bytes of hidden files.
pub const UNATTACHED_KEEP_MS: i64 = 24 * 3600 * 1000;
pub const HIDDEN_KEEP_MS: i64 = 24 * 3600 * 1000;
/// Text of a plain-text file kept for search.
const MAX_TEXT_BYTES: u64 = 200 * 1024;
/// Files purged per upkeep pass at most.
const PURGE_BATCH: i64 = 200;

/// An upload in the spool folder: being written by the HTTP edge, then complete. The file is
/// removed when this is dropped (an error, a client that hung up and so dropped the request),
/// unless it was moved into storage.
pub struct Spooled {
    pub path: PathBuf,
    /// The client's name for it, unsanitized.
    pub name: String,
    pub size: u64,
    /// The first [`kinds::SNIFF_BYTES`] bytes.
    pub head: Vec<u8>,
    /// Of the bytes, hex.
    pub sha256: String,
    kept: bool,
}

impl Spooled {
    pub fn at(path: PathBuf) -> Spooled {
        Spooled { path, name: String::new(), size: 0, head: Vec::new(), sha256: String::new(), kept: false }
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// How many bytes an upload may have, and the refusal once it has more.
pub struct Allowance {
    pub max_bytes: u64,
    pub over: ApiError,
}

/// What the caller may upload to a workspace: 404 for a non-member, 413 when their quota is
/// used up; else the size limit or what is left of the quota, whichever is smaller.
pub async fn allowance(state: &AppState, user_id: &str, workspace_id: &str) -> ApiResult<Allowance> {
    let mut rd = state.db.read().await?;
    access::workspace_role(rd.c(), user_id, workspace_id).await?;
    let limit = state.config.serve.max_upload_bytes;
    let quota = state.config.serve.user_quota_bytes;
    let too_big = ApiError::TooLarge(format!("a file may be at most {}", human_bytes(limit)));
    if quota == 0 {
        return Ok(Allowance { max_bytes: limit, over: too_big });
    }
    let used = db::files::used_bytes(rd.c(), user_id).await?.max(0) as u64;
    let left = quota.saturating_sub(used);
    let quota_full = quota_full(used, quota);
    if left == 0 {
        return Err(quota_full);
    }
    if left < limit {
        Ok(Allowance { max_bytes: left, over: quota_full })
    } else {
        Ok(Allowance { max_bytes: limit, over: too_big })
    }
}

fn quota_full(used: u64, quota: u64) -> ApiError {
    ApiError::TooLarge(format!(
        "your files use {} of your {} of storage; deleting messages with files you no longer need frees it",
        human_bytes(used),
        human_bytes(quota)
    ))
}

/// Sizes as people read them: 25 MB, 1 GB, 312 KB.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 || value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn storage_error(e: StorageError) -> ApiError {
    match e {
        StorageError::NotFound => ApiError::NotFound("file"),
        other => ApiError::Internal(other.into()),
    }
}

/// `files/2026-12/<id>`: folders by month, names by the server.
fn storage_key(id: &str) -> String {
    let now = time::OffsetDateTime::now_utc();
    format!("files/{:04}-{:02}/{id}", now.year(), u8::from(now.month()))
}

/// Makes an image's preview on the image pool, counting the time per megapixel.
/// The file is read inside the pool, so queued uploads do not hold their bytes in memory.
async fn preview(state: &AppState, path: &Path) -> ApiResult<Result<images::Preview, ImageRefusal>> {
    let path = path.to_path_buf();
    let max_pixels = state.config.serve.max_image_pixels;
    let metrics = std::sync::Arc::clone(&state.metrics);
    state
        .image_pool
        .run(move || {
            let bytes = std::fs::read(&path)?;
            let started = Instant::now();
            let made = images::thumbnail(&bytes, max_pixels);
            if let Ok(p) = &made {
                metrics.thumbnail_seconds.inc_by(started.elapsed().as_secs_f64());
                metrics.thumbnail_megapixels.inc_by(f64::from(p.width) * f64::from(p.height) / 1e6);
            }
            Ok::<_, std::io::Error>(made)
        })
        .await?
        .map_err(|e| ApiError::Internal(e.into()))
}

/// Stores a complete upload: typed by its bytes, previewed when it is an image that decodes
/// within the pixel limit, moved into storage under a key of the server's, and recorded.
pub async fn store(
    state: &AppState,
    user_id: &str,
    workspace_id: &str,
    mut upload: Spooled,
) -> ApiResult<FileInfo> {
    if upload.size == 0 {
        return Err(ApiError::invalid("file", "is empty"));
    }
    let mime = kinds::sniff(&upload.head, upload.size <= upload.head.len() as u64);
    let id = new_id();
    let key = storage_key(&id);
    let mut row = FileRow {
        id: id.clone(),
        workspace_id: workspace_id.to_string(),
        uploader_id: user_id.to_string(),
        name: kinds::sanitize_name(&upload.name),
        mime_type: mime.to_string(),
        size: upload.size as i64,
        sha256: upload.sha256.clone(),
        storage_key: key.clone(),
        thumb_key: None,
        thumb_mime: None,
        width: None,
        height: None,
        message_id: None,
        channel_id: None,
        position: 0,
        created_at: now_ms(),
        hidden_at: None,
    };
    let mut thumb = None;
    if kinds::is_image(mime) {
        match preview(state, &upload.path).await? {
            Ok(p) => {
                row.width = Some(i64::from(p.width));
                row.height = Some(i64::from(p.height));
                row.thumb_key = Some(format!("{key}-thumb"));
                row.thumb_mime = Some(p.mime.to_string());
                thumb = Some(p.bytes);
            }
            Err(ImageRefusal::TooManyPixels { width, height, .. }) => {
                // Kept as the image it is, but never previewed or shown inline.
                row.width = Some(i64::from(width));
                row.height = Some(i64::from(height));
            }
            // Image magic without an image behind it (a polyglot, a truncated file): bytes only.
            Err(ImageRefusal::Undecodable) => row.mime_type = OCTET_STREAM.to_string(),
        }
    }
    // The row first, the quota checked under the uploader's row lock, so that uploads finishing
    // together cannot pass it together. The bytes follow; if they cannot be stored the row goes
    // again (and a row whose bytes never came, the server having stopped, is purged in a day).
    let mut tx = state.db.begin().await?;
    db::users::lock(tx.c(), user_id).await?;
    let quota = state.config.serve.user_quota_bytes;
    if quota > 0 {
        let used = db::files::used_bytes(tx.c(), user_id).await?.max(0) as u64;
        if used + upload.size > quota {
            return Err(quota_full(used, quota));
        }
    }
    db::files::insert(tx.c(), &row).await?;
    if row.mime_type == kinds::TEXT {
        db::files::set_text(tx.c(), &row.id, &text_of(&upload.path).await?).await?;
    }
    state.commit(tx).await?;
    let stored = async {
        state.storage.put_file(&key, &upload.path).await?;
        upload.kept = true;
        if let (Some(thumb_key), Some(bytes)) = (&row.thumb_key, thumb) {
            state.storage.put_bytes(thumb_key, bytes).await?;
        }
        Ok::<_, StorageError>(())
    }
    .await;
    if let Err(e) = stored {
        let _ = discard(state, &row).await;
        let mut tx = state.db.begin().await?;
        db::files::delete(tx.c(), &row.id).await?;
        state.commit(tx).await?;
        return Err(storage_error(e));
    }
    state.metrics.uploads.inc();
    state.metrics.upload_bytes.inc_by(upload.size);
    tracing::info!(file = %row.id, user = %user_id, mime = %row.mime_type, size = row.size, "file stored");
    Ok(row.to_api())
}

/// Searchable text of a plain-text file: its first [`MAX_TEXT_BYTES`], NULs dropped.
async fn text_of(path: &Path) -> ApiResult<String> {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(path).await.map_err(|e| ApiError::Internal(e.into()))?;
    let mut head = Vec::with_capacity(MAX_TEXT_BYTES as usize);
    file.take(MAX_TEXT_BYTES).read_to_end(&mut head).await.map_err(|e| ApiError::Internal(e.into()))?;
    Ok(String::from_utf8_lossy(&head).replace('\0', ""))
}

/// Removes a file's stored bytes and preview; objects already gone are fine.
async fn discard(state: &AppState, row: &FileRow) -> Result<(), StorageError> {
    for key in std::iter::once(&row.storage_key).chain(row.thumb_key.as_ref()) {
        if let Err(e) = state.storage.delete(key).await {
            tracing::warn!(file = %row.id, key = %key, error = %e, "could not remove a stored file");
            return Err(e);
        }
    }
    Ok(())
}

/// Deletes one's own upload that is not shared in a message (a file taken out of the composer):
/// 404 for a file the caller may not read, 403 for someone else's, 409 once it is shared
/// (deleting the message hides it).
pub async fn delete_upload(state: &AppState, user_id: &str, file_id: &str) -> ApiResult<()> {
    let row = readable(state, user_id, file_id).await?;
    if row.uploader_id != user_id {
        return Err(ApiError::forbidden("only its uploader deletes a file"));
    }
    let mut tx = state.db.begin().await?;
    let claimed = db::files::claim_own_unattached(tx.c(), &row.id, user_id).await?;
    state.commit(tx).await?;
    if !claimed {
        return Err(ApiError::conflict("the file is shared in a message: delete the message instead"));
    }
    // Claimed: hidden now. Its bytes go at once; if they cannot, the purge retries.
    if discard(state, &row).await.is_ok() {
        let mut tx = state.db.begin().await?;
        db::files::delete(tx.c(), &row.id).await?;
        state.commit(tx).await?;
    }
    Ok(())
}

/// A file the caller may read: a member of its workspace, and, once it is attached, someone who
/// can read the channel it was shared in. 404 otherwise, and for hidden files.
pub async fn readable(state: &AppState, user_id: &str, file_id: &str) -> ApiResult<FileRow> {
    let mut rd = state.db.read().await?;
    let row = db::files::by_id(rd.c(), file_id).await?.ok_or(ApiError::NotFound("file"))?;
    if row.hidden_at.is_some() {
        return Err(ApiError::NotFound("file"));
    }
    let allowed = match &row.channel_id {
        Some(channel_id) => access::readable_channel(rd.c(), user_id, channel_id).await.is_ok(),
        None => access::workspace_role(rd.c(), user_id, &row.workspace_id).await.is_ok(),
    };
    if allowed { Ok(row) } else { Err(ApiError::NotFound("file")) }
}

/// Checks the `file_ids` of a message about to be sent: at most [`MAX_ATTACHMENTS`], no
/// repeats, each the sender's own unattached upload in the channel's workspace. Returns them
/// in the order given.
pub async fn attachable(
    c: db::Conn<'_>,
    user_id: &str,
    workspace_id: &str,
    file_ids: &[String],
) -> ApiResult<Vec<FileRow>> {
    if file_ids.len() > MAX_ATTACHMENTS {
        return Err(ApiError::invalid("file_ids", format!("at most {MAX_ATTACHMENTS} files per message")));
    }
    let mut ids: Vec<&str> = file_ids.iter().map(String::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != file_ids.len() {
        return Err(ApiError::invalid("file_ids", "lists a file twice"));
    }
    let rows = db::files::attachable(c, &ids, user_id, workspace_id).await?;
    file_ids
        .iter()
        .map(|id| {
            rows.iter().find(|r| &r.id == id).cloned().ok_or_else(|| {
                ApiError::invalid(
                    "file_ids",
                    format!("{id} is not a file you uploaded to this workspace and have not shared yet"),
                )
            })
        })
        .collect()
}

/// Purges what is no longer needed: uploads never attached after a day, hidden files (their
/// message was deleted) after a day. Each file is first claimed (hidden, so a send can no
/// longer attach it; one that a send attached meanwhile is left alone), then its bytes go, then
/// its row; if the bytes cannot be removed the claimed row stays and the next pass retries.
pub async fn purge(state: &AppState) {
    let now = now_ms();
    let (unattached_before, hidden_before) = (now - UNATTACHED_KEEP_MS, now - HIDDEN_KEEP_MS);
    let rows = async {
        let mut rd = state.db.read().await?;
        db::files::purgeable(rd.c(), unattached_before, hidden_before, PURGE_BATCH).await
    }
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return tracing::warn!(error = %e, "finding files to purge failed"),
    };
    let mut purged = 0;
    for row in rows {
        let claimed = async {
            let mut tx = state.db.begin().await?;
            let claimed =
                db::files::claim_for_purge(tx.c(), &row.id, unattached_before, hidden_before).await?;
            tx.commit().await.map(|_| claimed)
        }
        .await;
        match claimed {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(file = %row.id, error = %e, "claiming a file to purge failed");
                continue;
            }
        }
        if discard(state, &row).await.is_err() {
            continue;
        }
        let deleted = async {
            let mut tx = state.db.begin().await?;
            db::files::delete(tx.c(), &row.id).await?;
            tx.commit().await.map(drop)
        }
        .await;
        match deleted {
            Ok(()) => purged += 1,
            Err(e) => tracing::warn!(file = %row.id, error = %e, "purging a file failed"),
        }
    }
    if purged > 0 {
        tracing::info!(files = purged, "purged unattached and hidden files");
    }
}

/// The stored images of an avatar id (`<uuid>.jpg`): (large key, small key, MIME type), or None
/// for anything the server did not make.
pub fn avatar_keys(avatar_id: &str) -> Option<(String, String, &'static str)> {
    let (uuid, ext) = avatar_id.split_once('.')?;
    let mime = match ext {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        _ => return None,
    };
    if uuid.len() != 32 || !uuid.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return None;
    }
    Some((
        format!("avatars/{uuid}-{}.{ext}", images::AVATAR_LARGE),
        format!("avatars/{uuid}-{}.{ext}", images::AVATAR_SMALL),
        mime,
    ))
}

/// Sets the caller's avatar from an uploaded image: an image type by its bytes (415 otherwise),
/// decodable within the pixel limit, cropped to its centre square and stored in two sizes.
/// Everyone sharing a workspace gets `user.updated`.
pub async fn set_avatar(state: &AppState, user_id: &str, upload: Spooled) -> ApiResult<User> {
    let mime = kinds::sniff(&upload.head, upload.size <= upload.head.len() as u64);
    if !kinds::is_image(mime) {
        return Err(ApiError::UnsupportedType("an avatar must be a PNG, JPEG, GIF or WebP image".into()));
    }
    let max_pixels = state.config.serve.max_image_pixels;
    let path = upload.path.clone();
    let made = state
        .image_pool
        .run(move || std::fs::read(&path).map(|bytes| images::avatar(&bytes, max_pixels)))
        .await?
        .map_err(|e| ApiError::Internal(e.into()))?;
    let (large, small, ext) = match made {
        Ok(made) => made,
        Err(e @ ImageRefusal::TooManyPixels { .. }) => return Err(ApiError::TooLarge(e.to_string())),
        Err(ImageRefusal::Undecodable) => {
            return Err(ApiError::UnsupportedType("the image could not be read".into()));
        }
    };
    let avatar_id = format!("{}.{ext}", new_id());
    let Some((large_key, small_key, _)) = avatar_keys(&avatar_id) else {
        return Err(ApiError::Internal(anyhow::anyhow!("made a malformed avatar id {avatar_id}")));
    };
    let stored = async {
        state.storage.put_bytes(&large_key, large).await?;
        state.storage.put_bytes(&small_key, small).await
    }
    .await;
    let answer = match stored {
        Ok(()) => replace_avatar(state, user_id, Some(&avatar_id)).await,
        Err(e) => Err(storage_error(e)),
    };
    if answer.is_err() {
        for key in [&large_key, &small_key] {
            let _ = state.storage.delete(key).await;
        }
    }
    answer
}

/// Back to initials.
pub async fn remove_avatar(state: &AppState, user_id: &str) -> ApiResult<User> {
    replace_avatar(state, user_id, None).await
}

async fn replace_avatar(state: &AppState, user_id: &str, avatar_id: Option<&str>) -> ApiResult<User> {
    let mut tx = state.db.begin().await?;
    // Under the row lock: two changes at once each replace (and remove) what the other left.
    db::users::lock(tx.c(), user_id).await?;
    let mut user = db::users::by_id(tx.c(), user_id).await?.ok_or(ApiError::Unauthenticated)?;
    let old = user.avatar_id.take();
    db::users::set_avatar(tx.c(), user_id, avatar_id).await?;
    user.avatar_id = avatar_id.map(str::to_string);
    let public = user.to_api("");
    for workspace in db::workspaces::list_for_user(tx.c(), user_id).await? {
        tx.outbox.push(Envelope::UserUpdated { workspace_id: workspace.id, user: public.clone() });
    }
    state.commit(tx).await?;
    if let Some((large, small, _)) = old.as_deref().and_then(avatar_keys) {
        for key in [large, small] {
            if let Err(e) = state.storage.delete(&key).await {
                tracing::warn!(key = %key, error = %e, "could not remove a replaced avatar");
            }
        }
    }
    Ok(user.to_api(user_id))
}

/// The storage key and type of an avatar the caller may see (their own, or of someone they share
/// a workspace with); 404 otherwise, and for replaced avatars.
pub async fn readable_avatar(
    state: &AppState,
    viewer: &str,
    avatar_id: &str,
    small: bool,
) -> ApiResult<(String, &'static str)> {
    let (large_key, small_key, mime) = avatar_keys(avatar_id).ok_or(ApiError::NotFound("avatar"))?;
    let mut rd = state.db.read().await?;
    let owner = db::users::by_avatar(rd.c(), avatar_id).await?.ok_or(ApiError::NotFound("avatar"))?;
    if owner != viewer && !db::users::share_a_workspace(rd.c(), viewer, &owner).await? {
        return Err(ApiError::NotFound("avatar"));
    }
    Ok((if small { small_key } else { large_key }, mime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_bytes(25 * 1024 * 1024), "25 MB");
        assert_eq!(human_bytes(1024 * 1024 * 1024), "1 GB");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(900), "900 bytes");
    }

    #[test]
    fn only_avatar_ids_the_server_makes_name_stored_images() {
        let id = format!("{}.jpg", new_id());
        assert!(avatar_keys(&id).is_some_and(|(large, small, mime)| large.ends_with("-512.jpg")
            && small.ends_with("-128.jpg")
            && mime == "image/jpeg"));
        for bad in ["../x.jpg", "abc.jpg", "0193.svg", &format!("{}.html", new_id()), &new_id()] {
            assert!(avatar_keys(bad).is_none(), "{bad}");
        }
    }
}
