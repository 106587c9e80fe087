-- OComms schema, SQLite flavour, seventh step: identical to migrations/postgres below these lines.
-- Uploaded files: stored under a key the server made (never the client's name), typed by their
-- bytes, attached to at most one message, hidden with it, purged a while later. Avatars.

CREATE TABLE files (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    uploader_id  TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,             -- sanitized for display and download
    mime_type    TEXT    NOT NULL,             -- judged by magic bytes
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,             -- of the bytes, hex: the ETag
    storage_key  TEXT    NOT NULL,             -- files/YYYY-MM/<uuid>
    thumb_key    TEXT,                         -- the preview, for images that decoded
    thumb_mime   TEXT,
    width        BIGINT,
    height       BIGINT,
    message_id   TEXT    REFERENCES messages (id) ON DELETE CASCADE,
    channel_id   TEXT    REFERENCES channels (id) ON DELETE CASCADE,
    position     BIGINT  NOT NULL DEFAULT 0,   -- order among the message's attachments
    created_at   BIGINT  NOT NULL,
    hidden_at    BIGINT                        -- its message was deleted: served to nobody
);
CREATE INDEX files_message ON files (message_id);
CREATE INDEX files_uploader ON files (uploader_id);
-- Upkeep finds uploads never attached, and hidden files, by age.
CREATE INDEX files_unattached ON files (created_at) WHERE message_id IS NULL;
CREATE INDEX files_hidden ON files (hidden_at) WHERE hidden_at IS NOT NULL;

-- The current avatar: stored as avatars/<avatar_id>-512 and -128.
ALTER TABLE users ADD COLUMN avatar_id TEXT;
CREATE INDEX users_avatar ON users (avatar_id);
