//! The command line: every option has a flag and an environment variable, documented in `--help`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Administer accounts from the server's shell.
    #[command(subcommand)]
    Admin(AdminCommand),
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
    /// Set a new password (read like create-user's) and end all the account's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

/// Options every subcommand shares.
#[derive(Clone, Debug, Args)]
pub struct GlobalArgs {
    /// Where the SQLite database (and later uploaded files) live.
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
}

impl ServeArgs {
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

impl Config {
    /// Builds a config from arguments, as the command line would (used by tests too).
    pub fn from_args<I, T>(args: I) -> Result<Config, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cli = Cli::try_parse_from(args)?;
        let serve = match cli.command {
            Some(Command::Serve(serve)) => serve,
            _ => cli.serve,
        };
        Ok(Config { global: cli.global, serve })
    }

    /// The public URL without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.serve.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.serve.listen),
        }
    }

    /// The origin (scheme://host[:port]) browsers send for pages of the public URL.
    pub fn public_origin(&self) -> String {
        let url = self.public_url();
        match url.find("://").map(|i| i + 3) {
            Some(start) => match url[start..].find('/') {
                Some(end) => url[..start + end].to_string(),
                None => url,
            },
            None => url,
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url().starts_with("https://")
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
    }
}
