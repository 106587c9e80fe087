-- OComms schema, SQLite flavour, ninth step: full-text search. The one step that differs from
-- migrations/postgres by design (the schema test leaves these structures out): FTS5 tables over
-- messages, notes and files, kept in the writing transaction by triggers.
-- Tokenizer: unicode61 (words split on anything not a letter or digit, case folded, diacritics
-- removed), no stemming (language-independent); prefix indexes of 2 and 3 characters make
-- prefix queries (`depl*`, what is being typed) cheap.

CREATE VIRTUAL TABLE search_messages USING fts5(
    content, content = 'messages', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER search_messages_insert AFTER INSERT ON messages BEGIN
    INSERT INTO search_messages (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER search_messages_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO search_messages (search_messages, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO search_messages (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER search_messages_delete AFTER DELETE ON messages BEGIN
    INSERT INTO search_messages (search_messages, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
INSERT INTO search_messages (search_messages) VALUES ('rebuild');

CREATE VIRTUAL TABLE search_notes USING fts5(
    content, content = 'notes', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER search_notes_insert AFTER INSERT ON notes BEGIN
    INSERT INTO search_notes (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER search_notes_update AFTER UPDATE OF content ON notes BEGIN
    INSERT INTO search_notes (search_notes, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO search_notes (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER search_notes_delete AFTER DELETE ON notes BEGIN
    INSERT INTO search_notes (search_notes, rowid, content) VALUES ('delete', old.rowid, old.content);
END;

CREATE VIRTUAL TABLE search_files USING fts5(
    name, text_content, content = 'files', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER search_files_insert AFTER INSERT ON files BEGIN
    INSERT INTO search_files (rowid, name, text_content) VALUES (new.rowid, new.name, new.text_content);
END;
CREATE TRIGGER search_files_update AFTER UPDATE OF name, text_content ON files BEGIN
    INSERT INTO search_files (search_files, rowid, name, text_content) VALUES ('delete', old.rowid, old.name, old.text_content);
    INSERT INTO search_files (rowid, name, text_content) VALUES (new.rowid, new.name, new.text_content);
END;
CREATE TRIGGER search_files_delete AFTER DELETE ON files BEGIN
    INSERT INTO search_files (search_files, rowid, name, text_content) VALUES ('delete', old.rowid, old.name, old.text_content);
END;
INSERT INTO search_files (search_files) VALUES ('rebuild');
