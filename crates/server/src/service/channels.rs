//! Channels and DMs: listing with read state, creation, settings, membership, read markers and
//! the event log. Every membership change records its event in the same transaction.

use crate::db::{
    self, Tx,
    channels::{ChannelRow, NewChannel},
};
use crate::domain::event::{Envelope, Event};
use crate::domain::models::{Channel, ChannelEvent, ChannelKind, Notifications, User};
use crate::domain::{new_id, now_ms, rfc3339, validate};
use crate::error::{ApiError, ApiResult};
use crate::service::access::{self, corrupt};
use crate::service::log;
use crate::state::AppState;

/// A DM or group DM holds 2 to 9 people, the caller included.
pub const MAX_DM_PEOPLE: usize = 9;
/// Events per page of `GET /channels/{id}/events`.
pub const MAX_EVENTS_PAGE: i64 = 1000;
pub const DEFAULT_EVENTS_PAGE: i64 = 500;

pub fn to_api(row: ChannelRow) -> ApiResult<Channel> {
    Ok(Channel {
        kind: ChannelKind::parse(&row.kind).ok_or_else(|| corrupt("channel kind", &row.kind))?,
        dm_user_ids: row
            .dm_key
            .as_deref()
            .map(|k| k.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        id: row.id,
        workspace_id: row.workspace_id,
        name: row.name,
        topic: row.topic,
        is_default: row.is_default,
        archived: row.archived,
        is_member: row.is_member,
        last_seq: row.last_seq,
        last_read_seq: row.last_read_seq,
        unread_count: row.unread_count,
        mention_count: row.mention_count,
        notifications: Notifications {
            level: row.notify_level,
            muted: row.muted,
            default: row.notify_default,
        },
        created_by: row.created_by,
        created_at: rfc3339(row.created_at),
    })
}

async fn load(c: db::Conn<'_>, viewer: &str, channel_id: &str) -> ApiResult<Channel> {
    to_api(db::channels::get_for(c, viewer, channel_id).await?.ok_or(ApiError::NotFound("channel"))?)
}

/// Creates a channel with its first members, each join recorded in the log.
pub async fn insert_with_members(tx: &mut Tx, channel: &NewChannel<'_>, members: &[String]) -> ApiResult<()> {
    match db::channels::insert(tx.c(), channel).await {
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ApiError::conflict("a channel with this name already exists"));
        }
        other => other?,
    }
    for user_id in members {
        add_member_in(tx, channel.id, user_id, channel.now).await?;
    }
    Ok(())
}

/// Adds a member and records `channel.member_joined`; the joiner starts with everything read.
/// Their sockets start following the channel before the join event is delivered.
pub async fn add_member_in(tx: &mut Tx, channel_id: &str, user_id: &str, now: i64) -> ApiResult<bool> {
    if !db::channels::add_member(tx.c(), channel_id, user_id, 0, now).await? {
        return Ok(false);
    }
    let seq = log::record(tx, channel_id, &Event::MemberJoined { user_id: user_id.into() }, now).await?;
    db::channels::mark_read(tx.c(), channel_id, user_id, seq).await?;
    let mut channel = load(tx.c(), "", channel_id).await?;
    channel.is_member = true;
    let access = Envelope::Access { user_id: user_id.into(), channel, gained: true };
    let join_at = tx.outbox.len().saturating_sub(1);
    tx.outbox.insert(join_at, access);
    Ok(true)
}

/// Removes a member and records `channel.member_left`; false when they were not one. Their
/// sockets get the leave event, then stop following the channel.
pub async fn remove_member_in(tx: &mut Tx, channel_id: &str, user_id: &str, now: i64) -> ApiResult<bool> {
    if !db::channels::remove_member(tx.c(), channel_id, user_id).await? {
        return Ok(false);
    }
    log::record(tx, channel_id, &Event::MemberLeft { user_id: user_id.into() }, now).await?;
    let channel = load(tx.c(), "", channel_id).await?;
    tx.outbox.push(Envelope::Access { user_id: user_id.into(), channel, gained: false });
    Ok(true)
}

pub async fn list(state: &AppState, user_id: &str, workspace_id: &str) -> ApiResult<Vec<Channel>> {
    let mut rd = state.db.read().await?;
    let role = access::workspace_role(rd.c(), user_id, workspace_id).await?;
    db::channels::list_for(rd.c(), user_id, workspace_id, !role.is_guest())
        .await?
        .into_iter()
        .map(to_api)
        .collect()
}

pub async fn create(
    state: &AppState,
    user_id: &str,
    workspace_id: &str,
    name: &str,
    kind: &str,
    topic: Option<&str>,
) -> ApiResult<Channel> {
    let name = validate::channel_name(name).map_err(|m| ApiError::invalid("name", m))?;
    let kind = match kind {
        "public" | "private" => kind,
        _ => return Err(ApiError::invalid("kind", "must be public or private")),
    };
    let topic = validate::short_text(topic.unwrap_or(""), validate::MAX_TOPIC_CHARS)
        .map_err(|m| ApiError::invalid("topic", m))?;
    let mut tx = state.db.begin().await?;
    if access::workspace_role(tx.c(), user_id, workspace_id).await?.is_guest() {
        return Err(ApiError::forbidden("guests cannot create channels"));
    }
    let id = new_id();
    let channel = NewChannel {
        id: &id,
        workspace_id,
        name: &name,
        kind,
        topic: &topic,
        dm_key: None,
        is_default: false,
        created_by: user_id,
        now: now_ms(),
    };
    insert_with_members(&mut tx, &channel, &[user_id.to_string()]).await?;
    let created = load(tx.c(), user_id, &id).await?;
    if kind == "public" {
        let channel = Channel { is_member: false, last_read_seq: 0, ..created.clone() };
        tx.outbox.push(Envelope::PublicChannel { workspace_id: workspace_id.to_string(), channel });
    }
    state.commit(tx).await?;
    Ok(created)
}

/// The DM of exactly these people (the caller added), created on first use. The bool says
/// whether it was created now.
pub async fn open_dm(
    state: &AppState,
    user_id: &str,
    workspace_id: &str,
    user_ids: &[String],
) -> ApiResult<(Channel, bool)> {
    let mut people: Vec<String> = user_ids.iter().map(|id| id.trim().to_string()).collect();
    people.push(user_id.to_string());
    people.sort();
    people.dedup();
    if people.len() < 2 || people.len() > MAX_DM_PEOPLE {
        return Err(ApiError::invalid("user_ids", "a DM holds 2 to 9 people, you included"));
    }
    let dm_key = people.join(",");
    let mut tx = state.db.begin().await?;
    access::workspace_role(tx.c(), user_id, workspace_id).await?;
    if let Some(id) = db::channels::id_by_dm_key(tx.c(), workspace_id, &dm_key).await? {
        return Ok((load(tx.c(), user_id, &id).await?, false));
    }
    for person in &people {
        if db::workspaces::role_of(tx.c(), workspace_id, person).await?.is_none() {
            return Err(ApiError::invalid("user_ids", "everyone must be a member of the workspace"));
        }
    }
    let id = new_id();
    let channel = NewChannel {
        id: &id,
        workspace_id,
        name: "",
        kind: "dm",
        topic: "",
        dm_key: Some(&dm_key),
        is_default: false,
        created_by: user_id,
        now: now_ms(),
    };
    match insert_with_members(&mut tx, &channel, &people).await {
        Ok(()) => {}
        // Someone opened the same DM at the same moment: theirs is the one.
        Err(ApiError::Conflict(_)) => {
            drop(tx);
            let mut rd = state.db.read().await?;
            let id = db::channels::id_by_dm_key(rd.c(), workspace_id, &dm_key)
                .await?
                .ok_or(ApiError::NotFound("channel"))?;
            return Ok((load(rd.c(), user_id, &id).await?, false));
        }
        Err(e) => return Err(e),
    }
    let created = load(tx.c(), user_id, &id).await?;
    state.commit(tx).await?;
    Ok((created, true))
}

pub async fn get(state: &AppState, user_id: &str, channel_id: &str) -> ApiResult<Channel> {
    let mut rd = state.db.read().await?;
    access::readable_channel(rd.c(), user_id, channel_id).await?;
    load(rd.c(), user_id, channel_id).await
}

#[derive(Default)]
pub struct ChannelPatch {
    pub name: Option<String>,
    pub topic: Option<String>,
    pub archived: Option<bool>,
}

/// Members set the topic; the creator or an admin renames and archives.
pub async fn update(
    state: &AppState,
    user_id: &str,
    channel_id: &str,
    patch: ChannelPatch,
) -> ApiResult<Channel> {
    let mut tx = state.db.begin().await?;
    // Locked before the current settings are read, so a concurrent topic edit cannot write an
    // archive (or a rename) back.
    log::lock_channel(&mut tx, channel_id).await?;
    let access = access::readable_channel(tx.c(), user_id, channel_id).await?;
    let current = load(tx.c(), "", channel_id).await?;
    let name = match &patch.name {
        Some(_) if access.kind == ChannelKind::Dm => {
            return Err(ApiError::invalid("name", "direct messages have no name"));
        }
        Some(n) => validate::channel_name(n).map_err(|m| ApiError::invalid("name", m))?,
        None => current.name.clone(),
    };
    let topic = match &patch.topic {
        Some(t) => {
            validate::short_text(t, validate::MAX_TOPIC_CHARS).map_err(|m| ApiError::invalid("topic", m))?
        }
        None => current.topic.clone(),
    };
    let archived = patch.archived.unwrap_or(current.archived);
    if !access.is_member && !access.role.is_admin() {
        return Err(ApiError::forbidden("join the channel to change it"));
    }
    if (name != current.name || archived != current.archived) && !access.can_manage(user_id) {
        return Err(ApiError::forbidden("only the channel's creator or an admin renames or archives it"));
    }
    if archived && (access.is_default || access.kind == ChannelKind::Dm) {
        return Err(ApiError::forbidden("this channel cannot be archived"));
    }
    if current.archived && archived && (name != current.name || topic != current.topic) {
        return Err(ApiError::forbidden("the channel is archived"));
    }
    if (name.as_str(), topic.as_str(), archived)
        == (current.name.as_str(), current.topic.as_str(), current.archived)
    {
        drop(tx);
        return get(state, user_id, channel_id).await;
    }
    match db::channels::update(tx.c(), channel_id, &name, &topic, archived).await {
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ApiError::conflict("a channel with this name already exists"));
        }
        other => other?,
    }
    let now = now_ms();
    let seq = log::next_seq(&mut tx, channel_id).await?;
    let mut shared = load(tx.c(), "", channel_id).await?;
    shared.last_seq = seq;
    log::append(&mut tx, channel_id, seq, &Event::ChannelUpdated { channel: shared }, now).await?;
    let updated = load(tx.c(), user_id, channel_id).await?;
    state.commit(tx).await?;
    Ok(updated)
}

pub async fn join(state: &AppState, user_id: &str, channel_id: &str) -> ApiResult<Channel> {
    let mut tx = state.db.begin().await?;
    log::lock_channel(&mut tx, channel_id).await?;
    let access = access::readable_channel(tx.c(), user_id, channel_id).await?;
    if access.kind != ChannelKind::Public || access.role.is_guest() {
        return Err(ApiError::forbidden("only public channels can be joined; ask a member to add you"));
    }
    if access.archived {
        return Err(ApiError::forbidden("the channel is archived"));
    }
    add_member_in(&mut tx, channel_id, user_id, now_ms()).await?;
    let joined = load(tx.c(), user_id, channel_id).await?;
    state.commit(tx).await?;
    Ok(joined)
}

pub async fn leave(state: &AppState, user_id: &str, channel_id: &str) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    let access = access::readable_channel(tx.c(), user_id, channel_id).await?;
    if access.is_default {
        return Err(ApiError::forbidden("everyone stays in the workspace's default channel"));
    }
    if access.kind == ChannelKind::Dm {
        return Err(ApiError::forbidden("a direct message cannot be left"));
    }
    remove_member_in(&mut tx, channel_id, user_id, now_ms()).await?;
    state.commit(tx).await?;
    Ok(())
}

/// Takes someone out of a channel: its creator or a workspace admin (not in the default channel
/// or a DM). Their sockets hear of it, then stop receiving the channel.
pub async fn remove_member(state: &AppState, caller: &str, channel_id: &str, target: &str) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    log::lock_channel(&mut tx, channel_id).await?;
    let access = access::readable_channel(tx.c(), caller, channel_id).await?;
    if !access.can_manage(caller) {
        return Err(ApiError::forbidden("only the channel's creator or an admin removes people"));
    }
    if access.is_default || access.kind == ChannelKind::Dm {
        return Err(ApiError::forbidden("nobody is removed from this channel"));
    }
    if !remove_member_in(&mut tx, channel_id, target, now_ms()).await? {
        return Err(ApiError::NotFound("member"));
    }
    state.commit(tx).await?;
    Ok(())
}

pub async fn members(state: &AppState, user_id: &str, channel_id: &str) -> ApiResult<Vec<User>> {
    let mut rd = state.db.read().await?;
    access::readable_channel(rd.c(), user_id, channel_id).await?;
    Ok(db::channels::members(rd.c(), channel_id).await?.iter().map(|u| u.to_api(user_id)).collect())
}

/// A member adds someone from the workspace (how private channels and guests get members).
pub async fn add_member(
    state: &AppState,
    user_id: &str,
    channel_id: &str,
    target: &str,
) -> ApiResult<Vec<User>> {
    let mut tx = state.db.begin().await?;
    log::lock_channel(&mut tx, channel_id).await?;
    let access = access::readable_channel(tx.c(), user_id, channel_id).await?;
    if !access.is_member || access.role.is_guest() {
        return Err(ApiError::forbidden("only members (not guests) add people to a channel"));
    }
    if access.kind == ChannelKind::Dm {
        return Err(ApiError::forbidden("open a new DM to talk with more people"));
    }
    if access.archived {
        return Err(ApiError::forbidden("the channel is archived"));
    }
    if db::workspaces::role_of(tx.c(), &access.workspace_id, target).await?.is_none() {
        return Err(ApiError::NotFound("user"));
    }
    if !add_member_in(&mut tx, channel_id, target, now_ms()).await? {
        return Err(ApiError::conflict("already a member of the channel"));
    }
    let members = db::channels::members(tx.c(), channel_id).await?;
    state.commit(tx).await?;
    Ok(members.iter().map(|u| u.to_api(user_id)).collect())
}

/// Moves the caller's read marker forward; returns where it stands.
pub async fn mark_read(state: &AppState, user_id: &str, channel_id: &str, seq: i64) -> ApiResult<i64> {
    if seq < 0 {
        return Err(ApiError::invalid("seq", "must be zero or more"));
    }
    let mut tx = state.db.begin().await?;
    let access = access::readable_channel(tx.c(), user_id, channel_id).await?;
    if !access.is_member {
        return Err(ApiError::forbidden("join the channel to keep a read marker"));
    }
    let marker = db::channels::mark_read(tx.c(), channel_id, user_id, seq).await?.unwrap_or(0);
    tx.outbox.push(Envelope::ChannelRead {
        user_id: user_id.into(),
        channel_id: channel_id.into(),
        seq: marker,
    });
    state.commit(tx).await?;
    Ok(marker)
}

/// The caller's notification preferences for a channel (members only).
pub async fn notifications(state: &AppState, user_id: &str, channel_id: &str) -> ApiResult<Notifications> {
    let channel = get(state, user_id, channel_id).await?;
    if channel.is_member {
        Ok(channel.notifications)
    } else {
        Err(ApiError::forbidden("join the channel first"))
    }
}

/// Sets the caller's notification preferences for a channel: `level` is all, mentions, nothing
/// or default (the caller's workspace default). Private to the caller: no event.
pub async fn set_notifications(
    state: &AppState,
    user_id: &str,
    channel_id: &str,
    level: &str,
    muted: bool,
) -> ApiResult<Notifications> {
    let own = match level {
        "all" | "mentions" | "nothing" => Some(level),
        "default" => None,
        _ => return Err(ApiError::invalid("level", "must be all, mentions, nothing or default")),
    };
    let mut tx = state.db.begin().await?;
    let access = access::readable_channel(tx.c(), user_id, channel_id).await?;
    if !access.is_member || !db::channels::set_notifications(tx.c(), channel_id, user_id, own, muted).await? {
        return Err(ApiError::forbidden("join the channel first"));
    }
    let level = match own {
        Some(level) => level.to_string(),
        None => db::workspaces::notify_default(tx.c(), &access.workspace_id, user_id)
            .await?
            .unwrap_or_else(|| "mentions".into()),
    };
    state.commit(tx).await?;
    Ok(Notifications { level, muted, default: own.is_none() })
}

/// A page of the channel's event log after `after`, and the channel's latest seq.
pub async fn events(
    state: &AppState,
    user_id: &str,
    channel_id: &str,
    after: i64,
    limit: i64,
) -> ApiResult<(Vec<ChannelEvent>, i64)> {
    let mut rd = state.db.read().await?;
    access::readable_channel(rd.c(), user_id, channel_id).await?;
    // The latest seq is read first: events committed in between only make the page longer.
    let latest = load(rd.c(), user_id, channel_id).await?.last_seq;
    let rows = db::events::after(rd.c(), channel_id, after, limit).await?;
    let events = rows
        .into_iter()
        .map(|row| ChannelEvent {
            seq: row.seq,
            kind: row.kind,
            channel_id: channel_id.to_string(),
            data: serde_json::from_str(&row.data).unwrap_or(serde_json::Value::Null),
            created_at: rfc3339(row.created_at),
        })
        .collect::<Vec<_>>();
    let latest = events.last().map_or(latest, |e| e.seq.max(latest));
    Ok((events, latest))
}
