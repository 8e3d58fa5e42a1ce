"""Companies a scenario's clients name: banks they compare with, shops, telecoms.

Two finders work together:

- an alias list (:mod:`scenarios.lang.ru.companies`, or the user's): canonical name -> the ways
  clients write it. It matches word sequences case-insensitively with the last-word endings of
  Russian nouns and adjectives, so "в Сбере", "у Тинькоффа", "Т-Банке" count; ambiguous aliases
  ("Открытие", "Точка") count only capitalised and not at a sentence start;
- natasha's news NER, for organisations not in the list ("в Уралсибе" -> "Уралсиб"), normalised to
  the nominative with `span.normalize`. It is loaded once per process, on first use, and its result
  is cached per text; `ner=False` turns it off.

The user's own company (`own`) is found like any other but never reported as a competitor:
:meth:`CompanyFinder.count` leaves it out unless asked (`include_own=True`).
"""

from __future__ import annotations

import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import MissingDependency
from ..lang.ru.companies import COMPANIES, COMPOUND_PARTS, EXACT_CASE, GENERIC_WORDS, NOT_COMPANIES
from ._base import Member

_WORD = re.compile(r"\w+")
#: What may stand between the words of a name: "Т-Банк", "Почта Банк", "М.Видео".
_JOINER = re.compile(r"[\s\-–—.]{1,3}")
_SENTENCE_END = set(".!?…:;\n")
_OPENERS = set(" \t\r\"'«„“([—–-")
_INSTALL = "Для поиска компаний через NER нужен пакет natasha: pip install natasha"

_NOUN_ENDINGS = ("", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "и")
_A_ENDINGS = ("а", "ы", "и", "е", "у", "ой", "ою", "ам", "ами", "ах")
_YA_ENDINGS = ("я", "и", "е", "ю", "ей", "ею", "ям", "ями", "ях")
_IE_ENDINGS = ("е", "я", "ю", "ем", "и")
_SOFT_ENDINGS = ("ь", "я", "ю", "ем", "е", "и", "ей")
_ADJ_ENDINGS = ("ий", "ый", "ой", "ого", "его", "ому", "ему", "ым", "им", "ом", "ем", "ая", "ую", "ое", "ые", "ие",
                "ых", "их", "ыми", "ими")


@dataclass(frozen=True)
class Mention:
    """A company named in a text: its canonical name and `text[start:end] == surface`."""

    name: str
    start: int
    end: int
    surface: str
    own: bool = False
    source: str = "alias"


@dataclass(frozen=True)
class CompanyCount:
    """How often a company is named in a scenario: mentions, and distinct stories naming it."""

    name: str
    mentions: int
    stories: int
    own: bool = False


@dataclass(frozen=True)
class _Alias:
    name: str
    words: tuple[frozenset[str], ...]
    exact: str | None
    own: bool


def fold(text: str) -> str:
    """Matching form: lower case, `ё` as `е`."""
    return text.lower().replace("ё", "е")


def word_forms(word: str) -> frozenset[str]:
    """Folded case forms of one word of a name: "Сбер" -> сбер, сбера, сберу, сбером, сбере...

    Abbreviations ("ВТБ"), Latin words and words ending in an unstressed vowel that Russian does
    not decline ("Авито", "Видео") keep their one form.
    """
    w = fold(word)
    if word.isupper() or not re.search("[а-я]", w) or any(c.isdigit() for c in w) or w[-1] in "оиуэю":
        return frozenset({w})
    if w.endswith(("ий", "ый", "ой")):
        return frozenset(w[:-2] + e for e in _ADJ_ENDINGS)
    if w.endswith("ие"):
        return frozenset(w[:-1] + e for e in _IE_ENDINGS)
    if w.endswith("а"):
        return frozenset(w[:-1] + e for e in _A_ENDINGS)
    if w.endswith("я"):
        return frozenset(w[:-1] + e for e in _YA_ENDINGS)
    if w.endswith("ь"):
        return frozenset(w[:-1] + e for e in _SOFT_ENDINGS)
    if w.endswith(("е", "й")):
        return frozenset({w})
    return frozenset(w + e for e in _NOUN_ENDINGS)


def own_aliases(name: str, aliases: Iterable[str] = ()) -> tuple[str, ...]:
    """The ways to name the own company: its name, the name without "банк", and `aliases`."""
    bare = " ".join(w for w in name.split() if fold(w) not in GENERIC_WORDS)
    return tuple(dict.fromkeys([name, *([bare] if bare else []), *aliases]))


class CompanyFinder:
    """Finds company mentions in texts and counts them per scenario.

    Args:
        aliases: Canonical name -> aliases; `None` for the built-in list of Russian banks,
            retailers and telecoms.
        own: The user's own company: its name ("Банк Ладья", found also as "Ладья"), or a mapping
            `{name: [aliases]}`; a listed company keeps its listed aliases. Found, marked `own`, and
            left out of competitor counts.
        ner: Also ask natasha's NER for organisations not in the list.
        exact_case: Aliases that count only in their written case and not at a sentence start.

    Examples:
        >>> finder = CompanyFinder(own="Банк Ладья", ner=False)
        >>> [m.name for m in finder.find(["В Сбере дороже, чем в Ладье"])[0]]
        ['Сбербанк', 'Банк Ладья']
    """

    def __init__(
        self,
        aliases: Mapping[str, Iterable[str]] | None = None,
        own: str | Mapping[str, Iterable[str]] | None = None,
        ner: bool = True,
        exact_case: Iterable[str] = EXACT_CASE,
    ) -> None:
        companies = {name: tuple(a) for name, a in (COMPANIES if aliases is None else aliases).items()}
        owned: dict[str, tuple[str, ...]] = {}
        if isinstance(own, str):
            own = {own: ()}
        for name, extra in (own or {}).items():
            owned[name] = own_aliases(name, [*companies.get(name, ()), *extra])
        self.own = next(iter(owned), None)
        self.ner = ner
        exact = set(exact_case)
        self._index: dict[str, list[_Alias]] = defaultdict(list)
        entries = [(n, a, False) for n, a in companies.items() if n not in owned]
        entries += [(n, a, True) for n, a in owned.items()]
        for name, names, is_own in entries:
            for alias in (name, *names):
                words = _WORD.findall(alias)
                if not words:
                    continue
                entry = _Alias(name, tuple(word_forms(w) for w in words), words[0] if alias in exact else None, is_own)
                for form in entry.words[0]:
                    self._index[form].append(entry)
        for candidates in self._index.values():
            candidates.sort(key=lambda a: (-len(a.words), not a.own))  # longest first; own wins ties
        self._own_folded = {fold(a) for names in owned.values() for a in names}
        self._ner_cache: dict[str, list[tuple[int, int, str]]] = {}

    @property
    def config(self) -> dict[str, Any]:
        """What a digest cites: the own company and whether NER was used."""
        return {"own": self.own, "ner": self.ner}

    def find(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Mentions in each text, in order of position; list matches win over NER spans."""
        out = []
        for text in texts:
            mentions = self._match_aliases(text)
            if self.ner:
                taken = [(m.start, m.end) for m in mentions]
                for start, end, normal in self._ner_spans(text):
                    if any(s < end and start < e for s, e in taken):
                        continue
                    mention = self._ner_mention(text, start, end, normal)
                    if mention is not None:
                        mentions.append(mention)
                mentions.sort(key=lambda m: m.start)
            out.append(mentions)
        return out

    def count(self, members: Sequence[Member], include_own: bool = False, *,
              unsampled: Iterable[tuple[str, str]] = (), ner_limit: int | None = None) -> list[CompanyCount]:
        """Companies named by a scenario's members, most-named first (ties by name).

        `stories` counts distinct stories, so one talkative client does not outweigh many. On a
        large scenario the describe stage passes a sample as `members` and the rest as `unsampled`
        `(story id, text)` pairs: the alias list reads them all (about 30 µs a text), NER only the
        first `ner_limit` members (about 6 ms a text: 150k fragments would take 15 minutes).
        """
        mentions: Counter[str] = Counter()
        stories: dict[str, set[str]] = defaultdict(set)
        own: dict[str, bool] = {}
        limit = len(members) if ner_limit is None else ner_limit
        unsampled = list(unsampled)
        found = self.find([m.text for m in members[:limit]])
        found += [self._match_aliases(m.text) for m in members[limit:]]
        found += [self._match_aliases(text) for _, text in unsampled]
        story_ids = [m.story_id for m in members] + [story for story, _ in unsampled]
        for story, hits in zip(story_ids, found, strict=True):
            for m in hits:
                if m.own and not include_own:
                    continue
                mentions[m.name] += 1
                stories[m.name].add(story)
                own[m.name] = m.own
        counts = [CompanyCount(n, c, len(stories[n]), own[n]) for n, c in mentions.items()]
        return sorted(counts, key=lambda c: (-c.stories, -c.mentions, c.name))

    # -- alias list ---------------------------------------------------------------------------------

    def _match_aliases(self, text: str, strict: bool = True) -> list[Mention]:
        """Listed names in `text`; `strict=False` skips the rules of case and compounds."""
        tokens = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
        mentions = []
        i = 0
        while i < len(tokens):
            found = None
            for alias in self._index.get(tokens[i][2], ()):
                n = len(alias.words)
                if i + n > len(tokens) or not self._fits(text, tokens, i, alias, strict):
                    continue
                found = Mention(alias.name, tokens[i][0], tokens[i + n - 1][1],
                                text[tokens[i][0]:tokens[i + n - 1][1]], alias.own)
                break
            if found is None:
                i += 1
                continue
            mentions.append(found)
            while i < len(tokens) and tokens[i][0] < found.end:
                i += 1
        return mentions

    def _fits(self, text: str, tokens: list[tuple[int, int, str]], i: int, alias: _Alias, strict: bool) -> bool:
        n = len(alias.words)
        for j in range(1, n):
            gap = text[tokens[i + j - 1][1]:tokens[i + j][0]]
            if tokens[i + j][2] not in alias.words[j] or not _JOINER.fullmatch(gap):
                return False
        start, end = tokens[i][0], tokens[i + n - 1][1]
        if not strict:
            return True
        if alias.exact is not None:
            surface = text[start:tokens[i][1]]
            same_case = surface.isupper() if alias.exact.isupper() else surface[0].isupper()
            if not same_case or _sentence_start(text, start):
                return False
        return not _in_compound(text, start, end)

    # -- NER ----------------------------------------------------------------------------------------

    def _ner_spans(self, text: str) -> list[tuple[int, int, str]]:
        if text not in self._ner_cache:
            self._ner_cache[text] = organisations(text)
        return self._ner_cache[text]

    def _ner_mention(self, text: str, start: int, end: int, normal: str) -> Mention | None:
        key = fold(normal)
        if key in NOT_COMPANIES or not looks_like_name(normal):
            return None
        bare = " ".join(w for w in key.split() if w not in GENERIC_WORDS)
        if key in self._own_folded or bare in self._own_folded:
            return Mention(self.own or normal, start, end, text[start:end], own=True, source="ner")
        if self._match_aliases(normal, strict=False):
            # A listed name the list's own rules turned down here ("Магнит на холодильнике" at a
            # sentence start, "Альфа-версия"): the list knows its ambiguous names better than NER.
            return None
        return Mention(normal, start, end, text[start:end], source="ner")


def looks_like_name(span: str) -> bool:
    """Whether an NER span can be a company: some word is not an ordinary dictionary word.

    natasha's news model tags shouted words ("СОЕДИНИТЕ С ОПЕРАТОРОМ"), deposit names
    («Надёжный»), abbreviations ("ИП", "ГИБДД") and sentence-initial verbs as organisations in
    client speech; a company name has a word pymorphy3 does not know, knows as an organisation
    ("Уралсиб", "МКБ"), or a Latin one ("Xiaomi").
    """
    from ..lang.ru.lemmatizer import morph_analyzer

    morph = morph_analyzer()
    for word in re.findall(r"[^\W\d_]+", span):
        if len(word) < 2:
            continue
        if re.fullmatch("[a-zA-Z]+", word):
            return True
        parses = morph.parse(word)
        if any({"Orgn", "Trad"} & set(map(str, p.tag.grammemes)) for p in parses):
            return True
        if not morph.word_is_known(word.lower()) and not (word.isupper() and len(word) <= 3):
            return True
    return False


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _in_compound(text: str, start: int, end: int) -> bool:
    """Part of a hyphenated word that is not a company ("альфа-версия"), not "Озон-карта"."""
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
        return True
    if end + 1 < len(text) and text[end] == "-" and text[end + 1].isalpha():
        following = fold(_WORD.match(text, end + 1).group())  # type: ignore[union-attr]
        return not following.startswith(COMPOUND_PARTS)
    return False


@cache
def _natasha() -> tuple[Any, Any, Any, Any, Any]:
    """The `Doc` class of natasha, its segmenter, NER, morphology tagger and vocabulary, loaded once per process."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # natasha's pymorphy2 imports the deprecated pkg_resources
        try:
            from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter
        except ImportError:
            raise MissingDependency(_INSTALL) from None
        embedding = NewsEmbedding()
        return Doc, Segmenter(), NewsNERTagger(embedding), NewsMorphTagger(embedding), MorphVocab()


def organisations(text: str) -> list[tuple[int, int, str]]:
    """The ORG spans natasha finds in `text`: `(start, end, normalised name)`.

    The morphology tagger, which normalisation needs, runs only on texts with an organisation.
    """
    doc_class, segmenter, ner, morph, vocab = _natasha()
    doc = doc_class(text)
    doc.segment(segmenter)
    doc.tag_ner(ner)
    orgs = [s for s in doc.spans if s.type == "ORG"]
    if not orgs:
        return []
    doc.tag_morph(morph)
    out = []
    for span in orgs:
        span.normalize(vocab)
        out.append((span.start, span.stop, span.normal or span.text))
    return out
