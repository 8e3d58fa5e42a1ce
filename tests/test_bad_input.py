"""The bad-input matrix: every kind of input people point the tool at, through the CLI and the library.

Each case states what must happen — accepted (how many stories), partly accepted, or rejected with
which message class and words — and every case checks the store afterwards: integrity ok, counts
unchanged unless the input was accepted.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from scenarios.cli import cli
from scenarios.errors import InputError, StoreError
from scenarios.stages.ingest import IngestReport, add_paths, add_stream
from scenarios.store import SCHEMA_VERSION, Store

STORY = ("Интервьюер: Почему вы решили уйти?\nКлиент: Карту ждала три недели, курьер два раза переносил, "
         "а в Т-Банке привезли на следующий день. Ещё и приложение вылетало после обновления.\n")


@dataclass(frozen=True)
class Case:
    """How to make the input, and what must come of it."""

    make: Callable[[Path], Path | bytes]  # a path to add, or bytes to paste on stdin
    outcome: str                           # "accepted", "partial", "rejected", "store"
    stories: int = 0                       # stories added when accepted or partial
    words: str = ""                        # words the message must contain


def write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path
    return make


def csv_rows(name: str, rows: list[list[str]], encoding: str = "utf-8") -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        with path.open("w", encoding=encoding, newline="") as f:
            csv.writer(f).writerows(rows)
        return path
    return make


def mixed_folder(tmp: Path) -> Path:
    folder = tmp / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_bytes(STORY.encode("cp1251"))
    (folder / "b.txt").write_bytes(STORY.replace("три", "четыре").encode("koi8_r"))
    (folder / "c.txt").write_bytes(STORY.replace("три", "две").encode("utf-16"))
    (folder / "d.txt").write_bytes(STORY.replace("три", "пять").encode())
    return folder


def unreadable_folder(tmp: Path) -> Path:
    folder = tmp / "unreadable"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    os.mkfifo(folder / "pipe.txt")  # reading a FIFO would block forever
    return folder


def broken_quoting(tmp: Path) -> Path:
    path = tmp / "quotes.csv"
    path.write_text('id,text\n1,"Курьер не приехал, карту ждала месяц"\n2,"Бот отвечает "не по делу", жуть\n'
                    '3,"Менеджер всё объяснила, спасибо"\n', encoding="utf-8")
    return path


def newer_store(tmp: Path) -> Path:
    path = tmp / "newer.db"
    with Store(path) as store, store.transaction():
        store.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    return path


CASES: dict[str, Case] = {
    "empty file": Case(write("empty.txt", b""), "rejected", words="пустой файл"),
    "whitespace only": Case(write("blank.txt", b" \n\t \r\n"), "rejected", words="пустой текст"),
    "PNG": Case(write("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(300)), "rejected", words="изображение PNG"),
    "ZIP": Case(write("export.csv", b"PK\x03\x04" + bytes(300)), "rejected", words="архив ZIP"),
    "ELF": Case(write("notes.txt", b"\x7fELF\x02\x01\x01" + bytes(300)), "rejected", words="исполняемый файл"),
    "NUL bytes": Case(write("nul.txt", STORY.encode()[:60] + b"\x00\x00" + STORY.encode()[60:]), "rejected",
                      words="нулевые байты"),
    "cp1251": Case(write("w.txt", STORY.encode("cp1251")), "accepted", 1),
    "koi8-r": Case(write("k.txt", STORY.encode("koi8_r")), "accepted", 1),
    "utf-16 with BOM": Case(write("u16.txt", STORY.encode("utf-16")), "accepted", 1),
    "utf-16 without BOM": Case(write("u16le.txt", STORY.encode("utf-16-le")), "accepted", 1),
    "utf-8 with BOM": Case(write("u8.txt", STORY.encode("utf-8-sig")), "accepted", 1),
    "mixed encodings in one folder": Case(mixed_folder, "accepted", 4),
    "CSV with broken quoting": Case(broken_quoting, "partial", 2, "кавычк"),
    "CSV without a text column": Case(csv_rows("nocol.csv", [["id", "оценка"], ["1", "5"]]), "rejected",
                                      words="нет колонки с текстом"),
    "CSV with a 1 MB cell": Case(csv_rows("big.csv", [["text"], ["Клиент ждал карту. " * 55_000]]), "accepted", 1),
    "JSON that is not a list of objects": Case(write("x.json", json.dumps({"a": 1, "b": 2}).encode()), "rejected",
                                               words="списком объектов"),
    "1 MB single line": Case(write("line.txt", ("приложение вылетает после обновления " * 26_000).encode()),
                             "accepted", 1),
    "only emoji": Case(write("emoji.txt", "😡🤬😤 👎👎".encode()), "rejected", words="нет ни одного слова"),
    "only Latin": Case(write("en.txt", b"The courier postponed the card delivery twice."), "accepted", 1),
    "folder with unreadable files": Case(unreadable_folder, "partial", 1, "не обычный файл"),
    "paste: empty": Case(lambda tmp: b"   \n", "rejected", words="пуст"),
    "paste: cp1251": Case(lambda tmp: STORY.encode("cp1251"), "accepted", 1),
    "store that is not SQLite": Case(write("fake.db", "Заметки менеджера\n".encode() * 400), "store",
                                     words="не является хранилищем"),
    "store from a newer schema": Case(newer_store, "store", words="более новой версией"),
}


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("stories", "turns", "fragments")}


def seeded_store(tmp: Path) -> Path:
    path = tmp / "scenarios.db"
    with Store(path) as store:
        add_stream(store, __import__("io").BytesIO("Клиент: Менеджер Анна помогла с вкладом, спасибо.".encode()))
    return path


def run_library(store_path: Path, given: Path | bytes) -> tuple[str, str, int]:
    """(outcome, message, stories added) through the library."""
    try:
        with Store(store_path) as store:
            if isinstance(given, bytes):
                report = add_stream(store, __import__("io").BytesIO(given))
            else:
                report = add_paths(store, [given])
    except StoreError as exc:
        return "store", str(exc), 0
    except InputError as exc:
        return "rejected", str(exc), 0
    return _outcome(report), " ".join(str(r) for r in report.rejections), report.added


def _outcome(report: IngestReport) -> str:
    if report.ok:
        return "accepted"
    return "partial" if report.added else "rejected"


def run_cli(store_path: Path, given: Path | bytes) -> tuple[str, str, int, int]:
    """(outcome, stderr, stories added, exit code) through the CLI."""
    before = counts(store_path) if _is_store(store_path) else None
    args = ["add", "--db", str(store_path)]
    result = CliRunner().invoke(cli, args if isinstance(given, bytes) else [*args, str(given)],
                                input=given if isinstance(given, bytes) else None)
    assert "Traceback" not in result.output + result.stderr
    if result.stderr.startswith("Ошибка:"):
        return "store" if "хранилищ" in result.stderr.lower() else "rejected", result.stderr, 0, result.exit_code
    added = counts(store_path)["stories"] - before["stories"] if before else 0
    outcome = "accepted" if result.exit_code == 0 else ("partial" if added else "rejected")
    return outcome, result.stderr, added, result.exit_code


def _is_store(path: Path) -> bool:
    try:
        with Store(path, create=False):
            return True
    except StoreError:
        return False


@pytest.mark.parametrize("front", ["cli", "library"])
@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_matrix(tmp_path: Path, name: str, front: str) -> None:
    case = CASES[name]
    given = case.make(tmp_path)
    if case.outcome == "store":
        store_path, given = given, STORY.encode()
        original = store_path.read_bytes()
    else:
        store_path = seeded_store(tmp_path)
        before = counts(store_path)
    if front == "cli":
        outcome, message, added, code = run_cli(store_path, given)
        assert code == (0 if case.outcome == "accepted" else 1)
    else:
        outcome, message, added = run_library(store_path, given)
    assert outcome == case.outcome, message
    assert case.words in message
    if case.outcome == "store":
        assert store_path.read_bytes() == original, "a store we cannot use is left untouched"
        return
    after = counts(store_path)
    assert after["stories"] - before["stories"] == added == case.stories
    if not case.stories:
        assert after == before


def test_read_only_store(tmp_path: Path) -> None:
    path = seeded_store(tmp_path)
    before = counts(path)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (as root, file modes do not stop writes)")
    try:
        result = CliRunner().invoke(cli, ["add", "--db", str(path)], input=STORY)
        assert result.exit_code == 1 and "только для чтения" in result.stderr and "Traceback" not in result.output
        status = CliRunner().invoke(cli, ["status", "--db", str(path), "--json"])
        assert status.exit_code == 0 and json.loads(status.stdout)["stories"] == before["stories"]
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert counts(path) == before


@pytest.mark.slow
def test_csv_with_100k_rows(tmp_path: Path) -> None:
    rows = [["id", "text"]] + [[str(i), f"Заявка {i}: курьер перенёс доставку карты на {i % 30 + 1} дней."]
                               for i in range(100_000)]
    path = csv_rows("big.csv", rows)(tmp_path)
    store_path = seeded_store(tmp_path)
    result = CliRunner().invoke(cli, ["add", str(path), "--db", str(store_path)])
    assert result.exit_code == 0, result.stderr
    assert counts(store_path)["stories"] == 100_001


@pytest.mark.slow
def test_50_mb_paste(tmp_path: Path) -> None:
    line = "Интервьюер: Что случилось дальше?\nКлиент: Курьер снова перенёс доставку, я ждала дома весь день.\n"
    data = "".join(line.replace("весь день", f"весь день {i}") for i in range(400_000)).encode()
    assert len(data) > 50 * 2**20
    store_path = seeded_store(tmp_path)
    result = CliRunner().invoke(cli, ["add", "--db", str(store_path)], input=data)
    assert result.exit_code == 0, result.stderr
    with Store(store_path) as store:
        parts = store.query("SELECT title, chars FROM stories WHERE title LIKE 'Часть %'")
    chars = len(data.decode())
    assert len(parts) >= chars // 1_000_000 and max(p["chars"] for p in parts) <= 1_000_000
    assert sum(p["chars"] for p in parts) >= 0.99 * chars, "nothing of the paste is lost"
