//! `idle`: open as many sockets as asked, hold them, report handshake latency and the server's
//! memory per socket.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio_tungstenite::tungstenite::Message;

use crate::api::{self, Api};
use crate::fanout::open_sockets;
use crate::stats::{OpStats, settled_rss_kib};

#[derive(Serialize)]
pub struct IdleReport {
    pub sockets: usize,
    pub handshake: OpStats,
    /// Per server pid: RSS before the sockets, with them, and the growth per socket.
    pub server_rss_before_kib: Vec<u64>,
    pub server_rss_after_kib: Vec<u64>,
    pub rss_per_socket_kib: Vec<f64>,
}

pub async fn run(
    api: &Api,
    urls: &[String],
    sockets: usize,
    sockets_per_user: usize,
    hold: Duration,
    pids: &[u32],
) -> anyhow::Result<IdleReport> {
    let users = sockets.div_ceil(sockets_per_user.max(1));
    eprintln!("setting up {users} users …");
    let team = api::team(api, urls, users, 8).await?;
    eprintln!("waiting for the server's memory to settle …");
    let before = settled_rss_kib(pids).await;
    eprintln!("server RSS {before:?} KiB");
    eprintln!("opening {sockets} sockets …");
    let (open, handshakes, errors) = open_sockets(&team.members, sockets, 64).await;
    let count = open.len();
    // Hold them: read (and so drain) whatever comes, ping now and then.
    let holders: Vec<_> = open
        .into_iter()
        .map(|mut socket| {
            tokio::spawn(async move {
                let end = tokio::time::Instant::now() + hold;
                let mut ping = tokio::time::interval(Duration::from_secs(15));
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep_until(end) => break,
                        _ = ping.tick() => { let _ = socket.send(Message::text(r#"{"type":"ping"}"#)).await; }
                        frame = socket.next() => if frame.is_none() { break },
                    }
                }
                socket
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3).min(hold / 2)).await;
    let after = settled_rss_kib(pids).await;
    let mut kept = Vec::with_capacity(count);
    for holder in holders {
        if let Ok(socket) = holder.await {
            kept.push(socket);
        }
    }
    let per_socket =
        before
            .iter()
            .zip(&after)
            .map(|(b, a)| {
                if count == 0 { 0.0 } else { a.saturating_sub(*b) as f64 * pids.len() as f64 / count as f64 }
            })
            .collect();
    drop(kept);
    Ok(IdleReport {
        sockets: count,
        handshake: OpStats::from_micros(handshakes, errors),
        server_rss_before_kib: before,
        server_rss_after_kib: after,
        rss_per_socket_kib: per_socket,
    })
}
