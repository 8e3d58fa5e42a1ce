"""Russian language data for finding company names, true of any industry.

Pure data for :mod:`scenarios.describers.companies`; the companies themselves are domain data
(:mod:`scenarios.domains`, e.g. `domains/bank/companies.py`).
"""

from __future__ import annotations

#: Second parts that keep a hyphenated compound a company ("Озон-карта", "Сбер-онлайн"); any other
#: compound is another word ("альфа-версия", "альфа-тестирование"), so it is not a mention.
COMPOUND_PARTS: tuple[str, ...] = (
    "банк", "карт", "онлайн", "прилож", "кешбэк", "кэшбэк", "кешбек", "кэшбек", "премиум", "пэй", "pay", "бизнес",
    "инвест", "мобайл", "маркет", "деньг", "касс", "страх",
)

#: Words after a hyphen that show it was a dash, not a compound: "Совкомбанк-это лучший банк".
DASH_WORDS: frozenset[str] = frozenset({"это", "то", "так", "вот", "тоже", "все", "всё", "лучший", "самый"})

#: Organisations that natasha's NER finds in client stories but that are not companies a client
#: compares with: regulators, state services, payment systems, departments and generic words.
NOT_COMPANIES: frozenset[str] = frozenset({
    "цб", "центробанк", "центральный банк", "банк россии", "цб рф", "фнс", "налоговая", "налоговая служба",
    "госуслуги", "мфц", "пфр", "пенсионный фонд", "сфр", "социальный фонд", "роспотребнадзор", "прокуратура",
    "полиция", "мвд", "суд", "сбп", "мир", "visa", "mastercard", "асв", "агентство по страхованию вкладов",
    "росфинмониторинг", "фссп", "приставы", "бухгалтерия", "банк", "отделение", "колл-центр", "поддержка",
    "финансовый омбудсмен", "омбудсмен", "рф", "россия", "банки.ру", "банки ру", "банкиру", "пао", "ао", "ооо",
})

#: Words that company names carry in front or behind ("банк Ладья", "ПАО Сбербанк"); a name is
#: compared without them.
GENERIC_WORDS: frozenset[str] = frozenset({"банк", "банка", "банке", "банком", "банку", "пао", "ао", "ооо", "оао",
                                           "зао", "нко", "кб", "акб"})

#: Adjective suffixes that make a company's stem an adjective ("сбербанковский", "билайновская",
#: "тиньковский"); matched after the stem, with any adjective ending.
ADJECTIVE_SUFFIXES: tuple[str, ...] = ("овск", "евск", "ск", "овск", "ишн", "овн")

#: Adjective endings of Russian, longest first.
ADJECTIVE_ENDINGS: tuple[str, ...] = (
    "ыми", "ими", "ого", "его", "ому", "ему", "ий", "ый", "ой", "ым", "им", "ом", "ем", "ая", "яя", "ую", "юю", "ое",
    "ее", "ые", "ие", "ых", "их",
)


def __getattr__(name: str) -> object:
    """`COMPANIES` moved to the bank domain (`scenarios.domains.bank.companies`); kept for old imports."""
    if name == "COMPANIES":
        from ...domains.bank.companies import COMPANIES

        return COMPANIES
    raise AttributeError(name)
