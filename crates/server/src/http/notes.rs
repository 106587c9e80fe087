//! `/channels/{cid}/note` and `/workspaces/{wid}/notes/me`: get, save (optimistic), versions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Json, Path};
use crate::domain::models::{Note, NoteVersion, NoteVersionInfo};
use crate::error::{ApiResult, ErrorBody};
use crate::service::notes::{self, Saved, Target};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_channel_note, put_channel_note))
        .routes(routes!(channel_versions))
        .routes(routes!(channel_version))
        .routes(routes!(get_my_note, put_my_note))
        .routes(routes!(my_versions))
        .routes(routes!(my_version))
}

#[derive(Serialize, ToSchema)]
pub struct NoteAnswer {
    note: Note,
}

#[derive(Deserialize, ToSchema)]
pub struct NoteBody {
    /// Markdown, at most 100,000 characters.
    content: String,
    /// The version this text was made from (0 before the first save).
    expected_version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct VersionsAnswer {
    /// Newest first, the last 50.
    versions: Vec<NoteVersionInfo>,
}

#[derive(Serialize, ToSchema)]
pub struct VersionAnswer {
    version: NoteVersion,
}

/// 409 with the current note beside the error: what the caller's save would have overwritten.
#[derive(Serialize, ToSchema)]
pub struct ConflictAnswer {
    error: serde_json::Value,
    note: Note,
}

fn answer(saved: Saved) -> Response {
    match saved {
        Saved::Saved(note) => axum::Json(NoteAnswer { note }).into_response(),
        Saved::Conflict(note) => {
            let error = serde_json::json!({
                "code": "conflict",
                "message": format!("the note was saved meanwhile (now version {}): nothing was overwritten", note.version),
            });
            (StatusCode::CONFLICT, axum::Json(ConflictAnswer { error, note })).into_response()
        }
    }
}

#[utoipa::path(get, path = "/channels/{cid}/note", tag = "notes", params(("cid" = String, Path)),
    responses((status = 200, body = NoteAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_channel_note(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
) -> ApiResult<axum::Json<NoteAnswer>> {
    Ok(axum::Json(NoteAnswer { note: notes::get(&state, &user.user_id, Target::Channel(&cid)).await? }))
}

/// Saves the channel's note (its members); 409 with the current note when `expected_version` is stale.
#[utoipa::path(put, path = "/channels/{cid}/note", tag = "notes", params(("cid" = String, Path)), request_body = NoteBody,
    responses((status = 200, body = NoteAnswer), (status = 409, body = ConflictAnswer), (status = "4XX", body = ErrorBody)))]
async fn put_channel_note(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
    Json(body): Json<NoteBody>,
) -> ApiResult<Response> {
    let saved =
        notes::save(&state, &user.user_id, Target::Channel(&cid), body.content, body.expected_version)
            .await?;
    Ok(answer(saved))
}

#[utoipa::path(get, path = "/channels/{cid}/note/versions", tag = "notes", params(("cid" = String, Path)),
    responses((status = 200, body = VersionsAnswer), (status = "4XX", body = ErrorBody)))]
async fn channel_versions(
    State(state): State<AppState>,
    user: AuthUser,
    Path(cid): Path<String>,
) -> ApiResult<axum::Json<VersionsAnswer>> {
    Ok(axum::Json(VersionsAnswer {
        versions: notes::versions(&state, &user.user_id, Target::Channel(&cid)).await?,
    }))
}

#[utoipa::path(get, path = "/channels/{cid}/note/versions/{n}", tag = "notes",
    params(("cid" = String, Path), ("n" = i64, Path)),
    responses((status = 200, body = VersionAnswer), (status = "4XX", body = ErrorBody)))]
async fn channel_version(
    State(state): State<AppState>,
    user: AuthUser,
    Path((cid, n)): Path<(String, i64)>,
) -> ApiResult<axum::Json<VersionAnswer>> {
    Ok(axum::Json(VersionAnswer {
        version: notes::version(&state, &user.user_id, Target::Channel(&cid), n).await?,
    }))
}

/// The caller's private note in a workspace.
#[utoipa::path(get, path = "/workspaces/{wid}/notes/me", tag = "notes", params(("wid" = String, Path)),
    responses((status = 200, body = NoteAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_my_note(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<NoteAnswer>> {
    Ok(axum::Json(NoteAnswer { note: notes::get(&state, &user.user_id, Target::Personal(&wid)).await? }))
}

#[utoipa::path(put, path = "/workspaces/{wid}/notes/me", tag = "notes", params(("wid" = String, Path)), request_body = NoteBody,
    responses((status = 200, body = NoteAnswer), (status = 409, body = ConflictAnswer), (status = "4XX", body = ErrorBody)))]
async fn put_my_note(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    Json(body): Json<NoteBody>,
) -> ApiResult<Response> {
    let saved =
        notes::save(&state, &user.user_id, Target::Personal(&wid), body.content, body.expected_version)
            .await?;
    Ok(answer(saved))
}

#[utoipa::path(get, path = "/workspaces/{wid}/notes/me/versions", tag = "notes", params(("wid" = String, Path)),
    responses((status = 200, body = VersionsAnswer), (status = "4XX", body = ErrorBody)))]
async fn my_versions(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
) -> ApiResult<axum::Json<VersionsAnswer>> {
    Ok(axum::Json(VersionsAnswer {
        versions: notes::versions(&state, &user.user_id, Target::Personal(&wid)).await?,
    }))
}

#[utoipa::path(get, path = "/workspaces/{wid}/notes/me/versions/{n}", tag = "notes",
    params(("wid" = String, Path), ("n" = i64, Path)),
    responses((status = 200, body = VersionAnswer), (status = "4XX", body = ErrorBody)))]
async fn my_version(
    State(state): State<AppState>,
    user: AuthUser,
    Path((wid, n)): Path<(String, i64)>,
) -> ApiResult<axum::Json<VersionAnswer>> {
    Ok(axum::Json(VersionAnswer {
        version: notes::version(&state, &user.user_id, Target::Personal(&wid), n).await?,
    }))
}
