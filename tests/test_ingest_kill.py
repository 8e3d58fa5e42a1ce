"""A real process killed with SIGKILL in the middle of a folder ingest loses nothing and resumes."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenarios.stages.ingest import add_paths
from scenarios.store import Store

from .conftest import INTERVIEW

pytestmark = pytest.mark.slow

PHRASES = [
    "Курьер переносил доставку карты {} раз, никто не знал, где она.",
    "Приложение вылетает после обновления, уже {} дней не могу перевести деньги.",
    "В отделении {} минут никто не подходил, девушки болтали по телефону.",
    "Обещали перезвонить {} раз и ни разу не перезвонили.",
]


def make_folder(root: Path, rows: int) -> Path:
    folder = root / "in"
    folder.mkdir()
    for i, name in enumerate(["a", "b", "c"]):
        (folder / f"{name}.txt").write_text(INTERVIEW.replace("три недели", f"{i + 2} недели"), encoding="utf-8")
    with (folder / "d_big.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        for i in range(rows):
            writer.writerow([f"r{i}", PHRASES[i % 4].format(i) + " Клиент с 2019 года, раньше всё устраивало."])
    (folder / "e.txt").write_text("Клиент: Менеджер Анна всё объяснила и помогла открыть вклад.", encoding="utf-8")
    return folder


def files_done(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM files").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_mid_file_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, rows=20_000)
    with Store(tmp_path / "expected.db") as expected_store:
        add_paths(expected_store, [folder])
        expected = expected_store.query("SELECT id, external_id FROM stories ORDER BY id")

    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "scenarios", "add", str(folder), "--db", str(db)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while files_done(db) < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the 20k-row file
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    with Store(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.count("files") == 3, "the big file was in flight and must have rolled back whole"
        assert store.count("stories") == 3
    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert "файлов уже было в хранилище: 3" in rerun.stdout
    with Store(db) as store:
        assert store.query("SELECT id, external_id FROM stories ORDER BY id") == expected
        duplicates = store.query("SELECT count(*) - count(DISTINCT story_id || ':' || idx) AS n FROM fragments")
        assert duplicates[0]["n"] == 0
    assert not os.path.exists(str(db) + "-journal")
