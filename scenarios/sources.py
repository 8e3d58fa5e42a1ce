"""Find the input files under the paths a user gives, in a stable order.

A folder is walked recursively in sorted order (so a resumed ingest meets files in the same
order); hidden files and folders are skipped. The name of a file's folder hints at its channel
(`interviews/`, `calls/`...), so a corpus laid out by channel needs no flags.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .readers import READERS

CHANNEL_FOLDERS = {
    "interview": "interview", "interviews": "interview", "интервью": "interview",
    "call": "call", "calls": "call", "звонки": "call",
    "review": "review", "reviews": "review", "отзывы": "review",
    "chat": "chat", "chats": "chat", "чаты": "chat",
    "email": "email", "emails": "email", "mail": "email", "письма": "email",
    "survey": "survey", "surveys": "survey", "опросы": "survey",
}


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest, or a path that cannot be (with `problem` saying why)."""

    path: Path
    display: str
    channel: str | None = None
    problem: str | None = None


def find_files(paths: Iterable[str | os.PathLike[str]]) -> list[SourceFile]:
    """List input files under `paths`; missing paths and unsupported files carry a problem.

    A file named explicitly is read whatever its extension (as text, if unknown); inside a
    folder only known extensions are taken and the rest are reported.
    """
    found: list[SourceFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(_walk(path))
        elif path.is_file():
            found.append(SourceFile(path, str(path), _channel_of(path)))
        elif path.exists():
            found.append(SourceFile(path, str(path), problem="не обычный файл (канал, устройство или сокет)"))
        else:
            found.append(SourceFile(path, str(path), problem="файл или папка не найдены"))
    return found


def _walk(root: Path) -> list[SourceFile]:
    found: list[SourceFile] = []
    problems: list[SourceFile] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename or root)
        problems.append(SourceFile(where, str(where), problem="нет прав на чтение папки"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for name in sorted(files):
            if name.startswith((".", "~$")):
                continue
            path = Path(folder) / name
            if not path.is_file():  # a FIFO would block the reader forever; a dangling link has no data
                problems.append(SourceFile(path, str(path), problem="не обычный файл или битая ссылка"))
            elif path.suffix.lower() in READERS:
                found.append(SourceFile(path, str(path), _channel_of(path)))
            else:
                problem = f"неподдерживаемый формат «{path.suffix or name}»"
                problems.append(SourceFile(path, str(path), problem=problem))
    return found + problems


def _channel_of(path: Path) -> str | None:
    for parent in path.parents:
        channel = CHANNEL_FOLDERS.get(parent.name.casefold())
        if channel:
            return channel
    return None
