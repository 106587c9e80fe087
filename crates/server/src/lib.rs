//! OComms: a self-hosted real-time team chat in one binary.
//!
//! Module map (the path of a message reads top to bottom):
//! - [`config`]: the command line and environment.
//! - [`http`]: routes, extractors, the OpenAPI document; handlers call services.
//! - [`service`]: each mutation with its event in one transaction; authorization.
//! - [`db`]: SQLite or PostgreSQL behind one `Db`, one query module per aggregate.
//! - [`domain`]: ids, times, models, roles, validation, Markdown, the event enum; no IO.
//! - [`admin`]: account commands for the server's shell.

pub mod admin;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod service;
pub mod state;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::db::Db;
use crate::state::AppState;

/// Runs the server on `listener` until `shutdown` is cancelled, then drains and closes.
pub async fn run(config: Config, listener: TcpListener, shutdown: CancellationToken) -> anyhow::Result<()> {
    let db = Db::connect(
        config.global.database_url.as_deref(),
        &config.global.data_dir,
        config.serve.db_connections,
    )
    .await?;
    db.migrate().await?;
    let state = AppState::new(db.clone(), config);
    tracing::info!(
        listen = %listener.local_addr()?,
        public_url = %state.config.public_url(),
        database = db.backend_name(),
        registration = ?state.config.serve.registration,
        "ocomms is serving"
    );
    let app = http::router(state);
    axum::serve(listener, app).with_graceful_shutdown(shutdown.cancelled_owned()).await?;
    db.close().await;
    tracing::info!("ocomms stopped");
    Ok(())
}
