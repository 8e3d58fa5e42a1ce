"""The demo corpus ingests cleanly and every labelled quote lies in client speech."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from scenarios.ingest import add_paths
from scenarios.store import Store

from .conftest import CORPUS

KINDS = {"choice", "service", "product", "competitors", "life"}


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    store = Store(path)
    report = add_paths(store, [CORPUS / "stories"])
    assert report.ok, report.rejections
    yield store
    store.close()


def labels() -> list[dict[str, str]]:
    with (CORPUS / "labels.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_corpus_size_and_channels(corpus_store: Store) -> None:
    assert corpus_store.count("stories") == 350
    channels = {r["channel"] for r in corpus_store.query("SELECT DISTINCT channel FROM stories")}
    assert channels == {"interview", "call", "review", "survey", "chat", "email"}


def test_labels_cover_every_story_with_known_kinds() -> None:
    rows = labels()
    scenarios = Counter(r["scenario"] for r in rows if r["scenario"] != "none")
    assert len(scenarios) >= 12 and min(scenarios.values()) >= 20
    assert {r["kind"] for r in rows if r["scenario"] != "none"} == KINDS
    with (CORPUS / "scenarios.csv").open(encoding="utf-8", newline="") as f:
        assert set(scenarios) == {r["scenario"] for r in csv.DictReader(f)}


def test_every_labelled_quote_is_inside_a_client_fragment(corpus_store: Store) -> None:
    outside = []
    for row in labels():
        if not row["quote"]:
            continue
        story = corpus_store.query("SELECT id, text FROM stories WHERE external_id = ?", (row["story_id"],))
        assert story, f"no story with external_id {row['story_id']}"
        start = story[0]["text"].find(row["quote"])
        assert start >= 0, f"quote not verbatim in {row['story_id']}: {row['quote']}"
        end = start + len(row["quote"])
        hit = corpus_store.count("fragments", "story_id = ? AND [end] > ? AND start < ?", (story[0]["id"], start, end))
        if not hit:
            outside.append(row["story_id"])
    assert outside == []


def test_growing_scenario_is_dated_late() -> None:
    dates = {}
    for path in (CORPUS / "stories").rglob("*.txt"):
        dates[path.stem] = path.stem[:7]
    with (CORPUS / "stories" / "reviews.csv").open(encoding="utf-8", newline="") as f:
        dates.update({r["id"]: r["date"][:7] for r in csv.DictReader(f)})
    months = [dates[r["story_id"]] for r in labels() if r["scenario"] == "app_crashes" and r["story_id"] in dates]
    late = sum(m >= "2026-09" for m in months)
    assert late / len(months) >= 0.7


