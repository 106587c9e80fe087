//! Files and avatars at the edge: multipart uploads streamed to the spool folder (bounded while
//! read, stalls timed out), and serving stored bytes privately: access checked on every
//! request, `nosniff`, a sandbox, attachments unless the file is a previewable image, ETags,
//! single byte ranges.

use std::time::Duration;

use axum::body::Body;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Path, Query};
use crate::domain::files as kinds;
use crate::domain::models::{FileInfo, User};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::service::files::{self, Allowance, Spooled};
use crate::state::AppState;

/// A client that sends nothing for this long in the middle of an upload is cut off.
pub const UPLOAD_STALL: Duration = Duration::from_secs(30);
/// Room for the multipart framing and any fields before the file.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// Parts read before the one named `file` at most.
const MAX_PARTS_BEFORE_FILE: usize = 4;
/// The slowest an upload may be on average (after its first [`UPLOAD_STALL`]): a client
/// trickling a byte at a time does not hold a connection and a spool file for ever.
const MIN_UPLOAD_BYTES_PER_S: u64 = 32 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(set_avatar, remove_avatar))
        // Uploads are bounded while they are read, by the size limit and the quota.
        .layer(DefaultBodyLimit::disable())
        .routes(routes!(download, delete_upload))
        .routes(routes!(thumbnail))
        .routes(routes!(avatar))
}

/// True for the routes whose requests stream a body for as long as the client sends it: they
/// are exempt from the whole-request time limit and time out stalls instead.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    let upload = path.strip_prefix("/api/v1/workspaces/").is_some_and(|rest| {
        rest.strip_suffix("/files").is_some_and(|wid| !wid.is_empty() && !wid.contains('/'))
    });
    (method == axum::http::Method::POST && upload)
        || (method == axum::http::Method::PUT && path == "/api/v1/me/avatar")
}

#[derive(Serialize, ToSchema)]
pub struct FileAnswer {
    file: FileInfo,
}

#[derive(Serialize, ToSchema)]
pub struct UserAnswer {
    user: User,
}

/// The multipart body of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file; its name is kept (sanitized) for display and download.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Uploads a file to a workspace (multipart field `file`). Its type is judged by its bytes.
#[utoipa::path(post, path = "/workspaces/{wid}/files", tag = "files", params(("wid" = String, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = FileAnswer), (status = "4XX", body = ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, axum::Json<FileAnswer>)> {
    let allowance = files::allowance(&state, &user.user_id, &wid).await?;
    let spooled = receive(&state, &headers, multipart, allowance).await?;
    let file = files::store(&state, &user.user_id, &wid, spooled).await?;
    Ok((StatusCode::CREATED, axum::Json(FileAnswer { file })))
}

/// Sets the caller's avatar from an image (multipart field `file`, at most 2 MB): its centre
/// square, in two sizes.
#[utoipa::path(put, path = "/me/avatar", tag = "users",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 200, body = UserAnswer), (status = "4XX", body = ErrorBody)))]
async fn set_avatar(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<axum::Json<UserAnswer>> {
    let allowance = Allowance {
        max_bytes: files::MAX_AVATAR_BYTES,
        over: ApiError::TooLarge("an avatar may be at most 2 MB".into()),
    };
    let spooled = receive(&state, &headers, multipart, allowance).await?;
    Ok(axum::Json(UserAnswer { user: files::set_avatar(&state, &user.user_id, spooled).await? }))
}

/// Removes the caller's avatar (back to initials).
#[utoipa::path(delete, path = "/me/avatar", tag = "users",
    responses((status = 200, body = UserAnswer), (status = "4XX", body = ErrorBody)))]
async fn remove_avatar(State(state): State<AppState>, user: AuthUser) -> ApiResult<axum::Json<UserAnswer>> {
    Ok(axum::Json(UserAnswer { user: files::remove_avatar(&state, &user.user_id).await? }))
}

/// Deletes one of your uploads that is not shared in a message yet (a file taken out of the
/// composer), bytes and all; 409 once it is shared.
#[utoipa::path(delete, path = "/files/{fid}", tag = "files", params(("fid" = String, Path)),
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn delete_upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path(fid): Path<String>,
) -> ApiResult<StatusCode> {
    files::delete_upload(&state, &user.user_id, &fid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// When an upload must be done by: a stall's worth, plus its allowance at the slowest rate.
fn deadline_for(allowance: &Allowance) -> tokio::time::Instant {
    tokio::time::Instant::now()
        + UPLOAD_STALL
        + Duration::from_secs((allowance.max_bytes + MULTIPART_OVERHEAD) / MIN_UPLOAD_BYTES_PER_S)
}

/// Waits for the next piece of an upload, at most [`UPLOAD_STALL`] and never past `deadline`.
async fn stalled<T, E: std::fmt::Display>(
    deadline: tokio::time::Instant,
    next: impl Future<Output = Result<T, E>>,
) -> ApiResult<T> {
    let wait = deadline.min(tokio::time::Instant::now() + UPLOAD_STALL);
    match tokio::time::timeout_at(wait, next).await {
        Err(_) => Err(ApiError::invalid("file", "the upload stalled or was too slow")),
        Ok(Err(e)) => Err(ApiError::invalid("file", format!("the upload was cut off or malformed: {e}"))),
        Ok(Ok(value)) => Ok(value),
    }
}

/// Reads the multipart field `file` into the spool, hashing it and keeping its head for typing.
/// Refuses, without reading the rest: a declared length over the allowance, and as soon as the
/// bytes read pass it (chunked uploads declare none).
async fn receive(
    state: &AppState,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
    allowance: Allowance,
) -> ApiResult<Spooled> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > allowance.max_bytes + MULTIPART_OVERHEAD) {
        return Err(allowance.over);
    }
    let mut multipart = multipart.map_err(|_| {
        ApiError::UnsupportedType("send the file as multipart/form-data in a field named \"file\"".into())
    })?;
    let deadline = deadline_for(&allowance);
    // Parts before the file are read past, all of them together within the overhead's room.
    let mut skipped = 0u64;
    for _ in 0..=MAX_PARTS_BEFORE_FILE {
        let Some(mut field) = stalled(deadline, multipart.next_field()).await? else {
            break;
        };
        if field.name() == Some("file") {
            return spool(state, field, &allowance, deadline).await;
        }
        while let Some(chunk) = stalled(deadline, field.chunk()).await? {
            skipped += chunk.len() as u64;
            if skipped > MULTIPART_OVERHEAD {
                return Err(ApiError::invalid("file", "only a field named \"file\" is expected"));
            }
        }
    }
    Err(ApiError::invalid("file", "is missing: send it in a multipart field named \"file\""))
}

async fn spool(
    state: &AppState,
    mut field: Field<'_>,
    allowance: &Allowance,
    deadline: tokio::time::Instant,
) -> ApiResult<Spooled> {
    let mut spooled = Spooled::at(state.storage.spool_path());
    spooled.name = field.file_name().unwrap_or("file").to_string();
    let internal = |e: std::io::Error| ApiError::Internal(e.into());
    let file = tokio::fs::File::create(&spooled.path).await.map_err(internal)?;
    let mut out = tokio::io::BufWriter::with_capacity(64 * 1024, file);
    let mut hash = Sha256::new();
    while let Some(chunk) = stalled(deadline, field.chunk()).await? {
        spooled.size += chunk.len() as u64;
        if spooled.size > allowance.max_bytes {
            return Err(clone_refusal(&allowance.over));
        }
        if spooled.head.len() < kinds::SNIFF_BYTES {
            let take = (kinds::SNIFF_BYTES - spooled.head.len()).min(chunk.len());
            spooled.head.extend_from_slice(&chunk[..take]);
        }
        hash.update(&chunk);
        out.write_all(&chunk).await.map_err(internal)?;
    }
    out.flush().await.map_err(internal)?;
    out.into_inner().sync_all().await.map_err(internal)?;
    spooled.sha256 = hex::encode(hash.finalize());
    Ok(spooled)
}

fn clone_refusal(e: &ApiError) -> ApiError {
    match e {
        ApiError::TooLarge(message) => ApiError::TooLarge(message.clone()),
        _ => ApiError::TooLarge("the file is too large".into()),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ServeQuery {
    /// `1`: always as an attachment (a download), images too.
    download: Option<String>,
    /// `1`: shown in the browser's own viewer where that is safe (PDF, audio, video, text).
    inline: Option<String>,
}

fn flag(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| v == "1" || v == "true")
}

/// A file's bytes: to members of its workspace, and once shared to those who can read the
/// channel. Previewable images inline, everything else as an attachment; ranges and ETags.
#[utoipa::path(get, path = "/files/{fid}", tag = "files", params(("fid" = String, Path), ServeQuery),
    responses((status = 200, description = "The file's bytes"), (status = 206, description = "A byte range"),
        (status = 304), (status = "4XX", body = ErrorBody)))]
async fn download(
    State(state): State<AppState>,
    user: AuthUser,
    Path(fid): Path<String>,
    Query(q): Query<ServeQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let row = files::readable(&state, &user.user_id, &fid).await?;
    let previewable = kinds::is_image(&row.mime_type) && row.thumb_key.is_some();
    let inline = !flag(&q.download)
        && (previewable
            || (flag(&q.inline)
                && !kinds::is_image(&row.mime_type)
                && kinds::may_open_inline(&row.mime_type)));
    let served = Served {
        key: row.storage_key.clone(),
        mime: kinds::served_type(&row.mime_type),
        size: row.size as u64,
        etag: format!("\"{}\"", &row.sha256[..row.sha256.len().min(32)]),
        disposition: Some(kinds::content_disposition(inline, &row.name)),
        cache: "private, max-age=86400",
    };
    serve(&state, served, &headers).await
}

/// The preview of an image file (JPEG or PNG, at most 480 pixels a side); 404 when it has none.
#[utoipa::path(get, path = "/files/{fid}/thumbnail", tag = "files", params(("fid" = String, Path)),
    responses((status = 200, description = "The preview image"), (status = 304), (status = "4XX", body = ErrorBody)))]
async fn thumbnail(
    State(state): State<AppState>,
    user: AuthUser,
    Path(fid): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let row = files::readable(&state, &user.user_id, &fid).await?;
    let (Some(key), Some(mime)) = (row.thumb_key, row.thumb_mime) else {
        return Err(ApiError::NotFound("thumbnail"));
    };
    let served = Served {
        key,
        mime,
        size: u64::MAX,
        etag: format!("\"{}-t\"", &row.sha256[..row.sha256.len().min(32)]),
        disposition: None,
        cache: "private, max-age=86400",
    };
    serve(&state, served, &headers).await
}

#[derive(Deserialize, IntoParams)]
pub struct AvatarQuery {
    /// `128` for the small size; the large (512 pixels) otherwise.
    size: Option<u32>,
}

/// An avatar image, to its owner and people who share a workspace with them. Its URL changes
/// with the avatar, so it is cached for good.
#[utoipa::path(get, path = "/avatars/{aid}", tag = "users", params(("aid" = String, Path), AvatarQuery),
    responses((status = 200, description = "The avatar image"), (status = 304), (status = "4XX", body = ErrorBody)))]
async fn avatar(
    State(state): State<AppState>,
    user: AuthUser,
    Path(aid): Path<String>,
    Query(q): Query<AvatarQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let small = q.size.is_some_and(|s| s <= crate::service::images::AVATAR_SMALL);
    let (key, mime) = files::readable_avatar(&state, &user.user_id, &aid, small).await?;
    let served = Served {
        key,
        mime: mime.to_string(),
        size: u64::MAX,
        etag: format!("\"{aid}-{}\"", if small { "s" } else { "l" }),
        disposition: None,
        cache: "private, max-age=31536000, immutable",
    };
    serve(&state, served, &headers).await
}

/// What to send and how.
struct Served {
    key: String,
    mime: String,
    /// The size when known (files); `u64::MAX` for server-made images, served whole.
    size: u64,
    etag: String,
    disposition: Option<String>,
    cache: &'static str,
}

/// Answers with stored bytes: 304 for a matching `If-None-Match`, 206 for one satisfiable byte
/// range (honouring `If-Range`), 416 for an unsatisfiable one, else 200.
async fn serve(state: &AppState, served: Served, headers: &HeaderMap) -> ApiResult<Response> {
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, &served.mime)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CONTENT_SECURITY_POLICY, "sandbox")
        .header(header::CACHE_CONTROL, served.cache)
        .header(header::ETAG, &served.etag)
        .header("cross-origin-resource-policy", "same-origin");
    if let Some(disposition) = &served.disposition {
        response = response.header(header::CONTENT_DISPOSITION, header_value(disposition));
    }
    // If-None-Match compares weakly: a proxy may have marked the tag W/.
    let matches_etag = |value: &HeaderValue| {
        value.to_str().is_ok_and(|v| {
            v.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == served.etag)
        })
    };
    if headers.get(header::IF_NONE_MATCH).is_some_and(matches_etag) {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(|e| ApiError::Internal(e.into()));
    }
    let sized = served.size != u64::MAX;
    if sized {
        response = response.header(header::ACCEPT_RANGES, "bytes");
    }
    let range_wanted =
        sized && headers.get(header::IF_RANGE).is_none_or(|v| v.to_str().is_ok_and(|v| v == served.etag));
    let range = match headers.get(header::RANGE).filter(|_| range_wanted).and_then(|v| v.to_str().ok()) {
        None => None,
        // A header that does not parse (another unit, a reversed range) is ignored (RFC 9110).
        Some(raw) => match http_range_header::parse_range_header(raw) {
            Err(_) => None,
            Ok(parsed) => match parsed.validate(served.size) {
                Ok(ranges) if ranges.len() == 1 => ranges.into_iter().next(),
                // Several ranges: the whole file is an allowed answer.
                Ok(_) => None,
                Err(_) => {
                    return response
                        .status(StatusCode::RANGE_NOT_SATISFIABLE)
                        .header(header::CONTENT_RANGE, format!("bytes */{}", served.size))
                        .body(Body::empty())
                        .map_err(|e| ApiError::Internal(e.into()));
                }
            },
        },
    };
    let stream = state.storage.get(&served.key, range.clone()).await.map_err(|e| match e {
        crate::storage::StorageError::NotFound => ApiError::NotFound("file"),
        other => ApiError::Internal(other.into()),
    })?;
    let response = match range {
        Some(range) => response
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_RANGE, format!("bytes {}-{}/{}", range.start(), range.end(), served.size))
            .header(header::CONTENT_LENGTH, range.end() - range.start() + 1),
        None if sized => response.status(StatusCode::OK).header(header::CONTENT_LENGTH, served.size),
        None => response.status(StatusCode::OK),
    };
    response.body(Body::from_stream(stream)).map_err(|e| ApiError::Internal(e.into()))
}

/// A header value from text that [`kinds::content_disposition`] made ASCII-only.
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_upload_routes_are_exempt_from_the_time_limit() {
        use axum::http::Method;
        assert!(is_upload(&Method::POST, "/api/v1/workspaces/abc/files"));
        assert!(is_upload(&Method::PUT, "/api/v1/me/avatar"));
        assert!(!is_upload(&Method::GET, "/api/v1/workspaces/abc/files"));
        assert!(!is_upload(&Method::POST, "/api/v1/workspaces/abc/channels"));
        assert!(!is_upload(&Method::POST, "/api/v1/workspaces//files"));
        assert!(!is_upload(&Method::POST, "/api/v1/workspaces/a/b/files"));
    }
}
