//! Services: each mutation with its event, validated and written in one transaction.
//! HTTP handlers call these and do nothing else of substance.

pub mod access;
pub mod auth;
pub mod blocking;
pub mod channels;
pub mod files;
pub mod groups;
pub mod images;
pub mod log;
pub mod messages;
pub mod notes;
pub mod reactions;
pub mod search;
pub mod send_queue;
pub mod session_cache;
pub mod sockets;
pub mod threads;
pub mod throttle;
pub mod upkeep;
pub mod users;
pub mod workspaces;
