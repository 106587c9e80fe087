//! The Redis bus: one publishing connection and one subscribing connection per node, whatever
//! the number of sockets. The subscriber reconnects on its own with backoff, subscribes again to
//! every topic it had (backing off with jitter), and tells the hub to make clients resync, since envelopes published while
//! it was away are lost (the event log still has every persistent one).

use std::collections::HashSet;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use std::sync::Arc;

use super::{Inbound, TopicControl, TopicOp};
use crate::domain::event::Envelope;
use crate::domain::now_ms;
use crate::metrics::Metrics;

/// Envelopes waiting to be published; past this they are dropped (and repaired from the log).
pub const PUBLISH_QUEUE: usize = 65_536;
/// Prefix of every topic and key OComms uses in Redis, so a Redis can be shared.
pub const PREFIX: &str = "ocomms:";
const MAX_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Serialize, Deserialize)]
struct Wire {
    /// The publishing node, which delivered the envelope itself and skips it here.
    node: String,
    /// When it was published (Unix ms), for the bus lag metric.
    sent_ms: i64,
    envelope: Envelope,
}

pub struct RedisBus {
    node_id: String,
    outgoing: mpsc::Sender<(String, String)>,
    /// The publisher runs until [`RedisBus::close`], after everything else has stopped, so that
    /// what the last requests and writers published still reaches the other nodes.
    publisher: TaskTracker,
    stop_publishing: CancellationToken,
    /// Commands (presence, readiness) share this auto-reconnecting connection.
    pub conn: ConnectionManager,
}

impl RedisBus {
    /// Connects to Redis (failing if it does not answer now) and starts the publisher and the
    /// subscriber. Returns the bus, the hub's topic handle, and what arrives for the hub.
    /// The subscriber runs on `tasks` until `shutdown`; the publisher until [`RedisBus::close`].
    pub async fn connect(
        url: &str,
        node_id: &str,
        metrics: Arc<Metrics>,
        tasks: &TaskTracker,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<(RedisBus, TopicControl, mpsc::Receiver<Inbound>)> {
        let client = redis::Client::open(url)?;
        let conn = client.get_connection_manager().await?;
        let (outgoing, queue) = mpsc::channel(PUBLISH_QUEUE);
        let publishing = TaskTracker::new();
        let stop_publishing = CancellationToken::new();
        publishing.spawn(publisher(conn.clone(), queue, stop_publishing.clone()));
        let (topics, ops) = TopicControl::new();
        let (inbound_tx, inbound) = mpsc::channel(PUBLISH_QUEUE);
        tasks.spawn(subscriber(client, ops, inbound_tx, node_id.to_string(), metrics, shutdown.clone()));
        let bus =
            RedisBus { node_id: node_id.to_string(), outgoing, publisher: publishing, stop_publishing, conn };
        Ok((bus, topics, inbound))
    }

    pub fn publish(&self, envelope: &Envelope) {
        let topic = format!("{PREFIX}{}", envelope.topic());
        let wire = Wire { node: self.node_id.clone(), sent_ms: now_ms(), envelope: envelope.clone() };
        let Ok(payload) = serde_json::to_string(&wire) else { return };
        if self.outgoing.try_send((topic, payload)).is_err() {
            tracing::warn!("bus publish queue full: an envelope was dropped (clients repair from the log)");
        }
    }

    /// Publishes what is queued, then stops publishing (the last step of a shutdown).
    pub async fn close(&self) {
        self.stop_publishing.cancel();
        self.publisher.close();
        self.publisher.wait().await;
    }

    pub async fn ping(&self) -> bool {
        let mut conn = self.conn.clone();
        redis::cmd("PING").query_async::<String>(&mut conn).await.is_ok()
    }
}

async fn publisher(
    mut conn: ConnectionManager,
    mut queue: mpsc::Receiver<(String, String)>,
    stop: CancellationToken,
) {
    let mut failing = false;
    loop {
        let next = tokio::select! {
            next = queue.recv() => next,
            // Everything queued still goes out; then the task ends.
            _ = stop.cancelled() => queue.try_recv().ok(),
        };
        let Some((topic, payload)) = next else { return };
        let result = redis::cmd("PUBLISH").arg(&topic).arg(&payload).query_async::<i64>(&mut conn).await;
        match result {
            Ok(_) if failing => {
                failing = false;
                tracing::info!("publishing to Redis again");
            }
            Ok(_) => {}
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "cannot publish to Redis; envelopes are dropped until it is back");
            }
            Err(_) => {}
        }
    }
}

/// Reconnect delays: exponential from 100 ms to 5 s with full jitter, so that nodes that lost
/// Redis together do not come back in lockstep.
fn reconnect_delays() -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(MAX_BACKOFF)
        .with_jitter()
        .without_max_times()
        .build()
}

async fn subscriber(
    client: redis::Client,
    mut ops: mpsc::UnboundedReceiver<TopicOp>,
    inbound: mpsc::Sender<Inbound>,
    node_id: String,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) {
    let mut topics: HashSet<String> = HashSet::new();
    let mut delays = reconnect_delays();
    let mut connected_before = false;
    loop {
        match client.get_async_pubsub().await {
            Ok(pubsub) => {
                let (mut sink, mut stream) = pubsub.split();
                let mut healthy = true;
                for topic in &topics {
                    if sink.subscribe(format!("{PREFIX}{topic}")).await.is_err() {
                        healthy = false;
                        break;
                    }
                }
                if healthy {
                    delays = reconnect_delays();
                    if connected_before {
                        tracing::info!(topics = topics.len(), "Redis subscription restored");
                        let _ = inbound.send(Inbound::Resync).await;
                    }
                    connected_before = true;
                }
                while healthy {
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        op = ops.recv() => {
                            let result = match op {
                                Some(TopicOp::Subscribe(topic)) => {
                                    let key = format!("{PREFIX}{topic}");
                                    if topics.insert(topic) { sink.subscribe(key).await } else { Ok(()) }
                                }
                                Some(TopicOp::Unsubscribe(topic)) => {
                                    let key = format!("{PREFIX}{topic}");
                                    if topics.remove(&topic) { sink.unsubscribe(key).await } else { Ok(()) }
                                }
                                // Every operation before it has been answered by Redis.
                                Some(TopicOp::Barrier(done)) => {
                                    let _ = done.send(());
                                    Ok(())
                                }
                                None => return,
                            };
                            healthy = result.is_ok();
                        }
                        message = stream.next() => match message {
                            Some(message) => {
                                let Ok(wire) = serde_json::from_slice::<Wire>(message.get_payload_bytes()) else {
                                    tracing::warn!("undecodable envelope on the bus");
                                    continue;
                                };
                                if wire.node != node_id {
                                    metrics.bus_lag_seconds.observe((now_ms() - wire.sent_ms).max(0) as f64 / 1000.0);
                                    let _ = inbound.send(Inbound::Envelope(Box::new(wire.envelope))).await;
                                }
                            }
                            None => healthy = false,
                        },
                    }
                }
                tracing::warn!("lost the Redis subscription; reconnecting");
            }
            Err(e) => tracing::warn!(error = %e, "cannot subscribe to Redis; retrying"),
        }
        // Topic changes made while away are applied on reconnect; waiters are let go (the
        // resync after reconnecting repairs whatever they miss).
        while let Ok(op) = ops.try_recv() {
            match op {
                TopicOp::Subscribe(topic) => {
                    topics.insert(topic);
                }
                TopicOp::Unsubscribe(topic) => {
                    topics.remove(&topic);
                }
                TopicOp::Barrier(done) => {
                    let _ = done.send(());
                }
            }
        }
        let delay = delays.next().unwrap_or(MAX_BACKOFF);
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}
