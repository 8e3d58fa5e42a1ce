"""Scenario labels read like what clients said, on the demo corpus grouped by its gold labels."""

from __future__ import annotations

import csv
import functools
import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from scenarios.describe._base import Member
from scenarios.describe.labels import ngrams, render_label, render_term, title_quote, top_terms
from scenarios.describe.quotes import is_complete
from scenarios.embedders import create_embedder
from scenarios.ingest import add_paths
from scenarios.lemmatise import lemmatisers
from scenarios.lemmatise.stage import decode_tokens, lemmatise
from scenarios.store import Store

from .conftest import CORPUS

CRASH_WORDS = ("вылет", "завис", "выкид", "падает", "крэш", "не запуска", "не открыва")


@dataclass(frozen=True)
class GoldCorpus:
    """The demo corpus as members of its gold scenarios, and the story texts they come from."""

    groups: dict[str, list[Member]]
    stories: dict[str, str]

    def centroid(self, scenario: str) -> np.ndarray:
        return np.mean([m.vector for m in self.groups[scenario]], axis=0)


@functools.cache
def _lemmatised() -> tuple[tuple[dict, ...], dict[str, str]]:
    """Every fragment row with its tokens, and story texts by id: ingested and lemmatised once."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "corpus.db") as store:
        report = add_paths(store, [CORPUS / "stories"])
        assert report.ok, report.rejections
        lemmatiser = lemmatisers.create("pymorphy")
        lemmatise(store, lemmatiser)
        rows = store.query(
            "SELECT f.id, f.story_id, f.turn_idx, f.start, f.[end], f.text, s.external_id, s.client, s.date, "
            "l.tokens FROM fragments f JOIN stories s ON s.id = f.story_id "
            "JOIN lemmas l ON l.hash = f.hash AND l.lemmatiser = ? ORDER BY f.id",
            (lemmatiser.id,),
        )
        stories = {r["id"]: r["text"] for r in store.query("SELECT id, text FROM stories")}
    return tuple(rows), stories


@functools.cache
def gold_corpus(embedder: str) -> GoldCorpus:
    """Fragments grouped by gold scenario: a fragment belongs to a scenario when it overlaps one of
    the scenario's labelled quotes. Vectors come from `embedder`, for the grouped fragments only."""
    rows, stories = _lemmatised()
    by_story: dict[str, list[dict]] = {}
    for row in rows:
        by_story.setdefault(row["external_id"], []).append(row)
    chosen: dict[str, dict[str, dict]] = {}
    with (CORPUS / "labels.csv").open(encoding="utf-8", newline="") as f:
        for label in csv.DictReader(f):
            if label["scenario"] == "none" or not label["quote"]:
                continue
            fragments = by_story[label["story_id"]]
            start = stories[fragments[0]["story_id"]].find(label["quote"])
            end = start + len(label["quote"])
            for row in fragments:
                if row["end"] > start and row["start"] < end:
                    chosen.setdefault(label["scenario"], {})[row["id"]] = row
    texts = sorted({row["text"] for group in chosen.values() for row in group.values()})
    vectors = dict(zip(texts, create_embedder(embedder).embed(texts), strict=True))
    groups = {
        name: [
            Member(r["id"], r["story_id"], r["turn_idx"], r["start"], r["end"], r["text"],
                   tuple(decode_tokens(r["tokens"])), vectors[r["text"]], r["client"], r["date"])
            for r in group.values()
        ]
        for name, group in sorted(chosen.items())
    }
    return GoldCorpus(groups, stories)


@pytest.fixture(scope="module")
def corpus() -> GoldCorpus:
    return gold_corpus("hashing")


@pytest.fixture(scope="module")
def terms(corpus: GoldCorpus) -> dict[str, list[tuple[str, float]]]:
    return top_terms(corpus.groups)


@pytest.fixture(scope="module")
def labels(corpus: GoldCorpus, terms) -> dict[str, str]:
    return {name: render_label(terms[name], members) for name, members in corpus.groups.items()}


def test_gold_corpus_has_the_seventeen_scenarios(corpus: GoldCorpus) -> None:
    assert len(corpus.groups) == 17
    assert all(len({m.story_id for m in group}) >= 20 for group in corpus.groups.values())


def test_callback_never_is_labelled_with_the_promised_callback(labels) -> None:
    assert "перезвон" in labels["callback_never"].lower()


def test_app_crashes_label_names_the_app_and_the_crash(labels) -> None:
    label = labels["app_crashes"].lower()
    assert "приложени" in label
    assert any(word in label for word in CRASH_WORDS), label


def test_negation_survives_where_something_did_not_happen(terms, labels) -> None:
    assert "не_перезвонить" in dict(terms["callback_never"])
    assert re.search(r"\bне перезвон", labels["callback_never"].lower()), labels["callback_never"]


def test_longer_terms_replace_their_nearly_as_strong_parts(terms) -> None:
    callback = [term for term, _ in terms["callback_never"]]
    assert "обещать перезвонить" in callback
    assert "перезвонить" not in callback and "обещать" not in callback


def test_chosen_terms_never_contain_each_other(terms) -> None:
    for scored in terms.values():
        words = [set(term.split()) for term, _ in scored]
        for i, a in enumerate(words):
            assert not any(i != j and a <= b for j, b in enumerate(words)), scored


def test_labels_are_short_readable_phrases_not_lemma_lists(labels) -> None:
    assert len(set(labels.values())) == len(labels)
    for label in labels.values():
        parts = label.split(" · ")
        assert 2 <= len(parts) <= 3, label
        assert label[0].isupper() and "_" not in label
        assert all(len(part.split()) <= 5 for part in parts), label


def test_terms_render_in_clients_most_frequent_form_with_proper_names(corpus: GoldCorpus) -> None:
    assert render_term("обещать перезвонить", corpus.groups["callback_never"]) == "обещали перезвонить"
    assert render_term("не_перезвонить", corpus.groups["callback_never"]).startswith("не перезвонил")
    assert "Сбер" in render_term("сбер", corpus.groups["cheaper_than_competitor"])
    assert render_term("никогда_не_сказанное", corpus.groups["callback_never"]) == "никогда не сказанное"


def test_ngrams_stay_inside_a_clause() -> None:
    tokens = lemmatisers.create("pymorphy").lemmatise(["Карту так и не дали. Приложение вылетает, курьер пропал."])[0]
    grams = {gram for gram, _, _ in ngrams(tokens)}
    assert ("приложение", "вылетать") in grams and ("не_дать",) in grams
    assert not any({"не_дать", "приложение"} <= set(g) or {"вылетать", "курьер"} <= set(g) for g in grams)


def test_terms_do_not_depend_on_member_order(corpus: GoldCorpus, terms) -> None:
    shuffled = {}
    for name, members in reversed(corpus.groups.items()):
        members = list(members)
        random.Random(name).shuffle(members)
        shuffled[name] = members
    assert top_terms(shuffled) == terms


def test_title_quote_is_a_short_complete_central_member(corpus: GoldCorpus) -> None:
    for name, members in corpus.groups.items():
        title = title_quote(members, corpus.centroid(name))
        assert title in members
        assert 40 <= len(title.text) <= 140 and is_complete(title.text), title.text
        shuffled = list(members)
        random.Random(0).shuffle(shuffled)
        assert title_quote(shuffled, corpus.centroid(name)) == title


def test_title_quote_needs_members() -> None:
    with pytest.raises(ValueError):
        title_quote([], np.ones(4))


@pytest.mark.slow
def test_e5_titles_tell_the_scenario() -> None:
    corpus = gold_corpus("e5")
    callback = title_quote(corpus.groups["callback_never"], corpus.centroid("callback_never")).text.lower()
    crashes = title_quote(corpus.groups["app_crashes"], corpus.centroid("app_crashes")).text.lower()
    assert "перезвон" in callback or "позвон" in callback, callback
    assert "приложени" in crashes, crashes
