//! `team`: a realistic mix. U users in C public channels (each in three, and all in `general`)
//! and one DM each, with one or two sockets per user, posting at a human pace (a mean interval
//! per user), typing before they post, and marking channels read; optionally some posts are
//! thread replies and some are followed by a reaction. Reports send, reply, reaction, read and
//! delivery latencies, errors, and lost or duplicated deliveries (replies count as deliveries:
//! every socket following the channel gets them).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::json;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use crate::api::{self, Api, User};
use crate::fanout::bench_content;
use crate::stats::OpStats;

#[derive(Serialize)]
pub struct TeamReport {
    pub users: usize,
    pub channels: usize,
    pub sockets: usize,
    pub posted: u64,
    pub delivered: u64,
    pub lost: u64,
    pub duplicated: u64,
    /// Top-level posts.
    pub send: OpStats,
    /// Thread replies (also posts: `posted` counts both).
    pub reply: OpStats,
    pub react: OpStats,
    pub read: OpStats,
    pub delivery: OpStats,
}

pub struct Plan {
    pub users: usize,
    pub channels: usize,
    pub post_interval: Duration,
    pub duration: Duration,
    pub reply_percent: u8,
    pub react_percent: u8,
}

/// What one person did: latencies in µs and error counts per operation.
#[derive(Default)]
struct Done {
    send: (Vec<u64>, u64),
    reply: (Vec<u64>, u64),
    react: (Vec<u64>, u64),
    read: (Vec<u64>, u64),
}

/// A small deterministic generator per task: reproducible runs, no shared lock.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// An exponential wait with the given mean (Poisson arrivals).
    fn wait(&mut self, mean: Duration) -> Duration {
        let u = (self.next() % 1_000_000 + 1) as f64 / 1_000_001.0;
        mean.mul_f64(-u.ln()).min(mean * 5)
    }
}

struct SocketSeen {
    user: usize,
    received: Vec<u32>,
    latencies_us: Vec<u64>,
}

pub async fn run(api: &Api, urls: &[String], plan: Plan) -> anyhow::Result<TeamReport> {
    eprintln!("setting up {} users and {} channels …", plan.users, plan.channels);
    let team = api::team(api, urls, plan.users, 8).await?;
    let users = team.members;
    let mut channel_ids = Vec::with_capacity(plan.channels);
    for c in 0..plan.channels {
        let body = json!({"name": format!("team-{c}"), "kind": "public"});
        let answer = api
            .post(&team.owner, &format!("/api/v1/workspaces/{}/channels", team.workspace_id), body)
            .await?;
        channel_ids.push(answer["channel"]["id"].as_str().unwrap_or_default().to_string());
    }
    // Who is where: every user in general, three public channels and one DM.
    let mut members: HashMap<String, Vec<usize>> = HashMap::new();
    members.insert(team.general.clone(), (0..users.len()).collect());
    let mut mine: Vec<Vec<String>> = vec![vec![team.general.clone()]; users.len()];
    let gate = Arc::new(tokio::sync::Semaphore::new(16));
    let mut joins = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let picks: HashSet<usize> =
            [i % plan.channels, (i * 7 + 3) % plan.channels, (i * 13 + 5) % plan.channels].into();
        for c in picks {
            let cid = channel_ids[c].clone();
            members.entry(cid.clone()).or_default().push(i);
            mine[i].push(cid.clone());
            let (http, user, gate) = (api.http.clone(), user.clone(), Arc::clone(&gate));
            joins.push(tokio::spawn(async move {
                let _permit = gate.acquire().await;
                Api { http }.post(&user, &format!("/api/v1/channels/{cid}/join"), json!({})).await
            }));
        }
    }
    for join in joins {
        join.await??;
    }
    if users.len() > 1 {
        for i in 0..users.len() {
            let other = (i + 1) % users.len();
            let answer = api
                .post(
                    &users[i],
                    &format!("/api/v1/workspaces/{}/dms", team.workspace_id),
                    json!({"user_ids": [team_user_id(api, &users[other]).await?]}),
                )
                .await?;
            let cid = answer["channel"]["id"].as_str().unwrap_or_default().to_string();
            let list = members.entry(cid.clone()).or_default();
            for u in [i, other] {
                if !list.contains(&u) {
                    list.push(u);
                    mine[u].push(cid.clone());
                }
            }
        }
    }

    eprintln!("opening sockets …");
    let epoch = Instant::now();
    let (stop_tx, stop) = watch::channel(false);
    let received = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    let mut typers: Vec<mpsc::Sender<String>> = Vec::new();
    for (i, user) in users.iter().enumerate() {
        for k in 0..1 + i % 2 {
            let (socket, _) = api::connect(user).await?;
            let (tx, rx) = mpsc::channel(16);
            if k == 0 {
                typers.push(tx);
            }
            readers.push(tokio::spawn(read(socket, i, epoch, rx, stop.clone(), Arc::clone(&received))));
        }
    }
    let sockets = readers.len();

    eprintln!(
        "{} users active for {:?} (a post every {:?} each on average) …",
        users.len(),
        plan.duration,
        plan.post_interval
    );
    let counter = Arc::new(AtomicU64::new(0));
    let posts: Arc<Mutex<Vec<(u32, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let end = Instant::now() + plan.duration;
    let progress =
        crate::stats::progress(&["posts", "deliveries"], vec![Arc::clone(&counter), Arc::clone(&received)]);
    let actors: Vec<_> = users
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, user)| {
            let (http, channels, typer) = (api.http.clone(), mine[i].clone(), typers[i].clone());
            let (counter, posts) = (Arc::clone(&counter), Arc::clone(&posts));
            let pace = Pace {
                interval: plan.post_interval,
                end,
                epoch,
                reply: plan.reply_percent,
                react: plan.react_percent,
            };
            tokio::spawn(act(Api { http }, user, i, channels, typer, counter, posts, pace))
        })
        .collect();
    let mut all = Done::default();
    for actor in actors {
        let done = actor.await?;
        for (into, from) in [
            (&mut all.send, done.send),
            (&mut all.reply, done.reply),
            (&mut all.react, done.react),
            (&mut all.read, done.read),
        ] {
            into.0.extend(from.0);
            into.1 += from.1;
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    progress.abort();
    let _ = stop_tx.send(true);

    let posts = posts.lock().map(|p| p.clone()).unwrap_or_default();
    let audience: HashMap<u32, HashSet<usize>> = posts
        .iter()
        .map(|(n, cid)| (*n, members.get(cid).map(|m| m.iter().copied().collect()).unwrap_or_default()))
        .collect();
    let (mut delivered, mut lost, mut duplicated, mut latencies) = (0u64, 0u64, 0u64, Vec::new());
    for reader in readers {
        let seen = reader.await?;
        let unique: HashSet<u32> = seen.received.iter().copied().collect();
        duplicated += (seen.received.len() - unique.len()) as u64;
        let expected = audience.iter().filter(|(_, who)| who.contains(&seen.user)).count() as u64;
        let got =
            unique.iter().filter(|n| audience.get(n).is_some_and(|who| who.contains(&seen.user))).count()
                as u64;
        delivered += got;
        lost += expected - got;
        latencies.extend(seen.latencies_us);
    }
    Ok(TeamReport {
        users: users.len(),
        channels: plan.channels,
        sockets,
        posted: posts.len() as u64,
        delivered,
        lost,
        duplicated,
        send: OpStats::from_micros(all.send.0, all.send.1),
        reply: OpStats::from_micros(all.reply.0, all.reply.1),
        react: OpStats::from_micros(all.react.0, all.react.1),
        read: OpStats::from_micros(all.read.0, all.read.1),
        delivery: OpStats::from_micros(latencies, 0),
    })
}

async fn team_user_id(api: &Api, user: &User) -> anyhow::Result<String> {
    Ok(api.get(user, "/api/v1/me").await?["user"]["id"].as_str().unwrap_or_default().to_string())
}

/// How one person acts over time.
struct Pace {
    interval: Duration,
    end: Instant,
    epoch: Instant,
    /// Percent of posts that are replies; percent followed by a reaction.
    reply: u8,
    react: u8,
}

/// Reactions the load tool picks from.
const EMOJI: [&str; 6] = ["%F0%9F%91%8D", "%F0%9F%8E%89", "%E2%9D%A4%EF%B8%8F", "eyes", "joy", "rocket"];

/// One person: post now and then (typing first), sometimes as a reply in the thread of their last
/// message there, sometimes reacting after; mark a channel read now and then.
#[allow(clippy::too_many_arguments)]
async fn act(
    api: Api,
    user: User,
    i: usize,
    channels: Vec<String>,
    typer: mpsc::Sender<String>,
    counter: Arc<AtomicU64>,
    posts: Arc<Mutex<Vec<(u32, String)>>>,
    pace: Pace,
) -> Done {
    let Pace { interval, end, epoch, .. } = pace;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    let mut done = Done::default();
    // The last top-level message this person posted in each channel: a thread to reply in.
    let mut last: HashMap<String, String> = HashMap::new();
    // Spread the first posts over the first interval instead of all at once; never sleep past the end.
    tokio::time::sleep(rng.wait(interval).min(end.saturating_duration_since(Instant::now()))).await;
    while Instant::now() < end {
        let cid = &channels[(rng.next() % channels.len() as u64) as usize];
        let root = last.get(cid).filter(|_| rng.next() % 100 < u64::from(pace.reply)).cloned();
        let typing = match &root {
            Some(root) => json!({"type": "typing", "channel_id": cid, "thread_root_id": root}),
            None => json!({"type": "typing", "channel_id": cid}),
        };
        let _ = typer.try_send(typing.to_string());
        let n = counter.fetch_add(1, Ordering::Relaxed) as u32;
        let t_us = epoch.elapsed().as_micros() as u64;
        if let Ok(mut p) = posts.lock() {
            p.push((n, cid.clone()));
        }
        let sent = Instant::now();
        let content = format!("bench {n} {t_us}");
        let body = match &root {
            Some(root) => json!({"content": content, "thread_root_id": root}),
            None => json!({"content": content}),
        };
        let stats = if root.is_some() { &mut done.reply } else { &mut done.send };
        match api.post(&user, &format!("/api/v1/channels/{cid}/messages"), body).await {
            Ok(answer) => {
                stats.0.push(sent.elapsed().as_micros() as u64);
                let id = answer["message"]["id"].as_str().unwrap_or_default().to_string();
                if rng.next() % 100 < u64::from(pace.react) {
                    let emoji = EMOJI[(rng.next() % EMOJI.len() as u64) as usize];
                    let started = Instant::now();
                    match api
                        .call(
                            &user.base,
                            Some(&user.token),
                            reqwest::Method::PUT,
                            &format!("/api/v1/messages/{id}/reactions/{emoji}"),
                            json!({}),
                        )
                        .await
                    {
                        Ok(_) => done.react.0.push(started.elapsed().as_micros() as u64),
                        Err(_) => done.react.1 += 1,
                    }
                }
                if root.is_none() {
                    last.insert(cid.clone(), id);
                }
                if rng.next().is_multiple_of(3) {
                    let seq = answer["message"]["seq"].as_i64().unwrap_or(0);
                    let read = Instant::now();
                    match api.post(&user, &format!("/api/v1/channels/{cid}/read"), json!({"seq": seq})).await
                    {
                        Ok(_) => done.read.0.push(read.elapsed().as_micros() as u64),
                        Err(_) => done.read.1 += 1,
                    }
                }
            }
            Err(_) => {
                stats.1 += 1;
                if let Ok(mut p) = posts.lock() {
                    p.retain(|(m, _)| *m != n); // not acknowledged: nobody should expect it
                }
            }
        }
        tokio::time::sleep(rng.wait(interval).min(end.saturating_duration_since(Instant::now()))).await;
    }
    done
}

async fn read(
    mut socket: api::Socket,
    user: usize,
    epoch: Instant,
    mut outgoing: mpsc::Receiver<String>,
    mut stop: watch::Receiver<bool>,
    count: Arc<AtomicU64>,
) -> SocketSeen {
    let mut seen = SocketSeen { user, received: Vec::new(), latencies_us: Vec::new() };
    let mut ping = tokio::time::interval(Duration::from_secs(15));
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = ping.tick() => { if socket.send(Message::text(r#"{"type":"ping"}"#)).await.is_err() { break } }
            Some(frame) = outgoing.recv() => { if socket.send(Message::text(frame)).await.is_err() { break } }
            frame = socket.next() => {
                let Some(Ok(Message::Text(text))) = frame else {
                    if matches!(frame, Some(Ok(_))) { continue } else { break }
                };
                let Some(content) = bench_content(&text) else { continue };
                let mut parts = content.split(' ').skip(1);
                if let (Some(Ok(n)), Some(Ok(t_us))) = (parts.next().map(str::parse::<u32>), parts.next().map(str::parse::<u64>)) {
                    seen.latencies_us.push((epoch.elapsed().as_micros() as u64).saturating_sub(t_us));
                    seen.received.push(n);
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    let _ = socket.close(None).await;
    seen
}
