"""Readable labels of scenarios: class-based TF-IDF over lemma n-grams, said in clients' words.

A label must tell a manager what clients say, not list "0_банк_карта_клиент". Terms are mined like
BERTopic's c-TF-IDF, but on the project's lemmas: an n-gram is a run of content lemmas within one
clause (stop words between them are skipped, punctuation ends the run), and a negated word counts
as `не_<lemma>`, so "не перезвонили" never turns into its opposite. A term scores by the share of
a scenario's stories that use it, times how rare it is across all scenarios. Longer terms win over
their parts when they are nearly as strong ("обещать перезвонить" over "перезвонить").

A term is then rendered the way clients most often said it: the surface text of its most frequent
occurrence ("не перезвонили", "приложение вылетает"), in lower case except proper names.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from itertools import combinations

import numpy as np

from ..lang.ru.stop_words import NEGATIONS
from ..lemmatise import Token
from ._base import Member
from .quotes import is_complete, length_penalty, relevance

Term = tuple[str, ...]

#: Stop words allowed between two content words of a term ("обещали мне перезвонить").
MAX_GAP = 2
#: A longer term replaces a sub-term whose score it reaches to this fraction.
PREFER_LONGER = 0.6
SKIP = 1
UNORDERED = True
#: Title quotes are read in a list of scenarios: one short sentence.
TITLE_CHARS = (40, 140)
_SENTENCE_END = re.compile(r"^[.!?…]+$")


# -- mining ---------------------------------------------------------------------------------------


def term_key(token: Token) -> str:
    """The lemma a token contributes to terms: negation fused as `не_перезвонить`."""
    return f"не_{token.lemma}" if token.negated else token.lemma


def clauses(tokens: Sequence[Token]) -> Iterator[list[int]]:
    """Indices of content tokens, in runs that n-grams may span.

    A run ends at punctuation (a sentence or clause end) and where more than `MAX_GAP` stop words
    stand between two content words; the silent `не` of a negated word is not counted as a gap.
    """
    run: list[int] = []
    gap = 0
    for i, token in enumerate(tokens):
        if not token.is_word:
            if run:
                yield run
            run, gap = [], 0
        elif token.is_stop:
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


def ngrams(tokens: Sequence[Token], ngram_range: tuple[int, int] = (1, 3)) -> Iterator[tuple[Term, int, int]]:
    """Every n-gram of content lemmas in a clause, with the indices of its first and last token.

    Russian word order is free ("приложение вылетает", "вылетает приложение"), so a term is the
    sorted tuple of its lemmas, and up to `SKIP` content words inside it may be left out
    ("приложение постоянно вылетает" also counts for "приложение вылетать").
    """
    low, high = ngram_range
    for run in clauses(tokens):
        keys = [term_key(tokens[i]) for i in run]
        for j in range(len(run)):
            for n in range(max(low, 1), high + 1):
                if n == 1:
                    yield (keys[j],), run[j], run[j]
                    continue
                for rest in combinations(range(j + 1, min(j + n + SKIP, len(run))), n - 1):
                    gram = (keys[j], *(keys[r] for r in rest))
                    yield (tuple(sorted(gram)) if UNORDERED else gram), run[j], run[rest[-1]]


def top_terms(
    groups: Mapping[str, Sequence[Member]],
    *,
    ngram_range: tuple[int, int] = (1, 3),
    top: int = 10,
    min_stories: int = 2,
    background: Sequence[Member] = (),
) -> dict[str, list[tuple[str, float]]]:
    """The most distinctive terms of each group, as `(lemmas joined by spaces, score)`.

    `score = stories of the group using the term / stories of the group * log(1 + A / F)`, where F
    is how many stories use the term across all groups and `background` (e.g. unclustered
    fragments), and A the mean number of (story, term) pairs per group. Counting stories, not
    occurrences, keeps one talkative client from making a label. Terms used in fewer than
    `min_stories` stories of the group are left out.

    Terms are taken best first, but a term gives way to a longer one containing it that scores at
    least `PREFER_LONGER` of it; terms inside a taken term are dropped. The list is in that order.
    """
    counts = {name: _story_counts(members, ngram_range) for name, members in groups.items()}
    total: Counter[Term] = Counter()
    for counter in counts.values():
        total.update(counter)
    total.update(_story_counts(background, ngram_range))
    mean_words = sum(sum(c.values()) for c in counts.values()) / max(len(counts), 1)
    result = {}
    for name, counter in counts.items():
        stories = len({m.story_id for m in groups[name]}) or 1
        scores = {
            term: n / stories * math.log(1 + mean_words / total[term])
            for term, n in counter.items()
            if n >= min_stories
        }
        result[name] = [(" ".join(term), round(scores[term], 6)) for term in _select(scores, top)]
    return result


def _story_counts(members: Sequence[Member], ngram_range: tuple[int, int]) -> Counter[Term]:
    """How many distinct stories use each term."""
    seen: dict[Term, set[str]] = defaultdict(set)
    for member in members:
        for term, _, _ in ngrams(member.tokens, ngram_range):
            seen[term].add(member.story_id)
    return Counter({term: len(stories) for term, stories in seen.items()})


def _select(scores: Mapping[Term, float], top: int) -> list[Term]:
    """Best terms first, each upgraded to a nearly as strong longer term, without sub-terms."""
    ranked = sorted(scores, key=lambda t: (-round(scores[t], 9), len(t), t))
    chosen: list[Term] = []
    for term in ranked:
        if len(chosen) >= top:
            break
        while longer := [s for s in scores if len(s) > len(term) and _contains(s, term)
                         and scores[s] >= PREFER_LONGER * scores[term]]:
            term = max(longer, key=lambda s: (round(scores[s], 9), len(s), s))
        if term in chosen or any(_contains(c, term) for c in chosen):
            continue
        chosen.append(term)
    return chosen


def _contains(longer: Term, shorter: Term) -> bool:
    return Counter(shorter) <= Counter(longer)


# -- rendering ------------------------------------------------------------------------------------


def render_term(term: str, members: Sequence[Member]) -> str:
    """A term as clients most often said it, e.g. `не_перезвонить` -> "не перезвонили".

    The surface runs from the first to the last matching token, with the stop words between
    ("обещали мне перезвонить") and a negation before a negated first word ("никто не" keeps
    "не"). Ties go to the shorter, then alphabetically first form; a term nobody said (not
    mined from these members) comes back as its lemmas.
    """
    key = tuple(sorted(term.split())) if UNORDERED else tuple(term.split())
    casing = _name_forms(members)
    forms: Counter[str] = Counter()
    for member in members:
        for gram, first, last in ngrams(member.tokens, (len(key), len(key))):
            if gram == key:
                start = _negation_start(member.tokens, first)
                forms[_cased(member.text[start:member.tokens[last].end], casing)] += 1
    if not forms:
        return term.replace("_", " ")
    return min(forms, key=lambda f: (-forms[f], len(f), f))


def render_label(terms: Sequence[tuple[str, float]], members: Sequence[Member], max_terms: int = 3) -> str:
    """Up to `max_terms` rendered terms joined by " · ", first letter capitalised.

    A term sharing a word with an already shown one is skipped: "приложение вылетает ·
    приложение" repeats itself and tells nothing more.
    """
    shown: list[str] = []
    used: set[str] = set()
    for term, _ in terms:
        words = {w.removeprefix("не_") for w in term.split()}
        if used & words:
            continue
        shown.append(render_term(term, members))
        used |= words
        if len(shown) >= max_terms:
            break
    label = " · ".join(shown)
    return label[:1].upper() + label[1:]


def title_quote(members: Sequence[Member], centroid: np.ndarray) -> Member:
    """The most central short quote: one complete sentence or two of `TITLE_CHARS` characters.

    Closeness to the centroid ranks the candidates; a quote outside `TITLE_CHARS` or cut
    mid-sentence loses to any central enough one that is not. Ties go to the smaller fragment id.
    """
    if not members:
        raise ValueError("a scenario without members has no title quote")
    pool = sorted(members, key=lambda m: m.fragment_id)
    closeness = relevance(pool, centroid)
    penalty = [length_penalty(m.text, TITLE_CHARS) * 3 + (0 if is_complete(m.text) else 0.3) for m in pool]
    scores = np.round(closeness - np.array(penalty), 6)
    return pool[int(np.argmax(scores))]


def _negation_start(tokens: Sequence[Token], first: int) -> int:
    """Where the surface of a term starting at token `first` begins: at its `не` if negated."""
    if tokens[first].negated:
        for i in range(first - 1, max(first - 4, -1), -1):
            if not tokens[i].is_word:
                break
            if tokens[i].lemma in NEGATIONS:
                return tokens[i].start
    return tokens[first].start


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


def _cased(surface: str, names: Mapping[str, str]) -> str:
    return re.sub(r"\w[\w-]*", lambda m: names.get(m.group().lower(), m.group().lower()), surface)
