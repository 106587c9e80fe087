//! Live sessions this node has looked up recently, so that an authenticated request does not
//! read the `sessions` table every time (on SQLite a round trip to a connection thread; on
//! PostgreSQL one over the network).
//!
//! An entry is trusted for at most [`TRUST_FOR`] and never past the session's expiry. Ending a
//! session on this node (logout) forgets it at once; another node hears it on the bus within
//! milliseconds (`Envelope::SessionsEnded`, on the topic every node follows) and forgets
//! everything when the bus tells it that it may have missed messages; what the bus never
//! carried (the admin command line's password reset) is forgotten when the revocation log is
//! next read, every [`crate::service::upkeep::REVOCATION_POLL`] in a task of its own — the same
//! moment the session's sockets close. [`TRUST_FOR`] bounds it all if those reads fail.
//! A lookup that raced an invalidation does not fill the cache: every invalidation bumps an
//! epoch, and a fill is kept only when the epoch it started under is still current.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest an entry is used without reading the database again.
pub const TRUST_FOR: Duration = Duration::from_secs(10);
/// Entries kept at most; past it, stale entries are dropped, then all if over half are fresh.
const CAPACITY: usize = 65_536;

#[derive(Default)]
pub struct SessionCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    epoch: u64,
}

struct Entry {
    user_id: String,
    expires_at: i64,
    checked: Instant,
}

/// The cache's state when a lookup began: a fill under a newer epoch is dropped, and an entry's
/// age counts from here (from before the database was read).
#[derive(Clone, Copy, Debug)]
pub struct Epoch(u64, Instant);

impl SessionCache {
    /// The user and expiry of a session known live within [`TRUST_FOR`] and unexpired at `now`.
    pub fn get(&self, token_hash: &str, now: i64) -> Option<(String, i64)> {
        let inner = self.lock();
        let entry = inner.entries.get(token_hash)?;
        (entry.checked.elapsed() < TRUST_FOR && entry.expires_at > now)
            .then(|| (entry.user_id.clone(), entry.expires_at))
    }

    /// Taken before reading a session from the database, for [`SessionCache::fill`].
    pub fn epoch(&self) -> Epoch {
        Epoch(self.lock().epoch, Instant::now())
    }

    /// Remembers a session read from the database under `epoch`, unless something was
    /// invalidated since.
    pub fn fill(&self, epoch: Epoch, token_hash: &str, user_id: &str, expires_at: i64) {
        let mut inner = self.lock();
        if inner.epoch != epoch.0 {
            return;
        }
        if inner.entries.len() >= CAPACITY && !inner.entries.contains_key(token_hash) {
            inner.entries.retain(|_, e| e.checked.elapsed() < TRUST_FOR);
            // Each scan frees at least half, so that a full cache is not scanned on every fill.
            if inner.entries.len() >= CAPACITY / 2 {
                inner.entries.clear();
            }
        }
        let entry = Entry { user_id: user_id.to_string(), expires_at, checked: epoch.1 };
        inner.entries.insert(token_hash.to_string(), entry);
    }

    /// Forgets ended sessions.
    pub fn forget<'a>(&self, token_hashes: impl IntoIterator<Item = &'a String>) {
        let mut inner = self.lock();
        inner.epoch += 1;
        for hash in token_hashes {
            inner.entries.remove(hash);
        }
    }

    /// Forgets everything (the bus lost messages: some sessions may have ended unheard).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.entries.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock leaves a consistent map (each step is one call).
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_session_is_served_until_forgotten_or_expired() {
        let cache = SessionCache::default();
        let epoch = cache.epoch();
        cache.fill(epoch, "h", "u", 1_000);
        assert_eq!(cache.get("h", 999), Some(("u".to_string(), 1_000)));
        assert_eq!(cache.get("h", 1_000), None, "expired");
        cache.forget(&["h".to_string()]);
        assert_eq!(cache.get("h", 0), None, "forgotten");
    }

    #[test]
    fn a_lookup_that_raced_an_invalidation_is_not_kept() {
        let cache = SessionCache::default();
        let epoch = cache.epoch();
        // The session is revoked while the lookup is reading it as live.
        cache.forget(&["h".to_string()]);
        cache.fill(epoch, "h", "u", i64::MAX);
        assert_eq!(cache.get("h", 0), None);
        cache.fill(cache.epoch(), "h", "u", i64::MAX);
        assert_eq!(cache.get("h", 0), Some(("u".to_string(), i64::MAX)));
    }
}
