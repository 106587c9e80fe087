//! `/me` and `/users/{id}`.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Json, Path};
use crate::domain::models::User;
use crate::error::{ApiResult, ErrorBody};
use crate::service::users;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_me, patch_me)).routes(routes!(get_user))
}

#[derive(Serialize, ToSchema)]
pub struct UserAnswer {
    user: User,
}

/// Absent fields stay as they are; `null` clears the nullable ones.
#[derive(Deserialize, ToSchema)]
pub struct MePatch {
    name: Option<String>,
    status_text: Option<String>,
    /// An emoji (or `:shortcode:`), or "" for none.
    status_emoji: Option<String>,
    /// RFC 3339; null: the status does not expire.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    status_expires_at: Option<Option<String>>,
    /// RFC 3339; null: do-not-disturb off.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    dnd_until: Option<Option<String>>,
}

/// A field that is present (`Some`, holding `None` for null), as opposed to absent (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// The caller's own profile, email included.
#[utoipa::path(get, path = "/me", tag = "users",
    responses((status = 200, body = UserAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_me(State(state): State<AppState>, user: AuthUser) -> ApiResult<axum::Json<UserAnswer>> {
    Ok(axum::Json(UserAnswer { user: users::me(&state, &user.user_id).await? }))
}

#[utoipa::path(patch, path = "/me", tag = "users", request_body = MePatch,
    responses((status = 200, body = UserAnswer), (status = "4XX", body = ErrorBody)))]
async fn patch_me(
    State(state): State<AppState>,
    user: AuthUser,
    Json(body): Json<MePatch>,
) -> ApiResult<axum::Json<UserAnswer>> {
    let patch = users::ProfilePatch {
        name: body.name,
        status_text: body.status_text,
        status_emoji: body.status_emoji,
        status_expires_at: body.status_expires_at,
        dnd_until: body.dnd_until,
    };
    let updated = users::update_me(&state, &user.user_id, patch).await?;
    Ok(axum::Json(UserAnswer { user: updated }))
}

/// A user who shares a workspace with the caller.
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = UserAnswer), (status = "4XX", body = ErrorBody)))]
async fn get_user(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<UserAnswer>> {
    Ok(axum::Json(UserAnswer { user: users::get(&state, &user.user_id, &id).await? }))
}
