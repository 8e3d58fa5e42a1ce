"""The story store: one ordinary SQLite file that sqlite-utils and Datasette open as they are.

Every stage reads its input from here and writes its output back in one transaction, so a crash
loses at most the unit in flight and a re-run resumes. Writes use plain SQL inside explicit
`BEGIN IMMEDIATE` transactions (sqlite-utils' insert helpers commit on their own, which would
break a file's all-or-nothing promise); sqlite-utils is used for schema, FTS and reading.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import NotFound, StoreError

SCHEMA_VERSION = 5
DEFAULT_PATH = "scenarios.db"
BUSY_TIMEOUT_S = 60.0


def default_path() -> str:
    """Store path from `SCENARIOS_DB`, else `scenarios.db` in the working directory."""
    return os.environ.get("SCENARIOS_DB") or DEFAULT_PATH


def now() -> str:
    """UTC timestamp in ISO form, second precision, as stored in `*_at` columns."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Store:
    """An open story store.

    Examples:
        >>> with Store("scenarios.db") as store:
        ...     store.count("stories")
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        self.path = Path(path or default_path())
        if not create and not self.path.exists():
            raise StoreError(f"Хранилище {self.path} не найдено. Создайте его: scenarios init")
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} — это папка, а не файл хранилища.")
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"Не удалось открыть хранилище {self.path}: {exc}") from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        try:
            self._prepare()
        except BaseException:
            conn.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; uncommitted work is rolled back by SQLite."""
        self.conn.close()

    def _prepare(self) -> None:
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            version = self._schema_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} не является хранилищем scenarios (это не база SQLite: {exc})."
            ) from None
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"Хранилище {self.path} создано более новой версией scenarios "
                f"(схема {version}, эта версия понимает {SCHEMA_VERSION}). Обновите scenarios."
            )
        if version < SCHEMA_VERSION:
            from .schema import migrate

            try:
                with self.transaction():
                    migrate(self.conn, version)
                    self.set_meta("schema_version", str(SCHEMA_VERSION))
            except sqlite3.OperationalError as exc:
                raise StoreError(_write_error(self.path, exc)) from None
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:
                pass  # read-only media: stay in the rollback journal, reads still work
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")

    def _schema_version(self) -> int:
        if "meta" not in self.db.table_names():
            return 0
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block all-or-nothing.

        `BEGIN IMMEDIATE` takes the write lock up front, so two writers queue on the busy timeout
        instead of failing with 'database is locked' mid-way.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(_write_error(self.path, exc)) from None
        try:
            yield self.conn
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise StoreError(_write_error(self.path, exc)) from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                raise StoreError(_write_error(self.path, exc)) from None

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    # -- small helpers -----------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        """Write one `meta` entry (call inside a transaction)."""
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def meta(self, key: str) -> str | None:
        """Read one `meta` entry."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def count(self, table: str, where: str = "", params: tuple[Any, ...] = ()) -> int:
        """Row count of `table`, optionally filtered by a SQL `where` clause."""
        sql = f"SELECT count(*) FROM [{table}]" + (f" WHERE {where}" if where else "")
        return int(self.conn.execute(sql, params).fetchone()[0])

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Rows of a read query as dicts."""
        return list(self.db.query(sql, params))

    def resolve_story(self, ref: str) -> str:
        """Story id from a full id, a unique id prefix (4+ characters) or an external id."""
        ref = ref.strip()
        rows = self.conn.execute(
            "SELECT id FROM stories WHERE id = ? OR external_id = ? LIMIT 2", (ref, ref)
        ).fetchall()
        if len(rows) == 1:
            return rows[0][0]
        if not rows and len(ref) >= 4:
            rows = self.conn.execute(
                "SELECT id FROM stories WHERE id LIKE ? || '%' LIMIT 2", (ref,)
            ).fetchall()
            if len(rows) == 1:
                return rows[0][0]
        if len(rows) > 1:
            raise NotFound(f"«{ref}» подходит к нескольким историям; укажите id длиннее.")
        raise NotFound(f"История «{ref}» не найдена.")


def _write_error(path: Path, exc: sqlite3.OperationalError) -> str:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return f"Хранилище {path} доступно только для чтения; запись невозможна."
    if "disk is full" in text or "disk I/O" in text:
        return f"Не удалось записать в хранилище {path}: закончилось место на диске или ошибка диска."
    if "locked" in text or "busy" in text:
        return f"Хранилище {path} занято другим процессом дольше {BUSY_TIMEOUT_S:.0f} с; повторите."
    return f"Ошибка записи в хранилище {path}: {text}"
