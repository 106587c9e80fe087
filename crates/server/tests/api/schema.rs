//! The two migration sets describe one schema, and the upkeep's purges delete what expired.

use std::collections::BTreeSet;

use sqlx::Connection;

use crate::both;
use crate::common::{Backend, TestServer, postgres_url};

/// (table, column, nullable) and index names of the SQLite database a server created.
async fn sqlite_schema(server: &TestServer) -> (BTreeSet<(String, String, bool)>, BTreeSet<String>) {
    let path = server.data_dir.path().join("ocomms.db");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display())).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'
         AND name NOT LIKE 'search_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut columns = BTreeSet::new();
    for table in tables {
        let rows: Vec<(String, bool, bool)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name, \"notnull\", pk FROM pragma_table_info('{table}')"
        )))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for (name, not_null, pk) in rows {
            columns.insert((table.clone(), name, !(not_null || pk)));
        }
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    (columns, indexes.into_iter().collect())
}

async fn postgres_schema(url: &str) -> (BTreeSet<(String, String, bool)>, BTreeSet<String>) {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    // Full-text search is the one designed difference (migrations 0009): tsvector columns and
    // their GIN indexes here, FTS5 tables there.
    let columns =
        rows.into_iter().filter(|(_, c, _)| c != "search").map(|(t, c, n)| (t, c, n == "YES")).collect();
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'
         AND indexname NOT LIKE '%_pkey' AND tablename NOT LIKE '_sqlx%' AND indexname NOT LIKE '%\\_search'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    (columns, indexes.into_iter().collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_sets_describe_the_same_schema() {
    if postgres_url().is_none() {
        return;
    }
    let sqlite = TestServer::start(Backend::Sqlite).await;
    let postgres = TestServer::start(Backend::Postgres).await;
    let (sqlite_columns, sqlite_indexes) = sqlite_schema(&sqlite).await;
    let (pg_columns, pg_indexes) = postgres_schema(postgres.database_url.as_deref().unwrap()).await;
    assert!(sqlite_columns.len() > 40, "{sqlite_columns:?}");
    let only_sqlite: Vec<_> = sqlite_columns.difference(&pg_columns).collect();
    let only_pg: Vec<_> = pg_columns.difference(&sqlite_columns).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only SQLite: {only_sqlite:?}\nonly PostgreSQL: {only_pg:?}"
    );
    assert_eq!(sqlite_indexes, pg_indexes);
    assert!(sqlite_indexes.contains("message_mentions_channel"), "{sqlite_indexes:?}");
}

/// Expired sessions and invites, and revocations older than a day, are purged; live ones stay.
async fn expired_rows_are_purged(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let wid = ana.create_workspace("Acme").await;
    ana.ok(reqwest::Method::POST, &format!("/api/v1/workspaces/{wid}/invites"), Some(serde_json::json!({})))
        .await;
    let db =
        ocomms::db::Db::connect(server.database_url.as_deref(), server.data_dir.path(), 2).await.unwrap();
    let day = 24 * 3600 * 1000;
    let now = ocomms::domain::now_ms();
    let mut tx = db.begin().await.unwrap();
    ocomms::db::sessions::insert(tx.c(), "expired-session", &ana.user_id, now - 2 * day, now - day)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let mut rd = db.read().await.unwrap();
            ocomms::on!(rd.c(), |e| sqlx::query_scalar::<_, i64>(sql).fetch_one(e).await.unwrap())
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM sessions").await, 2);
    let mut tx = db.begin().await.unwrap();
    let purged = ocomms::db::sessions::purge(tx.c(), now, now - day).await.unwrap();
    // Invites expire in a week by default: as of two weeks from now, it is purged.
    let invites = ocomms::db::invites::purge_expired(tx.c(), now + 14 * day).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((purged, invites), (1, 1));
    assert_eq!(count("SELECT COUNT(*) FROM sessions").await, 1, "the live session stays");
    assert_eq!(ana.get("/api/v1/me").await.0, reqwest::StatusCode::OK);
    db.close().await;
}
both!(expired_rows_are_purged);
