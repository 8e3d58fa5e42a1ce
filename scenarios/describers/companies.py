"""Companies a scenario's clients name: the own company, competitors, other organisations.

Two finders work together:

- an alias list (the config's domain, :mod:`scenarios.domains`, extended by the user's list):
  canonical name -> the ways clients write it. It matches word sequences case-insensitively with
  the endings of Russian nouns and adjectives, so "в Сбере", "у Тинькоффа", "Т-Банке", "МТСа" and
  "сбербанковский" count; `@handles` and `#hashtags` are read too ("@sberbank", "#мтс",
  "@ru_mts"); ambiguous aliases ("Открытие", "Точка") count only capitalised and not at a
  sentence start;
- natasha's news NER, for organisations not in the list ("в Уралсибе" -> "Уралсиб"), run in
  batches under one BLAS thread and normalised to the nominative; a span that is a listed name
  in another spelling ("Beeline_RUS", "MegaFonHelp") gets the listed canonical name.

Every mention carries its company's industry: competitors are companies of the own company's
industry (banks for a bank), apart from phone makers and shops. The user's own company (`own`)
is found like any other but never reported as a competitor.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..domains import DEFAULT_DOMAIN, Domain, load_domain
from ..lang.ru import natasha_models
from ..lang.ru.companies import (
    ADJECTIVE_ENDINGS,
    ADJECTIVE_SUFFIXES,
    COMPOUND_PARTS,
    DASH_WORDS,
    GENERIC_WORDS,
    NOT_COMPANIES,
)
from ..lang.ru.spelling import fold
from ..memo import Bounded
from ..threads import single_blas_thread
from ._base import Member

_WORD = re.compile(r"\w+")
_TAG = re.compile(r"(?<![\w@#])[@#](\w+)")
#: What may stand between the words of a name: "Т-Банк", "Почта Банк", "М.Видео".
_JOINER = re.compile(r"[\s\-–—.]{1,3}")
_SENTENCE_END = set(".!?…:;\n")
_OPENERS = set(" \t\r\"'«„“([—–-")
#: Completes "Чтобы ..., нужен пакет natasha" when natasha is missing.
_PURPOSE = "находить компании через NER"
#: Parts of handles around the name: "@ru_mts", "@MegaFonHelp", "@tinkoff_bank", "@vtb_official".
_HANDLE_AFFIXES = re.compile(r"^(ru|rus)_?|_?(ru|rus|help|official|bank|online|news|support|care)$")

_NOUN_ENDINGS = ("", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "и")
_A_ENDINGS = ("а", "ы", "и", "е", "у", "ой", "ою", "ам", "ами", "ах")
_YA_ENDINGS = ("я", "и", "е", "ю", "ей", "ею", "ям", "ями", "ях")
_IE_ENDINGS = ("е", "я", "ю", "ем", "и")
_SOFT_ENDINGS = ("ь", "я", "ю", "ем", "е", "и", "ей")
_ABBREVIATION_ENDINGS = ("", "а", "у", "ом", "е", "ом", "ы")


@dataclass(frozen=True)
class Mention:
    """A company named in a text: its canonical name and `text[start:end] == surface`."""

    name: str
    start: int
    end: int
    surface: str
    own: bool = False
    source: str = "alias"
    industry: str | None = None


@dataclass(frozen=True)
class CompanyCount:
    """How often a company is named in a scenario: mentions, and distinct stories naming it.

    `competitor`: of the own company's industry and not the own company.
    """

    name: str
    mentions: int
    stories: int
    own: bool = False
    industry: str | None = None
    competitor: bool = False


@dataclass(frozen=True)
class _Alias:
    name: str
    words: tuple[frozenset[str], ...]
    exact: str | None
    own: bool


def word_forms(word: str) -> frozenset[str]:
    """Folded case forms of one word of a name: "Сбер" -> сбер, сбера, сберу, сбером, сбере...

    Abbreviations ("ВТБ", "МТС") take case endings as clients write them ("МТСа", "МТСом");
    Latin words and words ending in an unstressed vowel that Russian does not decline ("Авито",
    "Видео") keep their one form. A Cyrillic word of four letters or more also matches as an
    adjective of its stem ("сбербанковский", "билайновская").
    """
    w = fold(word)
    if any(c.isdigit() for c in w) or not re.search("[а-я]", w):
        return frozenset({w})
    if word.isupper() and len(word) > 1:
        return frozenset(w + e for e in _ABBREVIATION_ENDINGS)
    if w[-1] in "оиуэю":
        return frozenset({w})
    if w.endswith(("ий", "ый", "ой")):
        return frozenset(w[:-2] + e for e in ADJECTIVE_ENDINGS)
    if w.endswith("ие"):
        forms = {w[:-1] + e for e in _IE_ENDINGS}
    elif w.endswith("а"):
        forms = {w[:-1] + e for e in _A_ENDINGS}
    elif w.endswith("я"):
        forms = {w[:-1] + e for e in _YA_ENDINGS}
    elif w.endswith("ь"):
        forms = {w[:-1] + e for e in _SOFT_ENDINGS}
    elif w.endswith(("е", "й")):
        forms = {w}
    else:
        forms = {w + e for e in _NOUN_ENDINGS}
    return frozenset(forms | _adjective_forms(w))


def _adjective_forms(w: str) -> set[str]:
    """"сбербанк" -> сбербанковский, сбербанковская...; "альфа" -> альфовский."""
    if len(w) < 4:
        return set()
    stem = w[:-1] if w[-1] in "аяьй" else w
    return {stem + suffix + ending for suffix in ADJECTIVE_SUFFIXES for ending in ADJECTIVE_ENDINGS}


def own_aliases(name: str, aliases: Iterable[str] = ()) -> tuple[str, ...]:
    """The ways to name the own company: its name, the name without "банк", and `aliases`."""
    bare = " ".join(w for w in name.split() if fold(w) not in GENERIC_WORDS)
    return tuple(dict.fromkeys([name, *([bare] if bare else []), *aliases]))


def merged_aliases(domain: Domain, extra: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    """The domain's companies with the user's aliases added: a user list extends, never replaces."""
    companies = {name: tuple(a) for name, a in domain.companies.items()}
    for name, aliases in (extra or {}).items():
        companies[name] = tuple(dict.fromkeys([*companies.get(name, ()), *aliases]))
    return companies


class CompanyFinder:
    """Finds company mentions in texts and counts them per scenario.

    Args:
        aliases: The user's companies, canonical name -> aliases; they extend the domain's list
            (a listed name gains the aliases, a new name is added, of the own industry unless
            `industries` says otherwise).
        own: The user's own company: its name ("Банк Ладья", found also as "Ладья"), or a mapping
            `{name: [aliases]}`; a listed company keeps its listed aliases. Found, marked `own`, and
            left out of competitor counts.
        ner: Also ask natasha's NER for organisations not in the list.
        domain: The domain whose company list, industries and handles are built in.
        industries: The user's companies' industries (`name -> "bank"`).

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
        *,
        domain: Domain | str = DEFAULT_DOMAIN,
        industries: Mapping[str, str] | None = None,
    ) -> None:
        self.domain = load_domain(domain) if isinstance(domain, str) else domain
        companies = merged_aliases(self.domain, aliases)
        self.industries = {**{n: self.domain.industry for n in aliases or {}}, **self.domain.industries,
                           **(industries or {})}
        owned: dict[str, tuple[str, ...]] = {}
        if isinstance(own, str):
            own = {own: ()}
        for name, extra in (own or {}).items():
            owned[name] = own_aliases(name, [*companies.get(name, ()), *extra])
            self.industries.setdefault(name, self.domain.industry)
        self.own = next(iter(owned), None)
        self.ner = ner
        exact = set(self.domain.exact_case)
        self._index: dict[str, list[_Alias]] = defaultdict(list)
        self._handles: dict[str, str] = {}
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
                self._handles.setdefault(re.sub(r"\W|_", "", fold(alias)), name)
        self._handles.update({fold(h): n for h, n in self.domain.handles.items()})
        for candidates in self._index.values():
            candidates.sort(key=lambda a: (-len(a.words), not a.own))  # longest first; own wins ties
        self._own_names = set(owned)
        self._own_folded = {fold(a) for names in owned.values() for a in names}
        self._alias_cache: Bounded[str, list[Mention]] = Bounded(100_000)

    @property
    def config(self) -> dict[str, Any]:
        """What a digest cites: the own company, the domain and whether NER was used."""
        return {"own": self.own, "ner": self.ner, "domain": self.domain.name}

    def is_competitor(self, name: str) -> bool:
        """Whether `name` is of the own company's industry (and not the own company)."""
        return name not in self._own_names and self.industries.get(name) == self.domain.industry

    def find(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Mentions in each text, in order of position; list matches win over NER spans."""
        out = self.find_aliases(texts)
        if self.ner:
            spans = self._ner_spans(texts)
            for text, mentions, found in zip(texts, out, spans, strict=True):
                taken = [(m.start, m.end) for m in mentions]
                for start, end, normal in found:
                    if any(s < end and start < e for s, e in taken):
                        continue
                    mention = self._ner_mention(text, start, end, normal)
                    if mention is not None:
                        mentions.append(mention)
                mentions.sort(key=lambda m: m.start)
        return out

    def prefetch(self, texts: Iterable[str]) -> None:
        """Run NER over many texts (every scenario's) in one batched pass, before `find` asks."""
        if self.ner:
            self._ner_spans(list(dict.fromkeys(texts)))

    def find_aliases(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Mentions of listed names (and tags) in each text, without NER; kept per text."""
        out = []
        for text in texts:
            found = self._alias_cache.get(text)
            if found is None:
                found = self._alias_cache.remember(text, self._match_aliases(text))
            out.append(list(found))
        return out

    def find_listed(self, text: str) -> list[Mention]:
        """Listed names in `text` without the rules of case and compounds (for lemmas and labels)."""
        return self._match_aliases(text, strict=False)

    def count(self, members: Sequence[Member], include_own: bool = False, *,
              unsampled: Iterable[tuple[str, str]] = (), ner_limit: int | None = None) -> list[CompanyCount]:
        """Companies named by a scenario's members, most-named first (ties by name).

        `stories` counts distinct stories, so one talkative client does not outweigh many. On a
        large scenario the describe stage passes a sample as `members` and the rest as `unsampled`
        `(story id, text)` pairs: the alias list reads them all (about 30 µs a text), NER only the
        first `ner_limit` members.
        """
        mentions: Counter[str] = Counter()
        stories: dict[str, set[str]] = defaultdict(set)
        first: dict[str, Mention] = {}
        limit = len(members) if ner_limit is None else ner_limit
        unsampled = list(unsampled)
        found = self.find([m.text for m in members[:limit]])
        found += self.find_aliases([m.text for m in members[limit:]])
        found += self.find_aliases([text for _, text in unsampled])
        story_ids = [m.story_id for m in members] + [story for story, _ in unsampled]
        for story, hits in zip(story_ids, found, strict=True):
            for m in hits:
                if m.own and not include_own:
                    continue
                mentions[m.name] += 1
                stories[m.name].add(story)
                first.setdefault(m.name, m)
        counts = [CompanyCount(n, c, len(stories[n]), first[n].own, first[n].industry,
                               not first[n].own and self.is_competitor(n)) for n, c in mentions.items()]
        return sorted(counts, key=lambda c: (-c.stories, -c.mentions, c.name))

    # -- alias list ---------------------------------------------------------------------------------

    def _match_aliases(self, text: str, strict: bool = True) -> list[Mention]:
        """Listed names and tags in `text`; `strict=False` skips the rules of case and compounds."""
        mentions = self._match_tags(text)
        tagged = [(m.start, m.end) for m in mentions]
        folded = fold(text)
        if len(folded) == len(text):  # one fold per text; a few letters change length lower-cased
            tokens = [(m.start(), m.end(), folded[m.start():m.end()]) for m in _WORD.finditer(text)]
        else:
            tokens = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
        if tagged:
            tokens = [t for t in tokens if not any(s <= t[0] < e for s, e in tagged)]
        i = 0
        while i < len(tokens):
            found = None
            for alias in self._index.get(tokens[i][2], ()):
                n = len(alias.words)
                if i + n > len(tokens) or not self._fits(text, tokens, i, alias, strict):
                    continue
                found = self._mention(alias.name, tokens[i][0], tokens[i + n - 1][1], text, alias.own)
                break
            if found is None:
                i += 1
                continue
            mentions.append(found)
            while i < len(tokens) and tokens[i][0] < found.end:
                i += 1
        return sorted(mentions, key=lambda m: m.start)

    def _match_tags(self, text: str) -> list[Mention]:
        """`@sberbank`, `#мтс`, `@ru_mts`: a handle or hashtag naming a listed company."""
        out = []
        for match in _TAG.finditer(text):
            name = self.canonical(match.group(1))
            if name is not None:
                out.append(self._mention(name, match.start(), match.end(), text, name in self._own_names, "tag"))
        return out

    def canonical(self, spelling: str) -> str | None:
        """The listed name a handle-like spelling stands for ("Beeline_RUS" -> "Билайн"), or None."""
        key = fold(spelling)
        if key in self._handles:
            return self._handles[key]
        bare = re.sub(r"\W|_", "", _HANDLE_AFFIXES.sub("", key))
        return self._handles.get(bare) or self._handles.get(re.sub(r"\W|_", "", key))

    def _mention(self, name: str, start: int, end: int, text: str, own: bool, source: str = "alias") -> Mention:
        return Mention(name, start, end, text[start:end], own, source, self.industries.get(name))

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

    def _ner_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        return organisations(texts)

    def _ner_mention(self, text: str, start: int, end: int, normal: str) -> Mention | None:
        key = fold(normal)
        if key in NOT_COMPANIES or not looks_like_name(normal):
            return None
        bare = " ".join(w for w in key.split() if w not in GENERIC_WORDS)
        if key in self._own_folded or bare in self._own_folded:
            return Mention(self.own or normal, start, end, text[start:end], own=True, source="ner",
                           industry=self.domain.industry)
        listed = self.canonical(normal)
        if listed is not None:
            return self._mention(listed, start, end, text, listed in self._own_names, "ner")
        if self._match_aliases(normal, strict=False):
            # A listed name the list's own rules turned down here ("Магнит на холодильнике" at a
            # sentence start, "Альфа-версия"): the list knows its ambiguous names better than NER.
            return None
        industry = self.domain.industry if self.domain.industry == "bank" and "банк" in key else None
        return Mention(normal, start, end, text[start:end], source="ner", industry=industry)


def may_name_company(text: str) -> bool:
    """Whether NER could find in `text` a company that :func:`looks_like_name` keeps.

    A text needs a Latin word, a capital inside a sentence, or a sentence-initial word pymorphy3
    does not know or knows as an organisation. Measured on real sentences: 43 % of 4,000
    banki.ru review fragments pass and none of the 758 organisation spans natasha found and
    `looks_like_name` kept was in one that does not; 27 % and none of 231 on
    banki_reviews_themes; none of 3,000 lower-case housing comments pass, and NER kept nothing
    there. NER is the slowest part of describe, so the rest are never read by it.
    """
    for match in _LETTERS.finditer(text):
        word = match.group()
        if _LATIN.search(word):
            return True
        if word[0].isupper() and (not _sentence_start(text, match.start()) or len(word) >= 2 and (
                _organisation_word(word) or not _known_word(word))):
            return True
    return False


_LETTERS = re.compile(r"[^\W\d_]+")
_LATIN = re.compile("[a-zA-Z]")


@lru_cache(maxsize=20_000)
def _organisation_word(word: str) -> bool:
    """Whether pymorphy3 knows `word` as an organisation or a trade mark in some reading."""
    from ..lemmatisers._russian import morph_analyzer

    return any({"Orgn", "Trad"} & set(map(str, p.tag.grammemes)) for p in morph_analyzer().parse(word))


@lru_cache(maxsize=20_000)
def _known_word(word: str) -> bool:
    from ..lemmatisers._russian import morph_analyzer

    return bool(morph_analyzer().word_is_known(word.lower()))


def looks_like_name(span: str) -> bool:
    """Whether an NER span can be a company: some word is not an ordinary dictionary word.

    natasha's news model tags shouted words ("СОЕДИНИТЕ С ОПЕРАТОРОМ"), deposit names
    («Надёжный»), abbreviations ("ИП", "ГИБДД") and sentence-initial verbs as organisations in
    client speech; a company name has a word pymorphy3 does not know, knows as an organisation
    ("Уралсиб", "МКБ"), or a Latin one ("Xiaomi").
    """
    for word in _LETTERS.findall(span):
        if len(word) < 2:
            continue
        if re.fullmatch("[a-zA-Z]+", word) or _organisation_word(word):
            return True
        if not _known_word(word) and not (word.isupper() and len(word) <= 3):
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
        return following not in DASH_WORDS and not following.startswith(COMPOUND_PARTS)
    return False


def organisations(texts: Sequence[str], batch_size: int = 32) -> list[list[tuple[int, int, str]]]:
    """The ORG spans natasha finds in each text: `(start, end, normalised name)`.

    Only texts that :func:`may_name_company` passes are read. NER runs in batches of `batch_size`
    under one BLAS thread (two threads per product fought
    each other on a busy machine: 25-170 ms a text against a few ms); the morphology tagger, which
    normalisation needs, runs only on texts with an organisation.
    """
    todo = [t for t in dict.fromkeys(texts) if t not in _ORGANISATIONS]
    if todo:
        named = [t for t in todo if may_name_company(t)]
        found: dict[str, list[tuple[int, int, str]]] = {t: [] for t in todo}
        if named:
            found.update(zip(named, _run_ner(named, batch_size), strict=True))
        out = [found[t] if t in found else _ORGANISATIONS[t] for t in texts]
        _ORGANISATIONS.remember_all(found)
        return out
    return [_ORGANISATIONS[t] for t in texts]


# NER output depends on the text alone: kept per process, so describing again after a re-cluster
# (the same fragments in new groups) or a second store with shared fragments reads no text twice.
_ORGANISATIONS: Bounded[str, list[tuple[int, int, str]]] = Bounded(200_000)


def _run_ner(texts: Sequence[str], batch_size: int = 32) -> list[list[tuple[int, int, str]]]:
    ner = natasha_models.ner_tagger(_PURPOSE)
    doc_class, segmenter = natasha_models.natasha(_PURPOSE).Doc, natasha_models.segmenter(_PURPOSE)
    morph, vocab = natasha_models.morph_tagger(_PURPOSE), natasha_models.morph_vocab(_PURPOSE)
    with single_blas_thread():
        ner.batch_size = batch_size
        markups = list(ner.map(list(texts)))
        orgs = [[(s.start, s.stop) for s in markup.spans if s.type == "ORG"] for markup in markups]
        named = [(text, spans) for text, spans in zip(texts, orgs, strict=True) if spans]
        normal = iter(_normalised(named, doc_class, segmenter, morph, vocab, batch_size))
    return [next(normal) if spans else [] for spans in orgs]


def _normalised(named: Sequence[tuple[str, list[tuple[int, int]]]], doc_class: Any, segmenter: Any, morph: Any,
                vocab: Any, batch_size: int) -> list[list[tuple[int, int, str]]]:
    """The nominative of each organisation span, by natasha's span normaliser.

    Only the sentences holding a span are morph-tagged, all texts' in one batched pass (text by
    text, whole texts, this took half of the NER time).
    """
    from natasha.doc import DocSpan

    docs = []
    for text, _ in named:
        doc = doc_class(text)
        doc.segment(segmenter)
        docs.append(doc)
    sentences = [sentence for doc, (_, spans) in zip(docs, named, strict=True) for sentence in doc.sents
                 if any(sentence.start < stop and start < sentence.stop for start, stop in spans)]
    morph.batch_size = batch_size
    for sentence, markup in zip(sentences, morph.map([[t.text for t in s.tokens] for s in sentences]),
                                strict=True):
        for token, tagged in zip(sentence.tokens, markup.tokens, strict=True):
            token.pos, token.feats = tagged.pos, tagged.feats
    out = []
    for doc, (text, spans) in zip(docs, named, strict=True):
        found = []
        for start, stop in spans:
            span = DocSpan(start, stop, "ORG", text[start:stop])
            span.tokens = [t for t in doc.tokens if t.start >= start and t.stop <= stop]
            span.normalize(vocab)
            found.append((start, stop, span.normal or span.text))
        out.append(found)
    return out
