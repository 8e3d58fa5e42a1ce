"""Store schema and its migrations; docs/schema.md describes every table.

Each migration takes the store from version N-1 to N inside the caller's transaction, so it is
plain DDL run statement by statement (`executescript`, which sqlite-utils' `enable_fts` uses,
would commit half-way). Foreign keys are declared so Datasette links the tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

_V1 = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
    """CREATE TABLE files (
        sha256 TEXT PRIMARY KEY, path TEXT, bytes INTEGER, encoding TEXT,
        stories INTEGER, duplicates INTEGER, rejected INTEGER, added_at TEXT)""",
    """CREATE TABLE stories (
        id TEXT PRIMARY KEY, external_id TEXT, source TEXT, channel TEXT, client TEXT,
        date TEXT, title TEXT, text TEXT NOT NULL, chars INTEGER, metadata TEXT,
        file_sha256 TEXT, created_at TEXT)""",
    "CREATE INDEX idx_stories_date ON stories(date)",
    "CREATE INDEX idx_stories_external_id ON stories(external_id)",
    "CREATE INDEX idx_stories_channel ON stories(channel)",
    """CREATE TABLE turns (
        story_id TEXT NOT NULL REFERENCES stories(id), idx INTEGER NOT NULL, speaker TEXT,
        role TEXT NOT NULL, start INTEGER NOT NULL, [end] INTEGER NOT NULL, time TEXT,
        PRIMARY KEY (story_id, idx))""",
    """CREATE TABLE fragments (
        id TEXT PRIMARY KEY, story_id TEXT NOT NULL REFERENCES stories(id), idx INTEGER NOT NULL,
        turn_idx INTEGER, start INTEGER NOT NULL, [end] INTEGER NOT NULL, text TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX idx_fragments_story ON fragments(story_id, idx)",
    "CREATE INDEX idx_fragments_hash ON fragments(hash)",
    # Case-folding search over story text; `remove_diacritics 0` keeps й and ё apart from и and е.
    """CREATE VIRTUAL TABLE stories_fts USING FTS5(
        title, text, content="stories", tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER stories_ai AFTER INSERT ON stories BEGIN
        INSERT INTO stories_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END""",
    """CREATE TRIGGER stories_ad AFTER DELETE ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text); END""",
    """CREATE TRIGGER stories_au AFTER UPDATE ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO stories_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END""",
    "INSERT INTO meta(key, value) VALUES ('created_at', datetime('now'))",
]

MIGRATIONS: dict[int, Sequence[str]] = {1: _V1}


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Apply every migration after `from_version`, in order, on an open transaction."""
    for version in sorted(MIGRATIONS):
        if version > from_version:
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
