"""Readable labels of scenarios: class-based TF-IDF over lemma n-grams, said in clients' words.

A label must tell a manager what clients say, not list "0_банк_карта_клиент". Terms are mined like
BERTopic's c-TF-IDF, but on the project's lemmas: an n-gram is a run of content lemmas within one
clause (stop words between them are skipped, punctuation ends the run), and a negated word counts
as `не_<lemma>`, so "не перезвонили" never turns into its opposite. A term scores by the share of
a scenario's stories that use it, times how rare it is across all scenarios. Longer terms win over
their parts when they are nearly as strong ("обещать перезвонить" over "перезвонить").

A term is then rendered the way clients most often said it: the surface text of its most frequent
occurrence ("не перезвонили", "приложение вылетает"), in lower case except proper names.

Examples:
    >>> terms = top_terms(groups)  # {scenario id: [Member, ...]}
    >>> render_label(terms["callback"], groups["callback"])
    'Обещали перезвонить · не перезвонил · четвёртый раз звоню'
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from functools import cache
from itertools import combinations, permutations
from typing import TYPE_CHECKING, Any

import numpy as np

from ..lang.ru.labels import GREETINGS, NOT_IN_LABELS
from ..lang.ru.spelling import fold
from ..lang.ru.stop_words import NEGATIONS
from ..lemmatisers import Token
from ..memo import Bounded
from ._base import Member
from .quotes import DECIMALS, is_complete, length_penalty, relevance, spread

if TYPE_CHECKING:
    from .companies import CompanyFinder

Term = tuple[str, ...]

#: Stop words allowed between two content words of a term ("обещали мне перезвонить").
MAX_GAP = 2
#: A longer term replaces a sub-term whose score it reaches to this fraction.
PREFER_LONGER = 0.5
#: c-TF-IDF's idf raised to this power: 1 is BERTopic's weighting; 1.5 made label words more
#: specific to their scenario on the demo corpus (share of a label word's stories inside its
#: scenario 0.69 -> 0.84) while labels still covered 68% of a scenario's stories (82% at 1).
IDF_POWER = 1.5
#: Title quotes are read in a list of scenarios: one short sentence.
TITLE_CHARS = (40, 140)
#: Title penalties, in standard deviations of closeness: a second sentence, an unfit quote.
EXTRA_SENTENCE = 1.0
UNFIT = 10.0
_SENTENCE_END = re.compile(r"^[.!?…]+$")
_SENTENCE_BREAK = re.compile(r"[.!?…]+[\"'»”)]*\s+(?=\S)")


# -- mining ---------------------------------------------------------------------------------------


def clauses(tokens: Sequence[Token], skip: Collection[int] = ()) -> Iterator[list[int]]:
    """Indices of content tokens, in runs that n-grams may span.

    A run ends at punctuation (a sentence or clause end) and where more than `MAX_GAP` stop words
    stand between two content words; the silent `не` of a negated word is not counted as a gap.
    Numbers written in digits count like stop words: "списали 750 рублей" still pairs its words.
    Tokens in `skip` (masked personal data) end a run like punctuation.
    """
    run: list[int] = []
    gap = 0
    for i, token in enumerate(tokens):
        if i in skip or (not token.is_word and token.pos != "NUM"):
            if run:
                yield run
            run, gap = [], 0
        elif token.is_stop or not token.is_word:
            negation = token.lemma in NEGATIONS and i + 1 < len(tokens) and tokens[i + 1].negated
            gap += not negation
        else:
            if run and gap > MAX_GAP:
                yield run
                run = []
            run.append(i)
            gap = 0
    if run:
        yield run


def ngrams(tokens: Sequence[Token], ngram_range: tuple[int, int] = (1, 3),
           skip: Collection[int] = ()) -> Iterator[tuple[Term, int, int]]:
    """Every run of n content lemmas in a clause, with the indices of its first and last token.

    A negated word's lemma is fused with its negation: `не_перезвонить`.
    """
    low, high = ngram_range
    for run in clauses(tokens, skip):
        keys = [f"не_{tokens[i].lemma}" if tokens[i].negated else tokens[i].lemma for i in run]
        for n in range(low, high + 1):
            for j in range(len(run) - n + 1):
                yield tuple(keys[j:j + n]), run[j], run[j + n - 1]


def member_ngrams(member: Member) -> list[tuple[Term, Term, int, int]]:
    """`(n-gram, its term, first, last)` of every 1-3-gram of a member without its masked tokens.

    The term is the n-gram regardless of word order (:func:`_key`). Kept per fragment: mining
    and rendering both read them, and describing again after a re-cluster reads the same
    fragments (about 1.5 s of describe's 4 at 10.5k fragments).
    """
    key = (member.fragment_id, member.text, hash(member.tokens))  # another lemmatiser, other tokens
    found = _NGRAMS.get(key)
    if found is None:
        found = _NGRAMS.remember(key, [(gram, _key(gram), first, last) for gram, first, last
                                       in ngrams(member.tokens, (1, 3), masked_tokens(member))])
    return found


# About 10 KB a fragment, so 20,000 at most.
_NGRAMS: Bounded[tuple[str, str, int], list[tuple[Term, Term, int, int]]] = Bounded(20_000)


def top_terms(
    groups: Mapping[str, Sequence[Member]],
    *,
    ngram_range: tuple[int, int] = (1, 3),
    top: int = 10,
    min_stories: int = 2,
    idf_power: float = IDF_POWER,
    prefer_longer: float = PREFER_LONGER,
    background: Sequence[Member] = (),
    exclude: Callable[[str], bool] | None = None,
) -> dict[str, list[tuple[str, float]]]:
    """The most distinctive terms of each group, as `(lemmas joined by spaces, score)`.

    `score = S / stories of the group * log(1 + A / F) ** idf_power`: S is how many stories of the
    group use the term, F how many stories use it across all groups and `background` (e.g.
    unclustered fragments), A the mean number of (story, term) pairs per group. Counting stories,
    not occurrences, keeps one talkative client from making a label; terms of fewer than
    `min_stories` stories (or all of a smaller group's) are left out. Russian word order is free,
    so "приложение вылетает" and "вылетает приложение" count as one term, shown in its more
    frequent order.

    Terms are taken best first, but a term gives way to a longer one containing it that scores at
    least `prefer_longer` of it; terms inside a taken term, or containing one, are dropped. The
    list keeps that order, so scores need not decrease.

    Never in a term: a greeting, a lemma `exclude` refuses (the own company's name, see
    :func:`excluded_lemmas`), or a word of masked personal data (e-mails, phones, card numbers,
    person names: :func:`masked_tokens`).
    """
    refuse = exclude or excluded_lemmas(None)
    counts: dict[str, Counter[Term]] = {}
    orders: Counter[Term] = Counter()
    for name, members in groups.items():
        counts[name] = _story_counts(members, ngram_range, orders)
    total: Counter[Term] = Counter()
    for counter in counts.values():
        total.update(counter)
    total.update(_story_counts(background, ngram_range, orders))
    mean_words = sum(sum(c.values()) for c in counts.values()) / max(len(counts), 1)
    result = {}
    for name, counter in counts.items():
        stories = len({m.story_id for m in groups[name]}) or 1
        scores = {
            term: n / stories * math.log(1 + mean_words / total[term]) ** idf_power
            for term, n in counter.items()
            if n >= min(min_stories, stories) and not any(refuse(w) for w in term)
        }
        result[name] = [(_spelled(t, orders), round(scores[t], 6)) for t in _select(scores, top, prefer_longer)]
    return result


def _spelled(term: Term, orders: Counter[Term]) -> str:
    """A term in the word order clients used most (ties: alphabetically first)."""
    said: list[Term] = [gram for gram in set(permutations(term)) if orders[gram]] or [term]
    best = min(said, key=lambda gram: (-orders[gram], gram))
    return " ".join(best)


def _key(gram: Term) -> Term:
    """A term regardless of word order (one- and two-word terms without a sort: most of them)."""
    if len(gram) == 1:
        return gram
    if len(gram) == 2:
        return gram if gram[0] <= gram[1] else (gram[1], gram[0])
    return tuple(sorted(gram))


def _story_counts(members: Sequence[Member], ngram_range: tuple[int, int], orders: Counter[Term]) -> Counter[Term]:
    """How many distinct stories use each term; `orders` counts each word order seen."""
    seen: dict[Term, set[str]] = defaultdict(set)
    for member in members:
        low, high = ngram_range
        if (low, high) == (1, 3):
            found = member_ngrams(member)
            grams, terms = [g[0] for g in found], {g[1] for g in found}
        else:
            grams = [gram for gram, _, _ in ngrams(member.tokens, ngram_range, masked_tokens(member))]
            terms = set(map(_key, grams))
        orders.update(grams)
        story = member.story_id
        for term in terms:
            seen[term].add(story)
    return Counter({term: len(stories) for term, stories in seen.items()})


def _select(scores: Mapping[Term, float], top: int, prefer_longer: float) -> list[Term]:
    """Best terms first, each upgraded to a nearly as strong longer term; no term inside another."""
    parents: dict[Term, list[Term]] = defaultdict(list)
    for term in scores:
        for part in _parts(term):
            parents[part].append(term)
    ranked = sorted(scores, key=lambda t: (-round(scores[t], 9), len(t), t))
    chosen: list[Term] = []
    covered: set[Term] = set()
    for term in ranked:
        if len(chosen) >= top:
            break
        while longer := [p for p in parents[term] if scores[p] >= prefer_longer * scores[term]]:
            term = max(longer, key=lambda p: (round(scores[p], 9), len(p), p))
        if term in covered or not covered.isdisjoint(_parts(term)):
            continue
        chosen.append(term)
        covered |= {term, *_parts(term)}
    return chosen


def _parts(term: Term) -> set[Term]:
    """The shorter terms inside `term` (terms are sorted, so its sub-tuples are terms too)."""
    return {part for n in range(1, len(term)) for part in combinations(term, n)}


# -- rendering ------------------------------------------------------------------------------------


def render_term(term: str, members: Sequence[Member], casing: Mapping[str, str] | None = None) -> str:
    """A term in its dictionary or most natural form, e.g. `доставка карта` -> "доставка карты".

    The most frequent occurrence is taken (ties: the shorter, then alphabetically first), running
    from the first to the last matching token with the stop words between ("обещали мне
    перезвонить") and a negation before a negated first word. A phrase with a verb stays as
    clients said it ("не перезвонили", "приложение вылетает"); a noun phrase has its head put in
    the nominative, adjectives agreeing ("зарплатную карту" -> "зарплатная карта"), the words after
    the head kept ("доставку карты" -> "доставка карты"). Proper names keep their capitals. A term
    nobody said (not mined from these members) comes back as its lemmas.
    """
    return render_terms([term], members, casing)[term]


def render_terms(terms: Sequence[str], members: Sequence[Member],
                 casing: Mapping[str, str] | None = None) -> dict[str, str]:
    """:func:`render_term` of several terms in one pass over the members."""
    casing = _name_forms(members) if casing is None else casing
    wanted = {_key(tuple(t.split())): t for t in terms}
    lengths = sorted({len(k) for k in wanted})
    forms: dict[str, Counter[str]] = {t: Counter() for t in terms}
    for member in members:
        found = member_ngrams(member) if max(lengths, default=1) <= 3 else [
            (gram, _key(gram), first, last) for gram, first, last in ngrams(member.tokens, (1, max(lengths)),
                                                                              masked_tokens(member))]
        for _, key, first, last in found:
            term = wanted.get(key)
            if term is not None:
                forms[term][_dictionary_form(member, _surface_start(member.tokens, first), last, casing)] += 1
    return {t: _most_said(f) if f else t.replace("_", " ") for t, f in forms.items()}


def _most_said(forms: Counter[str]) -> str:
    """The most frequent form; ties to the shorter, then alphabetically first."""
    return min(forms, key=lambda f: (-forms[f], len(f), f))


def _dictionary_form(member: Member, first: int, last: int, casing: Mapping[str, str]) -> str:
    """The words of tokens `first..last`, a noun phrase's head and its adjectives in the nominative."""
    tokens = member.tokens[first:last + 1]
    words = [_cased(member.text[t.start:t.end], casing) for t in tokens]
    content = [i for i, t in enumerate(tokens) if t.is_word and not t.is_stop]
    if not any(tokens[i].pos in ("VERB", "AUX") or tokens[i].negated for i in content):
        nouns = [i for i in content if tokens[i].pos in ("NOUN", "PROPN")]
        subject = next((i for i in nouns if _is_nominative(words[i])), None)
        if subject is not None and tokens[0].pos == "ADP" and any(i < subject for i in nouns):
            # "После обновления приложение" -> "приложение после обновления": the subject first.
            return " ".join([*words[subject:], *words[:subject]])
        if subject is None and nouns and not any(tokens[i].pos == "NUM" for i in content if i < nouns[0]):
            head = nouns[0]
            number = _number(words[head])
            words[head] = _inflect(words[head], frozenset({"nomn", number}))
            gender = _gender(words[head]) if number == "sing" else None
            for i in content:
                if i < head and tokens[i].pos in ("ADJ", "DET"):
                    words[i] = _inflect(words[i], frozenset({"nomn", gender or "plur"}))
        first = next(i for i, t in enumerate(tokens) if t.is_word and not t.is_stop)
        tokens, words = tokens[first:], words[first:]  # a preposition before a nominative reads wrong
    out = ""
    for i, (token, word) in enumerate(zip(tokens, words, strict=True)):
        if i:
            gap = member.text[tokens[i - 1].end:token.start]
            out += gap if gap.strip(" -") == "" else " "
        out += word
    return out


@cache
def _parse(word: str) -> Any:
    """pymorphy3's best parse of `word` (a `Parse`; pymorphy3 ships no types), or None."""
    from ..lemmatisers._russian import morph_analyzer

    parses = morph_analyzer().parse(word)
    return parses[0] if parses else None


def _is_nominative(word: str) -> bool:
    parse = _parse(word.lower())
    return parse is not None and "nomn" in parse.tag


def _number(word: str) -> str:
    parse = _parse(word.lower())
    return "plur" if parse is not None and "plur" in parse.tag and "Sgtm" not in parse.tag else "sing"


def _gender(word: str) -> str | None:
    parse = _parse(word.lower())
    return str(parse.tag.gender) if parse is not None and parse.tag.gender else None


def _inflect(word: str, grammemes: frozenset[str]) -> str:
    """`word` in the form with `grammemes`, its case pattern kept; unchanged when pymorphy3 cannot."""
    parse = _parse(word.lower())
    form = parse.inflect(set(grammemes)) if parse is not None else None
    if form is None:
        return word
    new = form.word
    return new.capitalize() if word[:1].isupper() and not word.isupper() else (new.upper() if word.isupper() and
                                                                                  len(word) > 1 else new)


def masked_tokens(member: Member) -> frozenset[int]:
    """Tokens a label never shows: inside an e-mail, phone, card or account number, or a person name.

    The patterns are the digest's own (:mod:`scenarios.digest.redact`), so a label never shows what
    a quote would mask; a name is a capitalised word whose first pymorphy3 reading is a first name,
    surname or patronymic. Kept per fragment: mining and rendering ask for every member many times.
    """
    key = (member.fragment_id, member.text, hash(member.tokens))  # another lemmatiser, other tokens
    found = _MASKED.get(key)
    return _MASKED.remember(key, _masked(member)) if found is None else found


_MASKED: Bounded[tuple[str, str, int], frozenset[int]] = Bounded(200_000)
_MAYBE_PATTERN = re.compile(r"[@\d]")


def _masked(member: Member) -> frozenset[int]:
    from ..digest.redact import PATTERNS

    text = member.text
    spans = ([(m.start(), m.end()) for _, pattern in PATTERNS for m in pattern.finditer(text)]
             if _MAYBE_PATTERN.search(text) else [])
    out = set()
    for i, token in enumerate(member.tokens):
        if text[token.start:token.start + 1].isupper() and _is_name(text[token.start:token.end]):
            out.add(i)
        elif spans and any(a < token.end and token.start < b for a, b in spans):
            out.add(i)
    return frozenset(out)


@cache
def _is_name(word: str) -> bool:
    if len(word) < 2 or not word[:1].isupper() or word.isupper():
        return False
    parse = _parse(word)
    return parse is not None and bool({"Name", "Surn", "Patr"} & set(map(str, parse.tag.grammemes)))


def excluded_lemmas(finder: CompanyFinder | None) -> Callable[[str], bool]:
    """What a label term never contains: a greeting, a date word, or (with `finder`) the own company's name.

    Checked by lemma, so no case form of the name needs listing: the finder knows "Ладья" in
    every case, and the lemmatiser gives "ладья" for "в Ладье".
    """
    generic = finder.domain.label_stop_words if finder is not None else frozenset()

    @cache  # asked for every word of every candidate term of every scenario
    def refuse(lemma: str) -> bool:
        word = lemma[3:] if lemma.startswith("не_") else lemma
        if fold(word) in NOT_IN_LABELS or fold(word) in generic:
            return True
        return finder is not None and any(m.own for m in finder.find_listed(word))
    return refuse


def render_label(terms: Sequence[tuple[str, float]], members: Sequence[Member], max_terms: int = 3,
                 finder: CompanyFinder | None = None) -> str:
    """Up to `max_terms` rendered terms joined by " · ", first letter capitalised.

    A term sharing a word with an already shown one is skipped: "приложение вылетает ·
    приложение" repeats itself and tells nothing more. With `finder`, a term that is a listed
    company shows its canonical name ("в Т-банке" -> "Т-Банк"). No terms give an empty label.
    """
    used: set[str] = set()
    picked: list[str] = []
    for term, _ in terms:
        words = {_spelling_key(w) for w in term.split()}
        if used & words:
            continue
        picked.append(term)
        used |= words
        if len(picked) >= max_terms:
            break
    rendered = render_terms(picked, members) if picked else {}
    label = " · ".join(_canonical(rendered[term], finder) for term in picked)
    return label[:1].upper() + label[1:]


def _canonical(phrase: str, finder: CompanyFinder | None) -> str:
    """The canonical name when `phrase` is just a listed company (a preposition aside)."""
    if finder is None:
        return phrase
    found = finder.find_aliases([phrase])[0]
    if len(found) == 1 and not phrase[found[0].end:].strip() and _WORDS.findall(phrase[:found[0].start]) in (
            [], *([w] for w in ("в", "у", "во", "с", "из", "от", "к", "на"))):
        return found[0].name
    return phrase


_WORDS = re.compile(r"\w+")


def title_quote(members: Sequence[Member], centroid: np.ndarray) -> Member:
    """The most central short quote, to stand under a scenario's label as its title.

    Closeness to the centroid ranks the members, in standard deviations of the scenario's
    closeness so the trade-offs hold for any embedder. A title should be one complete sentence of
    `TITLE_CHARS` characters: each sentence beyond the first costs `EXTRA_SENTENCE`, and a length
    outside `TITLE_CHARS` or a cut sentence costs so much that such a quote is taken only when no
    member fits; so does a greeting («Добрый. У меня две претензии»), which names nothing. Ties go
    to the smaller fragment id.
    """
    if not members:
        raise ValueError("a scenario without members has no title quote")
    pool = sorted(members, key=lambda m: m.fragment_id)
    closeness = relevance(pool, centroid)
    z = (closeness - closeness.mean()) / spread(closeness)
    penalty = [
        UNFIT * (bool(length_penalty(m.text, TITLE_CHARS)) + (not is_complete(m.text)))
        + EXTRA_SENTENCE * (_sentences(m.text) - 1)
        + UNFIT * any(fold(t.lemma) in GREETINGS for t in m.tokens[:3])
        for m in pool
    ]
    return pool[int(np.argmax(np.round(z - np.array(penalty), DECIMALS)))]


def _sentences(text: str) -> int:
    return len(_SENTENCE_BREAK.findall(text.rstrip())) + 1


def _surface_start(tokens: Sequence[Token], first: int) -> int:
    """The index of the token where the surface of a term starting at token `first` begins.

    At its `не` when negated, and at a preposition right before it ("в соседнем доме", "после
    обновления"): the phrase reads as clients said it, not as a bare case form.
    """
    i = first
    if tokens[first].negated:
        for j in range(first - 1, max(first - 4, -1), -1):
            if not tokens[j].is_word:
                break
            if tokens[j].lemma in NEGATIONS:
                i = j
                break
    if i > 0 and tokens[i - 1].pos == "ADP":
        i -= 1
    return i


def _name_forms(members: Sequence[Member]) -> dict[str, str]:
    """Words written capitalised inside sentences by most clients, with their usual spelling.

    That is how "Сбер", "СБП" and "Ладья" keep their capitals in a label while "Приложение" at the
    start of a sentence is lower-cased.
    """
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for member in members:
        previous: Token | None = None
        for token in member.tokens:
            word = member.text[token.start:token.end]
            if token.is_word and previous is not None and not _SENTENCE_END.match(
                member.text[previous.start:previous.end]
            ):
                spellings[word.lower()][word] += 1
            previous = token
    names = {}
    for lower, forms in spellings.items():
        capitalised = Counter({f: n for f, n in forms.items() if f[:1].isupper()})
        if capitalised and capitalised.total() * 2 > forms.total():
            names[lower] = min(capitalised, key=lambda f: (-capitalised[f], f))
    return names


def _spelling_key(word: str) -> str:
    """One spelling of a lemma for telling words apart: "кэшбэк" and "кешбэк" are one word."""
    return fold(word).replace("э", "е")


def _cased(surface: str, names: Mapping[str, str]) -> str:
    return re.sub(r"\w[\w-]*", lambda m: names.get(m.group().lower(), m.group().lower()), surface)
