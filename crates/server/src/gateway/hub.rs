//! The hub: this node's sockets, what each follows, and fan-out of bus envelopes to them.
//!
//! Each envelope is serialized once and the bytes are shared by every socket's queue. A channel's
//! persistent events are delivered in seq order: one that arrives early waits for the missing ones,
//! which are read from the event log if the bus does not bring them within [`GAP_WAIT`]. So a
//! socket never sees an event of a channel after the event that took it out of the channel.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::bus::TopicControl;
use crate::db::{self, Db};
use crate::domain::event::{Envelope, Event};
use crate::domain::roles::Role;
use crate::metrics::Metrics;

/// Frames queued per socket; a socket whose queue is full when a persistent event arrives is
/// closed with [`CLOSE_TOO_SLOW`] and catches up through the event log.
pub const SOCKET_QUEUE: usize = 256;
/// Ephemeral frames (typing, presence) are dropped once this many frames are queued for a
/// socket: a socket that is behind needs its persistent events, and a connect storm's presence
/// announcements would otherwise fill every queue (and keep the memory).
pub const EPHEMERAL_QUEUE: usize = 32;
/// How long an early event waits for the ones before it before they are read from the log.
pub const GAP_WAIT: Duration = Duration::from_millis(300);
pub const CLOSE_TOO_SLOW: u16 = 4008;
pub const CLOSE_LOGGED_OUT: u16 = 4001;

/// What a socket follows when it connects.
pub struct SocketInfo {
    pub user_id: String,
    /// The session's token hash: logging it out closes the socket.
    pub session: String,
    /// (channel id, the channel's last seq when loaded).
    pub channels: Vec<(String, i64)>,
    pub workspaces: Vec<(String, Role)>,
}

/// A registered socket's end of the hub.
pub struct Registration {
    pub id: u64,
    pub frames: mpsc::Receiver<Utf8Bytes>,
    /// Cancelled when the hub wants the socket closed; the code and reason are in `close`.
    pub kick: CancellationToken,
    pub close: Arc<OnceLock<(u16, &'static str)>>,
}

struct Socket {
    user_id: String,
    session: String,
    frames: mpsc::Sender<Utf8Bytes>,
    kick: CancellationToken,
    close: Arc<OnceLock<(u16, &'static str)>>,
    channels: HashSet<String>,
    workspaces: HashMap<String, Role>,
}

impl Socket {
    fn kick(&self, code: u16, reason: &'static str) {
        let _ = self.close.set((code, reason));
        self.kick.cancel();
    }

    /// Queues a frame. Persistent frames only fail when the queue is full, which closes the
    /// socket; ephemeral ones give way first, keeping room for persistent ones.
    fn push(&self, frame: &Utf8Bytes, persistent: bool) -> Pushed {
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

struct ChannelSubs {
    sockets: HashSet<u64>,
    /// The next seq to deliver; None until known.
    next_seq: Option<i64>,
    /// Events that arrived before the ones preceding them.
    early: BTreeMap<i64, Event>,
    gap_fill_pending: bool,
}

#[derive(Default)]
struct Inner {
    sockets: HashMap<u64, Socket>,
    users: HashMap<String, HashSet<u64>>,
    channels: HashMap<String, ChannelSubs>,
    workspaces: HashMap<String, HashSet<u64>>,
}

pub struct Hub {
    inner: Mutex<Inner>,
    next_id: AtomicU64,
    /// Bus topic subscriptions, on a multi-node bus; None on a single node.
    topics: Option<TopicControl>,
    /// Where missing events are read from.
    db: Db,
    metrics: Arc<Metrics>,
}

/// Counts from one fan-out, for logs and metrics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub dropped: usize,
    /// Sockets this fan-out found full and closed.
    pub too_slow: usize,
}

enum Pushed {
    Queued,
    Dropped,
    TooSlow,
}

impl Hub {
    pub fn new(db: Db, topics: Option<TopicControl>, metrics: Arc<Metrics>) -> Arc<Hub> {
        Arc::new(Hub { inner: Mutex::new(Inner::default()), next_id: AtomicU64::new(1), topics, db, metrics })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves maps that are still consistent enough to serve.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn sockets_of(&self, user_id: &str) -> usize {
        self.lock().users.get(user_id).map_or(0, HashSet::len)
    }

    pub fn socket_count(&self) -> usize {
        self.lock().sockets.len()
    }

    pub fn register(&self, info: SocketInfo) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(SOCKET_QUEUE);
        let kick = CancellationToken::new();
        let close = Arc::new(OnceLock::new());
        let mut inner = self.lock();
        let socket = Socket {
            user_id: info.user_id.clone(),
            session: info.session,
            frames: tx,
            kick: kick.clone(),
            close: close.clone(),
            channels: HashSet::new(),
            workspaces: HashMap::new(),
        };
        inner.sockets.insert(id, socket);
        if inner.users.entry(info.user_id.clone()).or_default().insert(id) {
            self.subscribe(&format!("u:{}", info.user_id));
        }
        for (workspace_id, role) in info.workspaces {
            self.join_workspace(&mut inner, id, &workspace_id, role);
        }
        for (channel_id, last_seq) in info.channels {
            self.follow(&mut inner, id, &channel_id, last_seq + 1);
        }
        Registration { id, frames: rx, kick, close }
    }

    pub fn unregister(&self, id: u64) {
        let mut inner = self.lock();
        let Some(socket) = inner.sockets.remove(&id) else {
            return;
        };
        for channel_id in &socket.channels {
            self.unfollow_channel(&mut inner, id, channel_id);
        }
        for workspace_id in socket.workspaces.keys() {
            self.leave_workspace(&mut inner, id, workspace_id);
        }
        if let Some(ids) = inner.users.get_mut(&socket.user_id) {
            ids.remove(&id);
            if ids.is_empty() {
                inner.users.remove(&socket.user_id);
                self.unsubscribe(&format!("u:{}", socket.user_id));
            }
        }
    }

    /// The workspaces a socket's user is in, as the socket knows them.
    pub fn workspaces_of(&self, id: u64) -> Vec<String> {
        self.lock().sockets.get(&id).map(|s| s.workspaces.keys().cloned().collect()).unwrap_or_default()
    }

    pub fn follows(&self, id: u64, channel_id: &str) -> bool {
        self.lock().sockets.get(&id).is_some_and(|s| s.channels.contains(channel_id))
    }

    /// The distinct sessions that have sockets here.
    pub fn sessions(&self) -> Vec<String> {
        let inner = self.lock();
        let mut sessions: Vec<String> = inner.sockets.values().map(|s| s.session.clone()).collect();
        sessions.sort_unstable();
        sessions.dedup();
        sessions
    }

    /// Closes the sockets of sessions that ended without a word on the bus (expired, reset from
    /// the command line, or a lost publish).
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

    /// Delivers one envelope to the local sockets it is for.
    pub fn dispatch(self: &Arc<Self>, envelope: &Envelope) -> Delivered {
        let delivered = self.route(envelope);
        self.metrics.frames_sent.inc_by(delivered.sent as u64);
        self.metrics.frames_dropped.inc_by(delivered.dropped as u64);
        self.metrics.slow_sockets_closed.inc_by(delivered.too_slow as u64);
        delivered
    }

    fn route(self: &Arc<Self>, envelope: &Envelope) -> Delivered {
        let mut inner = self.lock();
        match envelope {
            Envelope::Persistent { channel_id, seq, event } => {
                self.persistent(&mut inner, channel_id, *seq, event)
            }
            Envelope::Typing { channel_id, user_id } => {
                let frame = frame(json!({"type": "typing", "channel_id": channel_id, "user_id": user_id}));
                let targets = inner.channels.get(channel_id).map(|c| c.sockets.clone()).unwrap_or_default();
                send(&inner, targets.iter().filter(|id| !is_user(&inner, **id, user_id)), &frame, false)
            }
            Envelope::Presence { workspace_id, user_id, status } => {
                let frame = frame(
                    json!({"type": "presence", "workspace_id": workspace_id, "user_id": user_id, "status": status}),
                );
                let targets = inner.workspaces.get(workspace_id).cloned().unwrap_or_default();
                send(&inner, targets.iter(), &frame, false)
            }
            Envelope::ChannelRead { user_id, channel_id, seq } => {
                let frame = frame(json!({"type": "channel.read", "channel_id": channel_id, "seq": seq}));
                let targets = inner.users.get(user_id).cloned().unwrap_or_default();
                send(&inner, targets.iter(), &frame, false)
            }
            Envelope::Access { user_id, channel, gained } => {
                let targets = inner.users.get(user_id).cloned().unwrap_or_default();
                for id in &targets {
                    if *gained {
                        self.follow(&mut inner, *id, &channel.id, channel.last_seq);
                    } else {
                        self.unfollow(&mut inner, *id, &channel.id);
                    }
                }
                let kind = if *gained { "channel.created" } else { "channel.removed" };
                let frame = frame(json!({"type": kind, "channel": channel}));
                send(&inner, targets.iter(), &frame, true)
            }
            Envelope::PublicChannel { workspace_id, channel } => {
                let frame = frame(json!({"type": "channel.created", "channel": channel}));
                let targets: Vec<u64> = inner
                    .workspaces
                    .get(workspace_id)
                    .map(|ids| {
                        ids.iter()
                            .copied()
                            .filter(|id| {
                                inner.sockets.get(id).is_some_and(|s| {
                                    s.workspaces.get(workspace_id).is_some_and(|r| !r.is_guest())
                                        && !s.channels.contains(&channel.id)
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                send(&inner, targets.iter(), &frame, false)
            }
            Envelope::SessionRevoked { user_id, session } => {
                for id in inner.users.get(user_id).cloned().unwrap_or_default() {
                    if let Some(socket) = inner.sockets.get(&id).filter(|s| s.session == *session) {
                        socket.kick(CLOSE_LOGGED_OUT, "logged out");
                    }
                }
                Delivered::default()
            }
            Envelope::WorkspaceLeft { user_id, workspace_id } => {
                for id in inner.users.get(user_id).cloned().unwrap_or_default() {
                    self.leave_workspace(&mut inner, id, workspace_id);
                    if let Some(socket) = inner.sockets.get_mut(&id) {
                        socket.workspaces.remove(workspace_id);
                    }
                }
                Delivered::default()
            }
        }
    }

    /// A persistent event, in seq order per channel.
    fn persistent(
        self: &Arc<Self>,
        inner: &mut Inner,
        channel_id: &str,
        seq: i64,
        event: &Event,
    ) -> Delivered {
        let Some(subs) = inner.channels.get_mut(channel_id) else {
            return Delivered::default();
        };
        let next = *subs.next_seq.get_or_insert(seq);
        if seq < next {
            return Delivered::default(); // already delivered
        }
        if seq > next {
            subs.early.insert(seq, event.clone());
            if !subs.gap_fill_pending {
                subs.gap_fill_pending = true;
                self.schedule_gap_fill(channel_id.to_string(), next - 1);
            }
            return Delivered::default();
        }
        let mut total = self.deliver(inner, channel_id, seq, event);
        // Deliver what was waiting for this one.
        while let Some(subs) = inner.channels.get_mut(channel_id) {
            let next = seq_after(subs);
            let Some(event) = subs.early.remove(&next) else { break };
            let d = self.deliver(inner, channel_id, next, &event);
            total.sent += d.sent;
            total.dropped += d.dropped;
            total.too_slow += d.too_slow;
        }
        total
    }

    fn deliver(&self, inner: &mut Inner, channel_id: &str, seq: i64, event: &Event) -> Delivered {
        let Some(subs) = inner.channels.get_mut(channel_id) else {
            return Delivered::default();
        };
        subs.next_seq = Some(seq + 1);
        let targets: Vec<u64> = subs.sockets.iter().copied().collect();
        let frame = persistent_frame(channel_id, seq, event);
        let delivered = send(inner, targets.iter(), &frame, true);
        match event {
            // The leaver hears of it, then hears nothing more of the channel.
            Event::MemberLeft { user_id } => {
                for id in inner.users.get(user_id).cloned().unwrap_or_default() {
                    self.unfollow(inner, id, channel_id);
                }
            }
            Event::MemberJoined { user_id } => {
                for id in inner.users.get(user_id).cloned().unwrap_or_default() {
                    self.follow(inner, id, channel_id, seq + 1);
                }
            }
            _ => {}
        }
        delivered
    }

    fn schedule_gap_fill(self: &Arc<Self>, channel_id: String, after: i64) {
        let hub = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(GAP_WAIT).await;
            hub.fill_gap(&channel_id, after).await;
        });
    }

    /// Reads the events the bus did not bring from the log and delivers them; if the log cannot
    /// be read, delivers what is waiting anyway (clients repair the gap themselves).
    async fn fill_gap(self: &Arc<Self>, channel_id: &str, after: i64) {
        let wanted = {
            let inner = self.lock();
            inner.channels.get(channel_id).and_then(|s| {
                let next = s.next_seq?;
                let first_early = *s.early.keys().next()?;
                (first_early > next).then_some((next - 1, first_early - next))
            })
        };
        let mut fetched = Vec::new();
        if let Some((from, count)) = wanted {
            let rows = match self.db.read().await {
                Ok(mut rd) => db::events::after(rd.c(), channel_id, from.max(after), count).await.ok(),
                Err(_) => None,
            };
            fetched = rows
                .unwrap_or_default()
                .into_iter()
                .filter_map(|row| Event::from_log(&row.kind, &row.data).map(|e| (row.seq, e)))
                .collect();
        }
        for (seq, event) in fetched {
            self.dispatch(&Envelope::Persistent { channel_id: channel_id.to_string(), seq, event });
        }
        let mut inner = self.lock();
        let Some(subs) = inner.channels.get_mut(channel_id) else { return };
        subs.gap_fill_pending = false;
        if let Some((&first, _)) = subs.early.iter().next() {
            tracing::warn!(channel_id, missing_before = first, "event gap not in the log; skipping it");
            subs.next_seq = Some(first);
            if let Some(event) = subs.early.remove(&first) {
                drop(inner);
                self.dispatch(&Envelope::Persistent {
                    channel_id: channel_id.to_string(),
                    seq: first,
                    event,
                });
            }
        }
    }

    fn follow(&self, inner: &mut Inner, id: u64, channel_id: &str, next_seq: i64) {
        let Some(socket) = inner.sockets.get_mut(&id) else { return };
        if !socket.channels.insert(channel_id.to_string()) {
            return;
        }
        let subs = inner.channels.entry(channel_id.to_string()).or_insert_with(|| {
            self.subscribe(&format!("ch:{channel_id}"));
            ChannelSubs {
                sockets: HashSet::new(),
                next_seq: Some(next_seq),
                early: BTreeMap::new(),
                gap_fill_pending: false,
            }
        });
        subs.sockets.insert(id);
    }

    fn unfollow(&self, inner: &mut Inner, id: u64, channel_id: &str) {
        if let Some(socket) = inner.sockets.get_mut(&id)
            && socket.channels.remove(channel_id)
        {
            self.unfollow_channel(inner, id, channel_id);
        }
    }

    fn unfollow_channel(&self, inner: &mut Inner, id: u64, channel_id: &str) {
        if let Some(subs) = inner.channels.get_mut(channel_id) {
            subs.sockets.remove(&id);
            if subs.sockets.is_empty() {
                inner.channels.remove(channel_id);
                self.unsubscribe(&format!("ch:{channel_id}"));
            }
        }
    }

    fn join_workspace(&self, inner: &mut Inner, id: u64, workspace_id: &str, role: Role) {
        if let Some(socket) = inner.sockets.get_mut(&id) {
            socket.workspaces.insert(workspace_id.to_string(), role);
        }
        let ids = inner.workspaces.entry(workspace_id.to_string()).or_default();
        if ids.is_empty() {
            self.subscribe(&format!("ws:{workspace_id}"));
        }
        ids.insert(id);
    }

    fn leave_workspace(&self, inner: &mut Inner, id: u64, workspace_id: &str) {
        if let Some(ids) = inner.workspaces.get_mut(workspace_id) {
            ids.remove(&id);
            if ids.is_empty() {
                inner.workspaces.remove(workspace_id);
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

fn seq_after(subs: &ChannelSubs) -> i64 {
    subs.next_seq.unwrap_or(i64::MAX)
}

fn is_user(inner: &Inner, id: u64, user_id: &str) -> bool {
    inner.sockets.get(&id).is_some_and(|s| s.user_id == user_id)
}

fn send<'a>(
    inner: &Inner,
    ids: impl Iterator<Item = &'a u64>,
    frame: &Utf8Bytes,
    persistent: bool,
) -> Delivered {
    let mut delivered = Delivered::default();
    for id in ids {
        match inner.sockets.get(id).map(|socket| socket.push(frame, persistent)) {
            Some(Pushed::Queued) => delivered.sent += 1,
            Some(Pushed::TooSlow) => {
                delivered.dropped += 1;
                delivered.too_slow += 1;
            }
            _ => delivered.dropped += 1,
        }
    }
    delivered
}

fn frame(value: serde_json::Value) -> Utf8Bytes {
    Utf8Bytes::from(value.to_string())
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
mod tests {
    use super::*;

    async fn hub() -> (Arc<Hub>, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::connect(None, dir.path(), 1).await.expect("db");
        (Hub::new(db, None, Arc::new(Metrics::new())), dir)
    }

    fn socket(user: &str, channels: &[(&str, i64)]) -> SocketInfo {
        SocketInfo {
            user_id: user.into(),
            session: format!("s-{user}"),
            channels: channels.iter().map(|(c, s)| (c.to_string(), *s)).collect(),
            workspaces: vec![("w".into(), Role::Member)],
        }
    }

    fn deleted(channel: &str, seq: i64) -> Envelope {
        Envelope::Persistent {
            channel_id: channel.into(),
            seq,
            event: Event::MessageDeleted { message_id: format!("m{seq}") },
        }
    }

    fn seqs(registration: &mut Registration) -> Vec<i64> {
        let mut out = Vec::new();
        while let Ok(frame) = registration.frames.try_recv() {
            let value: serde_json::Value = serde_json::from_str(frame.as_str()).unwrap_or_default();
            if let Some(seq) = value["seq"].as_i64() {
                out.push(seq);
            }
        }
        out
    }

    #[tokio::test]
    async fn delivers_in_seq_order_and_drops_duplicates() {
        let (hub, _dir) = hub().await;
        let mut ana = hub.register(socket("ana", &[("c", 4)]));
        for seq in [5, 7, 6, 6, 5, 8] {
            hub.dispatch(&deleted("c", seq));
        }
        assert_eq!(seqs(&mut ana), vec![5, 6, 7, 8], "7 waited for 6; repeats were dropped");
    }

    #[tokio::test]
    async fn a_leaver_gets_their_leaving_and_nothing_after() {
        let (hub, _dir) = hub().await;
        let mut ana = hub.register(socket("ana", &[("c", 0)]));
        let mut ben = hub.register(socket("ben", &[("c", 0)]));
        hub.dispatch(&deleted("c", 1));
        hub.dispatch(&Envelope::Persistent {
            channel_id: "c".into(),
            seq: 2,
            event: Event::MemberLeft { user_id: "ben".into() },
        });
        hub.dispatch(&deleted("c", 3));
        assert_eq!(seqs(&mut ana), vec![1, 2, 3]);
        assert_eq!(seqs(&mut ben), vec![1, 2]);
        assert!(!hub.follows(ben.id, "c"));
    }

    #[tokio::test]
    async fn full_queues_drop_ephemeral_frames_first_then_close_the_socket() {
        let (hub, _dir) = hub().await;
        let slow = hub.register(socket("slow", &[("c", 0)]));
        let typing = Envelope::Typing { channel_id: "c".into(), user_id: "other".into() };
        for seq in 1..=EPHEMERAL_QUEUE as i64 {
            hub.dispatch(&deleted("c", seq));
        }
        assert_eq!(
            hub.dispatch(&typing),
            Delivered { sent: 0, dropped: 1, too_slow: 0 },
            "a backed-up socket gets no typing"
        );
        for seq in EPHEMERAL_QUEUE as i64 + 1..=SOCKET_QUEUE as i64 {
            hub.dispatch(&deleted("c", seq));
        }
        assert!(!slow.kick.is_cancelled());
        assert_eq!(hub.dispatch(&deleted("c", SOCKET_QUEUE as i64 + 1)).too_slow, 1);
        assert!(slow.kick.is_cancelled(), "a full queue closes the socket");
        assert_eq!(hub.dispatch(&deleted("c", SOCKET_QUEUE as i64 + 2)).too_slow, 0, "closed once");
        assert_eq!(slow.close.get().map(|c| c.0), Some(CLOSE_TOO_SLOW));
    }

    #[tokio::test]
    async fn access_envelopes_start_and_stop_following() {
        let (hub, _dir) = hub().await;
        let mut ben = hub.register(socket("ben", &[]));
        let channel = crate::domain::models::Channel {
            id: "c".into(),
            workspace_id: "w".into(),
            name: "c".into(),
            kind: crate::domain::models::ChannelKind::Private,
            topic: String::new(),
            is_default: false,
            archived: false,
            dm_user_ids: Vec::new(),
            is_member: true,
            last_seq: 9,
            last_read_seq: 0,
            unread_count: 0,
            mention_count: 0,
        };
        hub.dispatch(&Envelope::Access { user_id: "ben".into(), channel: channel.clone(), gained: true });
        hub.dispatch(&Envelope::Persistent {
            channel_id: "c".into(),
            seq: 9,
            event: Event::MemberJoined { user_id: "ben".into() },
        });
        hub.dispatch(&deleted("c", 10));
        assert_eq!(seqs(&mut ben), vec![9, 10], "from the join on");
        hub.dispatch(&Envelope::Access { user_id: "ben".into(), channel, gained: false });
        hub.dispatch(&deleted("c", 11));
        assert_eq!(seqs(&mut ben), Vec::<i64>::new());
    }
}
