//! This node's sockets and what each follows: by user, by channel (with the channel's delivery
//! order) and by workspace (with the role the socket's user has there). Keeps the bus
//! subscribed to exactly the topics some local socket needs.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::reorder::ChannelOrder;
use crate::bus::TopicControl;
use crate::domain::event::{Envelope, Event};
use crate::domain::roles::Role;

/// Frames queued per socket; a socket whose queue is full when a persistent event arrives is
/// closed with [`CLOSE_TOO_SLOW`] and catches up through the event log.
pub const SOCKET_QUEUE: usize = 256;
/// Ephemeral frames (typing, presence) are dropped once this many frames are queued for a
/// socket: a socket that is behind needs its persistent events, and a connect storm's presence
/// announcements would otherwise fill every queue (and keep the memory).
pub const EPHEMERAL_QUEUE: usize = 32;
pub const CLOSE_TOO_SLOW: u16 = 4008;

pub struct Socket {
    pub user_id: String,
    /// The session's token hash: ending the session closes the socket.
    pub session: String,
    frames: mpsc::Sender<Utf8Bytes>,
    kick: CancellationToken,
    close: Arc<OnceLock<(u16, &'static str)>>,
    pub channels: HashSet<String>,
    pub workspaces: HashMap<String, Role>,
    /// Until its memberships are loaded, the access changes that reach the socket are kept
    /// here and applied after them, so none falls between the read and the registration.
    pub pending: Option<Vec<Envelope>>,
}

/// How pushing a frame went.
pub enum Pushed {
    Queued,
    Dropped,
    TooSlow,
}

impl Socket {
    pub fn kick(&self, code: u16, reason: &'static str) {
        let _ = self.close.set((code, reason));
        self.kick.cancel();
    }

    /// Queues a frame. Persistent frames only fail when the queue is full, which closes the
    /// socket; ephemeral ones give way first, keeping room for persistent ones.
    pub fn push(&self, frame: &Utf8Bytes, persistent: bool) -> Pushed {
        if !persistent && SOCKET_QUEUE - self.frames.capacity() >= EPHEMERAL_QUEUE {
            return Pushed::Dropped;
        }
        match self.frames.try_send(frame.clone()) {
            Ok(()) => Pushed::Queued,
            Err(mpsc::error::TrySendError::Full(_)) if persistent && !self.kick.is_cancelled() => {
                self.kick(CLOSE_TOO_SLOW, "too slow: catch up through the event log");
                Pushed::TooSlow
            }
            Err(_) => Pushed::Dropped,
        }
    }
}

/// An event waiting its turn, with its frame already serialized.
pub type Queued = (Event, Utf8Bytes);

pub struct ChannelSubs {
    pub sockets: HashSet<u64>,
    pub order: ChannelOrder<Queued>,
}

/// A registered socket's end: its frames, and how the hub asks it to close.
pub struct Registration {
    pub id: u64,
    pub frames: mpsc::Receiver<Utf8Bytes>,
    /// Cancelled when the hub wants the socket closed; the code and reason are in `close`.
    pub kick: CancellationToken,
    pub close: Arc<OnceLock<(u16, &'static str)>>,
}

#[derive(Default)]
pub struct Registry {
    pub sockets: HashMap<u64, Socket>,
    pub users: HashMap<String, HashSet<u64>>,
    pub channels: HashMap<String, ChannelSubs>,
    pub workspaces: HashMap<String, HashSet<u64>>,
    /// Bus topic subscriptions, on a multi-node bus; None on a single node.
    pub topics: Option<TopicControl>,
}

impl Registry {
    /// Adds a socket that follows nothing yet (pending) and subscribes to its user's topic.
    pub fn insert(&mut self, id: u64, user_id: &str, session: &str) -> Registration {
        let (tx, rx) = mpsc::channel(SOCKET_QUEUE);
        let kick = CancellationToken::new();
        let close = Arc::new(OnceLock::new());
        self.sockets.insert(
            id,
            Socket {
                user_id: user_id.to_string(),
                session: session.to_string(),
                frames: tx,
                kick: kick.clone(),
                close: close.clone(),
                channels: HashSet::new(),
                workspaces: HashMap::new(),
                pending: Some(Vec::new()),
            },
        );
        if self.users.entry(user_id.to_string()).or_default().insert(id) && self.users[user_id].len() == 1 {
            self.subscribe(&format!("u:{user_id}"));
        }
        Registration { id, frames: rx, kick, close }
    }

    pub fn remove(&mut self, id: u64) {
        let Some(socket) = self.sockets.remove(&id) else { return };
        for channel_id in &socket.channels {
            self.unfollow_channel(id, channel_id);
        }
        for workspace_id in socket.workspaces.keys() {
            self.leave_workspace_index(id, workspace_id);
        }
        if let Some(ids) = self.users.get_mut(&socket.user_id) {
            ids.remove(&id);
            if ids.is_empty() {
                self.users.remove(&socket.user_id);
                self.unsubscribe(&format!("u:{}", socket.user_id));
            }
        }
    }

    pub fn sockets_of_user(&self, user_id: &str) -> Vec<u64> {
        self.users.get(user_id).map(|ids| ids.iter().copied().collect()).unwrap_or_default()
    }

    /// Starts following a channel from `next_seq` (no-op if already following).
    pub fn follow(&mut self, id: u64, channel_id: &str, next_seq: i64) {
        let Some(socket) = self.sockets.get_mut(&id) else { return };
        if !socket.channels.insert(channel_id.to_string()) {
            return;
        }
        if !self.channels.contains_key(channel_id) {
            self.subscribe(&format!("ch:{channel_id}"));
            self.channels.insert(
                channel_id.to_string(),
                ChannelSubs { sockets: HashSet::new(), order: ChannelOrder::new(next_seq) },
            );
        }
        if let Some(subs) = self.channels.get_mut(channel_id) {
            subs.sockets.insert(id);
        }
    }

    pub fn unfollow(&mut self, id: u64, channel_id: &str) {
        if let Some(socket) = self.sockets.get_mut(&id)
            && socket.channels.remove(channel_id)
        {
            self.unfollow_channel(id, channel_id);
        }
    }

    fn unfollow_channel(&mut self, id: u64, channel_id: &str) {
        if let Some(subs) = self.channels.get_mut(channel_id) {
            subs.sockets.remove(&id);
            if subs.sockets.is_empty() {
                self.channels.remove(channel_id);
                self.unsubscribe(&format!("ch:{channel_id}"));
            }
        }
    }

    /// Joins a socket to a workspace with its user's role there, or updates the role.
    pub fn join_workspace(&mut self, id: u64, workspace_id: &str, role: Role) {
        let Some(socket) = self.sockets.get_mut(&id) else { return };
        socket.workspaces.insert(workspace_id.to_string(), role);
        let ids = self.workspaces.entry(workspace_id.to_string()).or_default();
        if ids.is_empty() {
            self.subscribe(&format!("ws:{workspace_id}"));
        }
        if let Some(ids) = self.workspaces.get_mut(workspace_id) {
            ids.insert(id);
        }
    }

    pub fn leave_workspace(&mut self, id: u64, workspace_id: &str) {
        if let Some(socket) = self.sockets.get_mut(&id)
            && socket.workspaces.remove(workspace_id).is_some()
        {
            self.leave_workspace_index(id, workspace_id);
        }
    }

    fn leave_workspace_index(&mut self, id: u64, workspace_id: &str) {
        if let Some(ids) = self.workspaces.get_mut(workspace_id) {
            ids.remove(&id);
            if ids.is_empty() {
                self.workspaces.remove(workspace_id);
                self.unsubscribe(&format!("ws:{workspace_id}"));
            }
        }
    }

    fn subscribe(&self, topic: &str) {
        if let Some(topics) = &self.topics {
            topics.subscribe(topic);
        }
    }

    fn unsubscribe(&self, topic: &str) {
        if let Some(topics) = &self.topics {
            topics.unsubscribe(topic);
        }
    }
}
