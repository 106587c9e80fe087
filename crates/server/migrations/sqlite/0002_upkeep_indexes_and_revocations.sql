-- OComms schema, SQLite flavour, second step: identical to migrations/postgres below these lines.
-- Indexes for the upkeep's purges and for mention look-ups by channel, and the log of ended
-- sessions that every node polls to close their sockets at once.

CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX invites_expires ON invites (expires_at);
-- Message pages and reply lists attach mentions by (channel_id, seq range).
CREATE INDEX message_mentions_channel ON message_mentions (channel_id, seq);

-- A session ended by logout, password reset or revocation: nodes close its sockets when they
-- see it (within a second), whoever ended it, the admin command line included. Rows older than
-- a day are purged.
CREATE TABLE session_revocations (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    revoked_at BIGINT NOT NULL
);
CREATE INDEX session_revocations_at ON session_revocations (revoked_at);
