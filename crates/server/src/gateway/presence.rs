//! Presence: online while any of a user's sockets is active, away while all are idle, offline
//! with none. Kept in memory on a single node; in Redis across nodes, where each socket's entry
//! carries an expiry refreshed by its node, so a node that dies takes its users offline within
//! two heartbeats. Presence never touches the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use redis::aio::ConnectionManager;

use crate::bus::redis::PREFIX;
use crate::domain::event::Status;
use crate::domain::now_ms;

pub enum Presence {
    Local(Mutex<LocalPresence>),
    Redis(RedisPresence),
}

#[derive(Default)]
pub struct LocalPresence {
    /// user → socket → status.
    sockets: HashMap<String, HashMap<u64, Status>>,
}

pub struct RedisPresence {
    conn: ConnectionManager,
    node_id: String,
    /// How long a socket's entry lives without a refresh: two heartbeats.
    ttl: Duration,
    /// This node's sockets, refreshed every heartbeat.
    local: Mutex<HashMap<u64, (String, Status)>>,
}

fn aggregate(statuses: impl Iterator<Item = Status>) -> Status {
    statuses.fold(Status::Offline, |acc, s| match (acc, s) {
        (Status::Online, _) | (_, Status::Online) => Status::Online,
        (Status::Away, _) | (_, Status::Away) => Status::Away,
        _ => Status::Offline,
    })
}

fn status_str(status: Status) -> &'static str {
    match status {
        Status::Online => "online",
        Status::Away => "away",
        Status::Offline => "offline",
    }
}

fn parse_status(s: &str) -> Status {
    match s {
        "online" => Status::Online,
        "away" => Status::Away,
        _ => Status::Offline,
    }
}

impl Presence {
    pub fn local() -> Presence {
        Presence::Local(Mutex::new(LocalPresence::default()))
    }

    pub fn redis(conn: ConnectionManager, node_id: &str, heartbeat: Duration) -> Presence {
        Presence::Redis(RedisPresence {
            conn,
            node_id: node_id.to_string(),
            ttl: heartbeat * 2,
            local: Mutex::new(HashMap::new()),
        })
    }

    /// Sets one socket's status (None: the socket is gone). Returns the user's new aggregate
    /// status when it changed, for the caller to announce.
    pub async fn set(&self, user_id: &str, socket: u64, status: Option<Status>) -> Option<Status> {
        match self {
            Presence::Local(map) => {
                let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
                let entry = map.sockets.entry(user_id.to_string()).or_default();
                let before = aggregate(entry.values().copied());
                match status {
                    Some(s) => entry.insert(socket, s),
                    None => entry.remove(&socket),
                };
                let after = aggregate(entry.values().copied());
                if entry.is_empty() {
                    map.sockets.remove(user_id);
                }
                (before != after).then_some(after)
            }
            Presence::Redis(redis) => redis.set(user_id, socket, status).await,
        }
    }

    pub async fn status_of(&self, user_ids: &[String]) -> Vec<Status> {
        match self {
            Presence::Local(map) => {
                let map = map.lock().unwrap_or_else(|p| p.into_inner());
                user_ids
                    .iter()
                    .map(|u| map.sockets.get(u).map_or(Status::Offline, |s| aggregate(s.values().copied())))
                    .collect()
            }
            Presence::Redis(redis) => redis.status_of(user_ids).await,
        }
    }

    /// Multi-node upkeep, every heartbeat: refreshes this node's entries and expires the entries
    /// of sockets whose node stopped refreshing them. Returns users whose status changed.
    pub async fn upkeep(&self) -> Vec<(String, Status)> {
        match self {
            Presence::Local(_) => Vec::new(),
            Presence::Redis(redis) => {
                redis.refresh().await;
                redis.expire().await
            }
        }
    }
}

impl RedisPresence {
    fn user_key(user_id: &str) -> String {
        format!("{PREFIX}presence:{user_id}")
    }

    fn last_key(user_id: &str) -> String {
        format!("{PREFIX}presence-last:{user_id}")
    }

    fn expiry_key() -> String {
        format!("{PREFIX}presence-expiry")
    }

    fn field(&self, socket: u64) -> String {
        format!("{}:{socket}", self.node_id)
    }

    async fn set(&self, user_id: &str, socket: u64, status: Option<Status>) -> Option<Status> {
        {
            let mut local = self.local.lock().unwrap_or_else(|p| p.into_inner());
            match status {
                Some(s) => local.insert(socket, (user_id.to_string(), s)),
                None => local.remove(&socket),
            };
        }
        let field = self.field(socket);
        let member = format!("{user_id}|{field}");
        let mut pipe = redis::pipe();
        match status {
            Some(s) => {
                let expires = now_ms() + self.ttl.as_millis() as i64;
                pipe.hset(Self::user_key(user_id), &field, format!("{}:{expires}", status_str(s)))
                    .ignore()
                    .zadd(Self::expiry_key(), &member, expires)
                    .ignore()
                    .pexpire(Self::user_key(user_id), self.ttl.as_millis() as i64)
                    .ignore();
            }
            None => {
                pipe.hdel(Self::user_key(user_id), &field)
                    .ignore()
                    .zrem(Self::expiry_key(), &member)
                    .ignore();
            }
        }
        let mut conn = self.conn.clone();
        if let Err(e) = pipe.query_async::<()>(&mut conn).await {
            tracing::warn!(error = %e, "presence not recorded in Redis");
            return None;
        }
        self.announce_if_changed(user_id).await
    }

    /// The user's aggregate now; Some if it differs from the last one any node announced.
    async fn announce_if_changed(&self, user_id: &str) -> Option<Status> {
        let now = self.status_of(&[user_id.to_string()]).await.pop()?;
        let mut conn = self.conn.clone();
        let previous: Option<String> = redis::cmd("SET")
            .arg(Self::last_key(user_id))
            .arg(status_str(now))
            .arg("GET")
            .arg("EX")
            .arg(24 * 3600)
            .query_async(&mut conn)
            .await
            .ok()?;
        (previous.as_deref().map_or(Status::Offline, parse_status) != now).then_some(now)
    }

    async fn status_of(&self, user_ids: &[String]) -> Vec<Status> {
        let mut pipe = redis::pipe();
        for user in user_ids {
            pipe.hgetall(Self::user_key(user));
        }
        let mut conn = self.conn.clone();
        let entries: Vec<HashMap<String, String>> = match pipe.query_async(&mut conn).await {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!(error = %e, "presence unreadable from Redis");
                return user_ids.iter().map(|_| Status::Offline).collect();
            }
        };
        let now = now_ms();
        entries
            .iter()
            .map(|fields| {
                aggregate(fields.values().filter_map(|v| {
                    let (status, expires) = v.split_once(':')?;
                    (expires.parse::<i64>().ok()? > now).then(|| parse_status(status))
                }))
            })
            .collect()
    }

    async fn refresh(&self) {
        let sockets: Vec<(u64, String, Status)> = {
            let local = self.local.lock().unwrap_or_else(|p| p.into_inner());
            local.iter().map(|(id, (user, status))| (*id, user.clone(), *status)).collect()
        };
        let expires = now_ms() + self.ttl.as_millis() as i64;
        for chunk in sockets.chunks(500) {
            let mut pipe = redis::pipe();
            for (socket, user, status) in chunk {
                let field = self.field(*socket);
                pipe.hset(Self::user_key(user), &field, format!("{}:{expires}", status_str(*status)))
                    .ignore()
                    .zadd(Self::expiry_key(), format!("{user}|{field}"), expires)
                    .ignore()
                    .pexpire(Self::user_key(user), self.ttl.as_millis() as i64)
                    .ignore();
            }
            let mut conn = self.conn.clone();
            if let Err(e) = pipe.query_async::<()>(&mut conn).await {
                tracing::warn!(error = %e, "presence refresh failed");
                return;
            }
        }
    }

    /// Removes entries past their expiry (a node died or lost Redis); the node that removes an
    /// entry announces the change.
    async fn expire(&self) -> Vec<(String, Status)> {
        let mut conn = self.conn.clone();
        let expired: Vec<String> = redis::cmd("ZRANGEBYSCORE")
            .arg(Self::expiry_key())
            .arg("-inf")
            .arg(now_ms())
            .arg("LIMIT")
            .arg(0)
            .arg(1000)
            .query_async(&mut conn)
            .await
            .unwrap_or_default();
        let mut changed = Vec::new();
        for member in expired {
            let removed: i64 = redis::cmd("ZREM")
                .arg(Self::expiry_key())
                .arg(&member)
                .query_async(&mut conn)
                .await
                .unwrap_or(0);
            let Some((user, field)) = member.split_once('|') else { continue };
            if removed != 1 {
                continue; // another node took it
            }
            let _: Result<i64, _> =
                redis::cmd("HDEL").arg(Self::user_key(user)).arg(field).query_async(&mut conn).await;
            if let Some(status) = self.announce_if_changed(user).await {
                changed.push((user.to_string(), status));
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_presence_aggregates_devices() {
        let presence = Presence::local();
        assert_eq!(presence.set("ana", 1, Some(Status::Away)).await, Some(Status::Away));
        assert_eq!(presence.set("ana", 2, Some(Status::Online)).await, Some(Status::Online));
        assert_eq!(presence.set("ana", 1, None).await, None, "still online on socket 2");
        assert_eq!(presence.set("ana", 2, Some(Status::Away)).await, Some(Status::Away));
        assert_eq!(
            presence.status_of(&["ana".into(), "ben".into()]).await,
            vec![Status::Away, Status::Offline]
        );
        assert_eq!(presence.set("ana", 2, None).await, Some(Status::Offline));
    }
}
