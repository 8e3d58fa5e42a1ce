"""Tone per scenario: praise and complaint shares from a lemma lexicon, measured on rated reviews."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from scenarios.describers._base import Member
from scenarios.describers.tone import scenario_tone, tone_score
from scenarios.lemmatisers import Lemmatiser, lemmatisers


@pytest.fixture(scope="module")
def lemmatiser() -> Lemmatiser:
    return lemmatisers.create("pymorphy")


def tokens(lemmatiser: Lemmatiser, text: str):
    return lemmatiser.lemmatise([text])[0]


@pytest.mark.parametrize(("text", "sign"), [
    ("Спасибо, всё быстро и вежливо объяснили", 1),
    ("Очень удобное приложение, рекомендую", 1),
    ("Ужасное обслуживание, жду ответа третью неделю", -1),
    ("Навязали страховку и обманули с процентами", -1),
    ("Мне так и не помогли", -1),
    ("Ни разу не пожалела, не было никаких проблем", 1),
    ("Открыла вклад на год", 0),
])
def test_tone_of_a_sentence(lemmatiser: Lemmatiser, text: str, sign: int) -> None:
    assert np.sign(tone_score(tokens(lemmatiser, text))) == sign


def test_scenario_tone_is_a_pair_of_shares(lemmatiser: Lemmatiser) -> None:
    texts = ["Спасибо, всё быстро", "Ужасно долго", "Ужасно и грубо", "Открыла вклад"]
    members = [Member(f"f{i}", f"s{i}", None, 0, len(t), t, tuple(tokens(lemmatiser, t)), np.zeros(2))
               for i, t in enumerate(texts)]
    tone = scenario_tone(members)
    assert (tone.praise, tone.complaint) == (0.25, 0.5)
    assert scenario_tone([]) == type(tone)(0.0, 0.0)


@pytest.mark.slow
def test_tone_agrees_with_star_ratings(lemmatiser: Lemmatiser, shared_data: Path) -> None:
    """Floor from `bench/describe.py` (0.79 of 2,686 reviews, 0.90 of those it decides)."""
    with (shared_data / "banki_reviews_unlabelled.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["rating"] and int(float(r["rating"])) != 3][::3]
    scores = np.sign([tone_score(t) for t in lemmatiser.lemmatise([r["text"] for r in rows])])
    gold = np.array([1 if int(float(r["rating"])) >= 4 else -1 for r in rows])
    decided = scores != 0
    assert np.mean(scores == gold) >= 0.75 and np.mean(scores[decided] == gold[decided]) >= 0.87
