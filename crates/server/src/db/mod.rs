//! The database: one `Db` over SQLite or PostgreSQL, and one query module per aggregate.
//!
//! Queries are written once as SQL text that both backends accept (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`), run through the [`on!`] macro which type-checks the same body
//! against each backend's executor. Reads take a pooled [`ReadConn`]; writes take a [`Tx`].
//! SQLite gets a one-connection writer pool (no `SQLITE_BUSY` between our own writers) beside a
//! reader pool; PostgreSQL gets one pool.

pub mod channels;
pub mod events;
pub mod files;
pub mod groups;
pub mod invites;
pub mod messages;
pub mod notes;
pub mod reactions;
pub mod search;
pub mod sessions;
pub mod threads;
pub mod users;
pub mod workspaces;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::domain::event::Envelope;

/// How long a connection waits for a busy SQLite database before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a free pooled connection before answering 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The schema of each backend, embedded in the binary: every file of the folder, in version order.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        /// Many readers: WAL lets them run beside the writer.
        reader: SqlitePool,
        /// Exactly one connection: SQLite has one writer at a time anyway, and queueing in the
        /// pool is fairer and cheaper than retrying on `SQLITE_BUSY`.
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

/// A connection borrowed for one or more queries, from a pool or a transaction.
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Runs the same body against whichever backend `conn` is; the body is compiled once per backend.
#[macro_export]
macro_rules! on {
    ($conn:expr, |$e:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite($e) => $body,
            $crate::db::Conn::Postgres($e) => $body,
        }
    };
}

/// A pooled connection for reads.
pub enum ReadConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl ReadConn {
    pub fn c(&mut self) -> Conn<'_> {
        match self {
            ReadConn::Sqlite(c) => Conn::Sqlite(c),
            ReadConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A write transaction; dropped without `commit` it rolls back, and its outbox with it.
pub struct Tx {
    inner: TxInner,
    /// What to publish on the bus once (and only if) this transaction commits.
    pub outbox: Vec<Envelope>,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn c(&mut self) -> Conn<'_> {
        match &mut self.inner {
            TxInner::Sqlite(t) => Conn::Sqlite(t),
            TxInner::Postgres(t) => Conn::Postgres(t),
        }
    }

    /// True when this transaction holds the whole database's write lock (SQLite's
    /// `BEGIN IMMEDIATE`), so a row lock taken only to order writers would add nothing.
    pub fn locks_database(&self) -> bool {
        matches!(self.inner, TxInner::Sqlite(_))
    }

    /// Commits and hands back the outbox, for the caller to publish.
    pub async fn commit(self) -> sqlx::Result<Vec<Envelope>> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(self.outbox)
    }
}

impl Db {
    /// Opens `database_url` when given (PostgreSQL), else `<data_dir>/ocomms.db` (SQLite).
    pub async fn connect(
        database_url: Option<&str>,
        data_dir: &Path,
        max_connections: u32,
    ) -> anyhow::Result<Db> {
        match database_url {
            Some(url) if url.starts_with("postgres:") || url.starts_with("postgresql:") => {
                let options = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await?;
                Ok(Db::Postgres(pool))
            }
            Some(url) if url.starts_with("sqlite:") => {
                Self::open_sqlite(SqliteConnectOptions::from_str(url)?, max_connections).await
            }
            Some(other) => anyhow::bail!(
                "DATABASE_URL must start with postgres:// or sqlite: (got {:?})",
                other.split(':').next().unwrap_or_default()
            ),
            None => {
                std::fs::create_dir_all(data_dir)?;
                let options = SqliteConnectOptions::new().filename(data_dir.join("ocomms.db"));
                Self::open_sqlite(options, max_connections).await
            }
        }
    }

    async fn open_sqlite(options: SqliteConnectOptions, readers: u32) -> anyhow::Result<Db> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses no committed transaction on a process crash, only possibly the
            // last ones on power loss; the SQLite docs recommend it for WAL.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        // No ping before each use: an embedded database has no connection to lose, and the ping
        // is a round trip to the connection's thread on every request.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(readers.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Db::Sqlite { reader, writer })
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Applies the embedded migrations that are not yet applied; refuses a database that a
    /// newer OComms has migrated (see [`Db::pending_migrations`]).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.pending_migrations().await?;
        match self {
            Db::Sqlite { writer, .. } => SQLITE_MIGRATIONS.run(writer).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// The embedded migrations this database has not had yet, in order (version, description);
    /// an error naming both versions when the database has one this binary does not know — it
    /// was upgraded by a newer OComms, whose schema this one must not touch.
    pub async fn pending_migrations(&self) -> anyhow::Result<Vec<(i64, String)>> {
        use sqlx::migrate::Migrate;
        // Under the migrator's lock, as sqlx's own run: nodes starting together on a fresh
        // PostgreSQL database would otherwise race to create the bookkeeping table.
        async fn applied<C: Migrate>(
            conn: &mut C,
            table: &str,
        ) -> Result<Vec<sqlx::migrate::AppliedMigration>, sqlx::migrate::MigrateError> {
            conn.lock().await?;
            let listed = match conn.ensure_migrations_table(table).await {
                Ok(()) => conn.list_applied_migrations(table).await,
                Err(e) => Err(e),
            };
            conn.unlock().await?;
            listed
        }
        let (migrator, applied) = match self {
            Db::Sqlite { writer, .. } => {
                let mut conn = writer.acquire().await?;
                (&SQLITE_MIGRATIONS, applied(&mut *conn, &SQLITE_MIGRATIONS.table_name).await?)
            }
            Db::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                (&POSTGRES_MIGRATIONS, applied(&mut *conn, &POSTGRES_MIGRATIONS.table_name).await?)
            }
        };
        let known = migrator.iter().map(|m| m.version).max().unwrap_or_default();
        if let Some(newer) = applied.iter().map(|m| m.version).filter(|v| !migrator.version_exists(*v)).max()
        {
            anyhow::bail!(
                "the database's schema is at version {newer}, newer than this OComms knows (up to \
                 {known}): a newer OComms has upgraded it. Run that version or a later one, or \
                 restore the backup taken before the upgrade; this binary will not touch it"
            );
        }
        Ok(migrator
            .iter()
            .filter(|m| !applied.iter().any(|a| a.version == m.version))
            .map(|m| (m.version, m.description.to_string()))
            .collect())
    }

    pub async fn read(&self) -> sqlx::Result<ReadConn> {
        Ok(match self {
            Db::Sqlite { reader, .. } => ReadConn::Sqlite(reader.acquire().await?),
            Db::Postgres(pool) => ReadConn::Postgres(pool.acquire().await?),
        })
    }

    pub async fn begin(&self) -> sqlx::Result<Tx> {
        let inner = match self {
            // IMMEDIATE takes the write lock up front, so a transaction that reads before it
            // writes cannot fail half-way with SQLITE_BUSY against an outside writer (a backup,
            // the admin CLI).
            Db::Sqlite { writer, .. } => TxInner::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx { inner, outbox: Vec::new() })
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let Ok(mut conn) = self.read().await else {
            return false;
        };
        on!(conn.c(), |e| sqlx::query("SELECT 1").execute(e).await.is_ok())
    }

    /// (pool, connections open, of which idle), for metrics.
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        match self {
            Db::Sqlite { reader, writer } => {
                vec![
                    ("reader", reader.size(), reader.num_idle()),
                    ("writer", writer.size(), writer.num_idle()),
                ]
            }
            Db::Postgres(pool) => vec![("postgres", pool.size(), pool.num_idle())],
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { reader, writer } => {
                reader.close().await;
                writer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Multi-row SQL: `head` followed by `rows` copies of `tuple`, whose `?` marks are numbered
/// `$first, $first+1, …` in order (both backends take `$n`). `tuple` is the caller's constant,
/// never input.
pub fn numbered_rows(head: &str, tuple: &str, rows: usize, first: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * (tuple.len() + 16));
    sql.push_str(head);
    let mut n = first - 1;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        for ch in tuple.chars() {
            if ch == '?' {
                n += 1;
                sql.push('$');
                sql.push_str(&n.to_string());
            } else {
                sql.push(ch);
            }
        }
    }
    sql
}

/// True when `err` is a unique-constraint violation (a duplicate the caller should hear about).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbered_rows_numbers_every_mark_in_order() {
        assert_eq!(
            super::numbered_rows("INSERT INTO t VALUES ", "(?, ?, 0)", 2, 1),
            "INSERT INTO t VALUES ($1, $2, 0), ($3, $4, 0)"
        );
        assert_eq!(
            super::numbered_rows("WHERE a = $1 AND y IN (", "?", 2, 2),
            "WHERE a = $1 AND y IN ($2, $3"
        );
    }
}
