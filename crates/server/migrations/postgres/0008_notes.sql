-- OComms schema, PostgreSQL flavour, eighth step: identical to migrations/sqlite below these lines.
-- Notes: one Markdown note per channel and one private note per person per workspace, with
-- optimistic locking by version and the last 50 versions kept. The text of uploaded files, for
-- search.

CREATE TABLE notes (
    id             TEXT    PRIMARY KEY,
    workspace_id   TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel_id     TEXT    REFERENCES channels (id) ON DELETE CASCADE,  -- a channel's note
    owner_id       TEXT    REFERENCES users (id) ON DELETE CASCADE,     -- or someone's own
    content        TEXT    NOT NULL,
    html           TEXT    NOT NULL,
    version        BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    last_edited_by TEXT    REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX notes_channel ON notes (channel_id) WHERE channel_id IS NOT NULL;
CREATE UNIQUE INDEX notes_personal ON notes (workspace_id, owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE note_versions (
    note_id   TEXT    NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    version   BIGINT  NOT NULL,
    content   TEXT    NOT NULL,
    edited_by TEXT    REFERENCES users (id) ON DELETE SET NULL,
    edited_at BIGINT  NOT NULL,
    PRIMARY KEY (note_id, version)
);

-- Plain text (and Markdown) files: their first 200 KB as text, for search.
ALTER TABLE files ADD COLUMN text_content TEXT;
