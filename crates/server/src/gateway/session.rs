//! One WebSocket: `hello`, then frames from the hub out and client frames in, until the client
//! leaves, falls silent, misbehaves, is kicked by the hub, or the server shuts down.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::time::{Instant, timeout};

use super::registry::Registration;
use crate::domain::event::{Envelope, Status};
use crate::state::AppState;

/// Inbound frames a socket may send per second on average, and in a burst.
pub const RATE_PER_S: f64 = 10.0;
pub const RATE_BURST: f64 = 30.0;
/// Typing frames for one channel closer together than this are not relayed again.
pub const TYPING_THROTTLE: Duration = Duration::from_secs(2);
/// The longest id a typing frame may name (ids are 26-character ULIDs or the like).
const MAX_ID_LEN: usize = 64;
/// A socket's presence changes are applied at most this often; the last one asked for within
/// the interval is applied when it ends, so flapping costs one broadcast, not one per flip.
pub const PRESENCE_THROTTLE: Duration = Duration::from_secs(2);
/// Queued frames written after the one that woke the socket before the loop looks at the
/// client's side again.
const WRITE_BATCH: usize = 32;
/// How long a closing handshake may take before the connection is dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

pub const CLOSE_GOING_AWAY: u16 = 1001;
pub const CLOSE_UNSUPPORTED: u16 = 1003;
pub const CLOSE_POLICY: u16 = 1008;
pub const CLOSE_TOO_BIG: u16 = 1009;
pub const CLOSE_INTERNAL: u16 = 1011;
pub const CLOSE_SILENT: u16 = 4000;

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientFrame {
    Ping,
    /// `thread_root_id`: typing a reply in that thread.
    Typing {
        channel_id: String,
        thread_root_id: Option<String>,
    },
    Presence {
        status: ClientStatus,
    },
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ClientStatus {
    Active,
    Away,
}

/// Who is on the other end.
pub struct Peer {
    pub user_id: String,
    pub session_id: String,
}

/// A token bucket: RATE_BURST frames at once, RATE_PER_S on average.
struct RateLimit {
    tokens: f64,
    at: Instant,
}

impl RateLimit {
    fn allow(&mut self) -> bool {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * RATE_PER_S).min(RATE_BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

pub async fn run(socket: WebSocket, state: AppState, peer: Peer, registration: Registration) {
    let Registration { id, mut frames, kick, close } = registration;
    let (mut sink, mut stream) = socket.split();
    let heartbeat = state.config.serve.heartbeat();
    let hub = Arc::clone(&state.hub);
    announce(&state, &peer.user_id, id, Some(Status::Online)).await;

    let hello = json!({"type": "hello", "user_id": peer.user_id, "session_id": peer.session_id,
                       "heartbeat_s": heartbeat.as_secs()});
    let mut outcome: Option<(u16, &'static str)> = None;
    if sink.send(Message::Text(Utf8Bytes::from(hello.to_string()))).await.is_err() {
        outcome = Some((CLOSE_GOING_AWAY, "gone"));
    }
    let mut rate = RateLimit { tokens: RATE_BURST, at: Instant::now() };
    let mut typed: HashMap<String, Instant> = HashMap::new();
    // Long-lived futures, polled again on every wake-up rather than made anew: a socket wakes
    // for every frame it sends, and at 10,000 sockets that is most of the server's work.
    let shutdown = state.shutdown.clone();
    let kicked = kick.cancelled();
    let stopping = shutdown.cancelled();
    let silence = tokio::time::sleep(heartbeat * 2);
    // The presence asked for and not applied yet, and when it may be.
    let mut presence_wanted: Option<Status> = None;
    // The first change a client asks for applies at once.
    let mut presence_at = Instant::now().checked_sub(PRESENCE_THROTTLE).unwrap_or_else(Instant::now);
    let presence_due = tokio::time::sleep(Duration::ZERO);
    let mut client_closed = false;
    tokio::pin!(kicked, stopping, silence, presence_due);

    while outcome.is_none() {
        tokio::select! {
            biased;
            _ = &mut kicked => outcome = close.get().copied().or(Some((CLOSE_GOING_AWAY, "closed"))),
            _ = &mut stopping => outcome = Some((CLOSE_GOING_AWAY, "server restarting: reconnect")),
            frame = frames.recv() => {
                let Some(frame) = frame else { break };
                // Whatever else is queued goes out with it, in writes of about a kilobyte
                // (gateway::WRITE_BUFFER_BYTES), then one flush.
                let write = async {
                    sink.feed(Message::Text(frame)).await?;
                    for _ in 0..WRITE_BATCH {
                        let Ok(more) = frames.try_recv() else { break };
                        sink.feed(Message::Text(more)).await?;
                    }
                    sink.flush().await
                };
                tokio::select! {
                    written = write => if let Err(e) = written {
                        tracing::debug!(socket = id, error = %e, "socket write failed");
                        break;
                    },
                    _ = &mut kicked => outcome = close.get().copied(),
                }
            }
            inbound = stream.next() => match inbound {
                Some(Ok(Message::Text(text))) => {
                    silence.as_mut().reset(Instant::now() + heartbeat * 2);
                    if !rate.allow() {
                        outcome = Some((CLOSE_POLICY, "too many frames"));
                        continue;
                    }
                    match handle(&state, &peer, id, &text, &mut typed) {
                        Reply::Nothing => {}
                        Reply::Text(reply) => if sink.send(Message::Text(Utf8Bytes::from(reply))).await.is_err() {
                            break;
                        },
                        Reply::Presence(status) if presence_wanted.is_none() && presence_at.elapsed() >= PRESENCE_THROTTLE => {
                            announce(&state, &peer.user_id, id, Some(status)).await;
                            presence_at = Instant::now();
                        }
                        Reply::Presence(status) => {
                            presence_wanted = Some(status);
                            presence_due.as_mut().reset(presence_at + PRESENCE_THROTTLE);
                        }
                    }
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => silence.as_mut().reset(Instant::now() + heartbeat * 2),
                Some(Ok(Message::Binary(_))) => outcome = Some((CLOSE_UNSUPPORTED, "frames are JSON text")),
                Some(Ok(Message::Close(_))) => {
                    tracing::debug!(socket = id, "client closed");
                    client_closed = true;
                    break;
                }
                None => break,
                Some(Err(e)) => {
                    // The codec refuses frames and messages over the limit before buffering them.
                    let too_big = is_too_big(e);
                    if !too_big {
                        tracing::debug!(socket = id, "socket read failed");
                        break;
                    }
                    outcome = Some((CLOSE_TOO_BIG, "frame over 64 KiB"));
                }
            },
            _ = &mut presence_due, if presence_wanted.is_some() => {
                let status = presence_wanted.take();
                announce(&state, &peer.user_id, id, status).await;
                presence_at = Instant::now();
            }
            _ = &mut silence => outcome = Some((CLOSE_SILENT, "silent for two heartbeats")),
        }
    }
    tracing::debug!(socket = id, user_id = %peer.user_id, ?outcome, "socket ends");
    hub.unregister(id);
    // The close first, then the presence (which may wait on the database).
    if let Some((code, reason)) = outcome {
        let frame = CloseFrame { code, reason: Utf8Bytes::from_static(reason) };
        let _ = timeout(CLOSE_TIMEOUT, sink.send(Message::Close(Some(frame)))).await;
        announce(&state, &peer.user_id, id, None).await;
        // The closing handshake: read on until the client answers (or the timeout), so that
        // frames it sent meanwhile do not make the kernel reset the connection before the
        // client has read our Close.
        let _ = timeout(CLOSE_TIMEOUT, async {
            while let Some(Ok(message)) = stream.next().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
        return;
    }
    if client_closed {
        // The codec has queued the answer to the client's Close frame: send it, so the client
        // sees a clean close (its code echoed), not 1006.
        let _ = timeout(CLOSE_TIMEOUT, sink.close()).await;
    }
    announce(&state, &peer.user_id, id, None).await;
}

/// What a client frame asks of the socket's loop.
enum Reply {
    Nothing,
    /// A frame for this socket only.
    Text(String),
    /// The device's presence, applied by the loop's throttle.
    Presence(Status),
}

/// Answers one client frame.
fn handle(state: &AppState, peer: &Peer, id: u64, text: &str, typed: &mut HashMap<String, Instant>) -> Reply {
    let frame = match serde_json::from_str::<ClientFrame>(text) {
        Ok(frame) => frame,
        Err(e) => {
            return Reply::Text(
                json!({"type": "error", "code": "invalid", "message": e.to_string()}).to_string(),
            );
        }
    };
    match frame {
        ClientFrame::Ping => Reply::Text(json!({"type": "pong"}).to_string()),
        ClientFrame::Typing { channel_id, thread_root_id } => {
            if !state.hub.follows(id, &channel_id) {
                return Reply::Text(
                    json!({"type": "error", "code": "not_found", "message": "no such channel"}).to_string(),
                );
            }
            if thread_root_id.as_ref().is_some_and(|r| r.is_empty() || r.len() > MAX_ID_LEN) {
                return Reply::Text(
                    json!({"type": "error", "code": "invalid", "message": "thread_root_id is not a message id"})
                        .to_string(),
                );
            }
            let key = match &thread_root_id {
                Some(root) => format!("{channel_id}/{root}"),
                None => channel_id.clone(),
            };
            let now = Instant::now();
            if typed.get(&key).is_some_and(|at| now.duration_since(*at) < TYPING_THROTTLE) {
                return Reply::Nothing;
            }
            if typed.len() > 64 {
                typed.retain(|_, at| now.duration_since(*at) < TYPING_THROTTLE);
            }
            typed.insert(key, now);
            state.bus.publish(Envelope::Typing { channel_id, user_id: peer.user_id.clone(), thread_root_id });
            Reply::Nothing
        }
        ClientFrame::Presence { status } => Reply::Presence(match status {
            ClientStatus::Active => Status::Online,
            ClientStatus::Away => Status::Away,
        }),
    }
}

/// Closes a socket that could not be set up (its memberships could not be read): 1011, retry.
pub async fn refuse(mut socket: WebSocket) {
    let frame = CloseFrame { code: CLOSE_INTERNAL, reason: Utf8Bytes::from_static("try again") };
    let _ = timeout(CLOSE_TIMEOUT, socket.send(Message::Close(Some(frame)))).await;
}

/// Whether a read error is the codec refusing a frame or message over the size limit.
fn is_too_big(error: axum::Error) -> bool {
    let inner = error.into_inner();
    matches!(inner.downcast_ref::<tungstenite::Error>(), Some(tungstenite::Error::Capacity(_)))
}

/// Records a socket's presence and tells the user's workspaces when their status changes.
/// Boxed, as it may read the database: inline, that read's state would be part of every
/// socket's task for the socket's whole life, though it runs only when the status changes.
fn announce<'a>(
    state: &'a AppState,
    user_id: &'a str,
    socket: u64,
    status: Option<Status>,
) -> BoxFuture<'a, ()> {
    Box::pin(async move {
        if let Some(changed) = state.presence.set(user_id, socket, status).await {
            let workspaces = match status {
                Some(_) => state.hub.workspaces_of(socket),
                None => crate::service::sockets::workspaces_of(state, user_id).await,
            };
            for workspace_id in workspaces {
                state.bus.publish(Envelope::Presence {
                    workspace_id,
                    user_id: user_id.to_string(),
                    status: changed,
                });
            }
        }
    })
}
