//! The `ocomms` binary: parse the command line, set up logging, hand over to the library.

use std::io::IsTerminal;

use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

use ocomms::config::{Command, Config, ConfigCommand, GlobalArgs, Loaded, LogFormat};

/// Open files the server asks for: room for 100,000 sockets.
const OPEN_FILES_WANTED: u64 = 100_000;

/// mimalloc returns freed memory to the system, where glibc's malloc keeps every Argon2 hash's
/// 19 MiB per thread arena (measured: 1.2 GB resident after 625 sign-ups) and fragments under
/// thousands of sockets.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_logging(global: &GlobalArgs) {
    let filter = EnvFilter::try_new(&global.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match global.log_format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.compact().init(),
    }
}

/// Cancels `token` on SIGINT or SIGTERM.
async fn shutdown_on_signal(token: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                let _ = ctrl_c.await;
                token.cancel();
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutdown requested");
    token.cancel();
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let loaded = Loaded::parse_from(std::env::args_os()).unwrap_or_else(|e| e.exit());
    if let Some(Command::Config(ConfigCommand::Check(serve))) = &loaded.cli.command {
        let config = Config { global: loaded.cli.global.clone(), serve: (**serve).clone() };
        let (report, status) = ocomms::config::check::report(&loaded, &config);
        print!("{report}");
        std::process::exit(status);
    }
    let cli = loaded.cli;
    init_logging(&cli.global);
    match cli.command {
        Some(Command::Config(_)) => Ok(()),
        Some(Command::Health { url, serve }) => {
            let target = ocomms::health::target(url.as_deref(), serve.listen)?;
            if let Err(e) = ocomms::health::probe(target) {
                eprintln!("unhealthy: {e:#}");
                std::process::exit(1);
            }
            Ok(())
        }
        Some(Command::Migrate { dry_run }) => {
            let db =
                ocomms::db::Db::connect(cli.global.database_url.as_deref(), &cli.global.data_dir, 2).await?;
            let result = if dry_run {
                db.pending_migrations().await.map(|pending| {
                    if pending.is_empty() {
                        println!("the schema is up to date: nothing would run");
                    }
                    for (version, description) in pending {
                        println!("would apply {version} {description}");
                    }
                })
            } else {
                db.migrate()
                    .await
                    .map(|()| tracing::info!(database = db.backend_name(), "migrations applied"))
            };
            db.close().await;
            result
        }
        Some(Command::Admin(command)) => ocomms::admin::run(&cli.global, command).await,
        serve => {
            let serve = match serve {
                Some(Command::Serve(args)) => *args,
                _ => cli.serve,
            };
            // Every socket is a file descriptor: take all the kernel allows this process (as
            // root, raise the hard limit first).
            let _ = rlimit::setrlimit(rlimit::Resource::NOFILE, OPEN_FILES_WANTED, OPEN_FILES_WANTED);
            match rlimit::increase_nofile_limit(u64::MAX) {
                Ok(limit) => tracing::debug!(limit, "open files limit"),
                Err(e) => tracing::warn!(error = %e, "cannot raise the open files limit"),
            }
            let config = Config { global: cli.global, serve };
            let listener = tokio::net::TcpListener::bind(config.serve.listen).await?;
            let shutdown = CancellationToken::new();
            tokio::spawn(shutdown_on_signal(shutdown.clone()));
            ocomms::run(config, listener, shutdown).await
        }
    }
}
