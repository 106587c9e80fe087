//! The bus: how envelopes reach the sockets of every node. Single node: straight to this node's
//! hub. With Redis: to this node's hub at once, and through Redis pub/sub to the other nodes, each
//! subscribed only to the topics its sockets follow. The bus is never the source of truth: an
//! envelope it loses is repaired from the channel event log.

pub mod redis;

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::domain::event::Envelope;
use crate::gateway::hub::Hub;
use crate::metrics::Metrics;

pub struct Bus {
    hub: Arc<Hub>,
    remote: Option<redis::RedisBus>,
    metrics: Arc<Metrics>,
}

impl Bus {
    pub fn new(hub: Arc<Hub>, remote: Option<redis::RedisBus>, metrics: Arc<Metrics>) -> Bus {
        Bus { hub, remote, metrics }
    }

    pub fn publish(&self, envelope: Envelope) {
        self.metrics.envelopes_published.inc();
        self.hub.dispatch(&envelope);
        if let Some(remote) = &self.remote {
            remote.publish(&envelope);
        }
    }

    pub fn publish_all(&self, envelopes: Vec<Envelope>) {
        for envelope in envelopes {
            self.publish(envelope);
        }
    }

    pub fn remote(&self) -> Option<&redis::RedisBus> {
        self.remote.as_ref()
    }
}

pub enum TopicOp {
    Subscribe(String),
    Unsubscribe(String),
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
}

/// What the bus hands this node's hub.
pub enum Inbound {
    Envelope(Box<Envelope>),
    /// The bus reconnected: envelopes may have been lost meanwhile.
    Resync,
}
