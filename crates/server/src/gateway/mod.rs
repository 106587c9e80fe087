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
/// thousands of sockets.
pub const READ_BUFFER_BYTES: usize = 4 * 1024;
pub const WRITE_BUFFER_BYTES: usize = 16 * 1024;
/// Unsent bytes a socket may hold before writes fail (the hub's queue bounds frames first).
pub const MAX_WRITE_BUFFER_BYTES: usize = 1024 * 1024;
