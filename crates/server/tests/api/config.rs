//! The configuration file and `ocomms config check`: precedence flag > environment > file >
//! default, unknown keys and bad values refused with the key named, secrets masked.

use std::process::{Command, Output};

/// Runs the binary with `args`, a config file holding `toml` (when given) and extra environment.
fn ocomms(toml: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocomms"));
    // The test process's own settings must not leak in.
    for (key, _) in std::env::vars() {
        if key.starts_with("OCOMMS_") || key == "DATABASE_URL" || key == "REDIS_URL" {
            cmd.env_remove(key);
        }
    }
    if let Some(toml) = toml {
        let path = dir.path().join("ocomms.toml");
        std::fs::write(&path, toml).unwrap();
        cmd.arg("--config").arg(&path);
    }
    cmd.args(args).envs(env.iter().copied()).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The line `key = …` of a report.
fn line<'a>(report: &'a str, key: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in:\n{report}"))
}

#[test]
fn flag_beats_environment_beats_file_beats_default() {
    let file = r#"
        listen = "127.0.0.1:4001"
        heartbeat-s = 45
        max_sockets_per_user = 4
        trusted_proxy = ["10.0.0.1", "192.168.0.0/16"]
        public_url = "https://chat.example.com"
    "#;
    let out = ocomms(
        Some(file),
        &[("OCOMMS_LISTEN", "127.0.0.1:4002"), ("OCOMMS_HEARTBEAT_S", "50")],
        &["config", "check", "--heartbeat-s", "55"],
    );
    let report = stdout(&out);
    assert!(out.status.success(), "{report}{}", stderr(&out));
    assert_eq!(line(&report, "heartbeat_s"), "heartbeat_s = 55  # flag");
    assert_eq!(line(&report, "listen"), r#"listen = "127.0.0.1:4002"  # environment"#);
    assert_eq!(line(&report, "max_sockets_per_user"), "max_sockets_per_user = 4  # file");
    assert_eq!(line(&report, "trusted_proxy"), r#"trusted_proxy = "10.0.0.1,192.168.0.0/16"  # file"#);
    assert_eq!(line(&report, "db_connections"), "db_connections = 16  # default");
    assert!(report.ends_with("ok\n"), "{report}");
}

#[test]
fn unknown_keys_and_bad_values_are_refused_by_name() {
    let out = ocomms(Some("listen = \"127.0.0.1:4001\"\nlisten_adress = \"x\"\n"), &[], &["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown key `listen_adress`"), "{}", stderr(&out));

    let out = ocomms(Some("heartbeat_s = \"often\"\n"), &[], &["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("heartbeat-s"), "{}", stderr(&out));

    let out = ocomms(Some("listen = { host = \"0.0.0.0\" }\n"), &[], &["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`listen` must be a string"), "{}", stderr(&out));

    // Sections are not keys: the file is flat, like the flags.
    let out = ocomms(Some("[serve]\nlisten = \"0.0.0.0:80\"\n"), &[], &["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown key `serve`"), "{}", stderr(&out));

    let out = ocomms(Some("listen = \n"), &[], &["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not valid TOML"), "{}", stderr(&out));

    // The server refuses to start on the same file as the check does.
    let out = ocomms(Some("listen_adress = \"x\"\n"), &[], &["serve"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_check_masks_secrets_and_fails_on_problems() {
    let file = r#"
        database_url = "postgres://ocomms:s3cret@db.internal:5432/ocomms"
        s3_bucket = "chat-files"
        s3_access_key_id = "AKIAEXAMPLE"
        public_url = "chat.example.com"
    "#;
    let out = ocomms(Some(file), &[], &["config", "check"]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(!report.contains("s3cret") && !report.contains("AKIAEXAMPLE"), "{report}");
    assert_eq!(
        line(&report, "database_url"),
        r#"database_url = "postgres://ocomms:****@db.internal:5432/ocomms"  # file"#
    );
    assert!(report.contains("problem: --public-url"), "{report}");
    assert!(
        report.contains("problem: --s3-access-key-id and --s3-secret-access-key go together"),
        "{report}"
    );
    assert!(report.contains("# redis_url is not set"), "{report}");

    // TLS to PostgreSQL or Redis is not in this build: said before the first connection fails.
    let file = "database_url = \"postgres://u@db/x?sslmode=require\"\nredis_url = \"rediss://r:6380\"\n";
    let report = stdout(&ocomms(Some(file), &[], &["config", "check"]));
    assert!(report.contains("problem: --database-url asks for TLS (sslmode)"), "{report}");
    assert!(report.contains("problem: --redis-url must start with redis://"), "{report}");
}

/// `ocomms health`, the container's health check: 0 when the node answers /healthz, 1 when
/// nothing listens.
#[tokio::test]
async fn the_health_command_asks_the_node() {
    let server = crate::common::TestServer::start(crate::common::Backend::Sqlite).await;
    let base = server.base.clone();
    let out =
        tokio::task::spawn_blocking(move || ocomms(None, &[], &["health", "--url", &base])).await.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The listen address, when no URL is given: nothing listens on this one.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap().to_string();
    drop(closed);
    let out = tokio::task::spawn_blocking(move || ocomms(None, &[("OCOMMS_LISTEN", &addr)], &["health"]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unhealthy"), "{}", stderr(&out));
}
