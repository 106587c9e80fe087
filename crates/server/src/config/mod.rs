//! The command line: every option has a flag and an environment variable, documented in `--help`,
//! and a key in the optional configuration file ([`file`]).

pub mod check;
pub mod file;

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use file::FileValues;

#[derive(Debug, Parser)]
#[command(name = "ocomms", version, about = "OComms: self-hosted real-time team chat")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// `serve`'s options, for running with no subcommand.
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate {
        /// List the migrations that would run, and apply none (sqlx's bookkeeping table is
        /// created if missing).
        #[arg(long)]
        dry_run: bool,
    },
    /// Administer accounts from the server's shell.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Exit 0 when the server at --url (default: the --listen address) answers GET /healthz
    /// with 200 within 5 s, 1 otherwise: for container health checks, with no shell or curl.
    Health {
        #[arg(long)]
        url: Option<String>,
        #[command(flatten)]
        serve: Box<ServeArgs>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets masked) and where each value came from: a
    /// flag, the environment, the config file or the default. Exits 1 when something is wrong.
    Check(Box<ServeArgs>),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an account; the password is read from standard input (or a prompt on a terminal).
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Make the account a server administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Set a new password (read like create-user's) and end all the account's sessions (running
    /// servers refuse them and close their sockets within a second).
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// For benchmarks, on an empty scratch database (it refuses one with messages): a new
    /// workspace with ten people and `--channels` channels, filled with `--messages` generated
    /// messages written in bulk (each batch one transaction with its seqs, events and search
    /// index, as sends are). Prints the workspace and the accounts with their random password.
    SeedMessages {
        #[arg(long, default_value_t = 1_000_000)]
        messages: u64,
        #[arg(long, default_value_t = 20)]
        channels: u32,
        /// Drop the full-text index first, to measure what it costs writes (the database's
        /// search stops working: use a scratch database).
        #[arg(long)]
        without_search_index: bool,
    },
}

/// Options every subcommand shares.
#[derive(Clone, Debug, Args)]
pub struct GlobalArgs {
    /// A TOML file of settings: the long options' names as keys (`public_url = "…"`). A flag or
    /// environment variable overrides what it says; it overrides the defaults.
    #[arg(long, env = "OCOMMS_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Where the SQLite database and (without --s3-bucket) uploaded files live.
    #[arg(long, env = "OCOMMS_DATA_DIR", default_value = "./ocomms-data", global = true)]
    pub data_dir: PathBuf,
    /// postgres://… to use PostgreSQL; unset for the embedded SQLite database in --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Log lines for people (`text`) or for machines (`json`).
    #[arg(long, env = "OCOMMS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Log filter, as in RUST_LOG (e.g. `info,ocomms=debug`).
    #[arg(long, env = "OCOMMS_LOG", default_value = "info", global = true)]
    pub log: String,
}

#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "OCOMMS_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// The URL people open, e.g. https://chat.example.com; defaults to http://<listen>.
    /// Decides the cookie's Secure flag and the Origin that browser requests must carry.
    #[arg(long, env = "OCOMMS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Who may create an account: anyone (`open`) or holders of an invite code (`invite`).
    #[arg(long, env = "OCOMMS_REGISTRATION", value_enum, default_value_t = Registration::Open)]
    pub registration: Registration,
    /// Database connections per process (readers, for SQLite).
    #[arg(long, env = "OCOMMS_DB_CONNECTIONS", default_value_t = 16)]
    pub db_connections: u32,
    /// redis://… to run as one of several nodes (pub/sub and presence in Redis); unset for one node.
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// Seconds between a client's pings; a socket silent for two of them is closed.
    #[arg(long, env = "OCOMMS_HEARTBEAT_S", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub heartbeat_s: u64,
    /// WebSockets one user may hold open on one node.
    #[arg(long, env = "OCOMMS_MAX_SOCKETS_PER_USER", default_value_t = 16)]
    pub max_sockets_per_user: usize,
    /// Seconds a shutdown waits for requests and sockets to finish before exiting anyway.
    #[arg(long, env = "OCOMMS_SHUTDOWN_GRACE_S", default_value_t = 10)]
    pub shutdown_grace_s: u64,
    /// Connections (HTTP and WebSocket) open at once; past it, new ones wait to be accepted.
    #[arg(long, env = "OCOMMS_MAX_CONNECTIONS", default_value_t = 25_000,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a connection has to send a whole request head, counted from when it opens or
    /// from its previous answer: so also how long an idle keep-alive connection stays open.
    #[arg(long, env = "OCOMMS_HEADER_READ_TIMEOUT_S", default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=600))]
    pub header_read_timeout_s: u64,
    /// Addresses of reverse proxies whose X-Forwarded-For names the client (IPs or CIDR
    /// ranges, comma-separated); from any other peer the header is ignored.
    #[arg(long, env = "OCOMMS_TRUSTED_PROXY", value_delimiter = ',', value_parser = proxy_range)]
    pub trusted_proxy: Vec<ipnet::IpNet>,
    /// Failed logins of one account within 15 minutes before its logins answer 429 (0: no limit).
    #[arg(long, env = "OCOMMS_LOGIN_FAILURES_PER_ACCOUNT", default_value_t = 5)]
    pub login_failures_per_account: u32,
    /// Failed logins from one client IP within 15 minutes before its logins answer 429 (0: no limit).
    #[arg(long, env = "OCOMMS_LOGIN_FAILURES_PER_IP", default_value_t = 5)]
    pub login_failures_per_ip: u32,
    /// Serve the web client from this folder instead of the copy built in (for working on it:
    /// edits show on reload, nothing is cached).
    #[arg(long, env = "OCOMMS_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// Sign-ups and invite acceptances from one client IP per hour (0: no limit).
    #[arg(long, env = "OCOMMS_SIGNUPS_PER_IP_PER_HOUR", default_value_t = 50)]
    pub signups_per_ip_per_hour: u32,
    /// The web client asks before `@channel`, `@everyone` or `@here` in a channel with more
    /// members than this.
    #[arg(long, env = "OCOMMS_BROADCAST_WARN_MEMBERS", default_value_t = 10)]
    pub broadcast_warn_members: u32,
    /// Largest file one upload may be, in bytes (refused with 413 while it is read).
    #[arg(long, env = "OCOMMS_MAX_UPLOAD_BYTES", default_value_t = 25 * 1024 * 1024,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_upload_bytes: u64,
    /// Bytes of files one person may keep stored (0: no limit).
    #[arg(long, env = "OCOMMS_USER_QUOTA_BYTES", default_value_t = 1024 * 1024 * 1024)]
    pub user_quota_bytes: u64,
    /// Images with more pixels than this get no preview (nor decode): the decompression-bomb guard.
    /// A preview being made takes up to 4 bytes per pixel of this, two at a time at most.
    #[arg(long, env = "OCOMMS_MAX_IMAGE_PIXELS", default_value_t = 40_000_000,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_image_pixels: u64,
    /// Seconds between purges of expired rows, uploads never attached (after a day) and the
    /// files of deleted messages.
    #[arg(long, env = "OCOMMS_PURGE_EVERY_S", default_value_t = 600,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub purge_every_s: u64,
    /// Keep files in this S3-compatible bucket instead of <data-dir>/files (needed for several
    /// nodes). Credentials also come from the usual AWS_* variables.
    #[arg(long, env = "OCOMMS_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// The S3 endpoint, e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000 (MinIO).
    #[arg(long, env = "OCOMMS_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    #[arg(long, env = "OCOMMS_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    #[arg(long, env = "OCOMMS_S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    #[arg(long, env = "OCOMMS_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
}

/// An IP address (one host) or a CIDR range.
fn proxy_range(raw: &str) -> Result<ipnet::IpNet, String> {
    raw.parse::<ipnet::IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{raw:?} is not an IP address or CIDR range"))
}

impl ServeArgs {
    /// The object store, when one is configured.
    pub fn s3(&self) -> Option<crate::storage::S3Config> {
        self.s3_bucket.as_ref().map(|bucket| crate::storage::S3Config {
            bucket: bucket.clone(),
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            access_key_id: self.s3_access_key_id.clone(),
            secret_access_key: self.s3_secret_access_key.clone(),
        })
    }

    pub fn heartbeat(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.heartbeat_s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Registration {
    Open,
    Invite,
}

/// Everything `run` needs.
#[derive(Clone, Debug)]
pub struct Config {
    pub global: GlobalArgs,
    pub serve: ServeArgs,
}

/// The command line as parsed over the config file's values, with what is needed to tell where
/// each value came from.
pub struct Loaded {
    pub cli: Cli,
    pub file: FileValues,
    pub matches: clap::ArgMatches,
}

impl Loaded {
    /// Parses `args` (the program name first): the `--config` file (or `OCOMMS_CONFIG`) is
    /// read first, and its values become the options' defaults. A bad file is a usage error.
    pub fn parse_from<I, T>(args: I) -> Result<Loaded, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let command = Cli::command();
        // A lenient first pass only to find the file; the real one below reports any error.
        let path = command
            .clone()
            .ignore_errors(true)
            .try_get_matches_from(&args)
            .ok()
            .and_then(|m| m.get_one::<PathBuf>("config").cloned());
        let file = match path {
            Some(path) => file::read(&path, &file::keys(&command))
                .map_err(|e| clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{e:#}\n")))?,
            None => FileValues::default(),
        };
        let matches = file::with_defaults(command, &file).try_get_matches_from(&args)?;
        let cli = Cli::from_arg_matches(&matches)?;
        Ok(Loaded { cli, file, matches })
    }
}

impl Config {
    /// Builds a config from arguments, as the command line would (used by tests too).
    pub fn from_args<I, T>(args: I) -> Result<Config, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let cli = Loaded::parse_from(args)?.cli;
        let serve = match cli.command {
            Some(Command::Serve(serve)) => *serve,
            Some(Command::Config(ConfigCommand::Check(serve))) => *serve,
            _ => cli.serve,
        };
        Ok(Config { global: cli.global, serve })
    }

    /// Checks what clap cannot (see [`Config::problems`]); the first problem is the error.
    pub fn validate(&self) -> anyhow::Result<()> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(anyhow::anyhow!(problem)),
            None => Ok(()),
        }
    }

    /// What is wrong with this configuration that clap cannot see: the public URL must be an
    /// absolute http(s) URL, its scheme in lower case (`HTTPS://` would otherwise look like
    /// plain http to a reader); the database and Redis URLs must name their kind; S3 keys come
    /// in pairs.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = self.public_url_parsed() {
            problems.push(e.to_string());
        }
        if let Some(url) = &self.global.database_url
            && !["postgres:", "postgresql:", "sqlite:"].iter().any(|p| url.starts_with(p))
        {
            problems.push("--database-url must start with postgres:// or sqlite:".to_string());
        }
        if let Some(url) = &self.global.database_url
            && ["sslmode=require", "sslmode=verify"].iter().any(|mode| url.contains(mode))
        {
            problems.push("--database-url asks for TLS (sslmode), which this build does not speak: keep PostgreSQL on a private network".to_string());
        }
        // No TLS to Redis or PostgreSQL (the tree carries no TLS stack for them): keep them on
        // a private network.
        if let Some(url) = &self.serve.redis_url
            && !url.starts_with("redis://")
        {
            problems
                .push("--redis-url must start with redis:// (rediss://, TLS, is not supported)".to_string());
        }
        if self.serve.s3_access_key_id.is_some() != self.serve.s3_secret_access_key.is_some() {
            problems.push(
                "--s3-access-key-id and --s3-secret-access-key go together: give both or neither".into(),
            );
        }
        if self.serve.s3_bucket.is_none() && self.serve.s3_endpoint.is_some() {
            problems.push("--s3-endpoint is set but --s3-bucket is not: files would stay on disk".into());
        }
        problems
    }

    fn public_url_parsed(&self) -> anyhow::Result<url::Url> {
        let raw = match &self.serve.public_url {
            Some(url) => url.clone(),
            None => format!("http://{}", self.serve.listen),
        };
        let bad = |why: &str| anyhow::anyhow!("--public-url {raw:?}: {why}, e.g. https://chat.example.com");
        if !(raw.starts_with("http://") || raw.starts_with("https://")) {
            return Err(bad("must start with http:// or https:// (in lower case)"));
        }
        let url = url::Url::parse(&raw).map_err(|e| bad(&e.to_string()))?;
        if url.host_str().is_none_or(str::is_empty) || url.query().is_some() || url.fragment().is_some() {
            return Err(bad("must name a host and have no query or fragment"));
        }
        Ok(url)
    }

    /// The public URL without a trailing slash.
    pub fn public_url(&self) -> String {
        match self.public_url_parsed() {
            Ok(url) => url.as_str().trim_end_matches('/').to_string(),
            Err(_) => format!("http://{}", self.serve.listen),
        }
    }

    /// The origin (scheme://host[:port]) browsers send for pages of the public URL.
    pub fn public_origin(&self) -> String {
        match self.public_url_parsed() {
            Ok(url) => url.origin().ascii_serialization(),
            Err(_) => format!("http://{}", self.serve.listen),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url_parsed().is_ok_and(|url| url.scheme() == "https")
    }

    pub fn header_read_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.serve.header_read_timeout_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_public_origin() {
        let config = Config::from_args(["ocomms"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.public_url(), "http://127.0.0.1:3000");
        assert!(!config.secure_cookies());
        let config = Config::from_args(["ocomms", "serve", "--public-url", "https://chat.example.com/team/"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.public_origin(), "https://chat.example.com");
        assert!(config.secure_cookies());
        assert!(config.validate().is_ok());
    }

    #[test]
    fn a_public_url_without_scheme_or_in_capitals_is_refused_at_start() {
        for bad in
            ["chat.example.com", "HTTPS://chat.example.com", "https://", "ftp://x.io", "https://x.io/?a=1"]
        {
            let config = Config::from_args(["ocomms", "--public-url", bad]).unwrap_or_else(|e| panic!("{e}"));
            let error = config.validate().err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains("--public-url"), "{bad:?} accepted: {error:?}");
        }
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges() {
        let config = Config::from_args(["ocomms", "--trusted-proxy", "10.0.0.1,192.168.0.0/16"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.serve.trusted_proxy.len(), 2);
        assert!(Config::from_args(["ocomms", "--trusted-proxy", "not-an-ip"]).is_err());
    }
}
