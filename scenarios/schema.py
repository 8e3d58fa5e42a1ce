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

# Stage outputs are keyed by fragment content hash and the component that made them, so identical
# fragments share work and a change of model never mixes outputs.
_V2 = [
    """CREATE TABLE components (
        id TEXT PRIMARY KEY, family TEXT NOT NULL, name TEXT NOT NULL, config TEXT,
        created_at TEXT)""",
    """CREATE TABLE lemmas (
        hash TEXT NOT NULL, lemmatiser TEXT NOT NULL REFERENCES components(id),
        lemmas TEXT NOT NULL, tokens TEXT NOT NULL, PRIMARY KEY (hash, lemmatiser))""",
    # Search index over lemma strings, ё folded to е so either spelling finds both.
    """CREATE VIRTUAL TABLE lemmas_fts USING FTS5(
        lemmas, hash UNINDEXED, lemmatiser UNINDEXED, tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TABLE vectors (
        hash TEXT NOT NULL, embedder TEXT NOT NULL REFERENCES components(id), dim INTEGER NOT NULL,
        vector BLOB NOT NULL, PRIMARY KEY (hash, embedder))""",
]

# Scenario runs. A run keeps its params and membership forever, so older runs stay readable;
# `curation` is keyed by the stable scenario id and so survives re-clustering.
_V3 = [
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY, embedder TEXT NOT NULL, clusterer TEXT NOT NULL, config TEXT NOT NULL,
        fragments INTEGER, scenarios INTEGER, unassigned INTEGER, seconds REAL, created_at TEXT,
        described_at TEXT, space BLOB)""",
    """CREATE TABLE scenarios (
        run_id INTEGER NOT NULL REFERENCES runs(id), id TEXT NOT NULL, fragments INTEGER,
        stories INTEGER, clients INTEGER, centroid BLOB, space_centroid BLOB, label TEXT, title TEXT, kind TEXT,
        kind_score REAL, kind_scores TEXT, terms TEXT, PRIMARY KEY (run_id, id))""",
    """CREATE TABLE memberships (
        run_id INTEGER NOT NULL REFERENCES runs(id), hash TEXT NOT NULL, scenario_id TEXT,
        origin TEXT, score REAL, pass TEXT NOT NULL, PRIMARY KEY (run_id, hash))""",
    "CREATE INDEX idx_memberships_scenario ON memberships(run_id, scenario_id)",
    """CREATE TABLE quotes (
        run_id INTEGER NOT NULL REFERENCES runs(id), scenario_id TEXT NOT NULL, rank INTEGER NOT NULL,
        fragment_id TEXT NOT NULL REFERENCES fragments(id), story_id TEXT NOT NULL REFERENCES stories(id),
        turn_idx INTEGER, start INTEGER NOT NULL, [end] INTEGER NOT NULL, text TEXT NOT NULL,
        pinned INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_id, scenario_id, rank))""",
    """CREATE TABLE mentions (
        run_id INTEGER NOT NULL REFERENCES runs(id), scenario_id TEXT NOT NULL, company TEXT NOT NULL,
        own INTEGER NOT NULL DEFAULT 0, mentions INTEGER, stories INTEGER,
        PRIMARY KEY (run_id, scenario_id, company))""",
    """CREATE TABLE curation (
        scenario_id TEXT PRIMARY KEY, name TEXT, hidden INTEGER NOT NULL DEFAULT 0,
        merged_into TEXT, pinned TEXT, updated_at TEXT)""",
]

# Tone per scenario: the share of its members that praise and that complain (0..1), written by
# describe beside the size; never an input to clustering.
_V4 = [
    "ALTER TABLE scenarios ADD COLUMN praise REAL",
    "ALTER TABLE scenarios ADD COLUMN complaint REAL",
]

# Person names NER found in a text (the stories a digest quotes), by text hash and tagger: a
# digest of an unchanged store masks names without running NER again.
_V5 = [
    """CREATE TABLE names (
        hash TEXT NOT NULL, tagger TEXT NOT NULL, spans TEXT NOT NULL, PRIMARY KEY (hash, tagger))""",
]

MIGRATIONS: dict[int, Sequence[str]] = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5}


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Apply every migration after `from_version`, in order, on an open transaction."""
    for version in sorted(MIGRATIONS):
        if version > from_version:
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
