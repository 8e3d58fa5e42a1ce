"""Russian stop words for client stories: what full-text search and scenario labels may drop.

Pure data; the lemmatiser (:mod:`scenarios.lemmatisers._russian`) marks a token as a stop word when
its lower-cased form *or* its lemma is listed, so one entry like "мочь" covers every form of the
verb. All entries are lower-case and listed with both `ё` and `е` (people type either).

Three lists, because they are dropped for different reasons and a user may want one back:

- `STOP_WORDS`: general Russian function words, spaCy's maintained list minus the words that carry
  the substance of a complaint or a compliment (`MEANINGFUL`) and minus the negations.
- `DOMAIN_STOP_WORDS`: what people say in interviews and reviews without saying anything about
  their experience: fillers, hesitation, greetings.
- `NEGATIONS`: never silently dropped. The lemmatiser moves a negation onto the word it negates
  ("не перезвонили" -> `не_перезвонить`) and only then hides the negation word itself.
"""

from __future__ import annotations

from .spacy_stop_words import SPACY_STOP_WORDS
from .spelling import with_yo_variants

#: Negation words. "никакой" negates the noun after it ("никакого ответа" -> `не_ответ`), like
#: "ни". "нет"/"нету" negate a following noun ("нет связи") or, at the end of a clause, the
#: genitive noun before them ("денег нет").
NEGATIONS: frozenset[str] = with_yo_variants({"не", "ни", "нет", "нету", "никакой"})

#: Words of spaCy's list that are the point of a client's sentence, so they stay searchable and
#: can appear in labels. Grouped by what they tell about a scenario:
MEANINGFUL: frozenset[str] = with_yo_variants(
    {
        # time and speed: waiting, delays and repeats are the most common complaints
        "долго", "давно", "недавно", "рано", "раньше", "позже", "скоро", "сразу",
        "никогда", "всегда", "часто", "чаще", "иногда", "нередко", "непрерывно",
        "опять", "снова", "вновь", "сызнова",
        # evaluation: the verdict itself ("стало хуже", "проще закрыть карту")
        "хорошо", "хуже", "проще", "зря",
        # amount: "мало банкоматов", "много звонков", "больше не пользуюсь"
        "мало", "много", "больше", "меньше", "дополнительно",
        # distance: where the office or ATM is
        "далеко", "недалеко", "близко", "рядом",
        # prohibition reads like a negation: "нельзя снять деньги"
        "нельзя",
        # a bank noun, not the pronoun "данный": "персональные данные", "данные карты"
        "данные", "данных",
        # "в общую очередь", "общий счёт": spaCy lists one odd form of "общий"
        "общую",
    }
)  # fmt: skip

#: Function words spaCy's list lacks: compound prepositions and indefinite pronouns, which razdel
#: keeps as one token ("из-за", "какой-то").
HYPHENATED: frozenset[str] = with_yo_variants(
    {
        "из-за", "из-под", "по-над", "всё-таки", "как-то", "кое-как", "кое-что", "кое-где", "так-то",
        "какой-то", "кто-то", "что-то", "где-то", "когда-то", "куда-то", "откуда-то", "почему-то",
        "зачем-то", "чей-то", "какой-нибудь", "кто-нибудь", "что-нибудь", "где-нибудь",
        "когда-нибудь", "куда-нибудь", "какой-либо", "кто-либо", "что-либо", "где-либо",
    }
)  # fmt: skip

#: General Russian stop words: spaCy's list (shipped in :mod:`.spacy_stop_words`) and `HYPHENATED`, minus
#: `MEANINGFUL` and `NEGATIONS`. Kept as stop words on purpose: intensifiers ("очень", "слишком",
#: "совсем") and modals ("надо", "нужно", "можно", "мочь", "хотеть", "должен"), because "очень
#: долго" and "долго", or "хочу закрыть карту" and "закрыть карту", are the same scenario.
STOP_WORDS: frozenset[str] = (with_yo_variants(SPACY_STOP_WORDS) | HYPHENATED) - MEANINGFUL - NEGATIONS

#: Interview and review chatter: fillers, hesitation, backchannel and greetings. Listed as forms
#: where the lemma is a content word ("знаете" is a filler, "знать" is not: "никто не знал").
#: "спасибо" is deliberately absent: thanking someone is how praise scenarios are told
#: ("спасибо Анне за помощь"); a bare closing "спасибо" makes a fragment with no other content.
DOMAIN_STOP_WORDS: frozenset[str] = with_yo_variants(
    {
        # fillers and discourse markers
        "ну", "вот", "короче", "кароче", "типа", "типо", "вообще", "ваще", "вообщем", "вобщем",
        "общем", "значит", "собственно", "кстати", "прям", "прямо", "реально", "походу",
        "допустим", "скажем", "например", "блин", "ладно", "окей", "ок", "ok", "okay", "итак",
        "слушай", "слушайте", "смотри", "смотрите", "знаешь", "знаете", "понимаешь",
        "понимаете", "представляешь", "представляете", "прикинь", "прикиньте", "видите",
        "по-моему", "вообще-то", "короче-то",
        # hesitation and backchannel
        "да", "ага", "угу", "ммм", "мм", "м", "эм", "эмм", "э", "ээ", "эээ", "хм", "ой", "ах",
        # greetings and politeness formulas
        "здравствуйте", "здрасте", "здрасьте", "привет", "пожалуйста",
    }
)  # fmt: skip

#: Formulas whose words mean something elsewhere: "день" in "добрый день" says nothing, "день" in
#: "ждала три дня" does. Matched on lower-cased forms (`ё` as `е`), every word dropped.
DOMAIN_STOP_PHRASES: frozenset[str] = frozenset(
    {
        "добрый день", "добрый вечер", "доброе утро", "доброго времени суток", "доброго дня",
        "всего доброго", "до свидания", "с уважением", "заранее спасибо",
        "на самом деле", "честно говоря", "короче говоря", "собственно говоря", "так сказать",
        "как бы", "то есть", "в общем", "в общем-то", "в принципе", "это самое", "скажем так",
    }
)  # fmt: skip

#: What the default lemmatiser drops.
DEFAULT_STOP_WORDS: frozenset[str] = STOP_WORDS | DOMAIN_STOP_WORDS
