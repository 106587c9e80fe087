//! Latency samples and the figures reported from them.

use serde::Serialize;

/// Figures for one operation, as written to the terminal and to `--json`.
#[derive(Debug, Default, Serialize)]
pub struct OpStats {
    pub count: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl OpStats {
    /// From latencies in microseconds (sorted here).
    pub fn from_micros(mut samples: Vec<u64>, errors: u64) -> OpStats {
        samples.sort_unstable();
        let pick = |q: f64| -> f64 {
            if samples.is_empty() {
                return 0.0;
            }
            let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
            samples[i] as f64 / 1000.0
        };
        OpStats {
            count: samples.len() as u64,
            errors,
            p50_ms: pick(0.50),
            p95_ms: pick(0.95),
            p99_ms: pick(0.99),
            max_ms: samples.last().map_or(0.0, |m| *m as f64 / 1000.0),
        }
    }

    pub fn line(&self, name: &str) -> String {
        format!(
            "{name:<10} count {:>9}  errors {:>5}  p50 {:>8.2} ms  p95 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms",
            self.count, self.errors, self.p50_ms, self.p95_ms, self.p99_ms, self.max_ms
        )
    }
}

/// Resident memory of a process in KiB, from /proc.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The processes' RSS once it has settled: sampled each second until three samples in a row
/// are within 1 % of each other (or 60 s passed). After sign-ups, the server still holds password
/// hashing memory that its allocator hands back over the next seconds; measuring sockets against
/// an unsettled figure hides their cost (it once read 0 KiB per socket).
pub async fn settled_rss_kib(pids: &[u32]) -> Vec<u64> {
    let sample = || -> Vec<u64> { pids.iter().map(|p| rss_kib(*p).unwrap_or(0)).collect() };
    let mut last = sample();
    let mut steady = 0;
    for _ in 0..60 {
        if pids.is_empty() || steady >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let now = sample();
        let close = now.iter().zip(&last).all(|(a, b)| a.abs_diff(*b) * 100 <= (*b).max(1));
        steady = if close { steady + 1 } else { 0 };
        last = now;
    }
    last
}

/// User plus system CPU time a process has used, in seconds, from /proc (all its threads).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // The kernel reports clock ticks; USER_HZ is 100 on every Linux this runs on.
    Some((utime + stime) / 100.0)
}

/// Prints `label` with the per-second change of each counter, once a second, until aborted.
pub fn progress(
    labels: &'static [&'static str],
    counters: Vec<std::sync::Arc<std::sync::atomic::AtomicU64>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last = vec![0u64; counters.len()];
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        tick.tick().await;
        loop {
            tick.tick().await;
            let mut line = String::from(" ");
            for (i, counter) in counters.iter().enumerate() {
                let now = counter.load(std::sync::atomic::Ordering::Relaxed);
                line.push_str(&format!(" {:>8} {}/s", now - last[i], labels[i]));
                last[i] = now;
            }
            eprintln!("{line}");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_nearest_rank() {
        let stats = OpStats::from_micros((1..=100).map(|ms| ms * 1000).collect(), 2);
        assert_eq!((stats.count, stats.errors), (100, 2));
        assert_eq!((stats.p50_ms, stats.p95_ms, stats.p99_ms, stats.max_ms), (50.0, 95.0, 99.0, 100.0));
        assert_eq!(OpStats::from_micros(Vec::new(), 0).p99_ms, 0.0);
    }
}
