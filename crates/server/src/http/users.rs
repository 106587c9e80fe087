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

#[derive(Deserialize, ToSchema)]
pub struct MePatch {
    name: Option<String>,
    status_text: Option<String>,
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
    let updated =
        users::update_me(&state, &user.user_id, body.name.as_deref(), body.status_text.as_deref()).await?;
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
