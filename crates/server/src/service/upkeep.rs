//! Background upkeep until shutdown: closing the sockets of ended sessions, multi-node presence
//! refresh and expiry, and purging what expired (sessions, invites, revocations, throttle windows,
//! uploads never attached and the files of deleted messages).

use std::time::Duration;

use crate::db;
use crate::domain::event::Envelope;
use crate::domain::now_ms;
use crate::service::sockets;
use crate::state::AppState;

/// How often the revocation log is read: a revoked session's sockets close within this.
pub const REVOCATION_POLL: Duration = Duration::from_secs(1);
/// Revocations read again on each poll, for clocks of writers (nodes, the admin CLI) a little
/// apart; and how long they are kept.
const REVOCATION_OVERLAP_MS: i64 = 5_000;
const REVOCATION_KEEP_MS: i64 = 24 * 3600 * 1000;
/// Expired invites are kept a week, so that a late click hears "expired" rather than "unknown".
const EXPIRED_INVITE_KEEP_MS: i64 = 7 * 24 * 3600 * 1000;

pub async fn run(state: AppState) {
    // Revocations in a loop of their own, so a slow purge never holds back the second within
    // which ended sessions are refused and their sockets closed.
    tokio::join!(revocations(&state), chores(&state));
}

async fn revocations(state: &AppState) {
    let mut revocations = tokio::time::interval(REVOCATION_POLL);
    let mut since = now_ms() - REVOCATION_OVERLAP_MS;
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = revocations.tick() => {
                let now = now_ms();
                if sockets::close_revoked_sessions(state, since).await {
                    since = now - REVOCATION_OVERLAP_MS;
                }
            }
        }
    }
}

async fn chores(state: &AppState) {
    let mut heartbeat = tokio::time::interval(state.config.serve.heartbeat());
    let mut purge = tokio::time::interval(Duration::from_secs(state.config.serve.purge_every_s));
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = heartbeat.tick() => {
                sockets::close_ended_sessions(state).await;
                presence(state).await;
            }
            _ = purge.tick() => {
                purge_expired(state).await;
                crate::service::files::purge(state).await;
            }
        }
    }
}

async fn presence(state: &AppState) {
    for (user_id, status) in state.presence.upkeep().await {
        for workspace_id in sockets::workspaces_of(state, &user_id).await {
            state.bus.publish(Envelope::Presence { workspace_id, user_id: user_id.clone(), status });
        }
    }
}

/// Deletes expired sessions and invites and old revocations; one node's purge serves all.
pub async fn purge_expired(state: &AppState) {
    state.throttle.purge();
    let now = now_ms();
    let result = async {
        let mut tx = state.db.begin().await?;
        let sessions = db::sessions::purge(tx.c(), now, now - REVOCATION_KEEP_MS).await?;
        let invites = db::invites::purge_expired(tx.c(), now - EXPIRED_INVITE_KEEP_MS).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>((sessions, invites))
    }
    .await;
    match result {
        Ok((0, 0)) => {}
        Ok((sessions, invites)) => tracing::info!(sessions, invites, "purged expired rows"),
        Err(e) => tracing::warn!(error = %e, "purge failed"),
    }
}
