//! `upload`: N clients upload files of S MB at once, rounds until the duration is over: upload
//! throughput, latency, and the server's resident memory sampled throughout (its peak over the
//! idle baseline must not grow with S: uploads are streamed to disk, never held whole). Then
//! `--images` JPEG photos of the given megapixels: the server's own counters of preview time and
//! megapixels give the thumbnail cost per megapixel.

use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use crate::api::{self, Api, User};
use crate::stats::{self, OpStats};

pub struct Plan {
    pub clients: usize,
    pub size_mb: f64,
    pub duration: Duration,
    pub server_pids: Vec<u32>,
    /// Megapixels of the photos for the thumbnail phase (none: no such phase).
    pub image_megapixels: Vec<f64>,
    pub images_each: usize,
}

#[derive(Serialize)]
pub struct UploadReport {
    pub clients: usize,
    pub file_bytes: u64,
    pub uploaded: u64,
    pub duration_s: f64,
    pub megabytes_per_s: f64,
    pub upload: OpStats,
    pub server_rss_idle_kib: Option<u64>,
    pub server_rss_peak_kib: Option<u64>,
    pub server_rss_growth_kib: Option<u64>,
    pub thumbnails: Vec<ThumbnailFigure>,
}

#[derive(Serialize)]
pub struct ThumbnailFigure {
    pub megapixels: f64,
    pub jpeg_bytes: usize,
    pub images: usize,
    /// From the server's counters: decode + orient + resize + encode, per megapixel.
    pub server_ms_per_megapixel: f64,
    pub upload: OpStats,
}

async fn upload_once(
    api: &Api,
    user: &User,
    wid: &str,
    name: &str,
    bytes: bytes::Bytes,
) -> anyhow::Result<()> {
    let len = bytes.len() as u64;
    let part = reqwest::multipart::Part::stream_with_length(reqwest::Body::from(bytes), len)
        .file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let resp = api
        .http
        .post(format!("{}/api/v1/workspaces/{wid}/files", user.base))
        .bearer_auth(&user.token)
        .multipart(form)
        .send()
        .await?;
    if !resp.status().is_success() {
        bail!("upload: {} {}", resp.status(), resp.text().await.unwrap_or_default());
    }
    Ok(())
}

/// Bytes that neither compress nor look like any known type (xorshift noise).
fn noise(len: usize) -> bytes::Bytes {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out[0] = 0; // not text
    bytes::Bytes::from(out)
}

/// A photo-like JPEG (smooth gradients with grain) of about `megapixels`, 4:3.
fn photo(megapixels: f64) -> anyhow::Result<Vec<u8>> {
    let width = ((megapixels * 1e6 * 4.0 / 3.0).sqrt()) as u32;
    let height = (width * 3 / 4).max(1);
    let mut grain = 1u32;
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        grain = grain.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let g = ((grain >> 16) & 15) as u8;
        image::Rgb([(x * 255 / width) as u8 ^ g, (y * 255 / height) as u8, ((x + y) % 200) as u8 + g])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&image)?;
    Ok(out.into_inner())
}

/// Sum of one Prometheus counter in the server's /metrics.
async fn counter(api: &Api, base: &str, name: &str) -> anyhow::Result<f64> {
    let text = api.http.get(format!("{base}/metrics")).send().await?.text().await?;
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.trim().parse::<f64>().ok()))
        .with_context(|| format!("{name} is not in {base}/metrics"))
}

pub async fn run(api: &Api, urls: &[String], plan: Plan) -> anyhow::Result<UploadReport> {
    eprintln!("setting up {} uploaders …", plan.clients);
    let team = api::team(api, urls, plan.clients, 8).await?;
    let wid = team.workspace_id.clone();
    let file_bytes = (plan.size_mb * 1024.0 * 1024.0) as usize;
    let payload = noise(file_bytes);
    let rss = |pids: &[u32]| -> Option<u64> { pids.iter().map(|&p| stats::rss_kib(p)).sum() };
    let idle = rss(&plan.server_pids);
    let peak = Arc::new(AtomicU64::new(idle.unwrap_or(0)));
    let sampler = {
        let (peak, pids) = (Arc::clone(&peak), plan.server_pids.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(20));
            loop {
                tick.tick().await;
                if let Some(now) = pids.iter().map(|&p| stats::rss_kib(p)).sum::<Option<u64>>() {
                    peak.fetch_max(now, Ordering::Relaxed);
                }
            }
        })
    };
    let done = Arc::new(AtomicU64::new(0));
    let progress = stats::progress(&["files"], vec![Arc::clone(&done)]);
    let started = Instant::now();
    let end = started + plan.duration;
    let uploaders: Vec<_> = team
        .members
        .into_iter()
        .enumerate()
        .map(|(i, user)| {
            let (http, wid, payload, done) =
                (api.http.clone(), wid.clone(), payload.clone(), Arc::clone(&done));
            tokio::spawn(async move {
                let api = Api { http };
                let (mut latencies, mut errors, mut n) = (Vec::new(), 0u64, 0u64);
                // At least one round, however short the duration.
                while n == 0 || Instant::now() < end {
                    let sent = Instant::now();
                    match upload_once(&api, &user, &wid, &format!("load-{i}-{n}.bin"), payload.clone()).await
                    {
                        Ok(()) => {
                            latencies.push(sent.elapsed().as_micros() as u64);
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            if errors == 0 {
                                eprintln!("  upload failed: {e:#}");
                            }
                            errors += 1;
                        }
                    }
                    n += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for uploader in uploaders {
        let (l, e) = uploader.await?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    progress.abort();
    sampler.abort();
    let uploaded = done.load(Ordering::Relaxed);
    let peak = idle.map(|_| peak.load(Ordering::Relaxed));

    let mut thumbnails = Vec::new();
    for &megapixels in &plan.image_megapixels {
        let jpeg = bytes::Bytes::from(photo(megapixels)?);
        let base = &team.owner.base;
        let (seconds_before, pixels_before) = (
            counter(api, base, "ocomms_thumbnail_seconds_total").await?,
            counter(api, base, "ocomms_thumbnail_megapixels_total").await?,
        );
        let mut latencies = Vec::new();
        for n in 0..plan.images_each {
            let sent = Instant::now();
            upload_once(api, &team.owner, &wid, &format!("photo-{megapixels}-{n}.jpg"), jpeg.clone()).await?;
            latencies.push(sent.elapsed().as_micros() as u64);
        }
        let seconds = counter(api, base, "ocomms_thumbnail_seconds_total").await? - seconds_before;
        let pixels = counter(api, base, "ocomms_thumbnail_megapixels_total").await? - pixels_before;
        thumbnails.push(ThumbnailFigure {
            megapixels,
            jpeg_bytes: jpeg.len(),
            images: plan.images_each,
            server_ms_per_megapixel: if pixels > 0.0 { seconds * 1000.0 / pixels } else { f64::NAN },
            upload: OpStats::from_micros(latencies, 0),
        });
    }
    Ok(UploadReport {
        clients: plan.clients,
        file_bytes: file_bytes as u64,
        uploaded,
        duration_s: elapsed,
        megabytes_per_s: uploaded as f64 * file_bytes as f64 / (1024.0 * 1024.0) / elapsed,
        upload: OpStats::from_micros(latencies, errors),
        server_rss_idle_kib: idle,
        server_rss_peak_kib: peak,
        server_rss_growth_kib: idle.zip(peak).map(|(i, p)| p.saturating_sub(i)),
        thumbnails,
    })
}
