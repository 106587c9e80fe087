-- OComms schema, PostgreSQL flavour, ninth step: full-text search. The one step that differs from
-- migrations/sqlite by design (the schema test leaves these structures out): a generated
-- tsvector per searchable row with a GIN index, so the index is written in the row's own
-- transaction. Text configuration 'simple': words lower-cased, no stemming and no stop words
-- (language-independent, like SQLite's unicode61); prefix queries use tsquery's `:*`. URLs,
-- e-mail addresses, host names, file paths and tag-like text are split into their words first (the default
-- parser would keep "wiki.example.com" or "q4-forecast.txt" whole, and index "deploy-prod" both
-- whole and in parts, which breaks phrases), so both backends find the
-- same words. Unlike SQLite, diacritics are kept (café is not cafe) without the unaccent extension.

ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(content, '[-./@:_~?=&#%+<>\\]+', ' ', 'g'))) STORED;
CREATE INDEX messages_search ON messages USING GIN (search);

ALTER TABLE notes ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(content, '[-./@:_~?=&#%+<>\\]+', ' ', 'g'))) STORED;
CREATE INDEX notes_search ON notes USING GIN (search);

ALTER TABLE files ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(name || ' ' || COALESCE(text_content, ''), '[-./@:_~?=&#%+<>\\]+', ' ', 'g'))) STORED;
CREATE INDEX files_search ON files USING GIN (search);
