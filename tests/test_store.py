"""The store is an ordinary SQLite file: other tools open it; bad stores give clear errors."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.browse import list_stories
from scenarios.errors import NotFound, StoreError
from scenarios.schema import MIGRATIONS
from scenarios.stages.ingest import add_text
from scenarios.store import SCHEMA_VERSION, Store

from .conftest import INTERVIEW


def test_schema_version_and_wal(store: Store) -> None:
    assert store.meta("schema_version") == str(SCHEMA_VERSION) == str(max(MIGRATIONS))
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_utils_cli_lists_the_tables(store: Store) -> None:
    add_text(store, INTERVIEW)
    out = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "tables", str(store.path), "--counts"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert '"table": "stories", "count": 1' in out
    assert '"table": "fragments", "count": 2' in out or '"table": "fragments", "count": 3' in out


def test_datasette_python_api_reads_the_store(store: Store) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    add_text(store, INTERVIEW, channel="interview")
    store.close()

    async def read() -> tuple[list[str], list[dict]]:
        ds = datasette_app.Datasette([str(store.path)])
        db = ds.get_database(store.path.stem)
        tables = await db.table_names()
        rows = (await db.execute("SELECT channel, text FROM stories")).rows
        fts = await db.fts_table("stories")
        return tables, [dict(r) for r in rows], fts

    tables, rows, fts = asyncio.run(read())
    assert {"stories", "turns", "fragments", "meta"} <= set(tables)
    assert rows[0]["channel"] == "interview" and "ноль внимания" in rows[0]["text"]
    assert fts == "stories_fts"


def test_not_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Это не база данных, а заметки менеджера.\n" * 200, encoding="utf-8")
    with pytest.raises(StoreError, match="не является хранилищем scenarios"):
        Store(path)
    assert path.read_text(encoding="utf-8").startswith("Это не база"), "the file must not be touched"


def test_store_from_a_newer_version_is_refused(store_path: Path) -> None:
    with Store(store_path) as store, store.transaction():
        store.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(StoreError, match="более новой версией"):
        Store(store_path)


def test_missing_store_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="scenarios init"):
        Store(tmp_path / "nope.db", create=False)


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO stories (id, text) VALUES ('x', 'текст')")
        raise RuntimeError("crash mid-write")
    assert store.count("stories") == 0
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_resolve_story_by_prefix_and_external_id(store: Store) -> None:
    story_id = add_text(store, INTERVIEW, external_id="int-7").story_ids[0]
    assert store.resolve_story(story_id[:6]) == story_id
    assert store.resolve_story("int-7") == story_id
    with pytest.raises(NotFound, match="не найдена"):
        store.resolve_story("zzzzzz")


def test_full_text_search_folds_case_and_keeps_yo(store: Store) -> None:
    add_text(store, "Перезвонить обещали ещё в понедельник.")
    add_text(store, "Ёлки, опять приложение зависло.")
    assert len(list_stories(store, search="перезвон")) == 1
    assert len(list_stories(store, search="ЁЛКИ")) == 1
    assert sqlite3.connect(store.path).execute("SELECT count(*) FROM stories_fts").fetchone()[0] == 2
