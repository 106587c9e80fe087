//! Full-text search over messages, notes and shared files: FTS5 on SQLite, tsvector + GIN on
//! PostgreSQL (migrations 0009). The two differ in SQL, so each query is written per backend;
//! the filters are shared text. Every query is limited to the channels the caller may read,
//! given by the caller as a list of ids.

use sqlx::AssertSqlSafe;

use super::Conn;
use crate::domain::search::{MARK_END, MARK_START};
use crate::on;

/// Values bound in order as `$1`, `$2`, …
#[derive(Clone, Debug)]
enum Bind {
    Text(String),
    Int(i64),
}

#[derive(Default)]
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn text(&mut self, value: &str) -> &mut Self {
        self.binds.push(Bind::Text(value.to_string()));
        let n = self.binds.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    fn int(&mut self, value: i64) -> &mut Self {
        self.binds.push(Bind::Int(value));
        let n = self.binds.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    fn list(&mut self, values: &[String]) -> &mut Self {
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text(v);
        }
        self.push(")")
    }
}

macro_rules! bound {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Text(t) => query.bind(t.clone()),
                Bind::Int(i) => query.bind(*i),
            };
        }
        query
    }};
}

/// What a message search is narrowed to. `channels` must not be empty.
pub struct MessageFilter<'a> {
    pub channels: &'a [String],
    pub authors: &'a [String],
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub has_file: bool,
    pub has_link: bool,
    pub is_thread: bool,
    pub is_pinned: bool,
}

fn message_filters(sql: &mut Sql, f: &MessageFilter<'_>) {
    sql.push(" AND m.deleted = FALSE AND m.channel_id IN ").list(f.channels);
    if !f.authors.is_empty() {
        sql.push(" AND m.author_id IN ").list(f.authors);
    }
    if let Some(before) = f.before {
        sql.push(" AND m.created_at < ").int(before);
    }
    if let Some(after) = f.after {
        sql.push(" AND m.created_at >= ").int(after);
    }
    if f.has_file {
        sql.push(" AND EXISTS (SELECT 1 FROM files f WHERE f.message_id = m.id AND f.hidden_at IS NULL)");
    }
    if f.has_link {
        sql.push(" AND m.html LIKE '%<a %'");
    }
    if f.is_thread {
        sql.push(" AND (m.thread_root_id IS NOT NULL OR m.reply_count > 0)");
    }
    if f.is_pinned {
        sql.push(" AND EXISTS (SELECT 1 FROM pins p WHERE p.message_id = m.id)");
    }
}

/// Options of PostgreSQL's ts_headline: the same marks as SQLite's snippet().
fn headline_options(words: u32) -> String {
    format!(
        "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={words}, MinWords={}, MaxFragments=2, FragmentDelimiter=\" … \"",
        words / 2
    )
}

/// (message id, raw snippet with marks), best first (or newest first with `by_date`).
/// `text` is the backend's match expression ([`crate::domain::search::fts5`] on SQLite,
/// [`crate::domain::search::tsquery`] on PostgreSQL); None searches by filters alone, newest first.
pub async fn messages(
    c: Conn<'_>,
    text: Option<&str>,
    filter: &MessageFilter<'_>,
    by_date: bool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    let mut sql = Sql::default();
    match (&c, text) {
        (_, None) => {
            sql.push("SELECT m.id, substr(m.content, 1, 240) FROM messages m WHERE TRUE");
            message_filters(&mut sql, filter);
            sql.push(" ORDER BY m.created_at DESC, m.id DESC");
        }
        (Conn::Sqlite(_), Some(text)) => {
            // The index drives (CROSS JOIN keeps SQLite from probing it once per message of a
            // filter), and snippets are made for the page only, not for every match.
            sql.push("SELECT m.rowid, m.id FROM search_messages CROSS JOIN messages m ON m.rowid = search_messages.rowid WHERE search_messages MATCH ").text(text);
            message_filters(&mut sql, filter);
            sql.push(if by_date {
                " ORDER BY m.created_at DESC, m.id DESC"
            } else {
                " ORDER BY search_messages.rank, m.created_at DESC, m.id DESC"
            });
            sql.push(" LIMIT ").int(limit).push(" OFFSET ").int(offset);
            let Conn::Sqlite(e) = c else { unreachable!("matched above") };
            let Sql { text: page_sql, binds } = sql;
            let page: Vec<(i64, String)> =
                bound!(sqlx::query_as(AssertSqlSafe(page_sql)), &binds).fetch_all(&mut *e).await?;
            if page.is_empty() {
                return Ok(Vec::new());
            }
            let mut snippets = Sql::default();
            snippets
                .push("SELECT rowid, snippet(search_messages, 0, char(1), char(2), '…', 24) FROM search_messages WHERE search_messages MATCH ")
                .text(text)
                .push(" AND rowid IN (");
            for (i, (rowid, _)) in page.iter().enumerate() {
                if i > 0 {
                    snippets.push(", ");
                }
                snippets.int(*rowid);
            }
            snippets.push(")");
            let Sql { text: snippet_sql, binds } = snippets;
            let made: Vec<(i64, String)> =
                bound!(sqlx::query_as(AssertSqlSafe(snippet_sql)), &binds).fetch_all(&mut *e).await?;
            return Ok(page
                .into_iter()
                .map(|(rowid, id)| {
                    let snippet =
                        made.iter().find(|(r, _)| *r == rowid).map(|(_, s)| s.clone()).unwrap_or_default();
                    (id, snippet)
                })
                .collect());
        }
        (Conn::Postgres(_), Some(text)) => {
            sql.push("SELECT hit.id, ts_headline('simple', regexp_replace(hit.content, '[-./@:_~?=&#%+<>\\\\]+', ' ', 'g'), to_tsquery('simple', ").text(text);
            sql.push("), ").text(&headline_options(24));
            sql.push(") FROM (SELECT m.id, m.content, m.created_at, ts_rank_cd(m.search, q) AS rank FROM messages m, to_tsquery('simple', ").text(text);
            sql.push(") q WHERE m.search @@ q");
            message_filters(&mut sql, filter);
            let order = if by_date {
                " ORDER BY m.created_at DESC, m.id DESC"
            } else {
                " ORDER BY rank DESC, m.created_at DESC, m.id DESC"
            };
            sql.push(order).push(" LIMIT ").int(limit).push(" OFFSET ").int(offset).push(") hit");
            sql.push(if by_date {
                " ORDER BY hit.created_at DESC, hit.id DESC"
            } else {
                " ORDER BY hit.rank DESC, hit.created_at DESC, hit.id DESC"
            });
            return run(c, sql).await;
        }
    }
    sql.push(" LIMIT ").int(limit).push(" OFFSET ").int(offset);
    run(c, sql).await
}

async fn run(c: Conn<'_>, sql: Sql) -> sqlx::Result<Vec<(String, String)>> {
    let Sql { text, binds } = sql;
    on!(c, |e| {
        let query = bound!(sqlx::query_as(AssertSqlSafe(text)), &binds);
        query.fetch_all(e).await
    })
}

/// A note that matched: (channel id, or None for the caller's own; version; updated at; snippet).
pub type NoteHit = (Option<String>, i64, i64, String);

/// Channel notes of `channels` and the caller's own note in the workspace that match.
pub async fn notes(
    c: Conn<'_>,
    text: &str,
    workspace_id: &str,
    channels: &[String],
    owner_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<NoteHit>> {
    let mut sql = Sql::default();
    let scope = |sql: &mut Sql| {
        sql.push(" AND n.workspace_id = ").text(workspace_id);
        sql.push(" AND (n.owner_id = ").text(owner_id).push(" OR n.channel_id IN ").list(channels).push(")");
    };
    match &c {
        Conn::Sqlite(_) => {
            sql.push("SELECT n.channel_id, n.version, n.updated_at, snippet(search_notes, 0, char(1), char(2), '…', 24) FROM search_notes JOIN notes n ON n.rowid = search_notes.rowid WHERE search_notes MATCH ").text(text);
            scope(&mut sql);
            sql.push(" ORDER BY bm25(search_notes) LIMIT ").int(limit);
        }
        Conn::Postgres(_) => {
            sql.push("SELECT n.channel_id, n.version, n.updated_at, ts_headline('simple', regexp_replace(n.content, '[-./@:_~?=&#%+<>\\\\]+', ' ', 'g'), q, ")
                .text(&headline_options(24));
            sql.push(") FROM notes n, to_tsquery('simple', ").text(text).push(") q WHERE n.search @@ q");
            scope(&mut sql);
            sql.push(" ORDER BY ts_rank_cd(n.search, q) DESC LIMIT ").int(limit);
        }
    }
    let Sql { text, binds } = sql;
    on!(c, |e| {
        let query = bound!(sqlx::query_as(AssertSqlSafe(text)), &binds);
        query.fetch_all(e).await
    })
}

/// Shared files of `channels` whose name or text matches: (file id, raw snippet).
pub async fn files(
    c: Conn<'_>,
    text: &str,
    channels: &[String],
    uploaders: &[String],
    limit: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    let mut sql = Sql::default();
    let scope = |sql: &mut Sql| {
        sql.push(" AND f.hidden_at IS NULL AND f.message_id IS NOT NULL AND f.channel_id IN ").list(channels);
        if !uploaders.is_empty() {
            sql.push(" AND f.uploader_id IN ").list(uploaders);
        }
    };
    match &c {
        Conn::Sqlite(_) => {
            sql.push("SELECT f.id, snippet(search_files, -1, char(1), char(2), '…', 16) FROM search_files JOIN files f ON f.rowid = search_files.rowid WHERE search_files MATCH ").text(text);
            scope(&mut sql);
            sql.push(" ORDER BY bm25(search_files), f.created_at DESC LIMIT ").int(limit);
        }
        Conn::Postgres(_) => {
            sql.push("SELECT f.id, ts_headline('simple', regexp_replace(f.name || ' ' || COALESCE(f.text_content, ''), '[-./@:_~?=&#%+<>\\\\]+', ' ', 'g'), q, ")
                .text(&headline_options(16));
            sql.push(") FROM files f, to_tsquery('simple', ").text(text).push(") q WHERE f.search @@ q");
            scope(&mut sql);
            sql.push(" ORDER BY ts_rank_cd(f.search, q) DESC, f.created_at DESC LIMIT ").int(limit);
        }
    }
    run(c, sql).await
}

/// The channels of a workspace the caller may read (members; non-guests also public ones), with
/// their names: (id, name).
pub async fn readable_channels(
    c: Conn<'_>,
    workspace_id: &str,
    user_id: &str,
    guest: bool,
) -> sqlx::Result<Vec<(String, String)>> {
    on!(c, |e| {
        sqlx::query_as(
            "SELECT c.id, c.name FROM channels c
             LEFT JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = $2
             WHERE c.workspace_id = $1 AND (cm.user_id IS NOT NULL OR (c.kind = 'public' AND NOT $3))",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(guest)
        .fetch_all(e)
        .await
    })
}
