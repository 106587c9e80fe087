//! The domain: ids, times, the models clients see, permissions, Markdown and the event enum.
//! Nothing here does IO.

pub mod event;
pub mod files;
pub mod markdown;
pub mod models;
pub mod roles;
pub mod search;
pub mod validate;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A new opaque id: a UUIDv7 in simple form, unique across nodes and roughly time-ordered.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Now, in Unix milliseconds: how every time is stored.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Unix milliseconds as the RFC 3339 UTC string clients see.
pub fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Parses an RFC 3339 time into Unix milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &Rfc3339).ok().map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_through_rfc3339() {
        let ms = 1_764_240_000_123;
        let s = rfc3339(ms);
        assert_eq!(s, "2025-11-27T10:40:00.123Z");
        assert_eq!(parse_rfc3339(&s), Some(ms));
    }

    #[test]
    fn ids_are_unique_and_opaque() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
    }
}
