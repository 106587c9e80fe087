//! The hub: routes each bus envelope to the local sockets it is for.
//!
//! Frames are serialized once, before the registry's lock is taken, and the bytes are shared by
//! every socket's queue. A channel's persistent events go out in seq order (`reorder::ChannelOrder`):
//! one that arrives early waits for the missing ones, which are read through the gap-fill
//! function if the bus does not bring them within [`GAP_WAIT`]. So a socket never sees an event
//! of a channel after the event that took it out of the channel.
//!
//! The registry's lock is held to decide a persistent event's order and to take its targets
//! (one reference-counted list per channel, rebuilt only after the channel's sockets change):
//! work that does not grow with the channel's sockets. The pushes to every socket's queue run
//! after it is released, through the channel's lane (`registry::Lane`), which keeps the
//! channel's frames in order.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use futures_util::future::BoxFuture;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::registry::{Lane, Queued, Registration, Registry};
use super::reorder::Offer;
use crate::bus::{LocalDelivery, TopicControl};
use crate::domain::event::{Envelope, Event};
use crate::domain::roles::Role;
use crate::metrics::Metrics;

pub use super::registry::{CLOSE_TOO_SLOW, Delivered, EPHEMERAL_QUEUE, SOCKET_QUEUE};

/// How long an early event waits for the ones before it before they are read from the log.
pub const GAP_WAIT: Duration = Duration::from_millis(300);
pub const CLOSE_LOGGED_OUT: u16 = 4001;
/// How long a new socket waits for the bus to confirm its user's subscription.
pub const SUBSCRIBE_WAIT: Duration = Duration::from_secs(2);

/// Reads a channel's events after a seq from the log: (channel, after, count) → (seq, event);
/// None when the log cannot be read.
pub type GapFill =
    Arc<dyn Fn(String, i64, i64) -> BoxFuture<'static, Option<Vec<(i64, Event)>>> + Send + Sync>;
/// How long to wait before reading the log again after it could not be read.
pub const GAP_RETRY: Duration = Duration::from_secs(1);

/// What a socket follows once its memberships are loaded.
pub struct Memberships {
    /// (channel id, the channel's last seq when loaded).
    pub channels: Vec<(String, i64)>,
    pub workspaces: Vec<(String, Role)>,
}

pub struct Hub {
    registry: Mutex<Registry>,
    next_id: AtomicU64,
    topics: Option<TopicControl>,
    gap_fill: GapFill,
    metrics: Arc<Metrics>,
    /// Gap fills run here and stop at shutdown.
    tasks: TaskTracker,
    /// The hub itself, for the gap-fill tasks it spawns.
    me: Weak<Hub>,
    shutdown: CancellationToken,
}

impl LocalDelivery for Hub {
    fn deliver(&self, envelope: &Envelope) {
        self.dispatch(envelope);
    }
}

impl Hub {
    pub fn new(
        topics: Option<TopicControl>,
        gap_fill: GapFill,
        metrics: Arc<Metrics>,
        tasks: TaskTracker,
        shutdown: CancellationToken,
    ) -> Arc<Hub> {
        let registry = Registry::new(topics.clone());
        Arc::new_cyclic(|me| Hub {
            me: me.clone(),
            registry: Mutex::new(registry),
            next_id: AtomicU64::new(1),
            topics,
            gap_fill,
            metrics,
            tasks,
            shutdown,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        // A panic while holding the lock leaves maps that are still consistent enough to serve.
        self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn sockets_of(&self, user_id: &str) -> usize {
        self.lock().users.get(user_id).map_or(0, |ids| ids.len())
    }

    pub fn socket_count(&self) -> usize {
        self.lock().sockets.len()
    }

    /// Registers a socket before its memberships are read: from now on its user's access
    /// changes reach it (kept until [`Hub::activate`]). On several nodes, returns once the bus
    /// confirms the user's subscription.
    pub async fn register(&self, user_id: &str, session: &str) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let registration = self.lock().insert(id, user_id, session);
        if let Some(topics) = &self.topics {
            topics.settled(SUBSCRIBE_WAIT).await;
        }
        registration
    }

    /// Follows what the socket's user may read, then applies the access changes that arrived
    /// since [`Hub::register`], in order.
    pub fn activate(&self, id: u64, memberships: Memberships) {
        let mut registry = self.lock();
        for (workspace_id, role) in memberships.workspaces {
            registry.join_workspace(id, &workspace_id, role);
        }
        for (channel_id, last_seq) in memberships.channels {
            registry.follow(id, &channel_id, last_seq + 1);
        }
        let pending = registry.sockets.get_mut(&id).and_then(|s| s.pending.take()).unwrap_or_default();
        for envelope in pending {
            let frame = ephemeral_frame(&envelope);
            let lane = access_lane(&registry, &envelope);
            apply_access(&mut registry, id, &envelope);
            let lane = lane.or_else(|| access_lane(&registry, &envelope));
            // In order, and each behind its channel's frames already on their way (a socket
            // being set up may be a target of those through a `member_joined`): the rare path
            // that pushes with the registry locked.
            if let Some(frame) = frame {
                let delivered = match push_or_queue(&registry, &[id], &frame, lane) {
                    (Some(lane), _) => lane.flush(),
                    (None, delivered) => delivered,
                };
                self.count(delivered);
            }
        }
    }

    pub fn unregister(&self, id: u64) {
        self.lock().remove(id);
    }

    /// The workspaces a socket's user is in, as the socket knows them.
    pub fn workspaces_of(&self, id: u64) -> Vec<String> {
        self.lock().sockets.get(&id).map(|s| s.workspaces.keys().cloned().collect()).unwrap_or_default()
    }

    pub fn follows(&self, id: u64, channel_id: &str) -> bool {
        self.lock().sockets.get(&id).is_some_and(|s| s.channels.contains(channel_id))
    }

    /// The role a socket's user has in a workspace, as the socket knows it.
    pub fn role_in(&self, id: u64, workspace_id: &str) -> Option<Role> {
        self.lock().sockets.get(&id).and_then(|s| s.workspaces.get(workspace_id).copied())
    }

    /// The distinct sessions that have sockets here.
    pub fn sessions(&self) -> Vec<String> {
        let registry = self.lock();
        let mut sessions: Vec<String> = registry.sockets.values().map(|s| s.session.clone()).collect();
        sessions.sort_unstable();
        sessions.dedup();
        sessions
    }

    /// Closes the sockets of sessions that ended (revoked, expired, reset from the command line).
    pub fn close_sessions(&self, ended: &[String]) {
        for socket in self.lock().sockets.values().filter(|s| ended.contains(&s.session)) {
            socket.kick(CLOSE_LOGGED_OUT, "logged out");
        }
    }

    /// Closes every socket (shutdown).
    pub fn close_all(&self, code: u16, reason: &'static str) {
        for socket in self.lock().sockets.values() {
            socket.kick(code, reason);
        }
    }

    /// Tells every socket to catch up through the event log (the bus may have lost events).
    pub fn resync_all(&self) {
        let frame = Utf8Bytes::from(json!({"type": "resync"}).to_string());
        for socket in self.lock().sockets.values() {
            let _ = socket.push(&frame, true);
        }
    }

    /// Delivers one envelope to the local sockets it is for. The counts are of what this call
    /// pushed: a channel's frames that another thread was already pushing are its to count.
    pub fn dispatch(&self, envelope: &Envelope) -> Delivered {
        let delivered = self.route(envelope);
        self.count(delivered);
        delivered
    }

    fn count(&self, delivered: Delivered) {
        self.metrics.frames_sent.inc_by(delivered.sent as u64);
        self.metrics.frames_dropped.inc_by(delivered.dropped as u64);
        self.metrics.slow_sockets_closed.inc_by(delivered.too_slow as u64);
    }

    fn route(&self, envelope: &Envelope) -> Delivered {
        if let Envelope::Persistent { channel_id, seq, event } = envelope {
            let frame = persistent_frame(channel_id, *seq, event);
            return self.persistent(channel_id, *seq, (event.clone(), frame));
        }
        let frame = ephemeral_frame(envelope);
        let mut registry = self.lock();
        let frame = frame.as_ref();
        match envelope {
            // Persistent: routed above. SessionsEnded: for the node's session cache (see
            // AppState::build), not for sockets.
            Envelope::Persistent { .. } | Envelope::SessionsEnded { .. } => Delivered::default(),
            Envelope::Typing { channel_id, user_id, .. } => {
                let targets: Vec<u64> = registry
                    .channels
                    .get(channel_id)
                    .map(|c| c.socket_ids().filter(|id| !is_user(&registry, *id, user_id)).collect())
                    .unwrap_or_default();
                send(&registry, &targets, frame, false)
            }
            Envelope::Presence { workspace_id, .. } | Envelope::UserUpdated { workspace_id, .. } => {
                let targets = workspace_sockets(&registry, workspace_id);
                send(&registry, &targets, frame, false)
            }
            Envelope::ChannelRead { user_id, .. } => {
                let targets = registry.sockets_of_user(user_id);
                send(&registry, &targets, frame, false)
            }
            Envelope::PublicChannel { workspace_id, channel } => {
                let targets: Vec<u64> = workspace_sockets(&registry, workspace_id)
                    .into_iter()
                    .filter(|id| {
                        registry.sockets.get(id).is_some_and(|s| {
                            s.workspaces.get(workspace_id).is_some_and(|r| !r.is_guest())
                                && !s.channels.contains(&channel.id)
                        })
                    })
                    .collect();
                send(&registry, &targets, frame, false)
            }
            Envelope::SessionRevoked { user_id, session } => {
                for id in registry.sockets_of_user(user_id) {
                    if let Some(socket) = registry.sockets.get(&id).filter(|s| s.session == *session) {
                        socket.kick(CLOSE_LOGGED_OUT, "logged out");
                    }
                }
                Delivered::default()
            }
            Envelope::MemberUpdated { workspace_id, user_id, .. } => {
                for id in registry.sockets_of_user(user_id) {
                    apply_or_keep(&mut registry, id, envelope);
                }
                let targets = workspace_sockets(&registry, workspace_id);
                send(&registry, &targets, frame, true)
            }
            Envelope::RoleChanged { user_id, .. } | Envelope::WorkspaceJoined { user_id, .. } => {
                for id in registry.sockets_of_user(user_id) {
                    apply_or_keep(&mut registry, id, envelope);
                }
                Delivered::default()
            }
            Envelope::Access { user_id, .. } => {
                // Through the channel's lane, behind the channel's frames still on their way.
                let lane = access_lane(&registry, envelope);
                let targets = apply_to_user(&mut registry, user_id, envelope);
                let lane = lane.or_else(|| access_lane(&registry, envelope));
                let Some(frame) = frame else { return Delivered::default() };
                match push_or_queue(&registry, &targets, frame, lane) {
                    (Some(lane), _) => {
                        drop(registry);
                        lane.drain()
                    }
                    (None, delivered) => delivered,
                }
            }
            Envelope::WorkspaceLeft { user_id, .. } => {
                let targets = apply_to_user(&mut registry, user_id, envelope);
                send(&registry, &targets, frame, true)
            }
        }
    }

    /// A persistent event, in seq order per channel.
    fn persistent(&self, channel_id: &str, seq: i64, item: Queued) -> Delivered {
        let mut registry = self.lock();
        let Some(subs) = registry.channels.get_mut(channel_id) else {
            return Delivered::default();
        };
        match subs.order.offer(seq, item) {
            Offer::Duplicate | Offer::Early { fill: None } => Delivered::default(),
            Offer::Early { fill: Some(fill) } => {
                drop(registry);
                self.schedule_gap_fill(channel_id.to_string(), fill, GAP_WAIT);
                Delivered::default()
            }
            Offer::Deliver(ready) => {
                let lane = enqueue_ready(&mut registry, channel_id, ready);
                drop(registry);
                lane.map(|lane| lane.drain()).unwrap_or_default()
            }
        }
    }

    fn schedule_gap_fill(&self, channel_id: String, fill: u64, after: Duration) {
        let Some(hub) = self.me.upgrade() else { return };
        let shutdown = self.shutdown.clone();
        self.tasks.spawn(async move {
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = tokio::time::sleep(after) => hub.fill_gap(&channel_id, fill).await,
            }
        });
    }

    /// Reads the events the bus did not bring and delivers them with what waited for them. If
    /// the log cannot be read, the channel's sockets are told to resync, and the fill is tried
    /// again: nothing goes out past the gap meanwhile.
    async fn fill_gap(&self, channel_id: &str, fill: u64) {
        let gap = self.lock().channels.get(channel_id).and_then(|s| s.order.gap());
        let fetched = match gap {
            Some((after, count)) => (self.gap_fill)(channel_id.to_string(), after, count).await,
            None => Some(Vec::new()),
        };
        let mut registry = self.lock();
        let Some(subs) = registry.channels.get_mut(channel_id) else { return };
        let Some(fetched) = fetched else {
            let again = subs.order.fill_failed(fill);
            let targets: Vec<u64> = subs.socket_ids().collect();
            let resync = frame(json!({"type": "resync"}));
            send(&registry, &targets, Some(&resync), true);
            drop(registry);
            tracing::warn!(channel_id, "cannot read the event log to fill a gap; retrying");
            if let Some(again) = again {
                self.schedule_gap_fill(channel_id.to_string(), again, GAP_RETRY);
            }
            return;
        };
        let fetched: Vec<(i64, Queued)> = fetched
            .into_iter()
            .map(|(seq, event)| {
                let frame = persistent_frame(channel_id, seq, &event);
                (seq, (event, frame))
            })
            .collect();
        let (ready, again) = subs.order.filled(fill, fetched);
        let lane = enqueue_ready(&mut registry, channel_id, ready);
        drop(registry);
        let delivered = lane.map(|lane| lane.drain()).unwrap_or_default();
        self.count(delivered);
        if let Some(again) = again {
            self.schedule_gap_fill(channel_id.to_string(), again, GAP_WAIT);
        }
    }
}

/// Queues a channel's ready events on its lane, each with the sockets it goes to, one by one
/// so that a `member_left` among them stops the leaver's delivery before the next. Returns the
/// lane, to be drained once the registry is unlocked.
fn enqueue_ready(registry: &mut Registry, channel_id: &str, ready: Vec<(i64, Queued)>) -> Option<Arc<Lane>> {
    let lane = registry.channels.get(channel_id)?.lane.clone();
    let mut batch = Vec::with_capacity(ready.len());
    for (seq, (event, frame)) in ready {
        let Some(targets) = registry.targets(channel_id) else { break };
        batch.push((frame, targets));
        match &event {
            // The leaver hears of it, then hears nothing more of the channel.
            Event::MemberLeft { user_id } => {
                for id in registry.sockets_of_user(user_id) {
                    registry.unfollow(id, channel_id);
                }
            }
            Event::MemberJoined { user_id } => {
                for id in registry.sockets_of_user(user_id) {
                    registry.follow(id, channel_id, seq + 1);
                }
            }
            _ => {}
        }
    }
    if batch.is_empty() {
        return None;
    }
    lane.enqueue(batch);
    Some(lane)
}

/// The lane an access change's frame goes through: the channel's, while any of its frames may
/// be on their way (so that `channel.created` / `channel.removed` never overtake them).
fn access_lane(registry: &Registry, envelope: &Envelope) -> Option<Arc<Lane>> {
    match envelope {
        Envelope::Access { channel, .. } => registry.lane_of(&channel.id),
        _ => None,
    }
}

/// Queues `frame` for the sockets on `lane` (returned, to drain once the registry is unlocked),
/// or pushes it now when there is no lane (and counts that).
fn push_or_queue(
    registry: &Registry,
    ids: &[u64],
    frame: &Utf8Bytes,
    lane: Option<Arc<Lane>>,
) -> (Option<Arc<Lane>>, Delivered) {
    match lane {
        Some(lane) if !ids.is_empty() => {
            let outs = ids.iter().filter_map(|id| registry.sockets.get(id).map(|s| s.out.clone())).collect();
            lane.enqueue(vec![(frame.clone(), outs)]);
            (Some(lane), Delivered::default())
        }
        _ => (None, send(registry, ids, Some(frame), true)),
    }
}

/// Applies an access change to each of a user's sockets (or keeps it for those being set up):
/// the sockets it applied to now.
fn apply_to_user(registry: &mut Registry, user_id: &str, envelope: &Envelope) -> Vec<u64> {
    let mut applied = Vec::new();
    for id in registry.sockets_of_user(user_id) {
        if apply_or_keep(registry, id, envelope) {
            applied.push(id);
        }
    }
    applied
}

/// Applies an access change to a socket, or keeps it while the socket's memberships are being
/// loaded. True when applied now (the socket should hear of it now).
fn apply_or_keep(registry: &mut Registry, id: u64, envelope: &Envelope) -> bool {
    if let Some(pending) = registry.sockets.get_mut(&id).and_then(|s| s.pending.as_mut()) {
        pending.push(envelope.clone());
        return false;
    }
    apply_access(registry, id, envelope);
    true
}

fn apply_access(registry: &mut Registry, id: u64, envelope: &Envelope) {
    match envelope {
        Envelope::Access { channel, gained: true, .. } => registry.follow(id, &channel.id, channel.last_seq),
        Envelope::Access { channel, gained: false, .. } => registry.unfollow(id, &channel.id),
        Envelope::WorkspaceLeft { workspace_id, .. } => registry.leave_workspace(id, workspace_id),
        Envelope::MemberUpdated { workspace_id, role, .. }
        | Envelope::RoleChanged { workspace_id, role, .. }
            if registry.sockets.get(&id).is_some_and(|s| s.workspaces.contains_key(workspace_id)) =>
        {
            registry.join_workspace(id, workspace_id, *role);
        }
        Envelope::WorkspaceJoined { workspace_id, role, .. } => {
            registry.join_workspace(id, workspace_id, *role)
        }
        _ => {}
    }
}

fn workspace_sockets(registry: &Registry, workspace_id: &str) -> Vec<u64> {
    registry.workspaces.get(workspace_id).map(|ids| ids.iter().copied().collect()).unwrap_or_default()
}

fn is_user(registry: &Registry, id: u64, user_id: &str) -> bool {
    registry.sockets.get(&id).is_some_and(|s| s.user_id == user_id)
}

fn send(registry: &Registry, ids: &[u64], frame: Option<&Utf8Bytes>, persistent: bool) -> Delivered {
    let mut delivered = Delivered::default();
    let Some(frame) = frame else { return delivered };
    for id in ids {
        match registry.sockets.get(id) {
            Some(socket) => delivered.count(socket.push(frame, persistent)),
            None => delivered.dropped += 1,
        }
    }
    delivered
}

fn frame(value: serde_json::Value) -> Utf8Bytes {
    Utf8Bytes::from(value.to_string())
}

/// The frame clients get for a non-persistent envelope, if they get one.
fn ephemeral_frame(envelope: &Envelope) -> Option<Utf8Bytes> {
    Some(frame(match envelope {
        Envelope::Typing { channel_id, user_id, thread_root_id: None } => {
            json!({"type": "typing", "channel_id": channel_id, "user_id": user_id})
        }
        Envelope::Typing { channel_id, user_id, thread_root_id: Some(root) } => {
            json!({"type": "typing", "channel_id": channel_id, "user_id": user_id, "thread_root_id": root})
        }
        Envelope::Presence { workspace_id, user_id, status } => {
            json!({"type": "presence", "workspace_id": workspace_id, "user_id": user_id, "status": status})
        }
        Envelope::ChannelRead { channel_id, seq, .. } => {
            json!({"type": "channel.read", "channel_id": channel_id, "seq": seq})
        }
        Envelope::Access { channel, gained, .. } => {
            json!({"type": if *gained { "channel.created" } else { "channel.removed" }, "channel": channel})
        }
        Envelope::PublicChannel { channel, .. } => json!({"type": "channel.created", "channel": channel}),
        Envelope::MemberUpdated { workspace_id, user_id, role } => {
            json!({"type": "member.updated", "workspace_id": workspace_id, "user_id": user_id, "role": role})
        }
        Envelope::UserUpdated { workspace_id, user } => {
            json!({"type": "user.updated", "workspace_id": workspace_id, "user": user})
        }
        Envelope::Persistent { .. }
        | Envelope::SessionRevoked { .. }
        | Envelope::SessionsEnded { .. }
        | Envelope::WorkspaceLeft { .. }
        | Envelope::RoleChanged { .. }
        | Envelope::WorkspaceJoined { .. } => return None,
    }))
}

/// A persistent event as clients get it: its fields, `type`, `channel_id` and `seq` at the top.
pub fn persistent_frame(channel_id: &str, seq: i64, event: &Event) -> Utf8Bytes {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert("channel_id".into(), channel_id.into());
        map.insert("seq".into(), seq.into());
    }
    frame(value)
}

#[cfg(test)]
#[path = "hub_tests.rs"]
mod tests;
