//! Throttling of logins, sign-ups and invite acceptances: fixed windows of counted attempts per
//! account or per client IP, in this process's memory on one node, in Redis when nodes share one
//! (so every node counts the same attempts and answers the same).
//!
//! Every attempt is counted *before* the work it guards, atomically (`INCR` in Redis, a counter
//! under a lock in memory), and refused when the count passes the limit: so a thousand guesses
//! sent at once get at most `limit` through, not a thousand waiting on the password hash. A
//! login that then succeeds gives its charge back ([`Throttle::refund`]): logins count failures
//! only, and a successful one clears its account's count. While a key is over its limit every
//! login of it answers 429 until the window ends, the right password included (an attacker must
//! not learn that a guess was right). Sign-ups and invite acceptances count every attempt.
//!
//! A rate limiter such as `governor` (GCRA) cannot serve here: it cannot give a charge back, so
//! it could only count every attempt, not failures, and its state cannot be shared between
//! nodes. The windows are the same operations in both stores: Redis's `INCR` with an expiry set
//! by the first (one script, so a key never loses its expiry), and a bounded map for one node.
//! IPv6 clients are counted by their /64, which one host usually has whole.

use std::collections::HashMap;
use std::net::IpAddr;
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

    /// Counts an attempt of `key`, and refuses it (429 with the seconds left in the window) when
    /// that makes more than the limit.
    pub async fn attempt(&self, scope: Scope, key: &str) -> ApiResult<()> {
        let limit = self.limits.of(scope);
        if limit == 0 {
            return Ok(());
        }
        let (count, left) = match &self.redis {
            Some(conn) => redis_attempt(conn.clone(), &redis_key(scope, key), scope.window()).await,
            None => self.local_attempt(scope, key),
        };
        if count > limit {
            tracing::info!(scope = scope.name(), "throttled");
            return Err(ApiError::RateLimited { retry_after_s: left.as_secs().max(1) });
        }
        Ok(())
    }

    /// Gives back an attempt that turned out not to count (a login that succeeded).
    pub async fn refund(&self, scope: Scope, key: &str) {
        if self.limits.of(scope) == 0 {
            return;
        }
        match &self.redis {
            Some(conn) => {
                let mut conn = conn.clone();
                let _: Result<i64, _> = redis::cmd("EVAL")
                    .arg(REFUND)
                    .arg(1)
                    .arg(redis_key(scope, key))
                    .query_async(&mut conn)
                    .await;
            }
            None => {
                if let Some(window) = self.lock().get_mut(&(scope, key.to_string())) {
                    window.count = window.count.saturating_sub(1);
                }
            }
        }
    }

    /// Forgets `key`'s attempts (a successful login clears its account).
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

    fn local_attempt(&self, scope: Scope, key: &str) -> (u32, Duration) {
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
        (window.count, window.ends - now)
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

/// Counts one attempt; the first of a window sets its expiry. Answers {count, ms left}.
const ATTEMPT: &str = "local n = redis.call('INCR', KEYS[1]) \
    if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end \
    return {n, redis.call('PTTL', KEYS[1])}";
/// Gives one attempt back, never below zero, keeping the expiry.
const REFUND: &str = "local n = tonumber(redis.call('GET', KEYS[1]) or '0') \
    if n > 0 then redis.call('DECR', KEYS[1]) end return n";

/// (count, time left) after counting an attempt in Redis; a Redis that does not answer throttles
/// nothing, so an outage does not lock everyone out.
async fn redis_attempt(mut conn: ConnectionManager, key: &str, window: Duration) -> (u32, Duration) {
    let answer: Result<(i64, i64), _> = redis::cmd("EVAL")
        .arg(ATTEMPT)
        .arg(1)
        .arg(key)
        .arg(window.as_millis() as u64)
        .query_async(&mut conn)
        .await;
    match answer {
        Ok((count, ttl_ms)) => {
            (count.clamp(0, i64::from(u32::MAX)) as u32, Duration::from_millis(ttl_ms.max(0) as u64))
        }
        Err(e) => {
            tracing::warn!(error = %e, "throttle not counted in Redis; not throttling");
            (0, Duration::ZERO)
        }
    }
}

/// The key a client IP is counted under: the address, or its /64 for IPv6 (canonical first, so
/// an IPv4 client seen as `::ffff:a.b.c.d` counts as itself).
pub fn ip_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        v4 => v4.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(Limits { login_per_account: 3, login_per_ip: 0, joins_per_ip: 2 }, None)
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_is_refused_past_its_limit_until_the_window_ends() {
        let t = throttle();
        for _ in 0..3 {
            assert!(t.attempt(Scope::LoginAccount, "ana").await.is_ok());
        }
        match t.attempt(Scope::LoginAccount, "ana").await {
            Err(ApiError::RateLimited { retry_after_s }) => assert_eq!(retry_after_s, 15 * 60),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(t.attempt(Scope::LoginAccount, "ben").await.is_ok(), "other keys are not affected");
        assert!(t.attempt(Scope::JoinIp, "ana").await.is_ok(), "nor other scopes");
        tokio::time::advance(LOGIN_WINDOW - Duration::from_secs(60)).await;
        assert!(matches!(
            t.attempt(Scope::LoginAccount, "ana").await,
            Err(ApiError::RateLimited { retry_after_s: 60 })
        ));
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(t.attempt(Scope::LoginAccount, "ana").await.is_ok(), "the window ended");
    }

    #[tokio::test(start_paused = true)]
    async fn refunds_and_clears_give_attempts_back_and_zero_is_off() {
        let t = throttle();
        for _ in 0..10 {
            let _ = t.attempt(Scope::LoginAccount, "ana").await;
        }
        t.clear(Scope::LoginAccount, "ana").await;
        assert!(t.attempt(Scope::LoginAccount, "ana").await.is_ok());
        for _ in 0..5 {
            t.attempt(Scope::JoinIp, "1.2.3.4").await.ok();
            t.refund(Scope::JoinIp, "1.2.3.4").await;
        }
        assert!(t.attempt(Scope::JoinIp, "1.2.3.4").await.is_ok(), "refunded attempts do not count");
        for _ in 0..100 {
            assert!(t.attempt(Scope::LoginIp, "1.2.3.4").await.is_ok(), "login_per_ip = 0 is off");
        }
    }

    #[test]
    fn ipv6_clients_count_by_their_64_and_mapped_ipv4_as_itself() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap_or(IpAddr::from([0; 4]));
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(ip_key(a), ip_key(b));
        assert_eq!(ip_key(a), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:10.0.0.7".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(ip_key(mapped), "10.0.0.7");
    }
}
