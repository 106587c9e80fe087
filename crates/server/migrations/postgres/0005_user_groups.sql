-- OComms schema, PostgreSQL flavour, fifth step: identical to migrations/sqlite below these lines.
-- User groups: `@handle` of a group mentions its members who are in the channel.

CREATE TABLE user_groups (
    id           TEXT   PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    handle       TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_groups_handle_key ON user_groups (workspace_id, handle);

CREATE TABLE user_group_members (
    group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX user_group_members_user ON user_group_members (user_id);
