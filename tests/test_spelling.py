"""One match form for Russian words: case and ё/е do not matter wherever words are compared."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scenarios.lang.ru.spelling import fold, with_yo_variants

_RUSSIAN = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕЁЖЗЯ -", max_size=30)


@given(_RUSSIAN)
def test_fold_ignores_case_and_yo(text: str) -> None:
    folded = fold(text)
    assert "ё" not in folded and folded == folded.lower() and len(folded) == len(text)
    assert fold(folded) == folded
    assert fold(text.replace("ё", "е").replace("Ё", "Е").upper()) == folded


def test_fold_on_real_words() -> None:
    assert fold("Ещё") == fold("еще") == "еще"
    assert fold("Сбербанк") == fold("СБЕРБАНК")
    assert fold("мёд") != fold("мод")


@given(st.lists(_RUSSIAN, max_size=5))
def test_yo_variants_match_either_spelling(words: list[str]) -> None:
    variants = with_yo_variants(words)
    for word in words:
        assert word.lower() in variants and word.lower().replace("ё", "е") in variants
