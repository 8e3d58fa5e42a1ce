"""Russian words that carry no story on their own: what makes a fragment chatter.

Pure language data, true of any Russian feedback (banks, housing, telecoms): greetings and thanks,
bare verdicts ("ужасный", "лучший"), advice formulas ("никому не советую"), talk about the review
itself ("хочу поделиться историей", "оставить отзыв") and request formulas ("прошу разобраться и
принять меры"). Listed as lemmas as the default lemmatiser writes them (negation attached:
`не_советовать`); stop words are already gone from the lemma strings.

A fragment is chatter when what is left after these words is too little to be a story (see
`is_chatter`). Measured on `../shared/data/banki_scenario_sentences.csv` (`bench/quality.py`):
the rule sets aside 75 % of the 64 `none` sentences and 1.3 % of the 626 scenario sentences,
while short vivid stories stay in: «Шрифт бы покрупнее», «да я тут рядом живу», «Весь месяц жил
без карты, как в девяностые.» The word count it replaces (fewer than 5 content lemmas) dropped
exactly those and kept the rants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .spelling import with_yo_variants

#: Lemmas that say nothing about what happened, grouped by why.
PHATIC: frozenset[str] = with_yo_variants(
    {
        # greetings, address and sign-off
        "здравствовать", "здравствуйте", "привет", "добрый", "день", "вечер", "утро", "время",
        "сутки", "уважаемый", "дорогой", "всем", "все", "весь",
        # thanks and apologies
        "спасибо", "благодарить", "благодарность", "благодарный", "признательный", "извинение",
        "извиниться", "приносить", "неудобство", "доставить",
        # bare verdicts and intensifiers
        "хороший", "плохой", "отличный", "прекрасный", "замечательный", "великолепный", "ужасный",
        "отвратительный", "худший", "лучший", "позорный", "кошмарный", "жуткий", "нормальный",
        "норма", "супер", "класс", "отлично", "хорошо", "плохо", "ужасно", "отвратительно",
        "прекрасно", "замечательно", "самый", "высший", "уровень", "целое", "идеальный", "достойный",
        # advice formulas
        "советовать", "не_советовать", "рекомендовать", "не_рекомендовать",
        # talk about the review itself
        "рассказать", "рассказывать", "поделиться", "написать", "писать", "оставить", "отзыв",
        "мнение", "впечатление", "история", "опыт", "сотрудничество", "взаимодействие",
        "отношение", "работа", "дело", "сталкиваться", "столкнуться", "встречать", "встретить",
        "видеть", "знать", "иметь", "приходиться", "прийтись",
        # request and hope formulas
        "хотеть", "хотеться", "просить", "разобраться", "принять", "мера", "ситуация", "вопрос",
        "проблема", "данный", "случай", "надеяться", "надежда", "понимание", "внимание",
        "скорейший", "разрешение", "дальнейший", "обращение", "обратиться", "обращаться",
        # the addressee in the abstract
        "клиент", "пользователь", "посетитель",
    }
)  # fmt: skip


#: Dates and numbers said aloud: a caller's date of birth («восьмое августа девяностого») is no
#: story, and «ждала три недели» keeps its story in «ждать неделя».
NUMBERS: frozenset[str] = with_yo_variants(
    {
        "ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
        "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
        "семнадцать", "восемнадцать", "девятнадцать", "двадцать", "тридцать", "сорок", "пятьдесят",
        "шестьдесят", "семьдесят", "восемьдесят", "девяносто", "сто", "двести", "триста", "четыреста",
        "пятьсот", "тысяча", "первый", "второй", "третий", "четвёртый", "пятый", "шестой", "седьмой",
        "восьмой", "девятый", "десятый", "одиннадцатый", "двенадцатый", "тринадцатый", "четырнадцатый",
        "пятнадцатый", "шестнадцатый", "семнадцатый", "восемнадцатый", "девятнадцатый", "двадцатый",
        "тридцатый", "сороковой", "пятидесятый", "шестидесятый", "семидесятый", "восьмидесятый",
        "девяностый", "сотый", "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
        "сентябрь", "октябрь", "ноябрь", "декабрь",
    }
)  # fmt: skip

#: Patronymics («Андреевич», «Сергеевна»): a name said to identify oneself, not a story.
PATRONYMIC = re.compile(r"(?:ович|евич|овна|евна|ична)$")


def content_words(lemmas: Iterable[str]) -> int:
    """How many of a fragment's lemmas say something beyond formulas, numbers and patronymics."""
    return sum(1 for w in lemmas if w not in PHATIC and w not in NUMBERS and not PATRONYMIC.search(w))


def is_chatter(lemmas: Iterable[str]) -> bool:
    """Whether a fragment's content lemmas are too few to tell a story.

    Chatter when fewer than two lemmas are left outside `PHATIC`, or fewer than three when a
    phatic word is present: «Ужасный банк, никому не советую» (one left: банк) and «Прошу
    разобраться и принять меры» (none) are chatter; «Шрифт бы покрупнее» (two, no verdict) and
    «Перевела все остатки в другой банк» (three) are stories.
    """
    words = list(lemmas)
    content = content_words(words)
    return content < 2 or (content < 3 and content < len(words))
