//! Notes: a living Markdown document per channel (its members edit it; a save is a `note.updated`
//! event in the channel's log) and a private one per person per workspace. Saves are optimistic:
//! each names the version it was made from, and a save over a newer version is refused with the
//! current note, so nothing is overwritten unseen. The last [`KEEP_VERSIONS`] versions are kept.

use std::collections::HashMap;

use crate::db::{self, notes::NoteRow, notes::Whose};
use crate::domain::event::Event;
use crate::domain::models::{Note, NoteVersion, NoteVersionInfo};
use crate::domain::{new_id, now_ms, rfc3339};
use crate::error::{ApiError, ApiResult};
use crate::service::{access, log};
use crate::state::AppState;

pub const MAX_NOTE_CHARS: usize = 100_000;
pub const KEEP_VERSIONS: i64 = 50;

/// The outcome of a save: the new note, or the current one it conflicted with.
pub enum Saved {
    Saved(Note),
    Conflict(Note),
}

fn to_api(row: Option<&NoteRow>) -> Note {
    match row {
        Some(n) => Note {
            content: n.content.clone(),
            html: n.html.clone(),
            version: n.version,
            updated_at: Some(rfc3339(n.updated_at)),
            last_edited_by: n.last_edited_by.clone(),
        },
        None => Note {
            content: String::new(),
            html: String::new(),
            version: 0,
            updated_at: None,
            last_edited_by: None,
        },
    }
}

/// Where a note lives, once the caller's right to it is checked.
enum Place {
    Channel { workspace_id: String, channel_id: String },
    Personal { workspace_id: String, owner_id: String },
}

impl Place {
    fn whose(&self) -> Whose<'_> {
        match self {
            Place::Channel { channel_id, .. } => Whose::Channel(channel_id),
            Place::Personal { workspace_id, owner_id } => Whose::Personal { workspace_id, owner_id },
        }
    }
}

/// A channel's note: for whoever can read the channel (404 otherwise); `for_edit` also needs
/// membership of an unarchived channel (403).
async fn channel_place(c: db::Conn<'_>, user_id: &str, channel_id: &str, for_edit: bool) -> ApiResult<Place> {
    let access = access::readable_channel(c, user_id, channel_id).await?;
    if for_edit {
        if !access.is_member {
            return Err(ApiError::forbidden("join the channel to edit its note"));
        }
        if access.archived {
            return Err(ApiError::forbidden("the channel is archived"));
        }
    }
    Ok(Place::Channel { workspace_id: access.workspace_id, channel_id: channel_id.to_string() })
}

async fn personal_place(c: db::Conn<'_>, user_id: &str, workspace_id: &str) -> ApiResult<Place> {
    access::workspace_role(c, user_id, workspace_id).await?;
    Ok(Place::Personal { workspace_id: workspace_id.to_string(), owner_id: user_id.to_string() })
}

/// Which note a request names.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    Channel(&'a str),
    Personal(&'a str),
}

async fn place(c: db::Conn<'_>, user_id: &str, target: Target<'_>, for_edit: bool) -> ApiResult<Place> {
    match target {
        Target::Channel(cid) => channel_place(c, user_id, cid, for_edit).await,
        Target::Personal(wid) => personal_place(c, user_id, wid).await,
    }
}

pub async fn get(state: &AppState, user_id: &str, target: Target<'_>) -> ApiResult<Note> {
    let mut rd = state.db.read().await?;
    let place = place(rd.c(), user_id, target, false).await?;
    Ok(to_api(db::notes::get(rd.c(), place.whose()).await?.as_ref()))
}

/// Saves `content` as the version after `expected_version`.
pub async fn save(
    state: &AppState,
    user_id: &str,
    target: Target<'_>,
    content: String,
    expected_version: i64,
) -> ApiResult<Saved> {
    {
        let mut rd = state.db.read().await?;
        place(rd.c(), user_id, target, true).await?;
    }
    if content.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::TooLarge(format!("a note is at most {MAX_NOTE_CHARS} characters")));
    }
    if expected_version < 0 {
        return Err(ApiError::invalid("expected_version", "must be zero or more"));
    }
    // Rendered off the async threads, holding no connection; mentions are not resolved in notes.
    let html = state.render_markdown(content.clone(), HashMap::new()).await?;
    let mut tx = state.db.begin().await?;
    // Under the channel's lock (its seq comes next) or the owner's row lock, decided again.
    match target {
        Target::Channel(cid) => log::lock_channel(&mut tx, cid).await?,
        Target::Personal(_) => db::users::lock(tx.c(), user_id).await?,
    }
    let place = place(tx.c(), user_id, target, true).await?;
    let current = db::notes::get(tx.c(), place.whose()).await?;
    let current_version = current.as_ref().map_or(0, |n| n.version);
    if current_version != expected_version {
        return Ok(Saved::Conflict(to_api(current.as_ref())));
    }
    let now = now_ms();
    let (workspace_id, channel_id, owner_id) = match &place {
        Place::Channel { workspace_id, channel_id } => (workspace_id.clone(), Some(channel_id.clone()), None),
        Place::Personal { workspace_id, owner_id } => (workspace_id.clone(), None, Some(owner_id.clone())),
    };
    let row = NoteRow {
        id: current.as_ref().map_or_else(new_id, |n| n.id.clone()),
        workspace_id,
        channel_id: channel_id.clone(),
        owner_id,
        content,
        html,
        version: expected_version + 1,
        updated_at: now,
        last_edited_by: Some(user_id.to_string()),
    };
    let written = match &current {
        None => db::notes::insert(tx.c(), &row).await?,
        Some(_) => db::notes::update(tx.c(), &row, expected_version).await?,
    };
    if !written {
        // Only a first save can race past the lock (two personal first saves are serialised by
        // the row lock; a channel's by its lock): answer with what is there now.
        drop(tx);
        let mut rd = state.db.read().await?;
        return Ok(Saved::Conflict(to_api(db::notes::get(rd.c(), place.whose()).await?.as_ref())));
    }
    db::notes::push_version(tx.c(), &row, KEEP_VERSIONS).await?;
    if let Some(channel_id) = &channel_id {
        let event = Event::NoteUpdated { version: row.version, editor_id: user_id.to_string() };
        log::record(&mut tx, channel_id, &event, now).await?;
    }
    state.commit(tx).await?;
    Ok(Saved::Saved(to_api(Some(&row))))
}

pub async fn versions(
    state: &AppState,
    user_id: &str,
    target: Target<'_>,
) -> ApiResult<Vec<NoteVersionInfo>> {
    let mut rd = state.db.read().await?;
    let place = place(rd.c(), user_id, target, false).await?;
    let Some(note) = db::notes::get(rd.c(), place.whose()).await? else {
        return Ok(Vec::new());
    };
    Ok(db::notes::versions(rd.c(), &note.id)
        .await?
        .into_iter()
        .map(|v| NoteVersionInfo {
            version: v.version,
            length: v.content.chars().count() as i64,
            edited_by: v.edited_by,
            edited_at: rfc3339(v.edited_at),
        })
        .collect())
}

pub async fn version(
    state: &AppState,
    user_id: &str,
    target: Target<'_>,
    version: i64,
) -> ApiResult<NoteVersion> {
    let row = {
        let mut rd = state.db.read().await?;
        let place = place(rd.c(), user_id, target, false).await?;
        let note = db::notes::get(rd.c(), place.whose()).await?.ok_or(ApiError::NotFound("version"))?;
        db::notes::version(rd.c(), &note.id, version).await?.ok_or(ApiError::NotFound("version"))?
    };
    let html = state.render_markdown(row.content.clone(), HashMap::new()).await?;
    Ok(NoteVersion {
        version: row.version,
        content: row.content,
        html,
        edited_by: row.edited_by,
        edited_at: rfc3339(row.edited_at),
    })
}
