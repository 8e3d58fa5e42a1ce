"""The Russian stop-word data ships with the package: no spaCy needed, and it matches spaCy's list."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scenarios.lang.ru.spacy_stop_words import SPACY_STOP_WORDS
from scenarios.lang.ru.stop_words import MEANINGFUL, NEGATIONS, STOP_WORDS


def test_the_shipped_list_is_spacys_list() -> None:
    spacy_list = pytest.importorskip("spacy.lang.ru.stop_words")  # the `spacy` extra
    assert SPACY_STOP_WORDS == set(spacy_list.STOP_WORDS), "refresh scenarios/lang/ru/spacy_stop_words.py"


def test_stop_words_load_without_spacy() -> None:
    probe = "import sys, scenarios.lang.ru.stop_words; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_stop_words_are_spacys_minus_what_carries_meaning() -> None:
    assert len(SPACY_STOP_WORDS) > 500 and all(w == w.lower() and " " not in w for w in SPACY_STOP_WORDS)
    assert {"и", "в", "что", "этот", "который"} <= STOP_WORDS
    assert "долго" in SPACY_STOP_WORDS and "долго" not in STOP_WORDS, "waiting is a complaint, not a stop word"
    assert not STOP_WORDS & (MEANINGFUL | NEGATIONS)
    # both spellings of every ё-word: people type either
    assert all(w.replace("ё", "е") in STOP_WORDS for w in STOP_WORDS)
