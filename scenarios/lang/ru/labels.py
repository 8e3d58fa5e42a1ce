"""Russian words a scenario label never shows: greetings, formulas of politeness, dates, empty words.

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

#: Words that name nothing on their own: a negation left with nothing to negate («да не за что»:
#: the lemmatiser fuses `не` into the next content word, and here there is none) and laughter or
#: interjections typed into chats («хах», «ого»).
EMPTY_WORDS: frozenset[str] = frozenset({"не", "ни", "ха", "хах", "хаха", "ахах", "ахаха", "хех", "хм", "ого", "ой"})

#: Everything a label term never contains.
NOT_IN_LABELS: frozenset[str] = GREETINGS | DATE_WORDS | EMPTY_WORDS
