//! Messages: send (idempotent per author), list, get, edit, delete, thread replies, history.
//! A message and its event are written with the channel's next seq in one transaction; sends
//! are queued to `send_queue`, which shares transactions between concurrent sends.

use std::collections::HashMap;

use crate::db::{self, Conn, Tx, messages::MessageRow};
use crate::domain::event::Event;
use crate::domain::event::Status;
use crate::domain::markdown::{BROADCAST, GROUP, mention_handles};
use crate::domain::models::{Message, MessageVersion};
use crate::domain::{new_id, now_ms, rfc3339, validate};
use crate::error::{ApiError, ApiResult};
use crate::service::access::{self, ChannelAccess};
use crate::service::send_queue::{Draft, SendError};
use crate::service::{files, log, reactions};
use crate::state::AppState;

pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;
/// Replies in one page of a thread, by default and at most.
pub const DEFAULT_REPLIES: i64 = 100;
pub const MAX_REPLIES: i64 = 1000;
/// Thread participants listed on a root.
pub const MAX_PARTICIPANTS: usize = 5;

pub fn to_api(row: MessageRow, mentions: Vec<String>) -> Message {
    Message {
        id: row.id,
        channel_id: row.channel_id,
        seq: row.seq,
        author_id: row.author_id,
        content: row.content,
        html: row.html,
        created_at: rfc3339(row.created_at),
        edited_at: row.edited_at.map(rfc3339),
        deleted: row.deleted,
        thread_root_id: row.thread_root_id,
        reply_count: row.reply_count,
        last_reply_at: row.last_reply_at.map(rfc3339),
        reply_user_ids: Vec::new(),
        also_in_channel: row.also_in_channel,
        pinned: false,
        reactions: Vec::new(),
        attachments: Vec::new(),
        mentions,
        idempotency_key: row.idempotency_key,
    }
}

/// A message's text: within the length limit, and not blank unless files come with it.
fn check_content(content: &str, has_files: bool) -> ApiResult<()> {
    if content.chars().count() > validate::MAX_MESSAGE_CHARS {
        return Err(ApiError::TooLarge(format!(
            "content is longer than {} characters",
            validate::MAX_MESSAGE_CHARS
        )));
    }
    if content.trim().is_empty() && !has_files {
        return Err(ApiError::invalid("content", "must not be empty"));
    }
    Ok(())
}

/// Resolves the `@mentions` of `content`: (handle → what it renders as, see
/// [`crate::domain::markdown::Markdown::render`]; every mentioned user id). A handle is a person
/// of the workspace, else a group (its members in the channel); `@channel` (or `@everyone`) is
/// every member of the channel, `@here` those online now. The author is never mentioned by a
/// broadcast or group.
async fn resolve_mentions(
    state: &AppState,
    c: &mut Conn<'_>,
    where_: (&str, &str),
    author_id: &str,
    content: &str,
) -> ApiResult<(HashMap<String, String>, Vec<String>)> {
    let (workspace_id, channel_id) = where_;
    let mut by_handle = HashMap::new();
    let mut mentioned: Vec<String> = Vec::new();
    let add = |ids: Vec<String>, mentioned: &mut Vec<String>| {
        for id in ids {
            if !mentioned.contains(&id) {
                mentioned.push(id);
            }
        }
    };
    for handle in mention_handles(content) {
        let ids = match handle.as_str() {
            "channel" | "everyone" | "here" => {
                let mut ids: Vec<String> = db::channels::members(reborrow(c), channel_id)
                    .await?
                    .into_iter()
                    .map(|u| u.id)
                    .filter(|id| id != author_id)
                    .collect();
                if handle == "here" {
                    let statuses = state.presence.status_of(&ids).await;
                    ids = ids
                        .into_iter()
                        .zip(statuses)
                        .filter(|(_, s)| *s == Status::Online)
                        .map(|(id, _)| id)
                        .collect();
                }
                by_handle.insert(handle.clone(), BROADCAST.to_string());
                ids
            }
            _ => {
                let people = db::users::ids_by_mention_key(reborrow(c), workspace_id, &handle).await?;
                if let Some(first) = people.first() {
                    by_handle.insert(handle.clone(), first.clone());
                    people
                } else if let Some(group_id) =
                    db::groups::by_handle(reborrow(c), workspace_id, &handle).await?
                {
                    by_handle.insert(handle.clone(), format!("{GROUP}{group_id}"));
                    db::groups::members_in_channel(reborrow(c), &group_id, channel_id)
                        .await?
                        .into_iter()
                        .filter(|id| id != author_id)
                        .collect()
                } else {
                    Vec::new()
                }
            }
        };
        add(ids, &mut mentioned);
    }
    Ok((by_handle, mentioned))
}

pub(crate) fn reborrow<'a>(c: &'a mut Conn<'_>) -> Conn<'a> {
    match c {
        Conn::Sqlite(e) => Conn::Sqlite(e),
        Conn::Postgres(e) => Conn::Postgres(e),
    }
}

pub struct NewMessage {
    pub content: String,
    pub idempotency_key: Option<String>,
    pub thread_root_id: Option<String>,
    /// A reply that is also shown in the channel.
    pub also_send_to_channel: bool,
    /// Uploads to attach.
    pub file_ids: Vec<String>,
}

/// Posts a message. Returns it and whether it was created now (false: an idempotent retry).
pub async fn send(
    state: &AppState,
    user_id: &str,
    channel_id: &str,
    input: NewMessage,
) -> ApiResult<(Message, bool)> {
    check_content(&input.content, !input.file_ids.is_empty())?;
    if input.also_send_to_channel && input.thread_root_id.is_none() {
        return Err(ApiError::invalid("also_send_to_channel", "is for a reply: give thread_root_id too"));
    }
    let key = input.idempotency_key.filter(|k| !k.is_empty());
    if key.as_ref().is_some_and(|k| k.chars().count() > validate::MAX_IDEMPOTENCY_KEY_CHARS) {
        return Err(ApiError::invalid("idempotency_key", "must be at most 100 characters"));
    }
    let (mentions, attachments) = {
        let mut rd = state.db.read().await?;
        let access = access::readable_channel(rd.c(), user_id, channel_id).await?;
        access.require_post()?;
        if let Some(key) = &key
            && let Some(original) = db::messages::by_idempotency_key(rd.c(), user_id, key).await?
        {
            return replay(&mut rd.c(), original, channel_id).await;
        }
        let attachments = files::attachable(rd.c(), user_id, &access.workspace_id, &input.file_ids).await?;
        let mentions =
            resolve_mentions(state, &mut rd.c(), (&access.workspace_id, channel_id), user_id, &input.content)
                .await?;
        (mentions, attachments)
    };
    // Rendered off the async threads, holding no connection.
    let (by_handle, mentions) = mentions;
    let html = state.render_markdown(input.content.clone(), by_handle).await?;

    let draft = Draft {
        row: MessageRow {
            id: new_id(),
            channel_id: channel_id.to_string(),
            seq: 0, // taken when written
            author_id: user_id.to_string(),
            content: input.content,
            html,
            thread_root_id: input.thread_root_id,
            reply_count: 0,
            last_reply_at: None,
            also_in_channel: input.also_send_to_channel,
            created_at: now_ms(),
            edited_at: None,
            deleted: false,
            idempotency_key: key.clone(),
        },
        idempotency_key: key.clone(),
        mentions,
        attachments,
    };
    match state.send_queue.send(draft).await {
        Ok(message) => Ok((message, true)),
        Err(SendError::Api(e)) => Err(e),
        // A concurrent retry with the same key won the race: answer with its message.
        Err(SendError::DuplicateKey) => {
            let mut rd = state.db.read().await?;
            let original =
                db::messages::by_idempotency_key(rd.c(), user_id, key.as_deref().unwrap_or_default())
                    .await?
                    .ok_or(ApiError::conflict("idempotency_key is in use"))?;
            replay(&mut rd.c(), original, channel_id).await
        }
    }
}

/// The answer to a retried send: the original message, if it was sent to the same channel.
async fn replay(c: &mut Conn<'_>, original: MessageRow, channel_id: &str) -> ApiResult<(Message, bool)> {
    if original.channel_id != channel_id {
        return Err(ApiError::conflict("idempotency_key was already used in another channel"));
    }
    Ok((one(reborrow(c), original).await?, false))
}

/// One message as clients see it, with its mentions and reactions.
pub(crate) async fn one(c: Conn<'_>, row: MessageRow) -> ApiResult<Message> {
    let mut messages = complete(c, vec![row]).await?;
    messages.pop().ok_or(ApiError::NotFound("message"))
}

/// Messages as clients see them, in the order given: mentions, reactions, pins, thread
/// participants and attachments added with one query each for the whole batch.
pub(crate) async fn complete(mut c: Conn<'_>, rows: Vec<MessageRow>) -> ApiResult<Vec<Message>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut mentions: HashMap<String, Vec<String>> = HashMap::new();
    for (message_id, user_id) in db::messages::mentions_of(reborrow(&mut c), &ids).await? {
        mentions.entry(message_id).or_default().push(user_id);
    }
    let mut reactions = reactions::group(db::reactions::of_messages(reborrow(&mut c), &ids).await?);
    let pinned: std::collections::HashSet<String> =
        db::reactions::pinned_among(reborrow(&mut c), &ids).await?.into_iter().collect();
    let mut attachments: HashMap<String, Vec<crate::domain::models::FileInfo>> = HashMap::new();
    for file in db::files::of_messages(reborrow(&mut c), &ids).await? {
        if let Some(message_id) = &file.message_id {
            attachments.entry(message_id.clone()).or_default().push(file.to_api());
        }
    }
    let roots: Vec<&str> = rows.iter().filter(|r| r.reply_count > 0).map(|r| r.id.as_str()).collect();
    let mut participants: HashMap<String, Vec<String>> = HashMap::new();
    for (root_id, user_id) in db::threads::participants(c, &roots).await? {
        let list = participants.entry(root_id).or_default();
        if list.len() < MAX_PARTICIPANTS {
            list.push(user_id);
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let id = r.id.clone();
            let mut message = to_api(r, mentions.remove(&id).unwrap_or_default());
            message.reactions = reactions.remove(&id).unwrap_or_default();
            message.pinned = pinned.contains(&id);
            message.reply_user_ids = participants.remove(&id).unwrap_or_default();
            message.attachments = attachments.remove(&id).unwrap_or_default();
            message
        })
        .collect())
}

pub struct PageQuery {
    pub before_seq: Option<i64>,
    pub after_seq: Option<i64>,
    pub limit: Option<i64>,
}

/// A page of top-level messages, ascending by seq: the newest unless `after_seq` alone is given.
/// `has_more` says whether there are more in the direction of paging.
pub async fn list(
    state: &AppState,
    user_id: &str,
    channel_id: &str,
    q: PageQuery,
) -> ApiResult<(Vec<Message>, bool)> {
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be 1 to {MAX_PAGE}")));
    }
    for (field, value) in [("before_seq", q.before_seq), ("after_seq", q.after_seq)] {
        if value.is_some_and(|v| v < 0) {
            return Err(ApiError::invalid(field, "must be zero or more"));
        }
    }
    let mut rd = state.db.read().await?;
    access::readable_channel(rd.c(), user_id, channel_id).await?;
    let newest_first = q.after_seq.is_none();
    let after = q.after_seq.unwrap_or(0);
    let before = q.before_seq.unwrap_or(i64::MAX);
    let mut rows = db::messages::page(rd.c(), channel_id, after, before, limit + 1, newest_first).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    if newest_first {
        rows.reverse();
    }
    Ok((complete(rd.c(), rows).await?, has_more))
}

/// Loads a message and the caller's access to its channel; 404 when they may not read it.
pub(crate) async fn load(
    c: &mut Conn<'_>,
    user_id: &str,
    message_id: &str,
) -> ApiResult<(MessageRow, ChannelAccess)> {
    let row = db::messages::by_id(reborrow(c), message_id).await?.ok_or(ApiError::NotFound("message"))?;
    let access = access::readable_channel(reborrow(c), user_id, &row.channel_id)
        .await
        .map_err(|_| ApiError::NotFound("message"))?;
    Ok((row, access))
}

pub async fn get(state: &AppState, user_id: &str, message_id: &str) -> ApiResult<Message> {
    let mut rd = state.db.read().await?;
    let (row, _) = load(&mut rd.c(), user_id, message_id).await?;
    one(rd.c(), row).await
}

/// Edits a message: its author, while still a member of an unarchived channel (the rule for
/// posting). The channel is locked before the message is read again, so an edit racing a
/// delete either lands before it or finds the tombstone.
pub async fn edit(state: &AppState, user_id: &str, message_id: &str, content: String) -> ApiResult<Message> {
    check_content(&content, true)?;
    let (by_handle, mentions) = {
        let mut rd = state.db.read().await?;
        let (row, access) = load(&mut rd.c(), user_id, message_id).await?;
        check_editable(&row, &access, user_id)?;
        // Blank text is for a message that shares files.
        let has_files = !db::files::of_messages(rd.c(), &[&row.id]).await?.is_empty();
        check_content(&content, has_files)?;
        let channel_id = row.channel_id.clone();
        resolve_mentions(state, &mut rd.c(), (&access.workspace_id, &channel_id), user_id, &content).await?
    };
    let html = state.render_markdown(content.clone(), by_handle).await?;
    let mut tx = state.db.begin().await?;
    let channel_id = locked_channel_of(&mut tx, message_id).await?;
    let (row, access) = load(&mut tx.c(), user_id, message_id).await?;
    check_editable(&row, &access, user_id)?;
    if row.content == content {
        return one(tx.c(), row).await;
    }
    let now = now_ms();
    db::messages::push_version(tx.c(), &row.id, &row.content, row.edited_at.unwrap_or(row.created_at))
        .await?;
    db::messages::set_content(tx.c(), &row.id, &content, &html, now).await?;
    let updated = MessageRow { content, html, edited_at: Some(now), ..row };
    db::messages::set_mentions(tx.c(), &updated, &mentions).await?;
    let message = one(tx.c(), updated).await?;
    let event = Event::MessageUpdated { message: message.clone() };
    log::record(&mut tx, &channel_id, &event, now).await?;
    state.commit(tx).await?;
    Ok(message)
}

fn check_editable(row: &MessageRow, access: &ChannelAccess, user_id: &str) -> ApiResult<()> {
    if row.author_id != user_id {
        return Err(ApiError::forbidden("only the author edits a message"));
    }
    if row.deleted {
        return Err(ApiError::NotFound("message"));
    }
    if !access.is_member {
        return Err(ApiError::forbidden("join the channel again to edit your messages in it"));
    }
    if access.archived {
        return Err(ApiError::forbidden("the channel is archived"));
    }
    Ok(())
}

/// Locks the channel of a message for the rest of the transaction (every change to a channel's
/// messages takes this lock first) and returns its id; 404 for an unknown message.
pub(crate) async fn locked_channel_of(tx: &mut Tx, message_id: &str) -> ApiResult<String> {
    let row = db::messages::by_id(tx.c(), message_id).await?.ok_or(ApiError::NotFound("message"))?;
    log::lock_channel(tx, &row.channel_id).await?;
    Ok(row.channel_id)
}

/// Deletes a message (author or workspace admin, member or not: taking back your own words
/// needs no membership): it stays as a tombstone with its seq.
pub async fn delete(state: &AppState, user_id: &str, message_id: &str) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    let channel_id = locked_channel_of(&mut tx, message_id).await?;
    let (row, access) = load(&mut tx.c(), user_id, message_id).await?;
    if row.author_id != user_id && !access.role.is_admin() {
        return Err(ApiError::forbidden("only the author or an admin deletes a message"));
    }
    if row.deleted {
        return Ok(());
    }
    db::messages::tombstone(tx.c(), &row.id).await?;
    let now = now_ms();
    // Its files are served to nobody from now; upkeep purges their bytes.
    db::files::hide_of_message(tx.c(), &row.id, now).await?;
    let event = Event::MessageDeleted { message_id: row.id.clone() };
    log::record(&mut tx, &channel_id, &event, now).await?;
    // A deleted reply no longer counts on its root; those who took part stay listed.
    if let Some(root_id) = &row.thread_root_id {
        let (reply_count, last_reply_at) = db::messages::drop_reply(tx.c(), root_id).await?;
        let reply_user_ids = db::threads::participants_of(tx.c(), root_id, MAX_PARTICIPANTS).await?;
        let event = Event::ThreadUpdated {
            root_id: root_id.clone(),
            reply_count,
            last_reply_at: rfc3339(last_reply_at.unwrap_or(row.created_at)),
            reply_user_ids,
        };
        log::record(&mut tx, &channel_id, &event, now).await?;
    }
    state.commit(tx).await?;
    Ok(())
}

/// A page of a thread's replies, oldest first: the first `limit` (or those after `after_seq`),
/// or with `before_seq` the newest before it. `has_more` says whether more lie in the direction
/// of paging.
pub async fn replies(
    state: &AppState,
    user_id: &str,
    message_id: &str,
    q: PageQuery,
) -> ApiResult<(Vec<Message>, bool)> {
    let limit = q.limit.unwrap_or(DEFAULT_REPLIES);
    if !(1..=MAX_REPLIES).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be 1 to {MAX_REPLIES}")));
    }
    for (field, value) in [("before_seq", q.before_seq), ("after_seq", q.after_seq)] {
        if value.is_some_and(|v| v < 0) {
            return Err(ApiError::invalid(field, "must be zero or more"));
        }
    }
    let mut rd = state.db.read().await?;
    let (root, _) = load(&mut rd.c(), user_id, message_id).await?;
    let newest_first = q.before_seq.is_some() && q.after_seq.is_none();
    let after = q.after_seq.unwrap_or(0);
    let before = q.before_seq.unwrap_or(i64::MAX);
    let mut rows = db::messages::replies(rd.c(), &root.id, after, before, limit + 1, newest_first).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    if newest_first {
        rows.reverse();
    }
    Ok((complete(rd.c(), rows).await?, has_more))
}

/// Every version of a message, oldest first, the current one last; for its author and admins.
pub async fn history(state: &AppState, user_id: &str, message_id: &str) -> ApiResult<Vec<MessageVersion>> {
    let mut rd = state.db.read().await?;
    let (row, access) = load(&mut rd.c(), user_id, message_id).await?;
    if row.author_id != user_id && !access.role.is_admin() {
        return Err(ApiError::forbidden("only the author or an admin sees a message's history"));
    }
    let mut versions: Vec<MessageVersion> = db::messages::versions(rd.c(), &row.id)
        .await?
        .into_iter()
        .map(|(content, at)| MessageVersion { content, edited_at: rfc3339(at) })
        .collect();
    if !row.deleted {
        versions.push(MessageVersion {
            content: row.content,
            edited_at: rfc3339(row.edited_at.unwrap_or(row.created_at)),
        });
    }
    Ok(versions)
}
