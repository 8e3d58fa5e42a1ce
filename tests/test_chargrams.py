"""The vectorised character n-gram counter gives scikit-learn's `char_wb` counts, feature for feature."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from scenarios.decode import decode
from scenarios.representations._chargrams import fit_counts, transform_counts

ROOT = Path(__file__).resolve().parents[1]

# What real pastes hold besides plain words: one- and two-letter words (shorter than the n-grams),
# Ё, Latin brand names, digits, emoji, tabs, line breaks, non-breaking spaces, an empty text.
ODD = ["Я в шоке!", "ну и ок", "ЁЛКИ\tпалки\nещё", "Tinkoff лучше, чем Сбер 😡", "", "   ",
       "карта за 750\u00a0₽ — ок?", "а", "ВТБ24 vs. ВТБ", "по-моему, пере-\nплата"]


def demo_texts() -> list[str]:
    """Every line of the demo corpus' stories (Russian client speech)."""
    texts = [line.strip() for path in sorted((ROOT / "corpus" / "stories").rglob("*.txt"))
             for line in decode(path.read_bytes())[0].splitlines()]  # some are cp1251 or UTF-16
    return [t for t in texts if t]


def reference(texts: list[str], **params: object) -> tuple[object, np.ndarray]:
    counter = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32, **params)
    counts = counter.fit_transform(texts)
    return counts, np.array(sorted(counter.vocabulary_, key=counter.vocabulary_.__getitem__))


def assert_same(texts: list[str], **params: object) -> None:
    expected, expected_vocabulary = reference(texts, **params)
    counts, vocabulary = fit_counts(texts, (3, 5), **params)  # type: ignore[arg-type]
    assert vocabulary.tolist() == expected_vocabulary.tolist()
    assert counts.shape == expected.shape
    assert (counts != expected).nnz == 0


@pytest.mark.parametrize("params", [{}, {"min_df": 2}, {"min_df": 2, "max_features": 300}])
def test_same_counts_as_scikit_learn_on_client_speech(params: dict[str, int]) -> None:
    texts = demo_texts() + ODD
    assert len(texts) > 300
    assert_same(texts, **params)


def test_same_counts_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts counted in several chunks (as a 100k-story corpus is) give one corpus's counts."""
    from scenarios.representations import _chargrams

    monkeypatch.setattr(_chargrams, "CHUNK", 97)
    assert_same(demo_texts() + ODD, min_df=2, max_features=500)


def test_transform_matches_and_ignores_unknown_grams() -> None:
    texts = demo_texts()
    fitted, vocabulary = fit_counts(texts[:200], (3, 5), min_df=2)
    new = texts[200:260] + ODD
    expected = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32,
                               vocabulary=list(vocabulary)).transform(new)
    counts = transform_counts(new, list(vocabulary), (3, 5))
    assert counts.shape == (len(new), len(vocabulary))
    assert (counts != expected).nnz == 0
    assert counts[len(texts[200:260]) + ODD.index("")].nnz == 0


def test_no_ngram_left_raises_like_scikit_learn() -> None:
    with pytest.raises(ValueError):
        fit_counts(["", "  "], (3, 5))
    with pytest.raises(ValueError):
        fit_counts(["один раз", "другой текст"], (3, 5), min_df=3)


@pytest.mark.slow
def test_same_counts_on_real_reviews(shared_data: Path) -> None:
    with open(shared_data / "banki_reviews_unlabelled.csv", encoding="utf-8") as f:
        texts = [row["text"] for row, _ in zip(csv.DictReader(f), range(1500))]
    assert_same(texts, min_df=2, max_features=20_000)
