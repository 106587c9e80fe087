//! Search in a workspace: messages of the channels the caller can read now, ranked by relevance
//! (recency breaking ties) or by date, with highlighted snippets; on the first page also the
//! notes and shared files that match. See `domain::search` for the query language.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, Conn};
use crate::domain::models::{FileInfo, Message};
use crate::domain::rfc3339;
use crate::domain::search::{self, Query};
use crate::error::{ApiError, ApiResult};
use crate::service::access;
use crate::service::messages::complete;
use crate::state::AppState;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 50;
/// Results reachable by paging: past this, narrow the query.
pub const MAX_OFFSET: i64 = 1000;
const NOTES_SHOWN: i64 = 5;
const FILES_SHOWN: i64 = 5;

#[derive(Serialize, ToSchema)]
pub struct MessageHit {
    pub message: Message,
    pub channel_id: String,
    /// Escaped text with `<mark>` around what matched.
    pub snippet_html: String,
}

#[derive(Serialize, ToSchema)]
pub struct NoteHit {
    /// The channel whose note matched; null for the caller's own note.
    pub channel_id: Option<String>,
    pub version: i64,
    pub updated_at: String,
    pub snippet_html: String,
}

#[derive(Serialize, ToSchema)]
pub struct FileHit {
    pub file: FileInfo,
    pub message_id: String,
    pub channel_id: String,
    pub snippet_html: String,
}

#[derive(Serialize, ToSchema)]
pub struct Results {
    pub results: Vec<MessageHit>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
    /// On the first page only.
    pub notes: Vec<NoteHit>,
    pub files: Vec<FileHit>,
}

/// The request, as the HTTP edge parsed it.
pub struct Request {
    pub q: String,
    pub channel_id: Option<String>,
    pub author_id: Option<String>,
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub has_file: bool,
    pub by_date: bool,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A time parameter as a bound: RFC 3339, or a day `YYYY-MM-DD` read as the `before:` and
/// `after:` operators read it (before the day starts; after it ends), UTC.
pub fn parse_time(field: &str, raw: &str) -> ApiResult<i64> {
    if let Some(day) = search::day_start(raw) {
        return Ok(if field == "after" { day + 24 * 3600 * 1000 } else { day });
    }
    time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| ApiError::invalid(field, "must be a day (YYYY-MM-DD) or an RFC 3339 time"))
}

fn parse_cursor(cursor: Option<&str>) -> ApiResult<i64> {
    match cursor {
        None | Some("") => Ok(0),
        Some(raw) => raw
            .strip_prefix("o")
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| (0..=MAX_OFFSET).contains(n))
            .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor this server gave")),
    }
}

pub async fn search(state: &AppState, user_id: &str, workspace_id: &str, req: Request) -> ApiResult<Results> {
    let limit = req.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be 1 to {MAX_LIMIT}")));
    }
    let offset = parse_cursor(req.cursor.as_deref())?;
    let has_params = req.channel_id.is_some()
        || req.author_id.is_some()
        || req.before.is_some()
        || req.after.is_some()
        || req.has_file;
    let mut query = match search::parse(&req.q) {
        Ok(query) => query,
        Err(_) if req.q.trim().is_empty() && has_params => Query::default(),
        Err(why) => return Err(ApiError::invalid("q", why)),
    };
    query.has_file |= req.has_file;
    if let Some(before) = req.before {
        query.before = Some(query.before.map_or(before, |b| b.min(before)));
    }
    if let Some(after) = req.after {
        query.after = Some(query.after.map_or(after, |a| a.max(after)));
    }

    let mut rd = state.db.read().await?;
    let role = access::workspace_role(rd.c(), user_id, workspace_id).await?;
    let readable = db::search::readable_channels(rd.c(), workspace_id, user_id, role.is_guest()).await?;
    // in:#name and channel_id narrow the readable channels; a name that matches none finds nothing.
    let mut channels: Vec<String> = readable
        .iter()
        .filter(|(id, name)| {
            (query.channels.is_empty() || query.channels.iter().any(|n| n == &name.to_lowercase()))
                && req.channel_id.as_ref().is_none_or(|wanted| wanted == id)
        })
        .map(|(id, _)| id.clone())
        .collect();
    let mut authors = Vec::new();
    for handle in &query.from {
        if handle == "me" {
            authors.push(user_id.to_string());
        } else {
            authors.extend(db::users::ids_by_mention_key(rd.c(), workspace_id, handle).await?);
        }
    }
    if let Some(author) = &req.author_id {
        authors.push(author.clone());
    }
    let nobody = (!query.from.is_empty() || req.author_id.is_some()) && authors.is_empty();
    if channels.is_empty() || nobody {
        return Ok(Results { results: Vec::new(), next_cursor: None, notes: Vec::new(), files: Vec::new() });
    }
    channels.sort_unstable();
    channels.dedup();

    let text = match rd.c() {
        Conn::Sqlite(_) => search::fts5(&query),
        Conn::Postgres(_) => search::tsquery(&query),
    };
    if text.is_none() && !query.excluded.is_empty() {
        return Err(ApiError::invalid("q", "add a word to search for besides the ones to leave out"));
    }
    let filter = db::search::MessageFilter {
        channels: &channels,
        authors: &authors,
        before: query.before,
        after: query.after,
        has_file: query.has_file,
        has_link: query.has_link,
        is_thread: query.is_thread,
        is_pinned: query.is_pinned,
    };
    let hits = db::search::messages(rd.c(), text.as_deref(), &filter, req.by_date, limit + 1, offset).await?;
    let more = hits.len() as i64 > limit;
    let hits: Vec<(String, String)> = hits.into_iter().take(limit as usize).collect();
    let ids: Vec<&str> = hits.iter().map(|(id, _)| id.as_str()).collect();
    let mut rows = db::messages::by_ids(rd.c(), &ids).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    let messages = complete(rd.c(), rows).await?;
    let results = messages
        .into_iter()
        .filter_map(|message| {
            let (_, snippet) = hits.iter().find(|(id, _)| *id == message.id)?;
            Some(MessageHit {
                channel_id: message.channel_id.clone(),
                snippet_html: search::escape_snippet(snippet),
                message,
            })
        })
        .collect();
    let next_cursor = (more && offset + limit <= MAX_OFFSET).then(|| format!("o{}", offset + limit));

    // Notes and files, on the first page of a text search not narrowed to messages alone.
    let (mut notes, mut files) = (Vec::new(), Vec::new());
    let message_only = query.has_file
        || query.has_link
        || query.is_thread
        || query.is_pinned
        || query.before.is_some()
        || query.after.is_some();
    if let (Some(text), 0, false) = (&text, offset, message_only) {
        if authors.is_empty() {
            for (channel_id, version, updated_at, snippet) in
                db::search::notes(rd.c(), text, workspace_id, &channels, user_id, NOTES_SHOWN).await?
            {
                // The caller's own note only when no channel narrows the search.
                if channel_id.is_none() && (req.channel_id.is_some() || !query.channels.is_empty()) {
                    continue;
                }
                notes.push(NoteHit {
                    channel_id,
                    version,
                    updated_at: rfc3339(updated_at),
                    snippet_html: search::escape_snippet(&snippet),
                });
            }
        }
        for (file_id, snippet) in db::search::files(rd.c(), text, &channels, &authors, FILES_SHOWN).await? {
            let Some(row) = db::files::by_id(rd.c(), &file_id).await? else { continue };
            let (Some(message_id), Some(channel_id)) = (row.message_id.clone(), row.channel_id.clone())
            else {
                continue;
            };
            files.push(FileHit {
                file: row.to_api(),
                message_id,
                channel_id,
                snippet_html: search::escape_snippet(&snippet),
            });
        }
    }
    Ok(Results { results, next_cursor, notes, files })
}
