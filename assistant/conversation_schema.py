"""The conversation store's SQLite schema and the additive migrations of older databases."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content          TEXT NOT NULL,
    sources          TEXT NOT NULL DEFAULT '[]',
    mode             TEXT NOT NULL DEFAULT '',
    notice           TEXT NOT NULL DEFAULT '',
    in_scope         INTEGER,
    created_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
CREATE TABLE IF NOT EXISTS feedback (
    message_id  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    rating      TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason      TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
);
"""
# Additive migrations of databases made by earlier versions: (table, column, its definition).
COLUMNS = (
    ("conversations", "owner", "TEXT NOT NULL DEFAULT ''"),
    ("messages", "scope", "TEXT NOT NULL DEFAULT '{}'"),  # the Answer's scope evidence (JSON)
)
OWNER_INDEX = "CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations(owner, updated_at)"
