//! Throttling of logins, sign-ups and invite acceptances: fixed windows of counted attempts per
//! account or per client IP, in this process's memory on one node, in Redis when nodes share one
//! (so every node counts the same attempts and answers the same).
//!
//! Logins count *failures* only: the window opens at a key's first failure, and while the key has
//! `limit` failures in it, every login of that key answers 429 until the window ends, the right
//! password included (an attacker must not learn that a guess was right). A successful login
//! clears its account's failures. Sign-ups and invite acceptances count every attempt.
//!
//! A rate limiter such as `governor` (GCRA) cannot serve here: it has no way to ask whether a key
//! is exhausted without spending from it, so it could only count every attempt, not failures, and
//! its state cannot be shared between nodes. The windows are the same two operations in both
//! stores, Redis's `INCR` with an expiry, and a bounded map for one node.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::time::Instant;

use crate::bus::redis::PREFIX;
use crate::error::{ApiError, ApiResult};

/// Keys tracked in memory at most; past it, expired windows are dropped, then the oldest.
pub const MAX_LOCAL_KEYS: usize = 100_000;
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
pub const SIGNUP_WINDOW: Duration = Duration::from_secs(3600);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Failed logins of one email address.
    LoginAccount,
    /// Failed logins from one client IP.
    LoginIp,
    /// Sign-ups and invite acceptances from one client IP.
    JoinIp,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::LoginAccount => "login-account",
            Scope::LoginIp => "login-ip",
            Scope::JoinIp => "join-ip",
        }
    }

    fn window(self) -> Duration {
        match self {
            Scope::LoginAccount | Scope::LoginIp => LOGIN_WINDOW,
            Scope::JoinIp => SIGNUP_WINDOW,
        }
    }
}

/// Attempts allowed per window; 0 turns a scope off.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub login_per_account: u32,
    pub login_per_ip: u32,
    pub joins_per_ip: u32,
}

impl Limits {
    fn of(&self, scope: Scope) -> u32 {
        match scope {
            Scope::LoginAccount => self.login_per_account,
            Scope::LoginIp => self.login_per_ip,
            Scope::JoinIp => self.joins_per_ip,
        }
    }
}

struct Window {
    count: u32,
    ends: Instant,
}

pub struct Throttle {
    limits: Limits,
    local: Mutex<HashMap<(Scope, String), Window>>,
    /// Shared counts, when several nodes run.
    redis: Option<ConnectionManager>,
}

impl Throttle {
    pub fn new(limits: Limits, redis: Option<ConnectionManager>) -> Throttle {
        Throttle { limits, local: Mutex::new(HashMap::new()), redis }
    }

    /// 429 with the seconds left in the window when `key` has used up its attempts.
    pub async fn check(&self, scope: Scope, key: &str) -> ApiResult<()> {
        let limit = self.limits.of(scope);
        if limit == 0 {
            return Ok(());
        }
        let (count, left) = match &self.redis {
            Some(conn) => redis_read(conn.clone(), &redis_key(scope, key)).await,
            None => self.local_read(scope, key),
        };
        if count >= limit {
            tracing::info!(scope = scope.name(), "throttled");
            return Err(ApiError::RateLimited { retry_after_s: left.as_secs().max(1) });
        }
        Ok(())
    }

    /// Counts one attempt (or failure) of `key`.
    pub async fn hit(&self, scope: Scope, key: &str) {
        if self.limits.of(scope) == 0 {
            return;
        }
        match &self.redis {
            Some(conn) => redis_hit(conn.clone(), &redis_key(scope, key), scope.window()).await,
            None => self.local_hit(scope, key),
        }
    }

    /// Forgets `key`'s attempts (a successful login).
    pub async fn clear(&self, scope: Scope, key: &str) {
        match &self.redis {
            Some(conn) => {
                let mut conn = conn.clone();
                let _: Result<i64, _> =
                    redis::cmd("DEL").arg(redis_key(scope, key)).query_async(&mut conn).await;
            }
            None => {
                self.lock().remove(&(scope, key.to_string()));
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Scope, String), Window>> {
        self.local.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn local_read(&self, scope: Scope, key: &str) -> (u32, Duration) {
        let now = Instant::now();
        match self.lock().get(&(scope, key.to_string())) {
            Some(w) if w.ends > now => (w.count, w.ends - now),
            _ => (0, Duration::ZERO),
        }
    }

    fn local_hit(&self, scope: Scope, key: &str) {
        let now = Instant::now();
        let mut map = self.lock();
        if map.len() >= MAX_LOCAL_KEYS {
            map.retain(|_, w| w.ends > now);
            if map.len() >= MAX_LOCAL_KEYS
                && let Some(oldest) = map.iter().min_by_key(|(_, w)| w.ends).map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        let window = map.entry((scope, key.to_string())).or_insert(Window { count: 0, ends: now });
        if window.ends <= now {
            *window = Window { count: 0, ends: now + scope.window() };
        }
        window.count = window.count.saturating_add(1);
    }

    /// Drops expired windows (the upkeep task calls this).
    pub fn purge(&self) {
        let now = Instant::now();
        self.lock().retain(|_, w| w.ends > now);
    }
}

fn redis_key(scope: Scope, key: &str) -> String {
    format!("{PREFIX}throttle:{}:{key}", scope.name())
}

/// (count, time left) of a window in Redis; a Redis that does not answer throttles nothing, so
/// an outage does not lock everyone out.
async fn redis_read(mut conn: ConnectionManager, key: &str) -> (u32, Duration) {
    let answer: Result<(Option<u32>, i64), _> = redis::pipe().get(key).pttl(key).query_async(&mut conn).await;
    match answer {
        Ok((Some(count), ttl_ms)) => (count, Duration::from_millis(ttl_ms.max(0) as u64)),
        Ok((None, _)) => (0, Duration::ZERO),
        Err(e) => {
            tracing::warn!(error = %e, "throttle unreadable from Redis; not throttling");
            (0, Duration::ZERO)
        }
    }
}

/// Opens the window with its expiry if it is not open (`SET NX PX`), then counts.
async fn redis_hit(mut conn: ConnectionManager, key: &str, window: Duration) {
    let result: Result<(), _> = redis::pipe()
        .cmd("SET")
        .arg(key)
        .arg(0)
        .arg("PX")
        .arg(window.as_millis() as u64)
        .arg("NX")
        .ignore()
        .incr(key, 1)
        .ignore()
        .query_async(&mut conn)
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "throttle not counted in Redis");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(Limits { login_per_account: 3, login_per_ip: 0, joins_per_ip: 2 }, None)
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_is_refused_after_its_limit_until_the_window_ends() {
        let t = throttle();
        for _ in 0..3 {
            assert!(t.check(Scope::LoginAccount, "ana").await.is_ok());
            t.hit(Scope::LoginAccount, "ana").await;
        }
        match t.check(Scope::LoginAccount, "ana").await {
            Err(ApiError::RateLimited { retry_after_s }) => assert_eq!(retry_after_s, 15 * 60),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(t.check(Scope::LoginAccount, "ben").await.is_ok(), "other keys are not affected");
        assert!(t.check(Scope::JoinIp, "ana").await.is_ok(), "nor other scopes");
        tokio::time::advance(LOGIN_WINDOW - Duration::from_secs(60)).await;
        assert!(matches!(
            t.check(Scope::LoginAccount, "ana").await,
            Err(ApiError::RateLimited { retry_after_s: 60 })
        ));
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(t.check(Scope::LoginAccount, "ana").await.is_ok(), "the window ended");
    }

    #[tokio::test(start_paused = true)]
    async fn clearing_forgets_and_a_zero_limit_never_refuses() {
        let t = throttle();
        for _ in 0..3 {
            t.hit(Scope::LoginAccount, "ana").await;
        }
        t.clear(Scope::LoginAccount, "ana").await;
        assert!(t.check(Scope::LoginAccount, "ana").await.is_ok());
        for _ in 0..100 {
            t.hit(Scope::LoginIp, "1.2.3.4").await;
        }
        assert!(t.check(Scope::LoginIp, "1.2.3.4").await.is_ok(), "login_per_ip = 0 is off");
    }
}
