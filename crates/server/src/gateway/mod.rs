//! The WebSocket gateway's machinery (the upgrade itself is `http/ws.rs`): `hub` routes bus
//! envelopes to this node's sockets, `registry` keeps what each socket follows, `reorder` keeps
//! each channel's events in seq order, `session` runs one socket, `presence` keeps who is online.

pub mod hub;
pub mod presence;
pub mod registry;
pub mod reorder;
pub mod session;

/// Largest inbound frame or message (close 1009 above).
pub const MAX_INBOUND_BYTES: usize = 64 * 1024;
/// Per-socket buffers, set deliberately: axum's defaults (128 KiB each) cost gigabytes at
/// thousands of sockets. The codec zero-fills its whole read buffer before every read, so the
/// read buffer is resident in every socket: clients send small frames (typing, presence, ping),
/// and a larger one is read in several calls into room reserved for its length.
pub const READ_BUFFER_BYTES: usize = 1024;
/// Queued frames are gathered up to this much before a write. The codec's out buffer keeps the
/// largest size it ever reached: gathering 16 KiB left ~8 KiB in every socket after a burst (a
/// connect storm's presence, a catch-up), and writing each frame on its own made a connect
/// storm's presence cost one system call per frame (handshake p99 ×4 at 5,000 sockets).
pub const WRITE_BUFFER_BYTES: usize = 1024;
/// Unsent bytes a socket may hold before writes fail (the hub's queue bounds frames first).
pub const MAX_WRITE_BUFFER_BYTES: usize = 1024 * 1024;
