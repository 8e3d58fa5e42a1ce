"""Russian words a scenario label never shows: greetings, formulas of politeness, dates.

Lemmas as pymorphy3 gives them, `ё` as `е`. A label term with any of them is dropped: «Здравствуйте
· добрый день» or «март 2020 года» names no scenario.
"""

from __future__ import annotations

GREETINGS: frozenset[str] = frozenset({
    "здравствуйте", "здравствовать", "здравствуй", "привет", "приветствовать", "добрый", "уважаемый", "свидание",
    "спасибо", "благодарить", "пожалуйста", "извинить", "извинение",
})

#: Dates say when, not what: months and "год" ("в марте 2020 года", "много лет").
DATE_WORDS: frozenset[str] = frozenset({
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
    "декабрь", "год",
})

#: Everything a label term never contains.
NOT_IN_LABELS: frozenset[str] = GREETINGS | DATE_WORDS
