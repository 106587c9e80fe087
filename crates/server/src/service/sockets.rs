//! What the gateway needs from storage: a socket's memberships, a user's workspaces, missing
//! events for the hub's gap fill, and which sessions ended.

use futures_util::FutureExt;

use crate::db::{self, Db};
use crate::domain::event::Event;
use crate::domain::roles::Role;
use crate::error::ApiResult;
use crate::gateway::hub::{GapFill, Memberships};
use crate::state::AppState;

/// The workspaces (with roles) and channels a user's socket follows.
pub async fn memberships(state: &AppState, user_id: &str) -> ApiResult<Memberships> {
    let mut rd = state.db.read().await?;
    let workspaces = db::workspaces::list_for_user(rd.c(), user_id)
        .await?
        .into_iter()
        .filter_map(|w| Role::parse(&w.role).map(|role| (w.id, role)))
        .collect();
    let channels = db::channels::memberships(rd.c(), user_id).await?;
    Ok(Memberships { channels, workspaces })
}

/// The workspaces of a user (for presence after their last socket is gone).
pub async fn workspaces_of(state: &AppState, user_id: &str) -> Vec<String> {
    let Ok(mut rd) = state.db.read().await else { return Vec::new() };
    db::workspaces::list_for_user(rd.c(), user_id)
        .await
        .map(|ws| ws.into_iter().map(|w| w.id).collect())
        .unwrap_or_default()
}

/// Reads events the bus did not bring from the channel's log; None when the log is unreadable
/// (the hub then tells the channel's sockets to resync and tries again).
pub fn gap_fill(db: Db) -> GapFill {
    std::sync::Arc::new(move |channel_id: String, after: i64, count: i64| {
        let db = db.clone();
        async move {
            let rows = match db.read().await {
                Ok(mut rd) => db::events::after(rd.c(), &channel_id, after, count).await.ok(),
                Err(_) => None,
            };
            Some(
                rows?
                    .into_iter()
                    .filter_map(|row| Event::from_log(&row.kind, &row.data).map(|e| (row.seq, e)))
                    .collect(),
            )
        }
        .boxed()
    })
}

/// Closes sockets whose session no longer exists or has expired: revocations are seen within a
/// second (see [`close_revoked_sessions`]); this catches expiry and anything missed.
pub async fn close_ended_sessions(state: &AppState) {
    let sessions = state.hub.sessions();
    let now = crate::domain::now_ms();
    let mut ended = Vec::new();
    for chunk in sessions.chunks(500) {
        let live = match state.db.read().await {
            Ok(mut rd) => db::sessions::live_among(rd.c(), chunk, now).await,
            Err(e) => Err(e),
        };
        match live {
            Ok(live) => ended.extend(chunk.iter().filter(|s| !live.contains(s)).cloned()),
            Err(e) => {
                tracing::warn!(error = %e, "cannot check sessions");
                return;
            }
        }
    }
    if !ended.is_empty() {
        state.sessions.forget(&ended);
        state.hub.close_sessions(&ended);
    }
}

/// Closes the sockets of sessions revoked at or after `since` (by any node, or the admin
/// command line); false when the log could not be read.
pub async fn close_revoked_sessions(state: &AppState, since: i64) -> bool {
    let revoked = match state.db.read().await {
        Ok(mut rd) => db::sessions::revoked_since(rd.c(), since).await,
        Err(e) => Err(e),
    };
    match revoked {
        Ok(revoked) => {
            if !revoked.is_empty() {
                state.sessions.forget(&revoked);
                state.hub.close_sessions(&revoked);
            }
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read session revocations");
            false
        }
    }
}
