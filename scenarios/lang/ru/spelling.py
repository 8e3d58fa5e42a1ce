"""How Russian words are matched regardless of how people type them: `ё` or `е`, any case.

Matching only: the store keeps the text as written (:mod:`scenarios.textnorm` keeps `ё`, which
lemmatisers need). Every comparison of a word with a list (stop words, kind cues, company names,
search terms) goes through :func:`fold`, so a list written with `ё` matches a text typed with `е`
and the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable


def fold(text: str) -> str:
    """Match form: lower case, `ё` as `е` ("Ещё" -> "еще")."""
    return text.lower().replace("ё", "е")


def with_yo_variants(words: Iterable[str]) -> frozenset[str]:
    """The words lower-cased, each with `ё` also spelt `е`, so both spellings match.

    For lists compared with lower-cased text that keeps `ё` (the lemmatiser's forms and lemmas),
    where :func:`fold` on both sides is not an option.
    """
    lowered = {w.lower() for w in words}
    return frozenset(lowered | {w.replace("ё", "е") for w in lowered})
