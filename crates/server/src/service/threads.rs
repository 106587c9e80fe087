//! Threads one follows and the messages that mention one: following and unfollowing a thread,
//! its read marker, the "Threads" and "Mentions" views. Private to the caller: no events.

use crate::db;
use crate::domain::models::Message;
use crate::error::{ApiError, ApiResult};
use crate::service::access;
use crate::service::messages::{complete, load};
use crate::state::AppState;

/// Threads listed in the "Threads" view.
pub const MAX_THREADS: i64 = 50;
pub const DEFAULT_MENTIONS: i64 = 50;
pub const MAX_MENTIONS: i64 = 100;

/// A thread the caller follows, for the "Threads" view.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FollowedThread {
    pub root: Message,
    /// Replies by others the caller has not read.
    pub unread_count: i64,
    pub following: bool,
}

/// Follows (`on`) or unfollows a thread: anyone who may read its channel; the message must be a
/// thread's root (a top-level message).
pub async fn follow(state: &AppState, user_id: &str, message_id: &str, on: bool) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    let (row, _) = load(&mut tx.c(), user_id, message_id).await?;
    if row.thread_root_id.is_some() {
        return Err(ApiError::invalid("mid", "is a reply: follow the thread's root message"));
    }
    let read_to = db::messages::replies(tx.c(), &row.id, 0, i64::MAX, 1, true)
        .await?
        .first()
        .map_or(row.seq, |r| r.seq);
    db::threads::set_following(tx.c(), &row.id, user_id, on, read_to).await?;
    state.commit(tx).await?;
    Ok(())
}

/// Marks a thread's replies up to `seq` read for a follower (never backwards).
pub async fn read(state: &AppState, user_id: &str, message_id: &str, seq: i64) -> ApiResult<()> {
    if seq < 0 {
        return Err(ApiError::invalid("seq", "must be zero or more"));
    }
    let mut tx = state.db.begin().await?;
    let (row, _) = load(&mut tx.c(), user_id, message_id).await?;
    if row.thread_root_id.is_some() {
        return Err(ApiError::invalid("mid", "is a reply: mark the thread's root message read"));
    }
    db::threads::read(tx.c(), &row.id, user_id, seq).await?;
    state.commit(tx).await?;
    Ok(())
}

/// The threads the caller follows in a workspace: those with unread replies first, then by
/// latest reply.
pub async fn followed(state: &AppState, user_id: &str, workspace_id: &str) -> ApiResult<Vec<FollowedThread>> {
    let mut rd = state.db.read().await?;
    access::workspace_role(rd.c(), user_id, workspace_id).await?;
    let rows = db::threads::followed(rd.c(), user_id, workspace_id, MAX_THREADS).await?;
    let unread: Vec<i64> = rows.iter().map(|r| r.unread_count).collect();
    let roots = complete(rd.c(), rows.into_iter().map(|r| r.root).collect()).await?;
    Ok(roots
        .into_iter()
        .zip(unread)
        .map(|(root, unread_count)| FollowedThread { root, unread_count, following: true })
        .collect())
}

/// Live messages that mention the caller in a workspace's channels they may read now, newest
/// first; `before` is the id of the last message of the previous page.
pub async fn mentions(
    state: &AppState,
    user_id: &str,
    workspace_id: &str,
    before: Option<&str>,
    limit: Option<i64>,
) -> ApiResult<(Vec<Message>, bool)> {
    let limit = limit.unwrap_or(DEFAULT_MENTIONS);
    if !(1..=MAX_MENTIONS).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be 1 to {MAX_MENTIONS}")));
    }
    let mut rd = state.db.read().await?;
    access::workspace_role(rd.c(), user_id, workspace_id).await?;
    let cursor = match before {
        None => None,
        Some(id) => {
            // A message the caller may read: the cursor tells nothing about others.
            let (row, _) = load(&mut rd.c(), user_id, id)
                .await
                .map_err(|_| ApiError::invalid("before", "is not a message id you can read"))?;
            Some((row.created_at, row.id))
        }
    };
    let mut rows = db::messages::mentioning(
        rd.c(),
        user_id,
        workspace_id,
        cursor.as_ref().map(|(at, id)| (*at, id.as_str())),
        limit + 1,
    )
    .await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((complete(rd.c(), rows).await?, has_more))
}
