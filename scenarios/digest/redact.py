"""Mask what identifies a person before a digest leaves the building; the store keeps the original.

Masked, each as a placeholder in square brackets:

- phones in Russian formats (`+7 (912) 345-67-89`, `8 912 345 67 89`, `89123456789`) -> «[телефон]»;
- e-mails -> «[e-mail]»;
- account numbers, 20 digits, optionally in groups -> «[счёт]»;
- card numbers, 13-19 digits, optionally in groups -> «[карта]»;
- person names, found by natasha's NER (`PER`; the one model describe also uses for companies,
  :mod:`scenarios.lang.ru.natasha_models`) -> «[имя]».

natasha's news model also tags client speech that is not a name («Отлично», «Интервьюер») and
banks with a name-like word («в Ладье», «у Альфы») as persons. A span is masked only where its
words look like a name (pymorphy3 knows them as a first name, surname or patronymic, or does not
know them at all) and are not a word of a company name (the built-in list and the companies the
run found), so «Сбер», «Тинькофф» and the company's own name stay readable.

Examples:
    >>> Redactor(names=False).redact("Звоните +7 (912) 345-67-89 или пишите a.b@mail.ru")
    'Звоните [телефон] или пишите [e-mail]'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..describers.companies import word_forms
from ..domains.bank.companies import COMPANIES
from ..lang.ru import natasha_models
from ..lang.ru.spelling import fold
from ..threads import single_blas_thread

PHONE, EMAIL, CARD, ACCOUNT, NAME = "[телефон]", "[e-mail]", "[карта]", "[счёт]", "[имя]"

_SEP = r"[ \-\u00a0]"
#: In priority order: an earlier pattern's match wins where two overlap.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (EMAIL, re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")),
    (ACCOUNT, re.compile(rf"(?<!\d)(?<!\d{_SEP})\d(?:{_SEP}?\d){{19}}(?!{_SEP}?\d)")),
    (CARD, re.compile(rf"(?<!\d)(?<!\d{_SEP})\d(?:{_SEP}?\d){{12,18}}(?!{_SEP}?\d)")),
    (PHONE, re.compile(
        rf"(?<![\w+])(?<!\d{_SEP})(?:\+7|8)(?:{_SEP}*\(\s*\d{{3}}\s*\)|{_SEP}?\d{{3}}){_SEP}*\d{{3}}{_SEP}?\d{{2}}"
        rf"{_SEP}?\d{{2}}(?!{_SEP}?\d)")),
)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_INITIAL = re.compile(r"[А-ЯЁA-Z]\.(?!\w)")
_TOKEN = re.compile(r"[А-ЯЁA-Z]\.(?!\w)|[^\W\d_]+(?:-[^\W\d_]+)*")
_BEFORE = re.compile(r"([^\W\d_]+) +$")
_AFTER = re.compile(r" +([А-ЯЁA-Z]\.(?: ?[А-ЯЁA-Z]\.)?(?!\w)|[^\W\d_]+)")
_NAME_TAGS = {"Name", "Surn", "Patr"}
_GREETING = r"(?:здравствуйте|добрый (?:день|вечер)|доброе утро|спасибо|до свидания|привет)"
_VOCATIVE = re.compile(
    r"(?:(?:^|[\n:—–-]|[.!?] ) *(?P<a>[А-ЯЁ][а-яё]+)(?=[,!] )"
    rf"|(?i:{_GREETING}), (?P<b>[А-ЯЁ][а-яё]+)(?=[,.!?]))", re.MULTILINE)


@dataclass(frozen=True)
class Span:
    """A masked piece of text: `text[start:end]` becomes `placeholder`."""

    start: int
    end: int
    placeholder: str


class Redactor:
    """Finds and masks personal data in Russian text.

    Args:
        companies: Company names besides the built-in list whose words are never masked as names
            (e.g. the companies a run found, the own company).
        names: Mask person names with natasha's NER (off: only the patterns).
    """

    def __init__(self, companies: Iterable[str] = (), *, names: bool = True) -> None:
        self.names = names
        protected: set[str] = set()
        for name, aliases in [*COMPANIES.items(), *((c, ()) for c in companies)]:
            for alias in (name, *aliases):
                for word in _NAME_WORD.findall(alias):
                    protected |= word_forms(word)
        self._protected = frozenset(protected)
        self._cache: dict[str, list[Span]] = {}
        self._persons: dict[str, list[tuple[int, int]]] = {}

    def prefetch(self, texts: Iterable[str], known: Mapping[str, list[tuple[int, int]]] | None = None
                 ) -> dict[str, list[tuple[int, int]]]:
        """Find the person names of many texts in one batched NER pass, before `spans` asks.

        `known` are NER results kept from before (the store's `names`); what NER found now is
        returned, for keeping.
        """
        known = known or {}
        self._persons.update({t: list(found) for t, found in known.items() if t not in self._cache})
        todo = [t for t in dict.fromkeys(texts)
                if t not in self._cache and t not in self._persons and self._may_name(t)]
        found = dict(zip(todo, persons_of(todo), strict=True)) if todo else {}
        self._persons.update(found)
        return found

    def spans(self, text: str) -> list[Span]:
        """What to mask in `text`, in order of position, never overlapping."""
        if text not in self._cache:
            found: list[Span] = []
            for placeholder, pattern in PATTERNS:
                for m in pattern.finditer(text):
                    _add(found, Span(m.start(), m.end(), placeholder))
            if self._may_name(text):
                for start, end in self._names(text):
                    _add(found, Span(start, end, NAME))
            self._cache[text] = sorted(found, key=lambda s: s.start)
        return self._cache[text]

    def _may_name(self, text: str) -> bool:
        """Whether NER is worth asking: names are masked and the text has a capital letter."""
        return self.names and re.search(r"[А-ЯЁ]", text) is not None

    def redact(self, text: str) -> str:
        """`text` with every span masked."""
        return apply(text, self.spans(text))

    def _names(self, text: str) -> list[tuple[int, int]]:
        out = []
        found = self._persons.pop(text, None)
        for start, end in persons(text) if found is None else found:
            out.extend(self._name_runs(text, start, end))
        for m in _VOCATIVE.finditer(text):
            # NER misses names said to someone in dialogue: «Роман, здравствуйте», «Спасибо, Вера».
            word = m.group("a") or m.group("b")
            start = m.start("a") if m.group("a") else m.start("b")
            if self._weight(word) == "name" or self._first_name(word):
                out.extend(self._name_runs(text, start, start + len(word)))
        return out

    def _first_name(self, word: str) -> bool:
        from ..lemmatisers._russian import morph_analyzer

        return fold(word) not in self._protected and any(
            "Name" in p.tag for p in morph_analyzer().parse(word))

    def _name_runs(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Runs of name-like words in an NER span and its neighbours.

        «Станислав: Здравствуйте» -> «Станислав»; «П.» after «Захарова» -> «Захарова П.». A run
        needs a word pymorphy3 knows as a name; words it does not know («Ахмед-оглы») join a run
        but do not make one, so brands NER takes for people («Хонор», «Самсунг») stay.
        """
        start, end = self._widen(text, start, end)
        runs: list[list[int]] = []  # [start, end, name words, initials]
        previous = False
        for m in _TOKEN.finditer(text, start, end):
            weight = self._weight(m.group())
            if weight is None:
                previous = False
                continue
            if previous and text[runs[-1][1]:m.start()].isspace():
                runs[-1][1] = m.end()
            else:
                runs.append([m.start(), m.end(), 0, 0])
            runs[-1][2] += weight == "name"
            runs[-1][3] += weight == "initial"
            previous = True
        return [(s, e) for s, e, names, initials in runs if names or initials >= 2]

    def _widen(self, text: str, start: int, end: int) -> tuple[int, int]:
        before = _BEFORE.search(text, max(0, start - 40), start)
        if before and self._weight(before.group(1)) == "name":
            start = before.start(1)
        after = _AFTER.match(text, end)
        if after and self._weight(after.group(1)) in ("name", "initial"):
            end = after.end(1)
        return start, end

    def _weight(self, token: str) -> str | None:
        """"name" (a first name, surname or patronymic), "initial", "unknown" or None (not a name)."""
        if _INITIAL.fullmatch(token) or re.fullmatch(r"(?:[А-ЯЁ]\. ?){2}", token):
            return "initial"
        if len(token) < 2 or not token[0].isupper():
            return None
        if any(fold(part) in self._protected for part in token.split("-")):
            return None
        from ..lemmatisers._russian import morph_analyzer

        morph = morph_analyzer()
        parses = morph.parse(token)
        if not morph.word_is_known(token.lower()):
            top = set(map(str, parses[0].tag.grammemes)) if parses else set()
            return "name" if _NAME_TAGS & top else "unknown"
        return "name" if any(_NAME_TAGS & set(map(str, p.tag.grammemes)) for p in parses) else None


def _add(found: list[Span], span: Span) -> None:
    if not any(s.start < span.end and span.start < s.end for s in found):
        found.append(span)


def apply(text: str, spans: list[Span]) -> str:
    """`text` with `spans` (sorted, not overlapping) replaced by their placeholders."""
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        pieces.append(text[cursor:span.start])
        pieces.append(span.placeholder)
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def map_span(spans: list[Span], start: int, end: int) -> tuple[int, int]:
    """Where `text[start:end]` lies once `spans` are masked, widened to whole placeholders."""
    return _shift(spans, start, at_end=False), _shift(spans, end, at_end=True)


def _shift(spans: list[Span], offset: int, *, at_end: bool) -> int:
    shift = 0
    for span in spans:
        grow = len(span.placeholder) - (span.end - span.start)
        if span.end <= offset:
            shift += grow
        elif span.start < offset:  # inside a masked span: snap to its edge
            return span.start + shift + (len(span.placeholder) if at_end else 0)
        else:
            break
    return offset + shift


def names_tagger() -> str:
    """What person-name spans kept in the store came from: NER results change with its version."""
    from importlib.metadata import version

    return f"natasha-{version('natasha')}+slovnet-{version('slovnet')}:PER"


def persons(text: str) -> list[tuple[int, int]]:
    """The `PER` spans natasha finds in `text` (the NER describe uses for companies: one per process)."""
    return persons_of([text])[0]


def persons_of(texts: Sequence[str], batch_size: int = 16) -> list[list[tuple[int, int]]]:
    """The `PER` spans of each text: NER in batches under one BLAS thread, as describe runs it.

    A digest masks every quoted story; one text at a time on two OpenBLAS threads, the same
    matrix products fought each other and the machine's other work.
    """
    purpose = "скрывать имена (или --no-redact)"
    ner = natasha_models.ner_tagger(purpose)
    with single_blas_thread():
        ner.batch_size = batch_size
        markups = list(ner.map(list(texts)))
    return [[(s.start, s.stop) for s in markup.spans if s.type == "PER"] for markup in markups]


_default: Redactor | None = None


def redact(text: str, *, names: bool = True) -> str:
    """Mask phones, e-mails, card and account numbers and (with `names`) person names in `text`."""
    global _default
    if not names:
        return Redactor(names=False).redact(text)
    if _default is None:
        _default = Redactor()
    return _default.redact(text)
