//! The state every request handler gets: shared handles, no globals.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::bus::{Bus, Inbound, LocalDelivery, redis::RedisBus};
use crate::config::Config;
use crate::db::{Db, Tx};
use crate::domain::event::{Envelope, NODES_TOPIC};
use crate::domain::markdown::Markdown;
use crate::error::ApiResult;
use crate::gateway::hub::Hub;
use crate::gateway::presence::Presence;
use crate::metrics::Metrics;
use crate::service::auth::Passwords;
use crate::service::blocking::BlockingPool;
use crate::service::send_queue::SendQueue;
use crate::service::session_cache::SessionCache;
use crate::service::throttle::{self, Throttle};
use crate::storage::Storage;

/// Text up to this size renders on the calling thread (see [`AppState::render_markdown`]).
pub const INLINE_RENDER_BYTES: usize = 1024;

/// What every request and task of the node shares; cloned per request, so one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    pub markdown: Arc<Markdown>,
    /// Where Markdown is rendered: off the async threads, a few at a time.
    pub render_pool: BlockingPool,
    /// Where images are decoded for previews and avatars: one at a time per core at most, each
    /// bounded in pixels, so a burst of uploads queues instead of taking the memory.
    pub image_pool: BlockingPool,
    /// Where uploaded files live: the data dir, or an S3-compatible bucket.
    pub storage: Arc<Storage>,
    pub passwords: Passwords,
    /// Sessions looked up recently (see [`crate::service::session_cache`]).
    pub sessions: Arc<SessionCache>,
    /// Login, sign-up and invite-acceptance attempts, per account and client IP.
    pub throttle: Arc<Throttle>,
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
    /// HTTP connections and the WebSockets they became: shutdown waits for them first.
    pub connections: TaskTracker,
    /// Background tasks (send-queue writers, bus, upkeep, gap fills): waited for after the
    /// connections, before the database closes.
    pub tasks: TaskTracker,
    pub metrics: Arc<Metrics>,
    /// True from the start of shutdown: /readyz answers 503 so balancers stop sending traffic.
    pub draining: Arc<AtomicBool>,
}

impl AppState {
    /// Wires the node: the hub, the bus (local, or Redis when configured), presence, the send queue.
    pub async fn build(
        db: Db,
        config: Config,
        shutdown: CancellationToken,
        tasks: TaskTracker,
    ) -> anyhow::Result<AppState> {
        let node_id: Arc<str> = crate::domain::new_id()[20..].into();
        let metrics = Arc::new(Metrics::new());
        let gap_fill = crate::service::sockets::gap_fill(db.clone());
        let sessions = Arc::new(SessionCache::default());
        let (hub, bus, presence) = match &config.serve.redis_url {
            Some(url) => {
                let (remote, topics, mut inbound) =
                    RedisBus::connect(url, &node_id, Arc::clone(&metrics), &tasks, &shutdown).await?;
                topics.subscribe(NODES_TOPIC);
                let hub =
                    Hub::new(Some(topics), gap_fill, Arc::clone(&metrics), tasks.clone(), shutdown.clone());
                let presence = Presence::redis(remote.conn.clone(), &node_id, config.serve.heartbeat());
                let receiver = Arc::clone(&hub);
                let cache = Arc::clone(&sessions);
                tasks.spawn(async move {
                    while let Some(inbound) = inbound.recv().await {
                        match inbound {
                            Inbound::Envelope(envelope) => match &*envelope {
                                Envelope::SessionsEnded { sessions } => cache.forget(sessions),
                                envelope => {
                                    receiver.dispatch(envelope);
                                }
                            },
                            Inbound::Resync => {
                                cache.clear();
                                receiver.resync_all();
                            }
                        }
                    }
                });
                let local: Arc<dyn LocalDelivery> = hub.clone();
                (hub, Arc::new(Bus::new(local, Some(remote), Arc::clone(&metrics))), presence)
            }
            None => {
                let hub = Hub::new(None, gap_fill, Arc::clone(&metrics), tasks.clone(), shutdown.clone());
                let local: Arc<dyn LocalDelivery> = hub.clone();
                (hub, Arc::new(Bus::new(local, None, Arc::clone(&metrics))), Presence::local())
            }
        };
        let limits = throttle::Limits {
            login_per_account: config.serve.login_failures_per_account,
            login_per_ip: config.serve.login_failures_per_ip,
            joins_per_ip: config.serve.signups_per_ip_per_hour,
        };
        let throttle = Throttle::new(limits, bus.remote().map(|r| r.conn.clone()));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let storage = Storage::open(&config.global.data_dir, config.serve.s3()).await?;
        Ok(AppState(Arc::new(Shared {
            send_queue: SendQueue::start(db.clone(), Arc::clone(&bus), Arc::clone(&metrics), &tasks),
            db,
            public_origin: config.public_origin().into(),
            config: Arc::new(config),
            markdown: Arc::new(Markdown::new()),
            render_pool: BlockingPool::new(cores),
            image_pool: BlockingPool::new(cores.min(2)),
            storage: Arc::new(storage),
            passwords: Passwords::new(),
            sessions,
            throttle: Arc::new(throttle),
            hub,
            bus,
            presence: Arc::new(presence),
            node_id,
            shutdown,
            connections: TaskTracker::new(),
            tasks,
            metrics,
            draining: Arc::new(AtomicBool::new(false)),
        })))
    }

    /// Commits a transaction, then publishes what it recorded.
    pub async fn commit(&self, tx: Tx) -> ApiResult<()> {
        let outbox = tx.commit().await?;
        self.bus.publish_all(outbox);
        Ok(())
    }

    /// Renders Markdown on the bounded render pool, except short text (most messages), which renders in a few
    /// microseconds — less than the hand-off to a pool thread and back costs. Not a table: a
    /// kilobyte of `|a|a…` rows expands to ~250 KB of HTML whose sanitizing takes milliseconds.
    pub async fn render_markdown(
        &self,
        content: String,
        mentions: HashMap<String, String>,
    ) -> ApiResult<String> {
        if content.len() <= INLINE_RENDER_BYTES && !content.contains('|') {
            return Ok(self.markdown.render(&content, &mentions));
        }
        let markdown = Arc::clone(&self.markdown);
        self.render_pool.run(move || markdown.render(&content, &mentions)).await
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }
}
