//! Upgrades: migrations are forward-only and versioned. A database at the previous schema (here:
//! the one before 0009, full-text search) with data in it is upgraded by the next start, and
//! what it held is found by the new feature; `migrate --dry-run` lists what would run; a
//! database that a newer OComms has migrated is refused, by `serve` and `migrate` alike.

use std::process::Output;
use std::time::Duration;

use reqwest::Method;
use sqlx::Connection;

use crate::both;
use crate::common::{Backend, Client, TestServer};

/// What undoes migration 0009 (search) on each backend: its tables, triggers or columns, and
/// its row in sqlx's bookkeeping.
const UNDO_SEARCH_SQLITE: &str = "
    DROP TRIGGER search_messages_insert; DROP TRIGGER search_messages_update; DROP TRIGGER search_messages_delete;
    DROP TRIGGER search_notes_insert; DROP TRIGGER search_notes_update; DROP TRIGGER search_notes_delete;
    DROP TRIGGER search_files_insert; DROP TRIGGER search_files_update; DROP TRIGGER search_files_delete;
    DROP TABLE search_messages; DROP TABLE search_notes; DROP TABLE search_files;
    DELETE FROM _sqlx_migrations WHERE version = 9;";
const UNDO_SEARCH_POSTGRES: &str = "
    ALTER TABLE messages DROP COLUMN search; ALTER TABLE notes DROP COLUMN search;
    ALTER TABLE files DROP COLUMN search;
    DELETE FROM _sqlx_migrations WHERE version = 9;";
/// A migration from the future, as a newer OComms would have recorded it.
const FROM_THE_FUTURE: &str =
    "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
    VALUES (99990101000000, 'from a newer release', true, '\\x00', 0)";

/// The database's URL, SQLite included (the server's file in its data directory).
fn url_of(server: &TestServer) -> String {
    server
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", server.data_dir.path().join("ocomms.db").display()))
}

async fn execute(url: &str, sql: &str) {
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.replace("'\\x00'", "X'00'"))).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut conn).await.unwrap();
    }
}

async fn ocomms(url: &str, args: &[&str]) -> Output {
    let url = url.to_string();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let scratch = tempfile::tempdir().unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_ocomms"))
            .args(["--database-url", &url])
            .arg("--data-dir")
            .arg(scratch.path())
            .args(&args)
            .env_remove("OCOMMS_CONFIG")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Stops the server and hands it back (stopped: its data directory, SQLite's database, lives
/// as long as it does).
async fn stop(mut server: TestServer) -> TestServer {
    server.begin_shutdown();
    assert!(server.stopped(Duration::from_secs(10)).await, "the server did not stop");
    server
}

async fn previous_schema_upgrades_newer_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, _ben, wid) = server.pair("Ben").await;
    let general = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    ana.send(&general, "the quarterly kumquat report is out").await;
    let first = stop(server).await;
    let url = url_of(&first);

    execute(&url, if backend == Backend::Sqlite { UNDO_SEARCH_SQLITE } else { UNDO_SEARCH_POSTGRES }).await;
    let out = ocomms(&url, &["migrate", "--dry-run"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "would apply 9 search\n");

    // The next start upgrades it, and the message written before search existed is found.
    let server = TestServer::start_on(backend, Some(url.clone()), &[]).await;
    let ana = Client { base: server.base.clone(), ..ana };
    let found = ana.ok(Method::GET, &format!("/api/v1/workspaces/{wid}/search?q=kumquat"), None).await;
    assert_eq!(found["results"][0]["message"]["content"], "the quarterly kumquat report is out", "{found}");
    let _second = stop(server).await;
    let out = ocomms(&url, &["migrate", "--dry-run"]).await;
    assert_eq!(String::from_utf8_lossy(&out.stdout), "the schema is up to date: nothing would run\n");

    // A newer OComms migrated it since: this one touches nothing and says why.
    execute(&url, FROM_THE_FUTURE).await;
    for args in [&["migrate"][..], &["migrate", "--dry-run"], &["serve", "--listen", "127.0.0.1:0"]] {
        let out = ocomms(&url, args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("schema is at version 99990101000000, newer than this OComms knows"),
            "{stderr}"
        );
    }
}
both!(previous_schema_upgrades_newer_is_refused);
