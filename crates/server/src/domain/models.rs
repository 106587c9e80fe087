//! The objects clients see, exactly as `shared/API.md` names them. Times are RFC 3339 strings.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::roles::Role;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: String,
    /// Present only when the user is the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub name: String,
    /// What `@handle` finds the user by: the name lower-cased, without spaces.
    pub handle: String,
    pub avatar_url: Option<String>,
    pub status_text: String,
    /// An emoji beside the status text (empty for none).
    pub status_emoji: String,
    /// When the status clears itself, if it does.
    pub status_expires_at: Option<String>,
    /// Do-not-disturb until then (null: off); notifications stay quiet meanwhile.
    pub dnd_until: Option<String>,
    /// True for the server's administrator; present only when the user is the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    /// The caller's role in it.
    pub role: Role,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub user: User,
    pub role: Role,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Invite {
    pub code: String,
    pub workspace_id: String,
    pub role: Role,
    pub expires_at: String,
    pub max_uses: Option<i64>,
    pub uses: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Notifications {
    /// The level in effect: the channel's own, or the workspace default.
    pub level: String,
    pub muted: bool,
    /// Whether the level is the caller's workspace default (not set for this channel).
    pub default: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Public,
    Private,
    Dm,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Public => "public",
            ChannelKind::Private => "private",
            ChannelKind::Dm => "dm",
        }
    }

    pub fn parse(s: &str) -> Option<ChannelKind> {
        Some(match s {
            "public" => ChannelKind::Public,
            "private" => ChannelKind::Private,
            "dm" => ChannelKind::Dm,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Channel {
    pub id: String,
    pub workspace_id: String,
    /// Empty for DMs: clients name a DM after `dm_user_ids`.
    pub name: String,
    pub kind: ChannelKind,
    pub topic: String,
    /// The workspace's `general`: everyone is in it and nobody can leave it.
    pub is_default: bool,
    /// Read-only when true; still readable.
    pub archived: bool,
    /// For DMs, everyone in it (the caller included); empty otherwise.
    pub dm_user_ids: Vec<String>,
    pub is_member: bool,
    pub last_seq: i64,
    pub last_read_seq: i64,
    /// Messages by others after `last_read_seq`, replies in threads excluded.
    pub unread_count: i64,
    /// Unread messages that mention the caller.
    pub mention_count: i64,
    /// Who made the channel, and when (the channel's intro says so).
    pub created_by: String,
    pub created_at: String,
    /// The caller's notification preferences for the channel: `all`, `mentions` or `nothing`,
    /// and whether it is muted (neither bold nor counted).
    pub notifications: Notifications,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Reaction {
    pub emoji: String,
    pub count: i64,
    pub user_ids: Vec<String>,
}

/// An uploaded file (files arrive in a later release; the list is empty until then).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FileInfo {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub size: i64,
    pub url: String,
    pub thumbnail_url: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Message {
    pub id: String,
    pub channel_id: String,
    pub seq: i64,
    pub author_id: String,
    /// Markdown as written; empty once deleted.
    pub content: String,
    /// The server's sanitized rendering of `content`.
    pub html: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub deleted: bool,
    pub thread_root_id: Option<String>,
    pub reply_count: i64,
    /// When the thread (this root) last got a reply. (Defaults: events logged before a field
    /// existed, and frames from older nodes during an upgrade, still parse.)
    #[serde(default)]
    pub last_reply_at: Option<String>,
    /// Who replied in the thread, the latest first (at most five).
    #[serde(default)]
    pub reply_user_ids: Vec<String>,
    /// A reply also shown in the channel's message list.
    #[serde(default)]
    pub also_in_channel: bool,
    #[serde(default)]
    pub pinned: bool,
    pub reactions: Vec<Reaction>,
    pub attachments: Vec<FileInfo>,
    /// Ids of the users the message mentions.
    pub mentions: Vec<String>,
    /// The client id its author sent with it (or null), in answers and events alike, so the
    /// author's clients settle their pending copy by it.
    pub idempotency_key: Option<String>,
}

/// One entry of a channel's event log.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ChannelEvent {
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub channel_id: String,
    /// The event's fields, as `docs/protocol.md` lists them per type.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MessageVersion {
    pub content: String,
    pub edited_at: String,
}

/// A channel's note, or one's own in a workspace. Before the first save: version 0, empty.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Note {
    pub content: String,
    pub html: String,
    pub version: i64,
    pub updated_at: Option<String>,
    pub last_edited_by: Option<String>,
}

/// One kept version of a note, listed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NoteVersionInfo {
    pub version: i64,
    pub edited_by: Option<String>,
    pub edited_at: String,
    /// Characters.
    pub length: i64,
}

/// One kept version of a note, whole.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NoteVersion {
    pub version: i64,
    pub content: String,
    pub html: String,
    pub edited_by: Option<String>,
    pub edited_at: String,
}
