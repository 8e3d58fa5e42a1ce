"""Ingest: get client stories into the store, split into turns and fragments.

Each input (a paste, a file) lands in one transaction: all its stories or none. Stories are keyed
by the hash of their normalised text, so adding the same story twice stores it once, and a folder
ingest that was interrupted resumes where it stopped. Files already ingested whole are recognised
by the hash of their bytes and skipped without being parsed again.

Examples:
    >>> from scenarios.store import Store
    >>> from scenarios.stages.ingest import add_text
    >>> with Store("scenarios.db") as store:
    ...     report = add_text(store, "Клиент: ждал карту три недели", channel="call")
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Literal

from ..dates import date_in_name, parse_date
from ..errors import InputError
from ..fragments import Fragment, split_fragments
from ..readers import Item, ReadOptions, read_csv, read_plain, read_text, reader_for
from ..records import FIELDS, Rejection, StoryRecord
from ..sources import SourceFile, find_files
from ..store import Store, now
from ..textnorm import content_hash, has_letters, normalise
from ..transcript import Turn, parse_turns

#: One input's size limit. Input is streamed (a 50 MB paste peaks at ~130 MB of memory), so the
#: limit guards against a wrong file, not against memory: 100k banki.ru reviews are a 115 MB CSV.
DEFAULT_MAX_MB = 1024
#: The web page's paste limit: a browser form holds the whole text in memory.
PASTE_MAX_MB = 100
STDIN = "вставленный текст"
Progress = Callable[[int], None]


@dataclass(frozen=True)
class IngestOptions:
    """Defaults for story fields the input does not give, and how to treat bad input.

    `bad_rows="skip"` stores a table's good rows and reports the broken ones; `"fail"` rejects
    the whole file when any row is broken.
    """

    source: str | None = None
    channel: str | None = None
    client: str | None = None
    date: str | None = None
    title: str | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    bad_rows: Literal["skip", "fail"] = "skip"
    max_mb: float = DEFAULT_MAX_MB

    @property
    def max_bytes(self) -> int:
        """The size limit of one input in bytes."""
        return int(self.max_mb * 1024 * 1024)


@dataclass
class InputResult:
    """What happened to one input (a file or a paste)."""

    name: str
    added: int = 0
    duplicates: int = 0
    empty: int = 0
    already: bool = False
    rejections: list[Rejection] = field(default_factory=list)
    story_ids: list[str] = field(default_factory=list)

    @property
    def rejected_whole(self) -> bool:
        """True when nothing of this input was stored because of bad input."""
        return bool(self.rejections) and self.added == 0 and self.duplicates == 0


@dataclass
class IngestReport:
    """Totals over the inputs of one ingest call."""

    inputs: list[InputResult] = field(default_factory=list)

    added = property(lambda self: sum(r.added for r in self.inputs))
    duplicates = property(lambda self: sum(r.duplicates for r in self.inputs))
    empty = property(lambda self: sum(r.empty for r in self.inputs))
    already = property(lambda self: sum(r.already for r in self.inputs))
    story_ids = property(lambda self: [s for r in self.inputs for s in r.story_ids])

    @property
    def rejections(self) -> list[Rejection]:
        """Every rejection, in input order."""
        return [x for r in self.inputs for x in r.rejections]

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.rejections


@dataclass(frozen=True)
class PreparedStory:
    """A normalised story with its turns and fragments, ready to insert."""

    id: str
    text: str
    record: StoryRecord
    date: str | None
    turns: Sequence[Turn]
    fragments: Sequence[Fragment]


# -- public functions --------------------------------------------------------------------------


def add_text(
    store: Store, text: str, *, options: IngestOptions | None = None, **fields: str | None
) -> IngestReport:
    """Add one pasted story; `fields` (channel, client, date, title, source...) describe it.

    Raises InputError when the text is empty, has no words or is over the size limit.
    """
    options = options or IngestOptions()
    if len(text) > options.max_bytes:
        raise InputError(_too_large("Текст", len(text), options))
    read = read_text(text, STDIN, options.read)
    items = (_with_fields(item, fields) for item in read.items)
    result = _land_safely(store, items, InputResult(STDIN), options)
    _raise_if_rejected(result)
    return IngestReport([result])


#: A line of three or more `-`, `=`, `*` or `_` between stories in a paste.
SEPARATOR = re.compile(r"^[ \t]*(?:-{3,}|={3,}|\*{3,}|_{3,})[ \t]*\r?$", re.MULTILINE)  # a form sends CRLF
SPLITS = ("none", "separator", "table")


def split_paste(text: str) -> list[str]:
    """The stories of a paste cut at separator lines (`---`, `===`, `***`), trimmed; blank parts dropped."""
    return [part.strip() for part in SEPARATOR.split(text) if part.strip()]


def add_pasted(
    store: Store, text: str, *, split: str = "none", options: IngestOptions | None = None, **fields: str | None
) -> IngestReport:
    """Add a paste as one story, as stories cut at separator lines, or as a table with a story per row.

    `split="none"`: one story; `"separator"`: see :func:`split_paste`; `"table"`: CSV or
    tab-separated as copied from a spreadsheet, read like a `.csv` file with its header.

    The paste is one input: all its stories land or none. Raises InputError as `add_text`.
    """
    options = options or IngestOptions()
    if split == "none":
        return add_text(store, text, options=options, **fields)
    if split not in SPLITS:
        raise InputError(f"Неизвестный способ разбить текст «{split}»: выберите из {', '.join(SPLITS)}.")
    if len(text) > options.max_bytes:
        raise InputError(_too_large("Текст", len(text), options))
    if not text.strip():
        raise InputError("Текст пустой: вставьте историю.")
    if split == "table":
        read = read_csv(io.BytesIO(text.encode("utf-8")), STDIN, options.read)
        items: Iterable[Item] = (_with_fields(item, fields) for item in read.items)
        result = _land_safely(store, items, InputResult(STDIN), options, table=True)
    else:
        parts = split_paste(text)
        items = (_with_fields(item, fields) for part in parts
                 for item in read_text(part, STDIN, options.read).items)
        result = _land_safely(store, items, InputResult(STDIN), options)
    _raise_if_rejected(result)
    return IngestReport([result])


def report_lines(report: IngestReport) -> tuple[list[str], str]:
    """What an ingest did, in the words `scenarios add` prints: each rejection, then the totals."""
    rejections = [f"Не принято: {rejection}" for rejection in report.rejections]
    parts = [f"Добавлено историй: {report.added}"]
    if len(report.story_ids) == 1:
        parts[0] += f" (id {report.story_ids[0][:10]})"
    if report.duplicates:
        parts.append(f"повторов пропущено: {report.duplicates}")
    if report.empty:
        parts.append(f"пустых строк пропущено: {report.empty}")
    if report.already:
        parts.append(f"файлов уже было в хранилище: {report.already}")
    if report.rejections:
        parts.append(f"не принято: {len(report.rejections)}")
    return rejections, ", ".join(parts) + "."


def add_stream(
    store: Store, stream: BinaryIO, *, options: IngestOptions | None = None, name: str = STDIN
) -> IngestReport:
    """Add a paste from a byte stream (stdin), decoded as it is read, up to the size limit."""
    options = options or IngestOptions()
    limited = _Limited(stream, options)
    items = _lazy(lambda: read_plain(limited, name, options.read).items)
    result = _land_safely(store, items, InputResult(name), options)
    _raise_if_rejected(result)
    return IngestReport([result])


def add_paths(
    store: Store, paths: Iterable[str | Path], *, options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Add every supported file under `paths` (files or folders); see `iter_add_paths`."""
    return IngestReport(list(iter_add_paths(store, find_files(paths), options=options, progress=progress)))


def iter_add_paths(
    store: Store, files: Sequence[SourceFile], *, options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> Iterator[InputResult]:
    """Add `files` one by one, yielding each file's result as it lands (for progress bars).

    `progress` is called with the number of stories processed so far within large files.
    """
    options = options or IngestOptions()
    for source in files:
        yield _add_file(store, source, options, progress)


# -- one input ---------------------------------------------------------------------------------


def _add_file(store: Store, source: SourceFile, options: IngestOptions, progress: Progress | None) -> InputResult:
    name = source.display
    result = InputResult(name)
    if source.problem:
        result.rejections.append(Rejection(name, source.problem))
        return result
    try:
        size = source.path.stat().st_size
        if size > options.max_bytes:
            raise InputError(_too_large("Файл", size, options))
        if size == 0:
            raise InputError("пустой файл")
        sha = _file_hash(source.path)
        if store.count("files", "sha256 = ?", (sha,)):
            result.already = True
            return result
        defaults = replace(
            options,
            channel=options.channel or source.channel,
            date=options.date or date_in_name(source.path.stem),
        )
        with source.path.open("rb") as stream:
            read = reader_for(source.path.suffix)(stream, name, options.read)
            file_row = {"sha256": sha, "path": str(source.path), "bytes": size, "encoding": read.encoding}
            stem = None if read.table else source.path.stem
            return _land_safely(store, read.items, result, defaults, file=file_row, progress=progress,
                                table=read.table, stem=stem)
    except InputError as exc:
        result.rejections.append(Rejection(name, _without_name(str(exc), name)))
    except FileNotFoundError:
        result.rejections.append(Rejection(name, "файл исчез во время чтения"))
    except PermissionError:
        result.rejections.append(Rejection(name, "нет прав на чтение файла"))
    except IsADirectoryError:
        result.rejections.append(Rejection(name, "это папка, а не файл"))
    return result


def _land_safely(
    store: Store, items: Iterable[Item], result: InputResult, options: IngestOptions, **kw: Any
) -> InputResult:
    """`_land`, turning an input error raised while reading (mid-stream) into a rejection."""
    try:
        return _land(store, items, result, options, **kw)
    except InputError as exc:
        result.added = result.duplicates = result.empty = 0
        result.story_ids.clear()
        result.rejections.append(Rejection(result.name, _without_name(str(exc), result.name)))
        return result


def _land(
    store: Store, items: Iterable[Item], result: InputResult, options: IngestOptions, *,
    file: dict | None = None, progress: Progress | None = None, table: bool = False,
    stem: str | None = None,
) -> InputResult:
    """Insert all stories of one input in one transaction.

    Table rows without text are counted as empty, not rejected: exports have them. With
    `bad_rows="fail"` any rejection rolls the whole input back.
    """
    try:
        with store.transaction() as conn:
            for count, item in enumerate(items, start=1):
                if progress and count % 500 == 0:
                    progress(count)
                if isinstance(item, Rejection):
                    result.rejections.append(item)
                    continue
                if table and not item.text.strip():
                    result.empty += 1
                    continue
                if stem:
                    item.title = item.title or stem
                    item.external_id = item.external_id or stem
                try:
                    story = prepare(item, options)
                except InputError as exc:
                    result.rejections.append(Rejection(item.where, str(exc)))
                    continue
                if insert_story(conn, story, file_sha256=(file or {}).get("sha256")):
                    result.added += 1
                    result.story_ids.append(story.id)
                else:
                    result.duplicates += 1
            if result.rejections and options.bad_rows == "fail":
                raise _Abandon
            if file is not None and (result.added or result.duplicates) and not result.rejections:
                _record_file(conn, file, result)
    except _Abandon:
        result.rejections.append(Rejection(result.name, "файл не добавлен целиком (--bad-rows fail)"))
        result.added = result.duplicates = 0
        result.story_ids.clear()
    return result


class _Abandon(Exception):
    """Raised inside a transaction to roll back an input that must land whole or not at all."""


def prepare(record: StoryRecord, options: IngestOptions | None = None) -> PreparedStory:
    """Normalise a record's text and cut it into turns and fragments.

    Raises InputError for empty text or text without a single letter or digit.
    """
    options = options or IngestOptions()
    text = normalise(record.text)
    if not text:
        raise InputError("пустой текст")
    if not has_letters(text):
        raise InputError("в тексте нет ни одного слова")
    turns = parse_turns(text)
    fragments = split_fragments(text, turns)
    date_value = record.date or options.date
    date = parse_date(date_value)
    if date_value and not date:
        record.metadata.setdefault("date_raw", date_value)
    title, external_id = record.title or options.title, record.external_id
    if part := record.metadata.get("part"):  # an over-long text cut into numbered stories
        title = f"{title} (часть {part})" if title else f"Часть {part}"
        external_id = f"{external_id}#{part}" if external_id else None
    record = replace(
        record,
        source=record.source or options.source,
        channel=record.channel or options.channel,
        client=record.client or options.client,
        title=title,
        external_id=external_id,
    )
    return PreparedStory(content_hash(text), text, record, date, turns, fragments)


def insert_story(conn: sqlite3.Connection, story: PreparedStory, *, file_sha256: str | None = None) -> bool:
    """Insert a prepared story with its turns and fragments; False if it was already stored."""
    r = story.record
    cursor = conn.execute(
        "INSERT OR IGNORE INTO stories (id, external_id, source, channel, client, date, title, "
        "text, chars, metadata, file_sha256, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (story.id, r.external_id, r.source, r.channel, r.client, story.date, r.title, story.text,
         len(story.text), json.dumps(r.metadata, ensure_ascii=False) if r.metadata else None,
         file_sha256, now()),
    )
    if cursor.rowcount == 0:
        return False
    conn.executemany(
        "INSERT INTO turns (story_id, idx, speaker, role, start, [end], time) VALUES (?,?,?,?,?,?,?)",
        [(story.id, t.index, t.speaker, t.role, t.start, t.end, t.time) for t in story.turns],
    )
    conn.executemany(
        "INSERT INTO fragments (id, story_id, idx, turn_idx, start, [end], text, hash) "
        "VALUES (?,?,?,?,?,?,?,?)",
        [(f"{story.id}:{f.index}", story.id, f.index, f.turn, f.start, f.end, f.text,
          content_hash(f.text)) for f in story.fragments],
    )
    return True


def _record_file(conn: sqlite3.Connection, file: dict, result: InputResult) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO files (sha256, path, bytes, encoding, stories, duplicates, "
        "rejected, added_at) VALUES (?,?,?,?,?,?,?,?)",
        (file["sha256"], file["path"], file["bytes"], file["encoding"], result.added,
         result.duplicates, len(result.rejections), now()),
    )


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _without_name(message: str, name: str) -> str:
    return message.removeprefix(f"{name}: ")


def _with_fields(item: Item, fields: dict[str, str | None]) -> Item:
    if isinstance(item, StoryRecord):
        for key, value in fields.items():
            if key not in FIELDS:
                raise TypeError(f"unknown story field {key!r}; known: {', '.join(FIELDS)}")
            if value is not None:
                setattr(item, key, value)
    return item


def _lazy(make: Callable[[], Iterable[Item]]) -> Iterator[Item]:
    """Defer reading until the transaction is open, so a mid-stream error rolls everything back."""
    yield from make()


class _Limited:
    """A byte stream that refuses to be read past the size limit."""

    def __init__(self, stream: BinaryIO, options: IngestOptions) -> None:
        self._stream, self._options, self._read = stream, options, 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._read += len(data)
        if self._read > self._options.max_bytes:
            raise InputError(_too_large("Вставленный текст", self._read, self._options))
        return data


def _raise_if_rejected(result: InputResult) -> None:
    if result.rejections:
        raise InputError("; ".join(str(r) for r in result.rejections))


def _too_large(what: str, size: int, options: IngestOptions) -> str:
    return (f"{what} больше лимита: {size / 2**20:.1f} МБ при лимите {options.max_mb:g} МБ. "
            "Разбейте его на части или поднимите лимит: --max-mb.")
