"""The demo corpus ingests cleanly and every labelled quote lies in client speech."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenarios.store import Store

from .conftest import CORPUS, GoldQuote

KINDS = {"choice", "service", "product", "competitors", "life"}


@pytest.fixture(scope="module")
def corpus_store(corpus_db: Path) -> Iterator[Store]:
    with Store(corpus_db) as store:
        yield store


def test_corpus_size_and_channels(corpus_store: Store) -> None:
    assert corpus_store.count("stories") == 350
    channels = {r["channel"] for r in corpus_store.query("SELECT DISTINCT channel FROM stories")}
    assert channels == {"interview", "call", "review", "survey", "chat", "email"}


def test_labels_cover_every_story_with_known_kinds(gold_labels: list[dict[str, str]]) -> None:
    rows = gold_labels
    scenarios = Counter(r["scenario"] for r in rows if r["scenario"] != "none")
    assert len(scenarios) >= 12 and min(scenarios.values()) >= 20
    assert {r["kind"] for r in rows if r["scenario"] != "none"} == KINDS
    with (CORPUS / "scenarios.csv").open(encoding="utf-8", newline="") as f:
        assert set(scenarios) == {r["scenario"] for r in csv.DictReader(f)}


def test_every_labelled_quote_is_inside_a_client_fragment(corpus_store: Store, gold_quotes: list[GoldQuote]) -> None:
    stories = dict(corpus_store.conn.execute("SELECT external_id, text FROM stories"))
    assert len(gold_quotes) >= 17 * 20
    assert [q for q in gold_quotes if q.text not in stories.get(q.story, "")] == [], "quotes are verbatim"
    assert [q for q in gold_quotes if not q.fragment_ids(corpus_store)] == []


def test_growing_scenario_is_dated_late(gold_labels: list[dict[str, str]]) -> None:
    dates = {}
    for path in (CORPUS / "stories").rglob("*.txt"):
        dates[path.stem] = path.stem[:7]
    with (CORPUS / "stories" / "reviews.csv").open(encoding="utf-8", newline="") as f:
        dates.update({r["id"]: r["date"][:7] for r in csv.DictReader(f)})
    months = [dates[r["story_id"]] for r in gold_labels if r["scenario"] == "app_crashes" and r["story_id"] in dates]
    late = sum(m >= "2026-09" for m in months)
    assert late / len(months) >= 0.7


