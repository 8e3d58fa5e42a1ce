"""Russian words a scenario label never shows: greetings and formulas of politeness.

Lemmas as pymorphy3 gives them, `ё` as `е`. A label term with any of them is dropped: «Здравствуйте
· добрый день» names no scenario.
"""

from __future__ import annotations

GREETINGS: frozenset[str] = frozenset({
    "здравствуйте", "здравствовать", "здравствуй", "привет", "приветствовать", "добрый", "уважаемый", "свидание",
    "спасибо", "благодарить", "пожалуйста", "извинить", "извинение",
})
