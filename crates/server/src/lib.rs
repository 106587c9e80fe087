//! OComms: a self-hosted real-time team chat in one binary.
//!
//! Module map (the path of a message reads top to bottom):
//! - [`config`]: the command line and environment.
//! - [`http`]: routes, extractors, the OpenAPI document; handlers call services.
//! - [`service`]: each mutation with its event in one transaction; authorization.
//! - [`db`]: SQLite or PostgreSQL behind one `Db`, one query module per aggregate.
//! - [`bus`]: envelopes between nodes (in-process, or Redis pub/sub).
//! - [`gateway`]: WebSockets: the hub's fan-out, sessions, presence.
//! - [`domain`]: ids, times, models, roles, validation, Markdown, the event enum; no IO.
//! - [`admin`]: account commands for the server's shell.

pub mod admin;
pub mod bus;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod gateway;
pub mod http;
pub mod metrics;
pub mod service;
pub mod state;

use std::future::IntoFuture;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::db::Db;
use crate::state::AppState;

/// Runs the server on `listener` until `shutdown` is cancelled. Then /readyz turns 503, sockets
/// are closed with 1001, in-flight requests finish, and it returns within the configured grace.
pub async fn run(config: Config, listener: TcpListener, shutdown: CancellationToken) -> anyhow::Result<()> {
    let db = Db::connect(
        config.global.database_url.as_deref(),
        &config.global.data_dir,
        config.serve.db_connections,
    )
    .await?;
    db.migrate().await?;
    let grace = Duration::from_secs(config.serve.shutdown_grace_s);
    let state = AppState::build(db.clone(), config, shutdown.clone()).await?;
    tracing::info!(
        listen = %listener.local_addr()?,
        public_url = %state.config.public_url(),
        database = db.backend_name(),
        bus = if state.bus.remote().is_some() { "redis" } else { "local" },
        node = %state.node_id,
        registration = ?state.config.serve.registration,
        "ocomms is serving"
    );
    tokio::spawn(gateway::upkeep(state.clone()));
    let draining = state.clone();
    let drain = async move {
        draining.shutdown.cancelled().await;
        draining.draining.store(true, Ordering::Relaxed);
        draining.hub.close_all(gateway::session::CLOSE_GOING_AWAY, "server restarting: reconnect");
        tracing::info!(sockets = draining.hub.socket_count(), "draining");
    };
    let app = http::router(state);
    // Chat frames are small and latency-bound: no Nagle delay on any connection.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let serve = axum::serve(listener, app).with_graceful_shutdown(drain).into_future();
    let deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = serve => served?,
        _ = deadline => tracing::warn!(grace_s = grace.as_secs(), "shutdown grace over; exiting with work in flight"),
    }
    db.close().await;
    tracing::info!("ocomms stopped");
    Ok(())
}
