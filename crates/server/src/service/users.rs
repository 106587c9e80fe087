//! Profiles: the caller's own, and other users seen through a shared workspace.

use crate::db;
use crate::domain::event::Envelope;
use crate::domain::models::User;
use crate::domain::validate;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub async fn me(state: &AppState, user_id: &str) -> ApiResult<User> {
    let mut rd = state.db.read().await?;
    let user = db::users::by_id(rd.c(), user_id).await?.ok_or(ApiError::Unauthenticated)?;
    Ok(user.to_api(user_id))
}

pub async fn update_me(
    state: &AppState,
    user_id: &str,
    name: Option<&str>,
    status_text: Option<&str>,
) -> ApiResult<User> {
    let mut tx = state.db.begin().await?;
    let mut user = db::users::by_id(tx.c(), user_id).await?.ok_or(ApiError::Unauthenticated)?;
    if let Some(name) = name {
        user.name = validate::display_name(name).map_err(|m| ApiError::invalid("name", m))?;
    }
    if let Some(status) = status_text {
        user.status_text = validate::short_text(status, validate::MAX_STATUS_CHARS)
            .map_err(|m| ApiError::invalid("status_text", m))?;
    }
    let key = validate::mention_key(&user.name);
    db::users::update_profile(tx.c(), user_id, &user.name, &key, &user.status_text).await?;
    // Everyone who shares a workspace sees the change (the public fields: no email).
    let public = user.to_api("");
    for workspace in db::workspaces::list_for_user(tx.c(), user_id).await? {
        tx.outbox.push(Envelope::UserUpdated { workspace_id: workspace.id, user: public.clone() });
    }
    state.commit(tx).await?;
    Ok(user.to_api(user_id))
}

/// Another user, visible only to people who share a workspace with them.
pub async fn get(state: &AppState, viewer: &str, user_id: &str) -> ApiResult<User> {
    let mut rd = state.db.read().await?;
    if viewer != user_id && !db::users::share_a_workspace(rd.c(), viewer, user_id).await? {
        return Err(ApiError::NotFound("user"));
    }
    let user = db::users::by_id(rd.c(), user_id).await?.ok_or(ApiError::NotFound("user"))?;
    Ok(user.to_api(viewer))
}
