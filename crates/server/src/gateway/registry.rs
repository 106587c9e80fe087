//! This node's sockets and what each follows: by user, by channel (with the channel's delivery
//! order and its delivery lane) and by workspace (with the role the socket's user has there).
//! Keeps the bus subscribed to exactly the topics some local socket needs.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};

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
    pub out: Arc<Outbox>,
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

/// A socket's way out: its frame queue and its close signal. Shared with the delivery lanes,
/// which push to it without the registry.
pub struct Outbox {
    frames: mpsc::Sender<Utf8Bytes>,
    kick: CancellationToken,
    close: Arc<OnceLock<(u16, &'static str)>>,
}

impl Socket {
    pub fn kick(&self, code: u16, reason: &'static str) {
        self.out.kick(code, reason);
    }

    pub fn push(&self, frame: &Utf8Bytes, persistent: bool) -> Pushed {
        self.out.push(frame, persistent)
    }
}

impl Outbox {
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
            // Several lanes may find the queue full at once: the one that sets the close
            // closes it (and counts it).
            Err(mpsc::error::TrySendError::Full(_))
                if persistent
                    && self
                        .close
                        .set((CLOSE_TOO_SLOW, "too slow: catch up through the event log"))
                        .is_ok() =>
            {
                self.kick.cancel();
                Pushed::TooSlow
            }
            Err(_) => Pushed::Dropped,
        }
    }
}

/// An event waiting its turn, with its frame already serialized.
pub type Queued = (Event, Utf8Bytes);

pub struct ChannelSubs {
    /// Private: every change must also drop `targets`.
    sockets: HashSet<u64>,
    pub order: ChannelOrder<Queued>,
    /// Where the channel's frames wait to be pushed, in order, outside the registry's lock.
    pub lane: Arc<Lane>,
    /// The outboxes of `sockets`, built when first needed after a change: a delivery takes
    /// them with one reference count, whatever the number of sockets.
    targets: Option<Targets>,
}

/// The sockets one frame goes to.
pub type Targets = Arc<[Arc<Outbox>]>;

impl ChannelSubs {
    fn new(next_seq: i64, lane: Arc<Lane>) -> ChannelSubs {
        ChannelSubs { sockets: HashSet::new(), order: ChannelOrder::new(next_seq), lane, targets: None }
    }

    pub fn socket_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.sockets.iter().copied()
    }
}

/// Batches a lane may hold before those who queue more wait for it to drain (outside the
/// registry's lock): the backpressure the registry's lock gave when it was held while pushing.
pub const LANE_BACKLOG: usize = 64;
/// Batches a drainer pushes before it hands the rest of the lane to a caller waiting on the
/// backlog (if one waits), so that under overload no request pushes others' frames for long.
pub const LANE_TURN: usize = 16;

/// One channel's frames on their way out. The registry's lock decides their order and puts
/// them here; whoever finds the lane idle then pushes them, in that order, to each target's
/// queue — the part whose cost grows with the channel's sockets — holding only the lane's lock
/// between batches, never while pushing. So a fan-out to thousands of sockets does not hold up
/// other channels, connects and disconnects, and one channel's frames never overtake each other.
#[derive(Default)]
pub struct Lane {
    queue: Mutex<LaneQueue>,
    /// Signalled after each batch pushed, for those waiting on a full backlog.
    drained: Condvar,
}

#[derive(Default)]
struct LaneQueue {
    batches: VecDeque<Vec<(Utf8Bytes, Targets)>>,
    /// Someone is pushing this lane's batches.
    draining: bool,
    /// Callers waiting on `drained` (for the backlog to shrink, or in `flush`).
    waiting: usize,
    /// The drainer stopped and one waiting caller is to go on.
    handoff: bool,
    /// Hand-offs so far (for tests).
    handoffs: u64,
}

/// Counts from pushing frames, for logs and metrics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub dropped: usize,
    /// Sockets found full and closed.
    pub too_slow: usize,
}

impl Delivered {
    pub fn add(&mut self, other: Delivered) {
        self.sent += other.sent;
        self.dropped += other.dropped;
        self.too_slow += other.too_slow;
    }

    pub fn count(&mut self, pushed: Pushed) {
        match pushed {
            Pushed::Queued => self.sent += 1,
            Pushed::TooSlow => {
                self.dropped += 1;
                self.too_slow += 1;
            }
            Pushed::Dropped => self.dropped += 1,
        }
    }
}

impl Lane {
    fn lock(&self) -> std::sync::MutexGuard<'_, LaneQueue> {
        self.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues frames behind those already queued (call with the registry locked, so that
    /// the lane's order is the registry's).
    pub fn enqueue(&self, batch: Vec<(Utf8Bytes, Targets)>) {
        if !batch.is_empty() {
            self.lock().batches.push_back(batch);
        }
    }

    /// Pushes what is queued unless another thread already is: that one then pushes this
    /// caller's frames too, and the caller returns at once — or, when the lane holds more than
    /// [`LANE_BACKLOG`] batches, waits until it drains below that or is handed the lane (a
    /// drainer that has pushed [`LANE_TURN`] batches gives the rest to a waiting caller). Below
    /// the backlog no one waits, and the drainer pushes until the lane is empty. Call without
    /// the registry's lock. Counts what this call pushed.
    pub fn drain(&self) -> Delivered {
        let mut queue = self.lock();
        if queue.draining {
            if queue.batches.len() <= LANE_BACKLOG {
                return Delivered::default();
            }
            queue.waiting += 1;
            loop {
                queue = self.drained.wait(queue).unwrap_or_else(|poisoned| poisoned.into_inner());
                if queue.handoff {
                    // `draining` stays set: this caller is the drainer now.
                    queue.handoff = false;
                    queue.waiting -= 1;
                    drop(queue);
                    return self.push_queued();
                }
                if !queue.draining || queue.batches.len() <= LANE_BACKLOG {
                    queue.waiting -= 1;
                    return Delivered::default();
                }
            }
        }
        queue.draining = true;
        drop(queue);
        self.push_queued()
    }

    /// Pushes everything queued, this caller's frames included, before returning: for the rare
    /// path that must push frames of several lanes and sockets in one order (a socket's access
    /// changes kept while it was set up). Called with the registry locked: nothing can be
    /// queued meanwhile, so this pushes at most the backlog ahead of its own frames, and the
    /// lane's drainer needs no registry.
    pub fn flush(&self) -> Delivered {
        let mut delivered = Delivered::default();
        let mut queue = self.lock();
        loop {
            if queue.handoff || !queue.draining {
                if !queue.handoff && queue.batches.is_empty() {
                    return delivered;
                }
                queue.handoff = false;
                queue.draining = true;
                drop(queue);
                delivered.add(self.push_queued());
                queue = self.lock();
                continue;
            }
            queue.waiting += 1;
            queue = self.drained.wait(queue).unwrap_or_else(|poisoned| poisoned.into_inner());
            queue.waiting -= 1;
        }
    }

    /// Pushes batches until the lane is empty, or until it hands the lane to a waiting caller.
    /// The caller is the lane's drainer (`draining` is set for it).
    fn push_queued(&self) -> Delivered {
        let mut delivered = Delivered::default();
        let mut pushed = 0;
        loop {
            let batch = {
                let mut queue = self.lock();
                if queue.waiting > 0 {
                    // The backlog shrank (or is to be handed over): wake who waits on it.
                    self.drained.notify_all();
                }
                if pushed >= LANE_TURN && queue.waiting > 0 && !queue.batches.is_empty() {
                    queue.handoff = true;
                    queue.handoffs += 1;
                    return delivered;
                }
                match queue.batches.pop_front() {
                    Some(batch) => batch,
                    None => {
                        // Under the same lock as enqueue's push: a batch queued after this
                        // check finds the lane idle and is drained by its own caller.
                        queue.draining = false;
                        return delivered;
                    }
                }
            };
            for (frame, targets) in batch {
                for out in targets.iter() {
                    delivered.count(out.push(&frame, true));
                }
            }
            pushed += 1;
        }
    }
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
    /// Lanes of channels no local socket follows any more that were still being drained:
    /// a socket that follows the channel again gets the same lane, so its frames cannot
    /// overtake ones still on their way through the old one.
    retired_lanes: HashMap<String, Weak<Lane>>,
}

impl Registry {
    pub fn new(topics: Option<TopicControl>) -> Registry {
        Registry { topics, ..Registry::default() }
    }

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
                out: Arc::new(Outbox { frames: tx, kick: kick.clone(), close: close.clone() }),
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
            let lane = self.retired_lanes.remove(channel_id).and_then(|w| w.upgrade()).unwrap_or_default();
            self.channels.insert(channel_id.to_string(), ChannelSubs::new(next_seq, lane));
        }
        if let Some(subs) = self.channels.get_mut(channel_id) {
            subs.sockets.insert(id);
            subs.targets = None;
        }
    }

    /// The lane of a channel: its subscribers' lane, or one no socket follows through any more
    /// whose frames are still on their way. None when nothing of the channel is in flight.
    pub fn lane_of(&self, channel_id: &str) -> Option<Arc<Lane>> {
        match self.channels.get(channel_id) {
            Some(subs) => Some(Arc::clone(&subs.lane)),
            None => self.retired_lanes.get(channel_id).and_then(Weak::upgrade),
        }
    }

    /// The outboxes of a channel's sockets now.
    pub fn targets(&mut self, channel_id: &str) -> Option<Targets> {
        let subs = self.channels.get_mut(channel_id)?;
        let sockets = &self.sockets;
        let targets = subs.targets.get_or_insert_with(|| {
            subs.sockets.iter().filter_map(|id| sockets.get(id).map(|s| Arc::clone(&s.out))).collect()
        });
        Some(Arc::clone(targets))
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
            subs.targets = None;
            if subs.sockets.is_empty()
                && let Some(subs) = self.channels.remove(channel_id)
            {
                self.unsubscribe(&format!("ch:{channel_id}"));
                // Someone else holds the lane: frames may still be on their way through it.
                if Arc::strong_count(&subs.lane) > 1 {
                    self.retired_lanes.retain(|_, lane| lane.strong_count() > 0);
                    self.retired_lanes.insert(channel_id.to_string(), Arc::downgrade(&subs.lane));
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn outboxes(count: usize) -> (Vec<Arc<Outbox>>, Vec<mpsc::Receiver<Utf8Bytes>>) {
        (0..count)
            .map(|_| {
                let (tx, rx) = mpsc::channel(SOCKET_QUEUE);
                let out =
                    Outbox { frames: tx, kick: CancellationToken::new(), close: Arc::new(OnceLock::new()) };
                (Arc::new(out), rx)
            })
            .unzip()
    }

    /// A lane far over its backlog, drained by two threads at once: one waits, is handed the
    /// lane, and every frame still reaches every socket once, in order.
    #[test]
    fn a_drainer_hands_a_long_backlog_to_a_waiting_caller_in_order() {
        const BATCHES: usize = 3 * LANE_BACKLOG;
        let (outs, mut receivers) = outboxes(2_000);
        let targets: Targets = outs.into();
        let lane = Arc::new(Lane::default());
        for n in 0..BATCHES {
            lane.enqueue(vec![(Utf8Bytes::from(n.to_string()), Arc::clone(&targets))]);
        }
        let start = std::sync::Barrier::new(2);
        let drain = || {
            start.wait();
            lane.drain().sent
        };
        let sent: usize = std::thread::scope(|scope| {
            let a = scope.spawn(drain);
            let b = scope.spawn(drain);
            a.join().expect("drainer a") + b.join().expect("drainer b")
        });
        assert_eq!(sent, BATCHES * 2_000, "every push counted once");
        assert!(lane.lock().handoffs >= 1, "the second caller waited on the backlog and took over");
        assert!(lane.lock().batches.is_empty() && !lane.lock().draining);
        for rx in &mut receivers {
            let got: Vec<usize> =
                std::iter::from_fn(|| rx.try_recv().ok()).filter_map(|f| f.as_str().parse().ok()).collect();
            assert_eq!(got, (0..BATCHES).collect::<Vec<_>>());
        }
    }
}
