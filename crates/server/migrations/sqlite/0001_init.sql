-- OComms schema, SQLite flavour. Kept column-for-column identical to migrations/postgres so that
-- one SQL text serves both backends. Times are Unix milliseconds (BIGINT), IDs are opaque TEXT.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,                 -- lower-cased at the edge
    name          TEXT NOT NULL,
    mention_key   TEXT NOT NULL,                 -- name folded for @mention lookup
    password_hash TEXT NOT NULL,                 -- Argon2id PHC string
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,-- server administrator (the first account)
    status_text   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_mention_key ON users (mention_key);

-- A login on one device. Only the SHA-256 of the bearer token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE workspace_members (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
    joined_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user ON workspace_members (user_id);

CREATE TABLE invites (
    code         TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_by   TEXT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL CHECK (role IN ('member', 'guest')),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    max_uses     BIGINT,                          -- NULL: unlimited until expiry
    uses         BIGINT NOT NULL DEFAULT 0
);

-- last_seq is the channel's event counter: bumped in the same transaction as every persistent
-- change, which serialises writers per channel and keeps seqs gap-free.
CREATE TABLE channels (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,                  -- '' for DMs
    kind         TEXT NOT NULL CHECK (kind IN ('public', 'private', 'dm')),
    topic        TEXT NOT NULL DEFAULT '',
    dm_key       TEXT,                           -- sorted member ids, comma-joined; DMs only
    is_default   BOOLEAN NOT NULL DEFAULT FALSE, -- the workspace's `general`
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    last_seq     BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX channels_name_key ON channels (workspace_id, name) WHERE kind <> 'dm';
CREATE UNIQUE INDEX channels_dm_key ON channels (workspace_id, dm_key);

CREATE TABLE channel_members (
    channel_id    TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    joined_at     BIGINT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_members_user ON channel_members (user_id);

-- seq is the seq of the message.created event; a deleted message keeps its row as a tombstone.
CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    author_id       TEXT NOT NULL REFERENCES users (id),
    content         TEXT NOT NULL,
    html            TEXT NOT NULL,               -- sanitized rendering, made once at write time
    thread_root_id  TEXT REFERENCES messages (id),
    reply_count     BIGINT NOT NULL DEFAULT 0,
    idempotency_key TEXT,
    created_at      BIGINT NOT NULL,
    edited_at       BIGINT,
    deleted         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX messages_channel_seq ON messages (channel_id, seq);
CREATE UNIQUE INDEX messages_idempotency_key ON messages (author_id, idempotency_key);
CREATE INDEX messages_thread ON messages (thread_root_id, seq);

-- Who a message mentions; channel_id and seq are copied so mention badges need no join.
CREATE TABLE message_mentions (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_mentions_user ON message_mentions (user_id, channel_id, seq);

-- Earlier contents of edited messages, for GET /messages/{id}/history.
CREATE TABLE message_versions (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    content    TEXT NOT NULL,
    edited_at  BIGINT NOT NULL                   -- when this content was written
);
CREATE INDEX message_versions_message ON message_versions (message_id);

-- The channel event log: the source of truth for real-time delivery and catch-up.
CREATE TABLE channel_events (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    type       TEXT NOT NULL,
    data       TEXT NOT NULL,                    -- JSON of the event's fields
    created_at BIGINT NOT NULL,
    PRIMARY KEY (channel_id, seq)
);
