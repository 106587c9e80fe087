//! `ocomms-bench`: drives any OComms server over its public API (HTTP and WebSocket), creating
//! its own users, workspace and channel, and reports latencies and counts. Every run is bounded
//! by its duration and stops by itself; it refuses non-loopback targets unless told otherwise.

mod api;
mod fanout;
mod idle;
mod search;
mod send;
mod stats;
mod team;
mod upload;
mod xmpp;

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "ocomms-bench", version, about = "Load and measure an OComms server")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Args)]
struct Common {
    /// Server base URL; repeat it to spread users and sockets over several nodes.
    #[arg(long, global = true, default_value = "http://127.0.0.1:3000")]
    url: Vec<String>,
    /// Seconds the measured phase lasts.
    #[arg(long, global = true, default_value_t = 20)]
    duration: u64,
    /// Also write the figures as JSON to this file.
    #[arg(long, global = true)]
    json: Option<std::path::PathBuf>,
    /// Server process ids whose memory to read from /proc (same machine only).
    #[arg(long = "server-pid", global = true)]
    server_pid: Vec<u32>,
    /// Sockets each generated user opens (the server's --max-sockets-per-user bounds it).
    #[arg(long, global = true, default_value_t = 8)]
    sockets_per_user: usize,
    /// Allow a target that is not on this machine.
    #[arg(long, global = true)]
    allow_remote: bool,
}

#[derive(Subcommand)]
enum Scenario {
    /// N concurrent posters, each its own user, as fast as the server answers: persisted
    /// messages per second and latency.
    Send {
        #[arg(long, default_value_t = 16)]
        clients: usize,
    },
    /// N sockets in one channel, one poster at a steady rate: post-to-socket latency, and
    /// delivered / lost / duplicated / out-of-order counts.
    Fanout {
        #[arg(long, default_value_t = 1000)]
        sockets: usize,
        /// Messages per second.
        #[arg(long, default_value_t = 10.0)]
        rate: f64,
        /// Run the same scenario against a peer server instead: `xmpp` joins N anonymous
        /// clients to a multi-user chat room over XMPP-over-WebSocket (bench/peers/run.sh).
        #[arg(long, value_enum)]
        peer: Option<Peer>,
        /// The peer's XMPP-over-WebSocket endpoint.
        #[arg(long, default_value = "ws://127.0.0.1:5280/ws")]
        xmpp_url: String,
        /// The peer's XMPP domain and its multi-user chat service.
        #[arg(long, default_value = "localhost")]
        xmpp_domain: String,
        #[arg(long, default_value = "conference.localhost")]
        xmpp_muc: String,
        /// Post through this node instead of the first --url (the users and sockets stay on
        /// the --url nodes): with the receivers on another node, every delivery crosses Redis.
        #[arg(long)]
        post_url: Option<String>,
    },
    /// A realistic mix: U users over C channels and DMs, 1–2 sockets each, posting, typing and
    /// marking read at a human pace; latencies, errors, lost and duplicated deliveries.
    Team {
        #[arg(long, default_value_t = 200)]
        users: usize,
        #[arg(long, default_value_t = 10)]
        channels: usize,
        /// Mean seconds between one user's posts.
        #[arg(long, default_value_t = 30.0)]
        post_interval: f64,
        /// Percent of posts that are thread replies (to the poster's last message in the channel).
        #[arg(long, default_value_t = 0)]
        reply_percent: u8,
        /// Percent of posts followed by a reaction on a recent message of the channel.
        #[arg(long, default_value_t = 0)]
        react_percent: u8,
    },
    /// N clients uploading S MB files at once, in rounds: throughput, latency and the server's
    /// peak memory over idle; then photos of the given megapixels: thumbnail time per megapixel.
    Upload {
        #[arg(long, default_value_t = 20)]
        clients: usize,
        #[arg(long, default_value_t = 20.0)]
        size_mb: f64,
        /// Megapixels of the JPEG photos for the thumbnail phase, e.g. 1,4,12 (none: skipped).
        #[arg(long, value_delimiter = ',')]
        images: Vec<f64>,
        /// Photos uploaded per size.
        #[arg(long, default_value_t = 5)]
        images_each: usize,
    },
    /// Search latency by kind of query (word, phrase, prefix, filters) in a workspace seeded
    /// with `ocomms admin seed-messages`.
    Search {
        /// One of the seeded accounts.
        #[arg(long)]
        email: String,
        /// The password seed-messages printed.
        #[arg(long)]
        password: String,
        #[arg(long)]
        workspace: String,
        /// A seeded person's handle, for from:@handle.
        #[arg(long)]
        handle: String,
        /// A seeded channel's name, for in:#channel.
        #[arg(long, default_value = "bench-3")]
        channel: String,
        /// Times each query runs.
        #[arg(long, default_value_t = 200)]
        count: usize,
    },
    /// Open N sockets and hold them: handshake latency and server memory per socket.
    Idle {
        #[arg(long, default_value_t = 1000)]
        sockets: usize,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Peer {
    Xmpp,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    api::check_targets(&cli.common.url, cli.common.allow_remote)?;
    // Each socket is a file descriptor; as root, raise the hard limit too.
    let _ = rlimit::setrlimit(rlimit::Resource::NOFILE, 100_000, 100_000);
    if let Ok(limit) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("open files limit: {limit}");
    }
    let api = api::Api::new()?;
    let urls: Vec<String> = cli.common.url.iter().map(|u| u.trim_end_matches('/').to_string()).collect();
    let duration = Duration::from_secs(cli.common.duration);
    let json = match cli.scenario {
        Scenario::Send { clients } => {
            let report = send::run(&api, &urls, clients, duration).await?;
            println!(
                "send: {} posters for {:.1} s: {:.0} messages/s",
                report.clients, report.duration_s, report.messages_per_s
            );
            println!("{}", report.send.line("send"));
            serde_json::to_string_pretty(&report)?
        }
        Scenario::Fanout { sockets, rate, peer, xmpp_url, xmpp_domain, xmpp_muc, post_url } => {
            if let Some(url) = &post_url {
                api::check_targets(std::slice::from_ref(url), cli.common.allow_remote)?;
            }
            let peer = match peer {
                None => None,
                Some(Peer::Xmpp) => {
                    api::check_targets(std::slice::from_ref(&xmpp_url), cli.common.allow_remote)?;
                    let stamp =
                        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
                    Some(xmpp::Room {
                        url: xmpp_url,
                        domain: xmpp_domain,
                        jid: format!("bench-{stamp}@{xmpp_muc}"),
                    })
                }
            };
            let plan = fanout::Plan {
                peer,
                sockets,
                rate,
                duration,
                sockets_per_user: cli.common.sockets_per_user,
                server_pids: cli.common.server_pid.clone(),
                post_url,
            };
            let report = fanout::run(&api, &urls, plan).await?;
            println!("fanout: {} sockets, {} posted", report.sockets, report.posted);
            println!("{}", report.send.line("send"));
            println!("{}", report.delivery.line("delivery"));
            println!("{}", report.first_delivery.line("first post"));
            println!("{}", report.handshake.line("handshake"));
            println!(
                "delivered {}  lost {}  duplicated {}  out of order {}  server RSS per socket {:?} KiB",
                report.delivered,
                report.lost,
                report.duplicated,
                report.out_of_order,
                report.rss_per_socket_kib
            );
            println!(
                "CPU per delivery: server {:.1} µs, this load tool {:.1} µs",
                report.server_cpu_us_per_delivery, report.client_cpu_us_per_delivery
            );
            serde_json::to_string_pretty(&report)?
        }
        Scenario::Team { users, channels, post_interval, reply_percent, react_percent } => {
            let plan = team::Plan {
                users,
                channels: channels.max(1),
                post_interval: Duration::from_secs_f64(post_interval.max(0.1)),
                duration,
                reply_percent: reply_percent.min(100),
                react_percent: react_percent.min(100),
            };
            let report = team::run(&api, &urls, plan).await?;
            println!(
                "team: {} users, {} channels, {} sockets, {} posted",
                report.users, report.channels, report.sockets, report.posted
            );
            println!("{}", report.send.line("send"));
            println!("{}", report.reply.line("reply"));
            println!("{}", report.react.line("react"));
            println!("{}", report.read.line("read"));
            println!("{}", report.delivery.line("delivery"));
            println!(
                "delivered {}  lost {}  duplicated {}",
                report.delivered, report.lost, report.duplicated
            );
            serde_json::to_string_pretty(&report)?
        }
        Scenario::Upload { clients, size_mb, images, images_each } => {
            let plan = upload::Plan {
                clients: clients.max(1),
                size_mb,
                duration,
                server_pids: cli.common.server_pid.clone(),
                image_megapixels: images,
                images_each: images_each.max(1),
            };
            let report = upload::run(&api, &urls, plan).await?;
            println!(
                "upload: {} clients × {:.1} MB, {} files in {:.1} s: {:.1} MB/s",
                report.clients,
                report.file_bytes as f64 / 1048576.0,
                report.uploaded,
                report.duration_s,
                report.megabytes_per_s
            );
            println!("{}", report.upload.line("upload"));
            println!(
                "server RSS idle {:?} KiB, peak {:?} KiB, growth {:?} KiB",
                report.server_rss_idle_kib, report.server_rss_peak_kib, report.server_rss_growth_kib
            );
            for t in &report.thumbnails {
                println!(
                    "thumbnail {:>5.1} MP ({} KB JPEG): {:.1} ms per megapixel on the server; {}",
                    t.megapixels,
                    t.jpeg_bytes / 1024,
                    t.server_ms_per_megapixel,
                    t.upload.line("upload")
                );
            }
            serde_json::to_string_pretty(&report)?
        }
        Scenario::Search { email, password, workspace, handle, channel, count } => {
            let plan = search::Plan {
                email,
                password,
                workspace_id: workspace,
                handle,
                channel,
                count: count.max(1),
            };
            let report = search::run(&api, &urls[0], plan).await?;
            for q in &report.queries {
                println!(
                    "{:<32} {:<44} {:>3}{}  {}",
                    q.kind,
                    q.q,
                    q.first_page,
                    if q.more { "+" } else { " " },
                    q.latency.line("search")
                );
            }
            serde_json::to_string_pretty(&report)?
        }
        Scenario::Idle { sockets } => {
            let report = idle::run(
                &api,
                &urls,
                sockets,
                cli.common.sockets_per_user,
                duration,
                &cli.common.server_pid,
            )
            .await?;
            println!("idle: {} sockets held", report.sockets);
            println!("{}", report.handshake.line("handshake"));
            println!(
                "server RSS before {:?} KiB, with half the sockets {:?} KiB, with all {:?} KiB, \
                 per socket (what the second half added) {:?} KiB",
                report.server_rss_before_kib,
                report.server_rss_half_kib,
                report.server_rss_after_kib,
                report.rss_per_socket_kib
            );
            serde_json::to_string_pretty(&report)?
        }
    };
    if let Some(path) = cli.common.json {
        std::fs::write(path, json)?;
    }
    Ok(())
}
