//! Accepting connections: a bounded number at once, each with a deadline for its request heads
//! and a cap on their size, every one tracked so that shutdown can wait for it.
//!
//! axum's own `serve` offers none of these knobs, so connections are served with hyper directly
//! (HTTP/1.1 with upgrades, for WebSockets). A connection holds a permit of the connection cap
//! for as long as it lives, and hands it on to the WebSocket it upgrades to.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// Largest request head (request line and headers) accepted; larger ones get 431.
pub const MAX_REQUEST_HEAD_BYTES: usize = 32 * 1024;
/// How long to pause accepting after an accept error (out of file descriptors, mostly).
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// The connection-cap permit a request's connection holds; a WebSocket keeps it to its end.
#[derive(Clone)]
pub struct ConnectionPermit(#[allow(dead_code)] pub Arc<OwnedSemaphorePermit>);

pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` is cancelled; then stops accepting and asks every
/// open connection to finish its request in flight and close. Connection tasks are spawned on
/// `connections`, which the caller waits on.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    connections: TaskTracker,
    shutdown: CancellationToken,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_REQUEST_HEAD_BYTES.max(8192))
        .max_header_size(MAX_REQUEST_HEAD_BYTES);
    let builder = Arc::new(builder);
    let mut warned_full = false;
    loop {
        let permit = match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if !warned_full {
                    tracing::warn!(
                        max = limits.max_connections,
                        "connection cap reached; new connections wait"
                    );
                    warned_full = true;
                }
                tokio::select! {
                    permit = Arc::clone(&permits).acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => return,
                    },
                    _ = shutdown.cancelled() => return,
                }
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
            _ = shutdown.cancelled() => return,
        };
        warned_full = false;
        // Chat frames are small and latency-bound: no Nagle delay.
        let _ = stream.set_nodelay(true);
        let permit = ConnectionPermit(Arc::new(permit));
        let service = app.clone().map_request(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request.extensions_mut().insert(permit.clone());
            request
        });
        let builder = Arc::clone(&builder);
        let shutdown = shutdown.clone();
        connections.spawn(async move {
            let connection = builder
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                .with_upgrades();
            tokio::pin!(connection);
            let outcome = tokio::select! {
                outcome = connection.as_mut() => outcome,
                _ = shutdown.cancelled() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = outcome {
                tracing::debug!(peer = %peer, error = %e, "connection ended with an error");
            }
        });
    }
}

/// The peer address of a request served by [`serve`] (tests calling the router directly have none).
pub fn peer_of(request_extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    request_extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}
