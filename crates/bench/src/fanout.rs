//! `fanout`: N sockets in one channel and a poster at a steady rate; post-to-socket latency,
//! delivered, lost, duplicated and out-of-order counts, and the server's CPU per delivery. With
//! `--peer xmpp` the same scenario, through the same reader loop, runs against an XMPP server's
//! multi-user chat room instead (`xmpp.rs`), so the two are compared like for like.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::json;
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;

use crate::api::{self, Api, Socket};
use crate::stats::{OpStats, cpu_seconds, rss_kib, settled_rss_kib};
use crate::xmpp;

#[derive(Serialize)]
pub struct FanoutReport {
    pub sockets: usize,
    pub posted: u64,
    pub delivered: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub out_of_order: u64,
    pub send: OpStats,
    pub delivery: OpStats,
    /// The first post's deliveries alone: the first broadcast after the sockets opened.
    pub first_delivery: OpStats,
    pub handshake: OpStats,
    /// Server RSS growth per socket while idle, in KiB, per server pid.
    pub rss_per_socket_kib: Vec<f64>,
    /// CPU the server processes used while posting (and the deliveries in flight drained),
    /// in microseconds per delivery; 0 without `--server-pid`.
    pub server_cpu_us_per_delivery: f64,
    /// The same for this load tool: it must stay well below the server's share of the machine.
    pub client_cpu_us_per_delivery: f64,
}

/// The `bench <n> <t_us>` content of a `message.created` frame, if it is one.
pub fn bench_content(frame: &str) -> Option<&str> {
    if !frame.contains(r#""type":"message.created""#) {
        return None;
    }
    let start = frame.find(r#""content":"bench "#)? + r#""content":""#.len();
    let end = start + frame[start..].find('"')?;
    Some(&frame[start..end])
}

/// What one socket saw.
#[derive(Default)]
struct Seen {
    latencies_us: Vec<u64>,
    /// The latency of the first post (attempt 0), if it came.
    first_us: Option<u64>,
    received: Vec<u32>,
    duplicated: u64,
    out_of_order: u64,
}

pub struct Plan {
    pub sockets: usize,
    pub rate: f64,
    pub duration: Duration,
    pub sockets_per_user: usize,
    pub server_pids: Vec<u32>,
    /// Drive this XMPP server's room instead of OComms.
    pub peer: Option<xmpp::Room>,
    /// The node the poster posts to, when not the first URL: with the receivers on other
    /// nodes, every delivery crosses the bus.
    pub post_url: Option<String>,
}

/// Who posts the scenario's messages.
enum Poster {
    OComms { user: api::User, path: String },
    Xmpp { socket: Box<Socket>, room: xmpp::Room },
}

/// Turns a received frame into its `bench <n> <t_us>` text, if it carries one.
type Extract = fn(&str) -> Option<&str>;

/// Opens `count` sockets for `users` (round-robin), `parallel` at a time.
pub async fn open_sockets(
    users: &[api::User],
    count: usize,
    parallel: usize,
) -> (Vec<Socket>, Vec<u64>, u64) {
    let users = Arc::new(users.to_vec());
    open_with(count, parallel, move |i| {
        let users = Arc::clone(&users);
        async move { api::connect(&users[i % users.len()]).await }
    })
    .await
}

/// Opens `count` sockets with `connect(i)`, `parallel` at a time: the sockets, the handshake
/// times in microseconds, and how many failed.
async fn open_with<F, Fut>(count: usize, parallel: usize, connect: F) -> (Vec<Socket>, Vec<u64>, u64)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<(Socket, Duration)>> + Send + 'static,
{
    let gate = Arc::new(Semaphore::new(parallel));
    let mut tasks = Vec::with_capacity(count);
    for i in 0..count {
        let gate = Arc::clone(&gate);
        let connecting = connect(i);
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await;
            connecting.await
        }));
    }
    let (mut sockets, mut handshakes, mut errors) = (Vec::new(), Vec::new(), 0);
    for (done, task) in tasks.into_iter().enumerate() {
        match task.await {
            Ok(Ok((socket, took))) => {
                sockets.push(socket);
                handshakes.push(took.as_micros() as u64);
            }
            Ok(Err(e)) => {
                errors += 1;
                if errors <= 3 {
                    eprintln!("socket failed: {e:#}");
                }
            }
            Err(_) => errors += 1,
        }
        if (done + 1) % 1000 == 0 {
            eprintln!("  {} sockets open", done + 1);
        }
    }
    (sockets, handshakes, errors)
}

pub async fn run(api: &Api, urls: &[String], plan: Plan) -> anyhow::Result<FanoutReport> {
    let (mut poster, extract, ping): (Poster, Extract, Option<&'static str>);
    let before: Vec<Option<u64>>;
    let (sockets, handshakes, handshake_errors);
    if let Some(room) = &plan.peer {
        eprintln!("creating the room {} …", room.jid);
        let (mut socket, _) = xmpp::join(room, "sender").await?;
        xmpp::unlock(&mut socket, room).await?;
        poster = Poster::Xmpp { socket: Box::new(socket), room: room.clone() };
        (extract, ping) = (xmpp::bench_body, None);
        tokio::time::sleep(Duration::from_secs(1)).await;
        before = plan.server_pids.iter().map(|p| rss_kib(*p)).collect();
        eprintln!("joining {} receivers …", plan.sockets);
        let room = room.clone();
        (sockets, handshakes, handshake_errors) = open_with(plan.sockets, 64, move |i| {
            let room = room.clone();
            async move { xmpp::join(&room, &format!("r{i}")).await }
        })
        .await;
    } else {
        let users = plan.sockets.div_ceil(plan.sockets_per_user.max(1));
        eprintln!("setting up {users} users …");
        let team = api::team(api, urls, users, 8).await?;
        let path = format!("/api/v1/channels/{}/messages", team.general);
        (extract, ping) = (bench_content, Some(r#"{"type":"ping"}"#));
        before = settled_rss_kib(&plan.server_pids).await.into_iter().map(Some).collect();
        eprintln!("opening {} sockets …", plan.sockets);
        (sockets, handshakes, handshake_errors) = open_sockets(&team.members, plan.sockets, 64).await;
        let mut owner = team.owner;
        if let Some(url) = &plan.post_url {
            owner.base = url.clone();
        }
        poster = Poster::OComms { user: owner, path };
    }
    // Every socket is read from now on, so that what the connect storm sent (OComms announces
    // each user's presence to the workspace) drains during the pause below rather than
    // waiting in the kernel's buffers and the server's queues for the first post.
    let epoch = Instant::now();
    let (stop_tx, stop) = watch::channel(false);
    let received = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|s| tokio::spawn(read_socket(s, epoch, stop.clone(), Arc::clone(&received), extract, ping)))
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_per_socket_kib = plan
        .server_pids
        .iter()
        .zip(&before)
        .map(|(pid, before)| match (before, rss_kib(*pid)) {
            (Some(b), Some(a)) if !readers.is_empty() => {
                (a.saturating_sub(*b)) as f64 * plan.server_pids.len() as f64 / readers.len() as f64
            }
            _ => 0.0,
        })
        .collect();

    let sent = Arc::new(AtomicU64::new(0));
    let progress =
        crate::stats::progress(&["posts", "deliveries"], vec![Arc::clone(&sent), Arc::clone(&received)]);

    eprintln!("posting {} msg/s for {:?} …", plan.rate, plan.duration);
    let cpu_before: Vec<Option<f64>> = plan.server_pids.iter().map(|p| cpu_seconds(*p)).collect();
    let own_cpu_before = cpu_seconds(std::process::id());
    let interval = Duration::from_secs_f64(1.0 / plan.rate.max(0.001));
    let mut tick = tokio::time::interval(interval);
    let (mut posted, mut send_us, mut send_errors) = (0u64, Vec::new(), 0u64);
    // Numbered by attempt, so a post that failed after the server took it cannot make the next
    // one look like a duplicate; only acknowledged ones count as lost when missing.
    let (mut attempt, mut acknowledged) = (0u32, Vec::new());
    let end = Instant::now() + plan.duration;
    while Instant::now() < end {
        tick.tick().await;
        let t_us = epoch.elapsed().as_micros() as u64;
        let started = Instant::now();
        let body = format!("bench {attempt} {t_us}");
        attempt += 1;
        let outcome = match &mut poster {
            Poster::OComms { user, path } => api.post(user, path, json!({ "content": body })).await.map(drop),
            Poster::Xmpp { socket, room } => xmpp::post(socket, room, &body).await,
        };
        match outcome {
            Ok(()) => {
                send_us.push(started.elapsed().as_micros() as u64);
                posted += 1;
                acknowledged.push(attempt - 1);
                sent.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                send_errors += 1;
                if send_errors <= 3 {
                    eprintln!("post failed: {e:#}");
                }
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await; // deliveries in flight
    progress.abort();
    let _ = stop_tx.send(true);
    let server_cpu_s: f64 = plan
        .server_pids
        .iter()
        .zip(&cpu_before)
        .filter_map(|(pid, before)| Some(cpu_seconds(*pid)? - (*before)?))
        .sum();
    let client_cpu_s = cpu_seconds(std::process::id()).zip(own_cpu_before).map_or(0.0, |(a, b)| a - b);

    let sockets = readers.len();
    let (mut latencies, mut delivered, mut duplicated, mut out_of_order, mut lost) = (Vec::new(), 0, 0, 0, 0);
    let mut first = Vec::new();
    for reader in readers {
        let seen = reader.await.unwrap_or_default();
        let mut unique = seen.received.clone();
        unique.sort_unstable();
        unique.dedup();
        delivered += unique.len() as u64;
        lost += acknowledged.iter().filter(|n| unique.binary_search(n).is_err()).count() as u64;
        duplicated += seen.duplicated;
        out_of_order += seen.out_of_order;
        latencies.extend(seen.latencies_us);
        first.extend(seen.first_us);
    }
    Ok(FanoutReport {
        sockets,
        posted,
        delivered,
        lost,
        duplicated,
        out_of_order,
        send: OpStats::from_micros(send_us, send_errors),
        delivery: OpStats::from_micros(latencies, 0),
        first_delivery: OpStats::from_micros(first, 0),
        handshake: OpStats::from_micros(handshakes, handshake_errors),
        rss_per_socket_kib,
        server_cpu_us_per_delivery: per_delivery_us(server_cpu_s, delivered),
        client_cpu_us_per_delivery: per_delivery_us(client_cpu_s, delivered),
    })
}

fn per_delivery_us(cpu_s: f64, delivered: u64) -> f64 {
    if delivered == 0 { 0.0 } else { cpu_s * 1e6 / delivered as f64 }
}

async fn read_socket(
    mut socket: Socket,
    epoch: Instant,
    mut stop: watch::Receiver<bool>,
    count: Arc<AtomicU64>,
    extract: Extract,
    ping_frame: Option<&'static str>,
) -> Seen {
    let mut seen = Seen::default();
    let mut highest: Option<u32> = None;
    let mut ping = tokio::time::interval(Duration::from_secs(15));
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = ping.tick(), if ping_frame.is_some() => {
                if socket.send(Message::text(ping_frame.unwrap_or_default())).await.is_err() { break }
            }
            frame = socket.next() => {
                let Some(Ok(Message::Text(text))) = frame else {
                    if matches!(frame, Some(Ok(_))) { continue } else { break }
                };
                // A scan, not a JSON parse: the load generator shares the machine with the server,
                // and parsing every frame of 10,000 sockets would cost it more than the server.
                let Some(content) = extract(&text) else { continue };
                let mut parts = content.split(' ').skip(1);
                let (Some(Ok(n)), Some(Ok(t_us))) = (parts.next().map(str::parse::<u32>), parts.next().map(str::parse::<u64>)) else { continue };
                let latency = (epoch.elapsed().as_micros() as u64).saturating_sub(t_us);
                seen.latencies_us.push(latency);
                if n == 0 && seen.first_us.is_none() {
                    seen.first_us = Some(latency);
                }
                count.fetch_add(1, Ordering::Relaxed);
                if seen.received.contains(&n) {
                    seen.duplicated += 1;
                } else if highest.is_some_and(|h| n < h) {
                    seen.out_of_order += 1;
                }
                highest = Some(highest.map_or(n, |h| h.max(n)));
                seen.received.push(n);
            }
        }
    }
    let _ = socket.close(None).await;
    seen
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_bench_content_in_a_frame() {
        let frame = r#"{"channel_id":"c","message":{"content":"bench 7 1234","id":"m"},"seq":3,"type":"message.created"}"#;
        assert_eq!(super::bench_content(frame), Some("bench 7 1234"));
        assert_eq!(super::bench_content(r#"{"type":"presence"}"#), None);
    }
}
