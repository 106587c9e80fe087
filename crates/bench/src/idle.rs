//! `idle`: open as many sockets as asked, hold them, report handshake latency and the server's
//! memory per socket.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

use crate::api::{self, Api, Socket};
use crate::fanout::open_sockets;
use crate::stats::{OpStats, settled_rss_kib};

#[derive(Serialize)]
pub struct IdleReport {
    pub sockets: usize,
    pub handshake: OpStats,
    /// Per server pid: RSS before any socket, with the first half of them, with all of them.
    pub server_rss_before_kib: Vec<u64>,
    pub server_rss_half_kib: Vec<u64>,
    pub server_rss_after_kib: Vec<u64>,
    /// What the second half of the sockets added, per socket: the marginal cost of a socket.
    pub rss_per_socket_kib: Vec<f64>,
}

/// Holds a socket until `release` says so: reads (and so drains) whatever comes, pings now and
/// then.
fn hold(mut socket: Socket, mut release: watch::Receiver<bool>) -> tokio::task::JoinHandle<Socket> {
    tokio::spawn(async move {
        let mut ping = tokio::time::interval(Duration::from_secs(15));
        loop {
            tokio::select! {
                _ = release.changed() => break,
                _ = ping.tick() => { let _ = socket.send(Message::text(r#"{"type":"ping"}"#)).await; }
                frame = socket.next() => if frame.is_none() { break },
            }
        }
        socket
    })
}

/// Opens the sockets in two halves and reads the servers' settled RSS before, between and after.
/// The per-socket figure is what the second half added: the first half also absorbs what the
/// allocator kept from the sign-ups (freed password-hashing memory it hands back to the system
/// only once the server allocates again), which a before/after difference would count as
/// negative socket memory.
pub async fn run(
    api: &Api,
    urls: &[String],
    sockets: usize,
    sockets_per_user: usize,
    hold_for: Duration,
    pids: &[u32],
) -> anyhow::Result<IdleReport> {
    let per_user = sockets_per_user.max(1);
    // Enough users for each half on its own.
    let users = (sockets / 2).div_ceil(per_user) + (sockets - sockets / 2).div_ceil(per_user);
    eprintln!("setting up {users} users …");
    let team = api::team(api, urls, users, 8).await?;
    eprintln!("waiting for the server's memory to settle …");
    let before = settled_rss_kib(pids).await;
    eprintln!("server RSS {before:?} KiB");
    let end = tokio::time::Instant::now() + hold_for;
    let (release, held) = watch::channel(false);
    // Each half takes the sockets of its own users, at most `sockets_per_user` each.
    let first_users = (sockets / 2).div_ceil(per_user).min(team.members.len());
    let (head, tail) = team.members.split_at(first_users);
    let first = open_half(head, sockets / 2, &held, pids).await;
    let second = open_half(tail, sockets - sockets / 2, &held, pids).await;
    let added = second.holders.len();
    let per_socket =
        first
            .rss
            .iter()
            .zip(&second.rss)
            .map(|(h, a)| {
                if added == 0 { 0.0 } else { a.saturating_sub(*h) as f64 * pids.len() as f64 / added as f64 }
            })
            .collect();
    let count = first.holders.len() + added;
    let mut handshakes = first.handshakes;
    handshakes.extend(second.handshakes);
    // Held to the end of the run (at least until measured), then closed.
    tokio::time::sleep_until(end).await;
    let _ = release.send(true);
    for holder in first.holders.into_iter().chain(second.holders) {
        let _ = holder.await;
    }
    Ok(IdleReport {
        sockets: count,
        handshake: OpStats::from_micros(handshakes, first.errors + second.errors),
        server_rss_before_kib: before,
        server_rss_half_kib: first.rss,
        server_rss_after_kib: second.rss,
        rss_per_socket_kib: per_socket,
    })
}

struct Half {
    holders: Vec<tokio::task::JoinHandle<Socket>>,
    handshakes: Vec<u64>,
    errors: u64,
    /// The servers' settled RSS once these sockets (and those before them) are open.
    rss: Vec<u64>,
}

async fn open_half(members: &[api::User], wanted: usize, held: &watch::Receiver<bool>, pids: &[u32]) -> Half {
    eprintln!("opening {wanted} sockets …");
    let (open, handshakes, errors) = open_sockets(members, wanted, 64).await;
    let holders: Vec<_> = open.into_iter().map(|socket| hold(socket, held.clone())).collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss = settled_rss_kib(pids).await;
    eprintln!("server RSS {rss:?} KiB with {} more sockets", holders.len());
    Half { holders, handshakes, errors, rss }
}
