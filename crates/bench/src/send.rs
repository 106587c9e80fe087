//! `send`: N concurrent posters, as fast as the server answers; persisted messages per second
//! and latency.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use crate::api::{self, Api};
use crate::stats::OpStats;

#[derive(Serialize)]
pub struct SendReport {
    pub clients: usize,
    pub duration_s: f64,
    pub messages_per_s: f64,
    pub send: OpStats,
}

pub async fn run(
    api: &Api,
    urls: &[String],
    clients: usize,
    duration: Duration,
) -> anyhow::Result<SendReport> {
    eprintln!("setting up {clients} posters …");
    let team = api::team(api, urls, clients, 8).await?;
    let path = format!("/api/v1/channels/{}/messages", team.general);
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let end = started + duration;
    let posters: Vec<_> = team
        .members
        .into_iter()
        .enumerate()
        .map(|(i, user)| {
            let (http, path, done) = (api.http.clone(), path.clone(), Arc::clone(&done));
            tokio::spawn(async move {
                let api = Api { http };
                let (mut latencies, mut errors, mut n) = (Vec::new(), 0u64, 0u64);
                while Instant::now() < end {
                    let sent = Instant::now();
                    let body =
                        json!({"content": format!("load {i}-{n} with **markdown** and https://example.com")});
                    match api.post(&user, &path, body).await {
                        Ok(_) => {
                            latencies.push(sent.elapsed().as_micros() as u64);
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => errors += 1,
                    }
                    n += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    // Live progress, once a second.
    let progress = {
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let mut last = 0;
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            loop {
                tick.tick().await;
                let now = done.load(Ordering::Relaxed);
                eprintln!("  {:>6} msg/s  ({now} sent)", now - last);
                last = now;
            }
        })
    };
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for poster in posters {
        let (l, e) = poster.await?;
        latencies.extend(l);
        errors += e;
    }
    progress.abort();
    let elapsed = started.elapsed().as_secs_f64();
    Ok(SendReport {
        clients,
        duration_s: elapsed,
        messages_per_s: latencies.len() as f64 / elapsed,
        send: OpStats::from_micros(latencies, errors),
    })
}
