-- OComms schema, PostgreSQL flavour, fourth step: identical to migrations/sqlite below these lines.
-- Custom status with an emoji and an expiry, do-not-disturb, and per-channel notification
-- preferences.

ALTER TABLE users ADD COLUMN status_emoji TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN status_expires_at BIGINT;
ALTER TABLE users ADD COLUMN dnd_until BIGINT;

-- 'all', 'mentions' or 'nothing'; muted channels are neither bold nor counted in the client.
ALTER TABLE channel_members ADD COLUMN notify_level TEXT NOT NULL DEFAULT 'all'
    CHECK (notify_level IN ('all', 'mentions', 'nothing'));
ALTER TABLE channel_members ADD COLUMN muted BOOLEAN NOT NULL DEFAULT FALSE;
