//! The one enum of persistent channel events: what the event log stores, what the bus carries
//! between nodes (inside an [`Envelope`]) and what the gateway sends, so the three cannot disagree.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::models::{Channel, Message, User};
use super::roles::Role;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    #[serde(rename = "message.created")]
    MessageCreated { message: Message },
    #[serde(rename = "message.updated")]
    MessageUpdated { message: Message },
    #[serde(rename = "message.deleted")]
    MessageDeleted { message_id: String },
    #[serde(rename = "channel.member_joined")]
    MemberJoined { user_id: String },
    #[serde(rename = "channel.member_left")]
    MemberLeft { user_id: String },
    /// The channel as everyone sees it; the per-reader fields (`is_member`, counts) are zero.
    #[serde(rename = "channel.updated")]
    ChannelUpdated { channel: Channel },
    #[serde(rename = "reaction.added")]
    ReactionAdded { message_id: String, emoji: String, user_id: String },
    #[serde(rename = "reaction.removed")]
    ReactionRemoved { message_id: String, emoji: String, user_id: String },
    #[serde(rename = "message.pinned")]
    MessagePinned { message_id: String, user_id: String },
    #[serde(rename = "message.unpinned")]
    MessageUnpinned { message_id: String, user_id: String },
    /// A thread's root changed its reply count (a reply was posted).
    #[serde(rename = "thread.updated")]
    ThreadUpdated {
        root_id: String,
        reply_count: i64,
        last_reply_at: String,
        #[serde(default)]
        reply_user_ids: Vec<String>,
    },
    /// The channel's note was saved as `version` by `editor_id`.
    #[serde(rename = "note.updated")]
    NoteUpdated { version: i64, editor_id: String },
}

impl Event {
    /// The `type` tag, as stored in the log's `type` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::MessageCreated { .. } => "message.created",
            Event::MessageUpdated { .. } => "message.updated",
            Event::MessageDeleted { .. } => "message.deleted",
            Event::MemberJoined { .. } => "channel.member_joined",
            Event::MemberLeft { .. } => "channel.member_left",
            Event::ChannelUpdated { .. } => "channel.updated",
            Event::ThreadUpdated { .. } => "thread.updated",
            Event::ReactionAdded { .. } => "reaction.added",
            Event::ReactionRemoved { .. } => "reaction.removed",
            Event::MessagePinned { .. } => "message.pinned",
            Event::MessageUnpinned { .. } => "message.unpinned",
            Event::NoteUpdated { .. } => "note.updated",
        }
    }

    /// Rebuilds an event from the log's `type` and `data`.
    pub fn from_log(kind: &str, data: &str) -> Option<Event> {
        let mut value: serde_json::Value = serde_json::from_str(data).ok()?;
        value.as_object_mut()?.insert("type".into(), kind.into());
        serde_json::from_value(value).ok()
    }

    /// The event's fields without the tag: the log's `data`.
    pub fn data(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.remove("type");
        }
        value
    }
}

/// A user's presence, across all their devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Online,
    Away,
    Offline,
}

/// What travels on the bus: a persistent event after its commit, or an ephemeral notice.
/// [`Envelope::topic`] says which nodes need it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Envelope {
    /// A committed channel event, for the channel's readers.
    Persistent { channel_id: String, seq: i64, event: Event },
    /// Someone is typing in a channel (in a thread of it, with `thread_root_id`), for its other
    /// members.
    Typing {
        channel_id: String,
        user_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thread_root_id: Option<String>,
    },
    /// A user's presence changed, for the members of one of their workspaces.
    Presence { workspace_id: String, user_id: String, status: Status },
    /// A user read a channel up to `seq`, for their devices.
    ChannelRead { user_id: String, channel_id: String, seq: i64 },
    /// A user joined (`gained`) or lost a channel: their sockets start or stop following it.
    Access { user_id: String, channel: Channel, gained: bool },
    /// A public channel appeared, for the workspace's members who are not guests.
    PublicChannel { workspace_id: String, channel: Channel },
    /// A session ended: its sockets close.
    SessionRevoked { user_id: String, session: String },
    /// Sessions ended, for every node (on [`NODES_TOPIC`]): each forgets them from its session
    /// cache, so that none keeps accepting a token logged out elsewhere.
    SessionsEnded { sessions: Vec<String> },
    /// A user left or was removed from a workspace: their sockets stop following it.
    WorkspaceLeft { user_id: String, workspace_id: String },
    /// A member's role changed: for the workspace's members (the `member.updated` frame).
    MemberUpdated { workspace_id: String, user_id: String, role: Role },
    /// The same change for the member's own sockets, on their user topic, which a new socket
    /// follows before its memberships are read: they apply the role at once.
    RoleChanged { user_id: String, workspace_id: String, role: Role },
    /// A user joined a workspace (accepted an invite, created it): their open sockets follow it.
    WorkspaceJoined { user_id: String, workspace_id: String, role: Role },
    /// A user's profile changed: for the members of one of their workspaces (public fields only).
    UserUpdated { workspace_id: String, user: User },
}

/// The topic every node follows from its start, whatever its sockets.
pub const NODES_TOPIC: &str = "nodes";

impl Envelope {
    /// The bus topic: who subscribes to it is who may receive the envelope.
    pub fn topic(&self) -> String {
        match self {
            Envelope::Persistent { channel_id, .. } | Envelope::Typing { channel_id, .. } => {
                format!("ch:{channel_id}")
            }
            Envelope::Presence { workspace_id, .. }
            | Envelope::PublicChannel { workspace_id, .. }
            | Envelope::MemberUpdated { workspace_id, .. }
            | Envelope::UserUpdated { workspace_id, .. } => format!("ws:{workspace_id}"),
            Envelope::ChannelRead { user_id, .. }
            | Envelope::Access { user_id, .. }
            | Envelope::SessionRevoked { user_id, .. }
            | Envelope::WorkspaceLeft { user_id, .. }
            | Envelope::RoleChanged { user_id, .. }
            | Envelope::WorkspaceJoined { user_id, .. } => format!("u:{user_id}"),
            Envelope::SessionsEnded { .. } => NODES_TOPIC.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_logged_before_the_thread_fields_still_parse() {
        let created = r#"{"message": {"id": "m1", "channel_id": "c1", "seq": 3, "author_id": "u1",
            "content": "hi", "html": "<p>hi</p>", "created_at": "2026-11-01T00:00:00Z", "edited_at": null,
            "deleted": false, "thread_root_id": null, "reply_count": 0, "reactions": [], "attachments": [],
            "mentions": [], "idempotency_key": null}}"#;
        let Some(Event::MessageCreated { message }) = Event::from_log("message.created", created) else {
            panic!("an old message.created no longer parses");
        };
        assert!(!message.pinned && !message.also_in_channel && message.reply_user_ids.is_empty());
        let thread = r#"{"root_id": "m1", "reply_count": 2, "last_reply_at": "2026-11-01T00:00:00Z"}"#;
        assert!(matches!(
            Event::from_log("thread.updated", thread),
            Some(Event::ThreadUpdated { reply_count: 2, .. })
        ));
    }

    #[test]
    fn data_drops_the_tag_and_kind_matches_it() {
        let event = Event::MemberJoined { user_id: "u1".into() };
        assert_eq!(event.data(), serde_json::json!({"user_id": "u1"}));
        let tagged = serde_json::to_value(&event).unwrap_or_default();
        assert_eq!(tagged["type"], event.kind());
        let back = Event::from_log(event.kind(), &event.data().to_string());
        assert!(matches!(back, Some(Event::MemberJoined { user_id }) if user_id == "u1"));
    }

    #[test]
    fn envelopes_round_trip_and_name_their_topic() {
        let envelope = Envelope::Persistent {
            channel_id: "c1".into(),
            seq: 7,
            event: Event::MessageDeleted { message_id: "m1".into() },
        };
        assert_eq!(envelope.topic(), "ch:c1");
        let json = serde_json::to_string(&envelope).unwrap_or_default();
        let back: Envelope = serde_json::from_str(&json).unwrap_or(Envelope::Typing {
            channel_id: String::new(),
            user_id: String::new(),
            thread_root_id: None,
        });
        assert!(matches!(back, Envelope::Persistent { seq: 7, .. }), "{json}");
    }
}
