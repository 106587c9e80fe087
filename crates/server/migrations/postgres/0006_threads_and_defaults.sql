-- OComms schema, PostgreSQL flavour, sixth step: identical to migrations/sqlite below these lines.
-- Threads: when a root last got a reply, replies also shown in the channel, and who follows each
-- thread (took part or asked to), how far they read it. A per-person workspace default for
-- notifications, which channels follow unless set on their own.

ALTER TABLE messages ADD COLUMN last_reply_at BIGINT;
ALTER TABLE messages ADD COLUMN also_in_channel BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE messages SET last_reply_at = (SELECT MAX(r.created_at) FROM messages r WHERE r.thread_root_id = messages.id)
    WHERE reply_count > 0;

CREATE TABLE thread_follows (
    root_id         TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id         TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    following       BOOLEAN NOT NULL DEFAULT TRUE,
    last_replied_at BIGINT,                  -- their latest reply; NULL: they never replied
    last_read_seq   BIGINT  NOT NULL DEFAULT 0, -- replies with a higher seq are unread
    PRIMARY KEY (root_id, user_id)
);
CREATE INDEX thread_follows_user ON thread_follows (user_id, following);
INSERT INTO thread_follows (root_id, user_id, following, last_replied_at, last_read_seq)
    SELECT thread_root_id, author_id, TRUE, MAX(created_at), MAX(seq) FROM messages
    WHERE thread_root_id IS NOT NULL GROUP BY thread_root_id, author_id;
INSERT INTO thread_follows (root_id, user_id, following, last_replied_at, last_read_seq)
    SELECT m.id, m.author_id, TRUE, NULL, (SELECT MAX(r.seq) FROM messages r WHERE r.thread_root_id = m.id)
    FROM messages m WHERE m.reply_count > 0
    ON CONFLICT (root_id, user_id) DO NOTHING;

ALTER TABLE workspace_members ADD COLUMN notify_level TEXT NOT NULL DEFAULT 'mentions'
    CHECK (notify_level IN ('all', 'mentions', 'nothing'));
-- TRUE: the channel follows the workspace default; FALSE: its own notify_level.
ALTER TABLE channel_members ADD COLUMN notify_default BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE channel_members SET notify_default = FALSE WHERE notify_level <> 'all';
