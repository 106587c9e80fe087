//! The bus: how envelopes reach the sockets of every node. Single node: straight to this node's
//! hub. With Redis: to this node's hub at once, and through Redis pub/sub to the other nodes, each
//! subscribed only to the topics its sockets follow. The bus is never the source of truth: an
//! envelope it loses is repaired from the channel event log.

pub mod redis;

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::domain::event::Envelope;
use crate::metrics::Metrics;

/// Whatever delivers envelopes to this node's own sockets (the gateway's hub).
pub trait LocalDelivery: Send + Sync {
    fn deliver(&self, envelope: &Envelope);
}

pub struct Bus {
    local: Arc<dyn LocalDelivery>,
    remote: Option<redis::RedisBus>,
    metrics: Arc<Metrics>,
}

impl Bus {
    pub fn new(local: Arc<dyn LocalDelivery>, remote: Option<redis::RedisBus>, metrics: Arc<Metrics>) -> Bus {
        Bus { local, remote, metrics }
    }

    pub fn publish(&self, envelope: Envelope) {
        self.metrics.envelopes_published.inc();
        self.local.deliver(&envelope);
        if let Some(remote) = &self.remote {
            remote.publish(&envelope);
        }
    }

    pub fn publish_all(&self, envelopes: Vec<Envelope>) {
        for envelope in envelopes {
            self.publish(envelope);
        }
    }

    /// Sends what is still queued for the other nodes and stops (shutdown, once nothing else
    /// can publish).
    pub async fn close(&self) {
        if let Some(remote) = &self.remote {
            remote.close().await;
        }
    }

    pub fn remote(&self) -> Option<&redis::RedisBus> {
        self.remote.as_ref()
    }
}

pub enum TopicOp {
    Subscribe(String),
    Unsubscribe(String),
    /// Answered once every operation sent before it is in effect.
    Barrier(oneshot::Sender<()>),
}

/// The hub's handle on this node's bus subscriptions.
#[derive(Clone)]
pub struct TopicControl(mpsc::UnboundedSender<TopicOp>);

impl TopicControl {
    pub fn new() -> (TopicControl, mpsc::UnboundedReceiver<TopicOp>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (TopicControl(tx), rx)
    }

    pub fn subscribe(&self, topic: &str) {
        let _ = self.0.send(TopicOp::Subscribe(topic.to_string()));
    }

    pub fn unsubscribe(&self, topic: &str) {
        let _ = self.0.send(TopicOp::Unsubscribe(topic.to_string()));
    }

    /// Waits (at most `wait`) until the subscriptions asked for so far are in effect, so that
    /// what is published from now on reaches this node.
    pub async fn settled(&self, wait: std::time::Duration) {
        let (done, settled) = oneshot::channel();
        if self.0.send(TopicOp::Barrier(done)).is_ok() && tokio::time::timeout(wait, settled).await.is_err() {
            tracing::warn!("bus subscriptions not confirmed in time");
        }
    }
}

/// What the bus hands this node's hub.
pub enum Inbound {
    Envelope(Box<Envelope>),
    /// The bus reconnected: envelopes may have been lost meanwhile.
    Resync,
}
