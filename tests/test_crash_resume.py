"""Kill a real process with SIGKILL in the middle of each stage, re-run it, and get the same store.

Ingest and embed have their own kill tests (`test_ingest_kill.py`, `test_embed.py`). Here: lemmatise
(batched: whole batches survive), cluster and describe (one transaction each: all or nothing), a
Ctrl-C that says what was saved, and two writers with a reader at the same time. Kill points come
from the duration of an uninterrupted run, so the kill lands mid-stage on a fast or a slow machine.
"""

from __future__ import annotations

import csv
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenarios.config import load_config
from scenarios.embedders import create_embedder
from scenarios.lemmatisers import lemmatisers
from scenarios.pipeline import run
from scenarios.stages.embed import embed
from scenarios.stages.ingest import add_paths
from scenarios.stages.lemmatise import lemmatise
from scenarios.store import Store

from .conftest import CORPUS

pytestmark = pytest.mark.slow


def scenarios_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scenarios", *args]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 reviews recombined from the demo corpus' sentences (real vocabulary, new stories)."""
    return write_reviews(tmp_path_factory.mktemp("generated") / "reviews.csv", 1500, seed=3)


def write_reviews(path: Path, n: int, seed: int) -> Path:
    """`n` reviews of three sentences drawn from the demo corpus' reviews."""
    with (CORPUS / "stories" / "reviews.csv").open(encoding="utf-8", newline="") as f:
        sentences = [s.strip() + "." for row in csv.DictReader(f) for s in row["text"].split(".") if len(s) > 25]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "date", "text"])
        for i in range(n):
            writer.writerow([f"g{seed}-{i}", f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                             " ".join(rng.sample(sentences, 3))])
    return path


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "scenarios.toml"
    path.write_text('[embedder]\nname = "hashing"\n', encoding="utf-8")
    return path


def copy(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
        a.backup(b)
    return target


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute(sql).fetchall()


def count(path: Path, table: str) -> int:
    """Rows of `table`, read without the integrity check, so polling stays quick."""
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def timed(command: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    return time.monotonic() - start


def kill_after(command: list[str], seconds: float) -> int:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    return process.wait()


@pytest.fixture(scope="module")
def ingested(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stores") / "ingested.db"
    with Store(path) as store:
        add_paths(store, [generated])
    return path


@pytest.fixture(scope="module")
def embedded(ingested: Path, config: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = copy(ingested, tmp_path_factory.mktemp("stores") / "embedded.db")
    with Store(path) as store:
        config_ = load_config(config)
        lemmatise(store, lemmatisers.create(*config_.component("lemmatiser")[:1]))
        embed(store, create_embedder("hashing"))
    return path


def test_lemmatise_killed_mid_batch_resumes_to_the_same_lemmas(ingested: Path, tmp_path: Path) -> None:
    reference = copy(ingested, tmp_path / "reference.db")
    subprocess.run(scenarios_command("lemmatise", "--db", str(reference), "--batch-size", "200"), check=True,
                   capture_output=True)
    killed = copy(ingested, tmp_path / "killed.db")
    command = scenarios_command("lemmatise", "--db", str(killed), "--batch-size", "200")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if rows(killed, "SELECT count(*) FROM lemmas")[0][0] >= 400:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    partial = rows(killed, "SELECT count(*) FROM lemmas")[0][0]
    total = rows(reference, "SELECT count(*) FROM lemmas")[0][0]
    assert 0 < partial < total and partial % 200 == 0
    assert rows(killed, "SELECT count(*) FROM lemmas_fts")[0][0] == partial, "index and table commit together"
    subprocess.run(command, check=True, capture_output=True)
    query = "SELECT hash, lemmatiser, lemmas, tokens FROM lemmas ORDER BY hash"
    assert rows(killed, query) == rows(reference, query)


@pytest.mark.parametrize("stage", ["cluster", "describe"])
def test_single_transaction_stage_killed_midway_leaves_nothing_and_reruns_identically(
        stage: str, embedded: Path, config: Path, tmp_path: Path) -> None:
    base = embedded
    if stage == "describe":
        base = copy(embedded, tmp_path / "clustered.db")
        subprocess.run(scenarios_command("cluster", "--db", str(base), "--config", str(config)), check=True,
                       capture_output=True)
    args = [stage, "--config", str(config)]
    reference = copy(base, tmp_path / "reference.db")
    duration = timed(scenarios_command(*args, "--db", str(reference)))
    # The stage is a few seconds, most of them imports whose time varies with the machine's
    # load and file cache: a run that happens to be faster than the timed one is killed earlier.
    for share in (0.6, 0.45, 0.3):
        killed = copy(base, tmp_path / f"killed-{share}.db")
        code = kill_after(scenarios_command(*args, "--db", str(killed)), duration * share)
        if code == -signal.SIGKILL:
            break
    assert code == -signal.SIGKILL, f"{stage} finished before every kill, the last at {duration * share:.1f} s"
    # Killed before its commit the stage left nothing; after it, everything: never half.
    if stage == "cluster":
        assert rows(killed, "SELECT count(*) FROM runs")[0][0] in (0, 1)
    else:
        quotes = rows(killed, "SELECT count(*) FROM quotes")[0][0]
        labelled = rows(killed, "SELECT count(*) FROM scenarios WHERE label IS NOT NULL")[0][0]
        assert (quotes == 0) == (labelled == 0)
    subprocess.run(scenarios_command(*args, "--db", str(killed)), check=True, capture_output=True)
    for query in ("SELECT hash, scenario_id, pass FROM memberships ORDER BY hash",
                  "SELECT id, stories, label, kind, title FROM scenarios ORDER BY id",
                  "SELECT scenario_id, rank, fragment_id, start, [end] FROM quotes ORDER BY 1, 2"):
        assert rows(killed, query) == rows(reference, query)


def test_ctrl_c_says_what_was_saved_and_how_to_resume(ingested: Path, tmp_path: Path) -> None:
    store = copy(ingested, tmp_path / "interrupted.db")
    with Store(store) as more:  # ~8k fragments: seconds of work left when the signal lands, even under load
        add_paths(more, [write_reviews(tmp_path / "more.csv", 6000, seed=4)])
    # A shell that starts a job in the background makes it ignore SIGINT, and Python keeps an ignored
    # SIGINT ignored: give the child the default, as a terminal would.
    process = subprocess.Popen(scenarios_command("lemmatise", "--db", str(store), "--batch-size", "20"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and count(store, "lemmas") < 40:
        time.sleep(0.005)
    assert process.poll() is None, "lemmatise finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Прервано" in stderr and "повторите команду" in stderr and "Traceback" not in stderr
    saved = rows(store, "SELECT count(*) FROM lemmas")[0][0]
    assert saved % 20 == 0 and saved >= 40 and saved < count(store, "fragments")
    again = subprocess.run(scenarios_command("lemmatise", "--db", str(store)), capture_output=True, text=True)
    assert f"уже было: {saved}" in again.stdout


def test_two_writers_and_a_reader_at_once(tmp_path: Path) -> None:
    folders = []
    for name in ("left", "right"):
        folder = tmp_path / name
        folder.mkdir()
        for i in range(40):
            (folder / f"{name}{i:02d}.txt").write_text(
                f"Клиент: История {name} номер {i}: курьер перенёс доставку карты уже {i + 2} раз.", encoding="utf-8")
        folders.append(folder)
    store = tmp_path / "shared.db"
    subprocess.run(scenarios_command("init", "--db", str(store)), check=True, capture_output=True)
    writers = [subprocess.Popen(scenarios_command("add", str(f), "--db", str(store)), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for f in folders]
    seen = []
    while any(w.poll() is None for w in writers):
        read = subprocess.run(scenarios_command("status", "--db", str(store), "--json"), capture_output=True, text=True)
        assert read.returncode == 0 and "locked" not in read.stderr, read.stderr
        snapshot = json.loads(read.stdout)
        assert snapshot["turns"] == snapshot["stories"], "a reader never sees a story without its turn"
        seen.append(snapshot["stories"])
    outputs = [w.communicate() for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    assert not any("locked" in out + err for out, err in outputs)
    assert seen == sorted(seen)
    assert rows(store, "SELECT count(*) FROM stories")[0][0] == 80


def test_pipeline_run_after_a_kill_matches_a_clean_run(generated: Path, config: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.db"
    with Store(clean) as store:
        run(store, load_config(config), [generated])
    killed = tmp_path / "killed.db"
    command = scenarios_command("run", str(generated), "--db", str(killed), "--config", str(config))
    kill_after(command, 2.0)
    subprocess.run(command, check=True, capture_output=True)
    for query in ("SELECT id FROM stories ORDER BY id", "SELECT hash, scenario_id FROM memberships ORDER BY hash",
                  "SELECT id, label, kind FROM scenarios ORDER BY id"):
        assert rows(killed, query) == rows(clean, query)
