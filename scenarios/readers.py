"""Readers: a byte stream of one input -> story records.

One reader per format, chosen by file extension from `READERS`. Plain text and Word files hold one
story each; tables (CSV/TSV, JSON, JSON Lines) hold one story per row. Text is decoded lazily, so
a large input is never held as bytes and text at once; a plain text longer than one story may be
(`max_story_chars`) is cut into parts at paragraph boundaries, each its own story. A broken row
becomes a `Rejection` with its line number and the rest of the file is still read; the caller
decides whether the file lands without it or not at all.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .columns import map_columns
from .decode import ByteStream, iter_lines, open_text
from .errors import InputError
from .records import FIELDS, Rejection, StoryRecord

Item = StoryRecord | Rejection
MAX_STORY_CHARS = 1_000_000  # about 500 pages; real interviews are far shorter


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs: which table columns hold the text, the id and other fields."""

    text_column: str | None = None
    id_column: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    max_story_chars: int = MAX_STORY_CHARS

    def explicit(self) -> dict[str, str]:
        """Field -> column as the user named them."""
        named = dict(self.columns)
        if self.text_column:
            named["text"] = self.text_column
        if self.id_column:
            named["external_id"] = self.id_column
        return named


@dataclass
class Read:
    """A decoded input: its encoding and its records (produced lazily, as the stream is read)."""

    encoding: str | None
    items: Iterable[Item]
    table: bool = False


Reader = Callable[[BinaryIO, str, ReadOptions], Read]


def read_plain(stream: ByteStream, name: str, options: ReadOptions) -> Read:
    """A `.txt`/`.md` file or a paste: one story, or numbered parts of an over-long one."""
    chunks, encoding = open_text(stream, name=name)
    return Read(encoding, _plain_records(chunks, name, options.max_story_chars))


def _plain_records(chunks: Iterator[str], name: str, max_chars: int) -> Iterator[Item]:
    parts = split_long(chunks, max_chars)
    first = next(parts)
    second = next(parts, None)
    if second is None:
        if not first.strip():
            raise InputError(f"{name}: пустой текст")
        yield StoryRecord(text=first, where=name)
        return
    for number, text in enumerate([first, second], start=1):
        yield _part(text, number, name)
    for number, text in enumerate(parts, start=3):
        yield _part(text, number, name)


def _part(text: str, number: int, name: str) -> StoryRecord:
    return StoryRecord(text=text, where=f"{name}, часть {number}", metadata={"part": number})


def split_long(chunks: Iterable[str], max_chars: int) -> Iterator[str]:
    """Join chunks into texts of at most `max_chars`, cut at a blank line, line end or space."""
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        while size > max_chars:
            text = "".join(pending)
            cut = _cut_point(text, max_chars)
            yield text[:cut]
            pending, size = [text[cut:]], len(text) - cut
    yield "".join(pending)


def _cut_point(text: str, limit: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, limit // 2, limit)
        if at > 0:
            return at + len(separator)
    return limit


def read_docx(stream: BinaryIO, name: str, options: ReadOptions) -> Read:
    """A Word file: paragraphs, then table rows as `cell: cell` (speaker tables), one story."""
    import docx

    try:
        document = docx.Document(stream)
    except Exception:  # python-docx raises assorted zip/xml errors for broken files
        raise InputError(f"{name}: файл .docx повреждён или это не документ Word.") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            lines.append(": ".join(cells))
    return Read("docx", _plain_records(iter(["\n".join(lines)]), name, options.max_story_chars))


def read_csv(stream: BinaryIO, name: str, options: ReadOptions) -> Read:
    """A CSV/TSV export; the delimiter is the most frequent candidate in the header line."""
    chunks, encoding = open_text(stream, name=name)
    lines = iter_lines(chunks)
    header_line = next(lines, "")
    delimiter = max(",;\t|", key=header_line.count)
    rows = _csv_rows(_prepend(header_line, lines), delimiter, name, options)
    return Read(encoding, rows, table=True)


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _csv_rows(lines: Iterator[str], delimiter: str, name: str, options: ReadOptions) -> Iterator[Item]:
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InputError(f"{name}: пустая таблица или нечитаемая первая строка.") from None
    mapping = map_columns(header, options.explicit(), name=name)
    while True:
        first_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lines_ = _span(first_line, reader.line_num)
            yield Rejection(f"{name}, {lines_}", f"сломанная строка CSV ({_csv_reason(exc)})")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Rejection(
                f"{name}, {_span(first_line, reader.line_num)}",
                f"ожидалось {len(header)} полей, а в строке {len(row)} — проверьте кавычки и разделитель",
            )
            continue
        yield _record(dict(zip(header, row)), mapping, f"{name}, строка {first_line}")


def read_json(stream: BinaryIO, name: str, options: ReadOptions) -> Read:
    """A JSON list of objects (or an object holding one such list)."""
    chunks, encoding = open_text(stream, name=name)
    try:
        value = json.loads("".join(chunks))
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: испорченный JSON (строка {exc.lineno}: {exc.msg}).") from None
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        value = lists[0] if len(lists) == 1 else value
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(f"{name}: JSON должен быть списком объектов вида {{\"text\": \"...\"}}.")
    numbered = ((i + 1, v) for i, v in enumerate(value))
    return Read(encoding, _objects(numbered, name, options, "запись"), table=True)


def read_jsonl(stream: BinaryIO, name: str, options: ReadOptions) -> Read:
    """JSON Lines: one object per line; a broken line is rejected on its own."""
    chunks, encoding = open_text(stream, name=name)
    return Read(encoding, _objects(_json_lines(iter_lines(chunks), name), name, options, "строка"), table=True)


def _json_lines(lines: Iterator[str], name: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, Rejection(f"{name}, строка {number}", f"испорченный JSON ({exc.msg})")


def _objects(
    numbered: Iterable[tuple[int, Any]], name: str, options: ReadOptions, unit: str
) -> Iterator[Item]:
    for number, value in numbered:
        where = f"{name}, {unit} {number}"
        if isinstance(value, Rejection):
            yield value
            continue
        if not isinstance(value, dict):
            yield Rejection(where, "ожидался объект JSON вида {\"text\": \"...\"}")
            continue
        try:
            mapping = map_columns(list(value), options.explicit(), name=where)
        except InputError as exc:
            yield Rejection(where, str(exc).removeprefix(f"{where}: "))
            continue
        yield _record(value, mapping, where)


def _record(row: Mapping[str, Any], mapping: Mapping[str, str], where: str) -> StoryRecord:
    text = row.get(mapping["text"])
    fields = {f: _as_text(row.get(mapping[f])) for f in FIELDS if f in mapping}
    used = set(mapping.values())
    metadata = {k: v for k, v in row.items() if k not in used and v not in ("", None)}
    return StoryRecord(text=_as_text(text) or "", metadata=metadata, where=where, **fields)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text.strip() or None


def _span(first: int, last: int) -> str:
    return f"строка {first}" if last <= first else f"строки {first}–{last}"


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "end of data" in text or "expected after" in text:
        return "незакрытая или лишняя кавычка"
    return text


def read_text(text: str, name: str, options: ReadOptions) -> Read:
    """A story given as a Python string (a paste in a notebook or the web form)."""
    return Read(None, _plain_records(iter([text]), name, options.max_story_chars))


READERS: dict[str, Reader] = {
    ".txt": read_plain,
    ".text": read_plain,
    ".md": read_plain,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".docx": read_docx,
}


def reader_for(suffix: str) -> Reader:
    """Reader for a file extension; unknown extensions are read as plain text."""
    return READERS.get(suffix.lower(), read_plain)


