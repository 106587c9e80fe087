-- OComms schema, SQLite flavour, third step: identical to migrations/postgres below these lines.
-- Reactions, pins and saved messages.

-- One row per person, emoji and message; the emoji is stored as Unicode (shortcodes are mapped).
CREATE TABLE message_reactions (
    message_id TEXT   NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    emoji      TEXT   NOT NULL,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

-- A channel's pinned messages, newest pin first in the list.
CREATE TABLE pins (
    message_id TEXT   PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    channel_id TEXT   NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    pinned_by  TEXT   NOT NULL,
    pinned_at  BIGINT NOT NULL
);
CREATE INDEX pins_channel ON pins (channel_id, pinned_at);

-- Messages a person saved for later: private to them.
CREATE TABLE saved_messages (
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id TEXT   NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    saved_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, message_id)
);
CREATE INDEX saved_messages_user ON saved_messages (user_id, saved_at);
