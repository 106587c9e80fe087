//! The state every request handler gets: shared handles, no globals.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;

use crate::bus::{Bus, Inbound, redis::RedisBus};
use crate::config::Config;
use crate::db::{Db, Tx};
use crate::domain::markdown::Markdown;
use crate::error::ApiResult;
use crate::gateway::hub::Hub;
use crate::gateway::presence::Presence;
use crate::metrics::Metrics;
use crate::service::auth::Passwords;
use crate::service::send_queue::SendQueue;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub markdown: Arc<Markdown>,
    pub passwords: Passwords,
    /// Where message sends are written, batched into shared transactions.
    pub send_queue: SendQueue,
    /// The Origin that cookie-authenticated browser requests must carry (CSRF defence).
    pub public_origin: Arc<str>,
    /// This node's sockets.
    pub hub: Arc<Hub>,
    /// Where committed events and ephemeral notices are published.
    pub bus: Arc<Bus>,
    pub presence: Arc<Presence>,
    /// Names this process among nodes (in socket session ids and on the bus).
    pub node_id: Arc<str>,
    /// Cancelled when the server begins to shut down.
    pub shutdown: CancellationToken,
    pub metrics: Arc<Metrics>,
    /// True from the start of shutdown: /readyz answers 503 so balancers stop sending traffic.
    pub draining: Arc<AtomicBool>,
}

impl AppState {
    /// Wires the node: the hub, the bus (local, or Redis when configured), presence, the send queue.
    pub async fn build(db: Db, config: Config, shutdown: CancellationToken) -> anyhow::Result<AppState> {
        let node_id: Arc<str> = crate::domain::new_id()[20..].into();
        let metrics = Arc::new(Metrics::new());
        let (hub, bus, presence) = match &config.serve.redis_url {
            Some(url) => {
                let (remote, topics, mut inbound) =
                    RedisBus::connect(url, &node_id, Arc::clone(&metrics)).await?;
                let hub = Hub::new(db.clone(), Some(topics), Arc::clone(&metrics));
                let presence = Presence::redis(remote.conn.clone(), &node_id, config.serve.heartbeat());
                let receiver = Arc::clone(&hub);
                tokio::spawn(async move {
                    while let Some(inbound) = inbound.recv().await {
                        match inbound {
                            Inbound::Envelope(envelope) => {
                                receiver.dispatch(&envelope);
                            }
                            Inbound::Resync => receiver.resync_all(),
                        }
                    }
                });
                (Arc::clone(&hub), Arc::new(Bus::new(hub, Some(remote), Arc::clone(&metrics))), presence)
            }
            None => {
                let hub = Hub::new(db.clone(), None, Arc::clone(&metrics));
                (Arc::clone(&hub), Arc::new(Bus::new(hub, None, Arc::clone(&metrics))), Presence::local())
            }
        };
        Ok(AppState {
            send_queue: SendQueue::start(db.clone(), Arc::clone(&bus)),
            db,
            public_origin: config.public_origin().into(),
            config: Arc::new(config),
            markdown: Arc::new(Markdown::new()),
            passwords: Passwords::new(),
            hub,
            bus,
            presence: Arc::new(presence),
            node_id,
            shutdown,
            metrics,
            draining: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Commits a transaction, then publishes what it recorded.
    pub async fn commit(&self, tx: Tx) -> ApiResult<()> {
        let outbox = tx.commit().await?;
        self.bus.publish_all(outbox);
        Ok(())
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }
}
