"""Russian lemmatiser core: razdel tokens, cached pymorphy3 parses and cheap context.

pymorphy3 alone analyses a word out of context and its first parse is wrong where a neighbour
decides: "в правом крыле" (`право` or `правый`), "с его помощью" (`он` or `его`), "из стали"
(`стать` or `сталь`). Here every distinct lemma of a form becomes a *reading* with pymorphy3's
score as a prior, and a few agreement checks that cost a set intersection pick among them:
a preposition's case government, adjective–noun agreement in both directions, and a preference
for names among capitalised words. Each analysis is cached by form, so a warm lemmatiser spends
most of its time in razdel. `bench/lemmas.py` measures what each rule buys on UD Russian GSD.

Lemmas keep `ё` as the dictionary spells it ("ещё", "всё", "её"): pymorphy3 restores it even when
the text has `е`, so both spellings meet in one lemma, and labels read correctly. Search folds
`ё` to `е` on its own. Unknown words keep the spelling the client typed, lower-cased.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependency
from ..lang.ru.spelling import fold
from ..lang.ru.stop_words import DEFAULT_STOP_WORDS, DOMAIN_STOP_PHRASES, MEANINGFUL, NEGATIONS
from ..memo import Bounded
from ._base import Token

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer

#: Cases each preposition governs (pymorphy3 grammemes; `gen2`/`loc2` fold into `gent`/`loct`).
PREPOSITION_CASES: dict[str, frozenset[str]] = {
    prep: frozenset(cases.split())
    for preps, cases in [
        ("в во на", "accs loct"),
        ("о об обо", "accs loct"),
        ("с со", "gent ablt accs"),
        ("за под подо", "accs ablt"),
        ("по", "datv loct accs"),
        ("к ко благодаря согласно вопреки навстречу", "datv"),
        ("над надо перед передо пред", "ablt"),
        ("между меж", "ablt gent"),
        ("через сквозь про", "accs"),
        ("при", "loct"),
        (
            "из изо от ото до у без безо для около после кроме вокруг среди против вместо "
            "из-за из-под возле мимо ради насчёт насчет внутри вне вдоль позади",
            "gent",
        ),
    ]
    for prep in preps.split()
}

#: Words that end a negation's scope: "не позвонили, а написали", "не знаю, что делать".
CLAUSE_BREAKS: frozenset[str] = frozenset(
    "и а но или либо что чтобы чтоб потому поэтому если когда хотя зато однако пока где куда который как".split()
)

#: pymorphy3 lemmas replaced: "деньги" is never "деньга" in a story, and "основный" (a chemistry
#: term) is ranked above "основной" for "основным", "основных".
LEMMA_FIXES: dict[str, str] = {"деньга": "деньги", "основный": "основной"}

#: Forms whose usual reading in client speech is not pymorphy3's first one: "есть" is "there is"
#: (`быть`), not "eat"; "данные" are data, not a participle of `дать`; "ок" is "okay", not
#: "около"; "типа", "походу" are fillers, not `тип`, `поход`. A listed lemma wins unless context
#: (a preposition, an agreeing word) disagrees: "такого типа" is still `тип`.
SPEECH_LEMMAS: dict[str, str] = {
    "есть": "быть", "данные": "данные", "ок": "окей", "типа": "типа", "типо": "типа", "походу": "походу",
    "кароче": "короче", "эмм": "эм",
}  # fmt: skip

#: Forms of `тот` that UD lemmatises as the pronoun `то` when no noun or adjective follows.
_NEUTER_DEMONSTRATIVES: dict[str, str] = {"того": "то", "тому": "то", "том": "то", "тем": "то"}

_KEPT_COMPARATIVES = frozenset({"больше", "меньше", "позже", "позднее", "раньше", "ранее", "более", "менее"})
_RELATIVES = frozenset({"который", "какой", "чей"})  # "которые были": no noun follows
_POSSESSIVES = frozenset({"его", "её", "ее", "их"})
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
_ADJ_LIKE = frozenset({"ADJF", "PRTF"})
_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen1", "gen2", "acc2", "loc1", "loc2"})
_GENDERS = ("masc", "femn", "neut", "ms-f")
_CASE_FOLD = {"gen1": "gent", "gen2": "gent", "acc2": "accs", "loc1": "loct", "loc2": "loct"}
#: UD part of speech of pymorphy3's (OpenCorpora) parts of speech.
OPENCORPORA_UPOS: dict[str, str] = {
    "NOUN": "NOUN", "ADJF": "ADJ", "ADJS": "ADJ", "COMP": "ADJ", "VERB": "VERB", "INFN": "VERB",
    "PRTF": "VERB", "PRTS": "VERB", "GRND": "VERB", "NUMR": "NUM", "ADVB": "ADV", "NPRO": "PRON",
    "PRED": "ADV", "PREP": "ADP", "CONJ": "CCONJ", "PRCL": "PART", "INTJ": "INTJ",
}  # fmt: skip
_DASHES = frozenset("-‐‑–—")
_SENTENCE_ENDS = frozenset({".", "!", "?", "…", "...", "?!", "!?", "!!", "!!!", "??"})
_ACCENTS = str.maketrans("", "", "\u0301\u0300")
_NEIGHBOUR_MIN_SCORE = 0.01
_NONE: frozenset[Any] = frozenset()
_analyzer: MorphAnalyzer | None = None

AgreeKey = tuple[str, str | None, str | None]  # (case, number, gender)
Span = tuple[int, int, str]  # (start, end, text) of a token


def tokenize(text: str) -> list[Span]:
    """Tokens by razdel: words (with inner hyphens: "из-за", "какой-то"), numbers, punctuation.

    A dash glued to a word ("мошенничество -как банк") is split off, as razdel keeps it.
    """
    from razdel import tokenize as razdel_tokenize

    spans = []
    for token in razdel_tokenize(text):
        start, end, word = token.start, token.stop, token.text
        if len(word) > 1 and word[0] in _DASHES and word[1].isalpha():
            spans.append((start, start + 1, word[0]))
            start, word = start + 1, word[1:]
        if len(word) > 1 and word[-1] in _DASHES and word[-2].isalpha():
            spans.append((start, end - 1, word[:-1]))
            start, word = end - 1, word[-1]
        spans.append((start, end, word))
    return spans


def morph_analyzer() -> MorphAnalyzer:
    """The process-wide pymorphy3 analyser: loading its dictionaries takes a while and ~15 MB."""
    global _analyzer
    if _analyzer is None:
        try:
            from pymorphy3 import MorphAnalyzer
        except ImportError:  # pragma: no cover - pymorphy3 is a project dependency
            raise MissingDependency(
                "Для лемматизации нужен pymorphy3: pip install pymorphy3 pymorphy3-dicts-ru"
            ) from None
        _analyzer = MorphAnalyzer(lang="ru")
    return _analyzer


@dataclass(slots=True)
class Reading:
    """One lemma of a form with the grammar its neighbours can check.

    `adj` are the (case, number, gender) keys of its adjective-like parses; `noun` are the keys an
    adjective before it must have to agree with one of its noun parses.
    """

    lemma: str
    upos: str
    prior: float
    cases: frozenset[str]
    adj: frozenset[AgreeKey]
    noun: frozenset[AgreeKey]
    proper: bool = False
    is_stop: bool = False
    is_negation: bool = False


@dataclass(slots=True)
class Entry:
    """Everything about one surface form that does not depend on its neighbours (cached)."""

    readings: tuple[Reading, ...]
    is_word: bool
    capitalised: bool
    known: bool
    cases: frozenset[str]
    head: frozenset[AgreeKey]  # what an adjective before it agrees with: its noun and adjective keys
    gov: frozenset[str] | None = None  # cases it governs if it can be a preposition


#: Rules of the default, each measured in `bench/lemmas.py --ablate`:
#: `prior` - pymorphy3's score weighs readings against context (off: only its order counts);
#: `ud` - UD conventions: "со" stays "со", "крупнейший" stays, "быстрее" -> `быстро`,
#: "должна" -> `должен`, `LEMMA_FIXES`; `speech` - `SPEECH_LEMMAS` and slang in -уха;
#: `names` - capitalised words prefer name readings, unknown ones keep their form ("Тинькофф") or
#: stem ("Сбере" -> `сбер`); `government` - a preposition's cases; `agreement` - adjective and
#: noun agree; `pronouns` - "после того" -> `то`, "в том же году" -> `тот`, "её" is `она` unless
#: a noun or adjective follows ("её карту" -> `её`).
RULES: frozenset[str] = frozenset({"prior", "ud", "speech", "names", "government", "agreement", "pronouns"})
_CONTEXT_RULES = frozenset({"prior", "names", "government", "agreement", "pronouns"})


class RussianLemmatizer:
    """Tokens with lemmas, stop-word and negation flags for Russian text.

    Args:
        rules: which of `RULES` apply; none gives pymorphy3's plain first parse, the baseline.
        stop_words: forms and lemmas marked `is_stop`.
        stop_phrases: formulas whose every word is marked `is_stop` ("добрый день").
        keep_words: forms and lemmas never marked `is_stop`, though their lemma or form is a stop
            word ("проще" stays though its lemma "просто" is a stop word).
        negations: forms and lemmas whose scope is marked `negated`.
        cache_size: forms kept analysed (about 0.6 KB each); the cache is emptied when it grows
            past this, which a corpus's everyday words survive by coming straight back.

    Examples:
        >>> [(t.lemma, t.negated) for t in RussianLemmatizer()("Не перезвонили")]
        [('не', False), ('перезвонить', True)]
    """

    def __init__(
        self,
        *,
        rules: Iterable[str] = RULES,
        stop_words: Iterable[str] = DEFAULT_STOP_WORDS,
        keep_words: Iterable[str] = MEANINGFUL,
        stop_phrases: Iterable[str] = DOMAIN_STOP_PHRASES,
        negations: Iterable[str] = NEGATIONS,
        cache_size: int = 200_000,
    ) -> None:
        self.rules = frozenset(rules)
        if unknown := self.rules - RULES:
            raise ValueError(f"unknown rules: {sorted(unknown)}")
        self.context = not self.rules.isdisjoint(_CONTEXT_RULES)
        self.stop_words = frozenset(stop_words)
        self.keep_words = frozenset(keep_words)
        self.stop_phrases: dict[str, list[tuple[str, ...]]] = {}  # by first word, longest first
        for phrase in sorted({tuple(fold(p).split()) for p in stop_phrases}, key=len, reverse=True):
            self.stop_phrases.setdefault(phrase[0], []).append(phrase)
        self.negations = frozenset(negations)
        self.cache_size = cache_size
        self.morph = morph_analyzer()
        self._entries: Bounded[str, Entry] = Bounded(cache_size)

    def __call__(self, text: str) -> list[Token]:
        """Tokens of `text` in order; `text[t.start:t.end]` is each token's text."""
        spans = tokenize(text)
        entries = [self.entry(s[2]) for s in spans]
        chosen = self._choose(text, spans, entries) if self.context else [e.readings[0] for e in entries]
        return self.assemble(spans, entries, chosen)

    def assemble(self, spans: list[Span], entries: list[Entry], chosen: list[Reading]) -> list[Token]:
        """Tokens from each span's entry and chosen reading, with negation scopes marked."""
        negated, silent = self._negation(spans, entries, chosen)
        if self.stop_phrases:
            silent |= self._phrases(spans)
        return [
            Token(a, b, r.lemma, r.upos, (r.is_stop and not r.is_negation) or i in silent, e.is_word, i in negated)
            for i, ((a, b, _), e, r) in enumerate(zip(spans, entries, chosen))
        ]

    # -- analysis of one form (cached) ------------------------------------------------------------

    def entry(self, form: str) -> Entry:
        """The cached analysis of one token's text."""
        entry = self._entries.get(form)
        return self._entries.remember(form, self._analyse(form)) if entry is None else entry

    def _analyse(self, form: str) -> Entry:
        lower = form.lower()
        if "\u0301" in lower or "\u0300" in lower:  # stress marks in dictionaries and Wikipedia
            lower = lower.translate(_ACCENTS)
        if not any(ch.isalpha() for ch in lower):
            upos = "NUM" if any(ch.isdigit() for ch in lower) else ("PUNCT" if not lower.isalnum() else "X")
            reading = Reading(form, upos, 1.0, frozenset(), frozenset(), frozenset())
            return Entry((reading,), False, False, True, _NONE, _NONE)
        parses = self.morph.parse(lower)
        known = parses[0].is_known
        by_lemma: dict[str, list[Any]] = {}
        for parse in parses if self.context else parses[:1]:
            by_lemma.setdefault(self.lemma_of(parse, lower), []).append(parse)
        readings = [self._reading(lemma, group, lower, i == 0) for i, (lemma, group) in enumerate(by_lemma.items())]
        # What neighbours see ignores rare parses: "по" is also a noun ("ПО", software).
        cases, adj, noun = _grammar([p for p in parses if p.score >= _NEIGHBOUR_MIN_SCORE] or parses[:1])
        rules = self.rules
        if "speech" in rules and lower in SPEECH_LEMMAS:
            readings = self._prefer(readings, SPEECH_LEMMAS[lower])
        elif "names" in rules and not known and form[:1].isupper():
            readings = [_name_reading(readings, lower)]
        elif "speech" in rules and not known:
            _colloquial_feminine(readings[0], lower)
        for reading in readings:
            self._flag(reading, lower)
        gov = PREPOSITION_CASES.get(lower) if any(r.upos == "ADP" for r in readings) else None
        return Entry(tuple(readings), True, form[:1].isupper(), known, cases, _shared(adj | noun), gov)

    def _flag(self, reading: Reading, lower: str) -> None:
        """Set `is_stop` and `is_negation` from the lemma or the form.

        A listed form does not make a noun with a lemma of its own a stop word: "стали" is a stop
        word as `стать` but not as "изделие из стали" (`сталь`).
        """
        lemma, stop, keep = reading.lemma, self.stop_words, self.keep_words
        by_form = lower in stop and not (reading.upos in {"NOUN", "PROPN"} and lemma != lower)
        reading.is_stop = (lemma in stop or by_form) and not (lower in keep or lemma in keep)
        reading.is_negation = lower in self.negations or lemma in self.negations

    def lemma_of(self, parse: Any, lower: str) -> str:
        """The lemma of one pymorphy3 parse of `lower`, by the active rules."""
        if "ud" not in self.rules:
            return parse.normal_form
        tag = parse.tag
        if tag.POS == "PREP":
            return lower  # UD keeps "со", "во", "обо"
        if "Supr" in tag:  # UD: "крупнейших" -> "крупнейший", not "крупный"
            return _superlative(lower)
        if tag.POS == "COMP":  # UD: "быстрее" -> "быстро", but "позже", "больше" stay
            return lower if lower in _KEPT_COMPARATIVES else self._adverb(parse.normal_form)
        if tag.POS == "ADJS" and parse.normal_form == "должный":
            return "должен"
        return LEMMA_FIXES.get(parse.normal_form, parse.normal_form)

    def _adverb(self, adjective: str) -> str:
        """The adverb of an adjective, its short neuter form: "хороший" -> "хорошо"."""
        for parse in self.morph.parse(adjective):
            if parse.tag.POS == "ADJF" and parse.normal_form == adjective:
                short = parse.inflect({"ADJS", "neut", "sing"})
                return short.word if short else adjective
        return adjective

    def _reading(self, lemma: str, parses: list[Any], lower: str, first: bool) -> Reading:
        cases, adj, noun = _grammar(parses)
        possessive = "pronouns" in self.rules and lemma in _POSSESSIVES  # "её" is `она` unless a noun follows
        proper = any(not _PROPER.isdisjoint(p.tag.grammemes) for p in parses)
        tag = parses[0].tag
        upos = OPENCORPORA_UPOS.get(tag.POS or "", "X")
        if upos == "NOUN" and proper:
            upos = "PROPN"
        elif upos == "ADJ" and "Apro" in tag:
            upos = "DET"
        return Reading(
            lemma=lemma,
            upos=upos,
            prior=0.0 if possessive else parses[0].score if "prior" in self.rules else float(first),
            cases=cases,
            adj=adj,
            noun=noun,
            proper=proper,
        )

    @staticmethod
    def _prefer(readings: list[Reading], lemma: str) -> list[Reading]:
        """Put `lemma` first with a prior strong enough to win unless context disagrees."""
        if all(r.lemma != lemma for r in readings):  # "походу": pymorphy3 only knows `поход`
            return [replace(readings[0], lemma=lemma)]
        for reading in readings:
            if reading.lemma == lemma:
                reading.prior += 1.0
        return sorted(readings, key=lambda r: r.lemma != lemma)

    # -- context ----------------------------------------------------------------------------------

    def _choose(self, text: str, spans: list[Span], entries: list[Entry]) -> list[Reading]:
        """Pick each token's reading left to right, looking one token back and one ahead."""
        rules = self.rules
        use_gov, use_agree = "government" in rules, "agreement" in rules
        use_names, use_pron = "names" in rules, "pronouns" in rules
        chosen: list[Reading] = []
        gov: frozenset[str] | None = None  # cases a preposition (maybe via adjectives) imposes
        prev_adj: frozenset[AgreeKey] = _NONE
        prev_weight = 0.0
        n = len(entries)
        for i, entry in enumerate(entries):
            if not entry.is_word:
                chosen.append(entry.readings[0])
                gov, prev_adj = None, _NONE
                continue
            j = i + 1
            if j < n and spans[j][2].lower() == "же":  # "в том же году"
                j += 1
            nxt = entries[j] if j < n else None
            next_noun = nxt.head if nxt is not None else _NONE
            readings = entry.readings
            if len(readings) == 1:
                reading = readings[0]
            else:
                proper = use_names and entry.capitalised and entry.known and not self._initial(text, spans, i)
                reading = _best(
                    readings,
                    gov if entry.gov is None else None,  # "по одной [из] версий": a preposition is not governed
                    prev_adj,
                    prev_weight,
                    next_noun if use_agree else _NONE,
                    proper,
                )
                if use_pron and reading.lemma in {"тот", "тем"}:
                    reading = _demonstrative(reading, spans[i][2].lower(), nxt)
            chosen.append(reading)
            if not use_gov:
                pass
            elif entry.gov is not None and reading.upos == "ADP":
                gov = entry.gov
            elif gov is not None and reading.adj and not reading.adj.isdisjoint(next_noun):
                pass  # "в [этом] банке": the preposition still governs the noun ahead
            else:
                gov = None
            # a determiner agrees less surely than an adjective: "мои были" is `быть`, not `быль`
            prev_weight = 1.0 if reading.upos == "ADJ" else 0.5 if reading.upos == "DET" else 0.0
            prev_adj = reading.adj if use_agree and prev_weight and reading.lemma not in _RELATIVES else _NONE
        return chosen

    @staticmethod
    def _initial(text: str, spans: list[Span], i: int) -> bool:
        """Whether token `i` starts a sentence, where capitals say nothing about names."""
        if i == 0:
            return True
        _, prev_end, prev_text = spans[i - 1]
        return prev_text in _SENTENCE_ENDS or "\n" in text[prev_end : spans[i][0]]

    # -- negation and formulas ---------------------------------------------------------------------

    def _phrases(self, spans: list[Span]) -> set[int]:
        """Indexes of tokens inside a stop phrase."""
        found: set[int] = set()
        phrases = self.stop_phrases
        for i, span in enumerate(spans):
            candidates = phrases.get(fold(span[2]))
            for phrase in candidates or ():
                if all(i + k < len(spans) and fold(spans[i + k][2]) == w for k, w in enumerate(phrase)):
                    found.update(range(i, i + len(phrase)))
                    break
        return found

    @staticmethod
    def _negation(spans: list[Span], entries: list[Entry], chosen: list[Reading]) -> tuple[set[int], set[int]]:
        """Indexes under a negation, and negation words whose meaning moved onto a word.

        A negation covers the words after it up to and including the first content word in the
        same clause ("не могу дозвониться" -> `мочь`, `дозвониться`). With no content word ahead it
        covers the genitive before "нет" ("денег нет") or the infinitive before a negated modal
        ("помочь не могут"); else it stays a word of its own.
        """

        def in_clause(k: int) -> bool:
            if chosen[k].lemma == "и" and k and spans[k - 1][2].lower() == "так":
                return True  # "ответа так и нет": a particle, not a conjunction
            return entries[k].is_word and not chosen[k].is_negation and chosen[k].lemma not in CLAUSE_BREAKS

        negated: set[int] = set()
        silent: set[int] = set()
        n = len(entries)
        for i, reading in enumerate(chosen):
            if not reading.is_negation or not entries[i].is_word:
                continue
            j, modal = i + 1, False
            while j < n and in_clause(j):
                negated.add(j)
                if not chosen[j].is_stop:
                    silent.add(i)
                    break
                modal = modal or chosen[j].upos == "VERB"
                j += 1
            if i in silent:
                continue
            k = i - 1
            while k >= 0 and in_clause(k) and chosen[k].is_stop:
                k -= 1
            if k < 0 or not in_clause(k):
                continue
            before = chosen[k]
            if (reading.lemma in {"нет", "нету"} and "gent" in entries[k].cases) or (
                modal and before.upos == "VERB" and before.lemma == spans[k][2].lower()  # an infinitive
            ):
                negated.add(k)
                silent.add(i)
        return negated, silent


def _best(
    readings: tuple[Reading, ...],
    gov: frozenset[str] | None,
    prev_adj: frozenset[AgreeKey],
    prev_weight: float,
    next_noun: frozenset[AgreeKey],
    proper: bool,
) -> Reading:
    """The reading with the best prior plus bonuses for the neighbours that agree with it.

    A point for a case the preposition governs (a point off for one it does not), a point for an
    adjective agreeing with the next noun or adjective, up to a point for a noun agreeing with the
    adjective before it, half a point for a name reading of a capitalised word.
    """
    best, best_score = readings[0], -1e9
    for reading in readings:
        score = reading.prior
        if gov is not None:
            score += 1.0 if not gov.isdisjoint(reading.cases) else -1.0
        if next_noun and reading.adj and not reading.adj.isdisjoint(next_noun):
            score += 1.0
        if prev_adj and reading.noun and not reading.noun.isdisjoint(prev_adj):
            score += prev_weight
        if proper and reading.proper:
            score += 0.5
        if score > best_score:
            best, best_score = reading, score
    return best


def _demonstrative(reading: Reading, lower: str, nxt: Entry | None) -> Reading:
    """UD: "после того" is the pronoun `то`, "того банка" the determiner `тот`."""
    if lower in _NEUTER_DEMONSTRATIVES and (nxt is None or not nxt.head):
        return replace(reading, lemma=_NEUTER_DEMONSTRATIVES[lower], upos="PRON", adj=_NONE, noun=_NONE)
    return reading


def _name_reading(readings: list[Reading], lower: str) -> Reading:
    """The reading of an unknown capitalised word, a name or a brand.

    Its stem when a reading has one ("Сбере" -> `сбер`, "Тинькоффе" -> `тинькофф`), else the form
    itself ("Бейонсе"), never pymorphy3's guess by analogy ("бейонс"); adjectives keep the guess
    ("Хустская" -> `хустский`).
    """
    for reading in readings:
        if reading.upos == "ADJ" and reading.lemma.endswith(("ский", "цкий", "ской")):
            return reading

    def is_stem(reading: Reading) -> bool:
        return lower.startswith(reading.lemma) and 0 < len(lower) - len(reading.lemma) <= 2

    best = min(readings, key=lambda r: (not is_stem(r), r.lemma != lower))
    if not is_stem(best):
        best.lemma = lower
    best.upos = "PROPN"
    return best


def _grammar(parses: list[Any]) -> tuple[frozenset[str], frozenset[AgreeKey], frozenset[AgreeKey]]:
    """Cases, adjective keys and noun keys (see `Reading`) of some parses."""
    cases: set[str] = set()
    adj: set[AgreeKey] = set()
    noun: set[AgreeKey] = set()
    for parse in parses:
        grammemes = parse.tag.grammemes  # plain strings: pymorphy3's tag attributes reject odd comparisons
        case = next((_CASE_FOLD.get(g, g) for g in grammemes if g in _CASES), None)
        if case is None:
            continue
        cases.add(case)
        if "Abbr" in grammemes:  # "в" is also "вольт": abbreviations do not agree
            continue
        number = "plur" if "plur" in grammemes else "sing" if "sing" in grammemes else None
        gender = next((g for g in _GENDERS if g in grammemes), None)
        pos = parse.tag.POS
        if pos in _ADJ_LIKE:
            adj.add((case, number, gender if number == "sing" else None))
        elif pos == "NOUN":
            if number == "plur":
                noun.add((case, "plur", None))
            elif gender == "ms-f":
                noun.update({(case, "sing", "masc"), (case, "sing", "femn")})
            else:
                noun.add((case, number, gender))
    return _shared(frozenset(cases)), _shared(frozenset(adj)), _shared(frozenset(noun))


_SHARED: dict[frozenset[Any], frozenset[Any]] = {}


def _shared(keys: frozenset[Any]) -> frozenset[Any]:
    """One object for equal key sets: the cache holds 100,000s of forms with a few thousand sets."""
    return _SHARED.setdefault(keys, keys)


_ADJ_ENDINGS = ("ими", "ыми", "его", "ого", "ему", "ому", "ий", "ый", "ой", "ая", "яя", "ое", "ее", "ую", "юю", "ые",
                "ие", "ых", "их", "ым", "им", "ом", "ем", "ей")  # fmt: skip


def _superlative(lower: str) -> str:
    """The lemma of a superlative, its own masculine nominative: "лучшими" -> "лучший".

    pymorphy3 can only inflect it to a sibling form ("наилучший"), so the ending is swapped.
    """
    for ending in _ADJ_ENDINGS:
        if lower.endswith(ending):
            return lower[: -len(ending)] + "ий"
    return lower




def _colloquial_feminine(reading: Reading, lower: str) -> None:
    """Fix the guess for unknown slang in -уха/-юха, which is feminine ("приложуха", "житуха").

    pymorphy3 guesses it by analogy with "пастуха" as a masculine "приложух"; masculine nouns in
    -ух/-юх are few and all in its dictionary.
    """
    lemma = reading.lemma
    if reading.upos == "NOUN" and lemma.endswith(("ух", "юх")) and lower.startswith(lemma) and lower != lemma:
        reading.lemma = lemma + "а"
