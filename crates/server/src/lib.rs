//! OComms: a self-hosted real-time team chat in one binary.
//!
//! Module map (the path of a message reads top to bottom):
//! - [`config`]: the command line and environment.
//! - [`http`]: the accept loop (bounded, timed), routes, input checked at the edge, the OpenAPI
//!   document; handlers call services.
//! - [`service`]: each mutation with its event in one transaction; authorization; throttling;
//!   the gateway's storage reads; upkeep.
//! - [`db`]: SQLite or PostgreSQL behind one `Db`, one query module per aggregate.
//! - [`bus`]: envelopes to this node (through `LocalDelivery`) and between nodes (Redis pub/sub).
//! - [`gateway`]: WebSockets: the hub's routing, the socket registry, per-channel order,
//!   sessions, presence.
//! - [`domain`]: ids, times, models, roles, validation, Markdown, the event enum; no IO.
//! - [`admin`]: account commands for the server's shell.

pub mod admin;
pub mod bus;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod gateway;
pub mod health;
pub mod http;
pub mod metrics;
pub mod seed;
pub mod service;
pub mod state;
pub mod storage;

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::db::Db;
use crate::state::AppState;

/// Runs the server on `listener` until `shutdown` is cancelled. Then it stops accepting, /readyz
/// turns 503, sockets are closed with 1001, in-flight requests finish, queued writes are written,
/// background tasks end, and the database is closed, all within the configured grace.
pub async fn run(config: Config, listener: TcpListener, shutdown: CancellationToken) -> anyhow::Result<()> {
    config.validate()?;
    let db = Db::connect(
        config.global.database_url.as_deref(),
        &config.global.data_dir,
        config.serve.db_connections,
    )
    .await?;
    db.migrate().await?;
    let grace = Duration::from_secs(config.serve.shutdown_grace_s);
    let tasks = TaskTracker::new();
    let state = AppState::build(db.clone(), config, shutdown.clone(), tasks.clone()).await?;
    tracing::info!(
        listen = %listener.local_addr()?,
        public_url = %state.config.public_url(),
        database = db.backend_name(),
        bus = if state.bus.remote().is_some() { "redis" } else { "local" },
        files = %state.storage.describe(),
        node = %state.node_id,
        registration = ?state.config.serve.registration,
        max_connections = state.config.serve.max_connections,
        "ocomms is serving"
    );
    tasks.spawn(service::upkeep::run(state.clone()));
    let limits = http::serve::Limits {
        max_connections: state.config.serve.max_connections as usize,
        header_read_timeout: state.config.header_read_timeout(),
    };
    let connections = state.connections.clone();
    let app = http::router(state.clone());
    http::serve::serve(listener, app, limits, connections.clone(), shutdown.clone()).await;

    // Shutting down: the accept loop has stopped.
    state.draining.store(true, Ordering::Relaxed);
    state.hub.close_all(gateway::session::CLOSE_GOING_AWAY, "server restarting: reconnect");
    tracing::info!(sockets = state.hub.socket_count(), "draining");
    let deadline = tokio::time::Instant::now() + grace;
    connections.close();
    if tokio::time::timeout_at(deadline, connections.wait()).await.is_err() {
        tracing::warn!(
            grace_s = grace.as_secs(),
            "shutdown grace over; closing connections with work in flight"
        );
    }
    // No request can queue a write any more: the writers finish what is queued, then stop.
    state.send_queue.stop();
    tasks.close();
    if tokio::time::timeout_at(deadline, tasks.wait()).await.is_err() {
        tracing::warn!("background tasks did not finish within the grace");
    }
    // Last, what was published meanwhile goes out to the other nodes.
    if tokio::time::timeout_at(deadline, state.bus.close()).await.is_err() {
        tracing::warn!("the bus did not finish publishing within the grace");
    }
    drop(state);
    db.close().await;
    tracing::info!("ocomms stopped");
    Ok(())
}
