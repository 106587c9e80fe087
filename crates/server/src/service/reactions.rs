//! Reactions, pins and saved messages. Reactions and pins are channel changes: each is written
//! under the channel's lock with its event and the channel's next seq. Saving is private to the
//! saver and records no event.

use std::collections::HashMap;

use crate::db::{self, messages::MessageRow};
use crate::domain::event::Event;
use crate::domain::models::{Message, Reaction};
use crate::domain::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::service::access;
use crate::service::log;
use crate::service::messages::{complete, load, locked_channel_of, reborrow};
use crate::state::AppState;

/// Different emoji one message may carry, against abuse.
pub const MAX_DISTINCT_REACTIONS: i64 = 50;
/// Pins listed for a channel, saved messages listed for a person.
pub const MAX_LISTED: i64 = 500;

/// The emoji a path names, as Unicode: an emoji itself, or a `:shortcode:` (colons optional).
pub fn normalize_emoji(raw: &str) -> ApiResult<String> {
    let raw = raw.trim();
    let found = emojis::get(raw).or_else(|| emojis::get_by_shortcode(raw.trim_matches(':')));
    found
        .map(|e| e.as_str().to_string())
        .ok_or_else(|| ApiError::invalid("emoji", "must be an emoji or a known :shortcode:"))
}

/// Groups (message, emoji, user) rows into each message's reactions, in the order each emoji was
/// first used.
pub fn group(rows: Vec<(String, String, String)>) -> HashMap<String, Vec<Reaction>> {
    let mut out: HashMap<String, Vec<Reaction>> = HashMap::new();
    for (message_id, emoji, user_id) in rows {
        let reactions = out.entry(message_id).or_default();
        match reactions.iter_mut().find(|r| r.emoji == emoji) {
            Some(r) => {
                r.count += 1;
                r.user_ids.push(user_id);
            }
            None => reactions.push(Reaction { emoji, count: 1, user_ids: vec![user_id] }),
        }
    }
    out
}

/// Adds (`on`) or removes the caller's reaction. Members of the channel only; a repeat changes
/// nothing and records nothing.
pub async fn react(state: &AppState, user_id: &str, message_id: &str, raw: &str, on: bool) -> ApiResult<()> {
    let emoji = normalize_emoji(raw)?;
    let mut tx = state.db.begin().await?;
    let channel_id = locked_channel_of(&mut tx, message_id).await?;
    let (row, access) = load(&mut tx.c(), user_id, message_id).await?;
    check_live_member(&row, &access)?;
    let now = now_ms();
    let changed = if on {
        let (distinct, present) = db::reactions::distinct(tx.c(), message_id, &emoji).await?;
        if !present && distinct >= MAX_DISTINCT_REACTIONS {
            return Err(ApiError::conflict(format!(
                "a message carries at most {MAX_DISTINCT_REACTIONS} different reactions"
            )));
        }
        db::reactions::add(tx.c(), message_id, &emoji, user_id, now).await?
    } else {
        db::reactions::remove(tx.c(), message_id, &emoji, user_id).await?
    };
    if changed {
        let (message_id, user_id) = (message_id.to_string(), user_id.to_string());
        let event = if on {
            Event::ReactionAdded { message_id, emoji, user_id }
        } else {
            Event::ReactionRemoved { message_id, emoji, user_id }
        };
        log::record(&mut tx, &channel_id, &event, now).await?;
        state.commit(tx).await?;
    }
    Ok(())
}

fn check_live_member(row: &MessageRow, access: &access::ChannelAccess) -> ApiResult<()> {
    if row.deleted {
        return Err(ApiError::NotFound("message"));
    }
    if !access.is_member {
        return Err(ApiError::forbidden("join the channel first"));
    }
    if access.archived {
        return Err(ApiError::forbidden("the channel is archived"));
    }
    Ok(())
}

/// Pins (`on`) or unpins a message: members of the channel. Pins are channel events.
pub async fn pin(state: &AppState, user_id: &str, message_id: &str, on: bool) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    let channel_id = locked_channel_of(&mut tx, message_id).await?;
    let (row, access) = load(&mut tx.c(), user_id, message_id).await?;
    check_live_member(&row, &access)?;
    let now = now_ms();
    let changed = if on {
        db::reactions::pin(tx.c(), &channel_id, message_id, user_id, now).await?
    } else {
        db::reactions::unpin(tx.c(), message_id).await?
    };
    if changed {
        let (message_id, user_id) = (message_id.to_string(), user_id.to_string());
        let event = if on {
            Event::MessagePinned { message_id, user_id }
        } else {
            Event::MessageUnpinned { message_id, user_id }
        };
        log::record(&mut tx, &channel_id, &event, now).await?;
        state.commit(tx).await?;
    }
    Ok(())
}

/// A channel's pinned messages, newest pin first.
pub async fn pins(state: &AppState, user_id: &str, channel_id: &str) -> ApiResult<Vec<Message>> {
    let mut rd = state.db.read().await?;
    access::readable_channel(rd.c(), user_id, channel_id).await?;
    let ids = db::reactions::pins_of(rd.c(), channel_id, MAX_LISTED).await?;
    let mut c = rd.c();
    let rows = rows_in_order(&mut c, &ids).await?;
    let mut messages = complete(c, rows).await?;
    sort_like(&mut messages, &ids);
    Ok(messages)
}

/// Saves (`on`) or forgets a message for the caller: anyone who may read it.
pub async fn save(state: &AppState, user_id: &str, message_id: &str, on: bool) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    let (row, _) = load(&mut tx.c(), user_id, message_id).await?;
    if on {
        if row.deleted {
            return Err(ApiError::NotFound("message"));
        }
        db::reactions::save(tx.c(), user_id, message_id, now_ms()).await?;
    } else {
        db::reactions::unsave(tx.c(), user_id, message_id).await?;
    }
    state.commit(tx).await?;
    Ok(())
}

/// The caller's saved messages, newest save first, of channels they may still read.
pub async fn saved(state: &AppState, user_id: &str) -> ApiResult<Vec<Message>> {
    let mut rd = state.db.read().await?;
    let ids = db::reactions::saved_by(rd.c(), user_id, MAX_LISTED).await?;
    let mut rows = Vec::new();
    for id in &ids {
        let Ok((row, _)) = load(&mut rd.c(), user_id, id).await else { continue };
        if !row.deleted {
            rows.push(row);
        }
    }
    let mut messages = complete(rd.c(), rows).await?;
    sort_like(&mut messages, &ids);
    Ok(messages)
}

async fn rows_in_order(c: &mut db::Conn<'_>, ids: &[String]) -> ApiResult<Vec<MessageRow>> {
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(row) = db::messages::by_id(reborrow(c), id).await? {
            rows.push(row);
        }
    }
    Ok(rows)
}

/// Puts messages in the order of `ids`.
fn sort_like(messages: &mut [Message], ids: &[String]) {
    let rank: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    messages.sort_by_key(|m| rank.get(m.id.as_str()).copied().unwrap_or(usize::MAX));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_are_unicode_or_known_shortcodes() {
        assert_eq!(normalize_emoji("👍").ok().as_deref(), Some("👍"));
        assert_eq!(normalize_emoji(":tada:").ok().as_deref(), Some("🎉"));
        assert_eq!(normalize_emoji("+1").ok().as_deref(), Some("👍"));
        for bad in ["", "xyzzy", ":not-an-emoji:", "👍👍", "<script>"] {
            assert!(normalize_emoji(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn reactions_group_by_emoji_in_first_use_order() {
        let rows = vec![
            ("m1".to_string(), "👍".to_string(), "ana".to_string()),
            ("m1".to_string(), "🎉".to_string(), "ben".to_string()),
            ("m1".to_string(), "👍".to_string(), "ben".to_string()),
            ("m2".to_string(), "👀".to_string(), "ana".to_string()),
        ];
        let grouped = group(rows);
        let m1 = &grouped["m1"];
        assert_eq!(
            m1.iter().map(|r| (r.emoji.as_str(), r.count)).collect::<Vec<_>>(),
            vec![("👍", 2), ("🎉", 1)]
        );
        assert_eq!(m1[0].user_ids, vec!["ana", "ben"]);
        assert_eq!(grouped["m2"].len(), 1);
    }
}
