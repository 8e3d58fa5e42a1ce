"""Readers: bytes of one input file -> story records.

One reader per format, chosen by file extension from `READERS`. Plain text and Word files hold one
story each; tables (CSV/TSV, JSON, JSON Lines) hold one story per row. A broken row becomes a
`Rejection` with its line number and the rest of the file is still read; the caller decides
whether the file lands without it or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .columns import map_columns
from .decode import decode
from .errors import InputError
from .records import FIELDS, Rejection, StoryRecord

Item = StoryRecord | Rejection


@dataclass(frozen=True)
class ReadOptions:
    """How to read tables: which columns hold the text, the id and other fields."""

    text_column: str | None = None
    id_column: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)

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
    """A decoded input: its encoding and its records (lazily produced)."""

    encoding: str | None
    items: Iterable[Item]
    table: bool = False


Reader = Callable[[bytes, str, ReadOptions], Read]


def read_plain(data: bytes, name: str, options: ReadOptions) -> Read:
    """A `.txt`/`.md` file: one story."""
    text, encoding = decode(data, name=name)
    return Read(encoding, [StoryRecord(text=text, where=name)])


def read_docx(data: bytes, name: str, options: ReadOptions) -> Read:
    """A Word file: paragraphs, then table rows as `cell: cell` (speaker tables), one story."""
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a core dependency
        raise InputError(f"{name}: для .docx нужен пакет python-docx (pip install python-docx).")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises assorted zip/xml errors for broken files
        raise InputError(f"{name}: файл .docx повреждён или это не документ Word.") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            lines.append(": ".join(cells))
    return Read("docx", [StoryRecord(text="\n".join(lines), where=name)])


def read_csv(data: bytes, name: str, options: ReadOptions) -> Read:
    """A CSV/TSV export; the delimiter is taken from the header line."""
    text, encoding = decode(data, name=name)
    del data
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first_line.count)
    return Read(encoding, _csv_rows(text, delimiter, name, options), table=True)


def _csv_rows(text: str, delimiter: str, name: str, options: ReadOptions) -> Iterator[Item]:
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
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
            lines = _span(first_line, reader.line_num)
            yield Rejection(f"{name}, {lines}", f"сломанная строка CSV ({_csv_reason(exc)})")
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


def read_json(data: bytes, name: str, options: ReadOptions) -> Read:
    """A JSON list of objects (or an object holding one such list)."""
    text, encoding = decode(data, name=name)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: испорченный JSON (строка {exc.lineno}: {exc.msg}).") from None
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        value = lists[0] if len(lists) == 1 else value
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(f"{name}: JSON должен быть списком объектов вида {{\"text\": \"...\"}}.")
    numbered = ((i + 1, v) for i, v in enumerate(value))
    return Read(encoding, _objects(numbered, name, options, "запись"), table=True)


def read_jsonl(data: bytes, name: str, options: ReadOptions) -> Read:
    """JSON Lines: one object per line; a broken line is rejected on its own."""
    text, encoding = decode(data, name=name)
    return Read(encoding, _objects(_json_lines(text, name), name, options, "строка"), table=True)


def _json_lines(text: str, name: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, Rejection(f"{name}, строка {number}", f"испорченный JSON ({exc.msg})")


def _objects(
    numbered: Iterable[tuple[int, Any]], name: str, options: ReadOptions, unit: str
) -> Iterator[Item]:
    mapping: dict[str, str] | None = None
    for number, value in numbered:
        where = f"{name}, {unit} {number}"
        if isinstance(value, Rejection):
            yield value
            continue
        if not isinstance(value, dict):
            yield Rejection(where, "ожидался объект JSON вида {\"text\": \"...\"}")
            continue
        keys = list(value)
        try:
            mapping = map_columns(keys, options.explicit(), name=where)
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
