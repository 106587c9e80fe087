//! The one enum of persistent channel events: what the event log stores and, later, what the bus
//! and the gateway carry, so the three cannot disagree.

use serde::{Deserialize, Serialize};

use super::models::{Channel, Message};

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
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_drops_the_tag_and_kind_matches_it() {
        let event = Event::MemberJoined { user_id: "u1".into() };
        assert_eq!(event.data(), serde_json::json!({"user_id": "u1"}));
        let tagged = serde_json::to_value(&event).unwrap_or_default();
        assert_eq!(tagged["type"], event.kind());
    }
}
