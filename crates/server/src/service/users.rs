//! Profiles: the caller's own, and other users seen through a shared workspace.

use crate::db;
use crate::domain::event::Envelope;
use crate::domain::models::User;
use crate::domain::validate;
use crate::error::{ApiError, ApiResult};
use crate::service::reactions;
use crate::state::AppState;

pub async fn me(state: &AppState, user_id: &str) -> ApiResult<User> {
    let mut rd = state.db.read().await?;
    let user = db::users::by_id(rd.c(), user_id).await?.ok_or(ApiError::Unauthenticated)?;
    Ok(user.to_api(user_id))
}

/// A change to the caller's profile: `None` leaves a field alone; for the times, `Some(None)`
/// clears it.
pub struct ProfilePatch {
    pub name: Option<String>,
    pub status_text: Option<String>,
    pub status_emoji: Option<String>,
    pub status_expires_at: Option<Option<String>>,
    pub dnd_until: Option<Option<String>>,
}

pub async fn update_me(state: &AppState, user_id: &str, patch: ProfilePatch) -> ApiResult<User> {
    let mut tx = state.db.begin().await?;
    let mut user = db::users::by_id(tx.c(), user_id).await?.ok_or(ApiError::Unauthenticated)?;
    if let Some(name) = &patch.name {
        user.name = validate::display_name(name).map_err(|m| ApiError::invalid("name", m))?;
        user.mention_key = validate::mention_key(&user.name);
    }
    if let Some(status) = &patch.status_text {
        user.status_text = validate::short_text(status, validate::MAX_STATUS_CHARS)
            .map_err(|m| ApiError::invalid("status_text", m))?;
    }
    if let Some(emoji) = &patch.status_emoji {
        user.status_emoji = match emoji.trim() {
            "" => String::new(),
            e => reactions::normalize_emoji(e)
                .map_err(|_| ApiError::invalid("status_emoji", "must be an emoji"))?,
        };
    }
    if let Some(at) = &patch.status_expires_at {
        user.status_expires_at = at.as_deref().map(|t| parse_time("status_expires_at", t)).transpose()?;
    }
    if let Some(at) = &patch.dnd_until {
        user.dnd_until = at.as_deref().map(|t| parse_time("dnd_until", t)).transpose()?;
    }
    db::users::update_profile(tx.c(), &user).await?;
    // Everyone who shares a workspace sees the change (the public fields: no email).
    let public = user.to_api("");
    for workspace in db::workspaces::list_for_user(tx.c(), user_id).await? {
        tx.outbox.push(Envelope::UserUpdated { workspace_id: workspace.id, user: public.clone() });
    }
    state.commit(tx).await?;
    Ok(user.to_api(user_id))
}

/// An RFC 3339 time as Unix milliseconds; 400 naming the field otherwise.
fn parse_time(field: &str, raw: &str) -> ApiResult<i64> {
    let at = time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map_err(|_| ApiError::invalid(field, "must be an RFC 3339 time, e.g. 2026-12-01T17:00:00Z"))?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).map_err(|_| ApiError::invalid(field, "out of range"))
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
