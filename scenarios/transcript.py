"""Speaker turns in pasted client stories.

Managers paste interview transcripts in many shapes (``Клиент:``, ``[00:01:23] Анна:``,
``Q:``/``A:``, dialogue dashes) next to reviews and notes that merely *look* labelled
(``Плюсы: ...``). Only client speech is later cut into quotes, so a false speaker costs
us quotes and a missed one mixes the interviewer's words into the client's. The parser is
therefore conservative: a non-role label counts only when the text is clearly a dialogue.

``Я:`` has no side of its own: a client quoting a chat writes ``Я:``/``Бот:``, a manager
noting a call writes ``Я:``/``Клиент:``. When the writer turns out to be the client, the
text around the quoted dialogue is theirs too (see :func:`_author_turns`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from .lang.ru.speakers import (
    CLIENT_LABELS,
    COMPANY_LABELS,
    GENERIC_LABELS,
    NON_SPEAKER_LABELS,
    SELF_LABELS,
    WEAK_LABELS,
)
from .lang.ru.spelling import fold
from .textnorm import strip_span

Role = Literal["client", "company", "unknown"]
_Kind = Literal["company", "client", "self", "generic", "name"]

__all__ = ["Role", "Turn", "parse_turns"]


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker turn; ``text[start:end]`` is the speech without label or timestamp."""

    index: int
    speaker: str | None
    role: Role
    start: int
    end: int
    time: str | None = None


_MD = r"(?:\*\*|__)?"
_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# A bracketed timestamp may carry a range: [00:01:23 - 00:01:40].
_TSB = rf"[\[(][ \t]*{_TS}(?:[ \t]*(?:-->|[-–—])[ \t]*{_TS})?[ \t]*[\])]"
_TOKEN = r"[^\W\d_][\w.'’-]{0,39}"
_LABEL = rf"{_TOKEN}(?:[ \t]{{1,3}}(?:{_TOKEN}|\d{{1,2}})){{0,3}}"

# Any line that could hold a header: cheap, so finditer over 50 MB stays fast.
_CANDIDATE = re.compile(
    r"^[ \t]*" + _MD + r"(?:(?P<ts>[\[(]?[ \t]*\d{1,2}:\d\d)|[^\W\d_][^\n:]{0,200}:)", re.M
)
# ``[ts] Label (paren) [ts]: speech`` -- the colon form, timestamps optional.
_COLON = re.compile(
    rf"[ \t]*{_MD}(?:(?P<ts>{_TSB}|{_TS}(?=[ \t]))[ \t]*{_MD})?(?P<label>{_LABEL})"
    rf"(?:[ \t]*\((?P<paren>[^()\n]{{1,40}})\))?(?:[ \t]+(?P<ts2>{_TSB}|{_TS}))?"
    rf"{_MD}[ \t]*:(?!\d){_MD}"
)
# ``Label 00:01:23`` alone on a line (Zoom/Otter export); speech on the next lines.
_LABEL_TS = re.compile(
    rf"[ \t]*{_MD}(?P<label>{_LABEL}){_MD}[ \t]+(?P<ts>{_TSB}|{_TS})[ \t]*{_MD}[ \t]*(?=\n|$)"
)
# ``00:01:23 Label speech`` -- no colon, label length decided word by word.
_TS_LEAD = re.compile(rf"[ \t]*{_MD}(?P<ts>{_TSB}|{_TS})[ \t]*{_MD}[ \t]+(?=\S)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d{1,2}(?=[ \t\n]|$)")
_DASH = re.compile(r"^[ \t]*(?:[—–](?![—–-])|-(?=[ \t]))[ \t]*", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_NON_SPEAKER_HEAD = re.compile(r"^[ \t]*" + _MD + r"([^\W\d_][\w.\- ]{0,30}?)[ \t]*:", re.M)
_TS_DIGITS = re.compile(_TS)
_SPACES = re.compile(r"\s+")
_TRAILING_NUMBER = re.compile(r"(?:\s*№)?\s*\d{1,2}$")
_CAP_WORD = re.compile(r"(?:[A-ZА-ЯЁ][a-zа-яё]+|[А-ЯЁ]{2,})(?:-[A-ZА-ЯЁ][a-zа-яё]+)?")
_INITIALS = re.compile(r"[A-ZА-ЯЁ]\.(?:[ \t]?[A-ZА-ЯЁ]\.)?")
_LATIN = re.compile(r"[A-Za-z-]+")
_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})


@dataclass(slots=True)
class _Head:
    """A recognised turn header: where its line starts and its speech begins."""

    line: int
    speech: int
    label: str
    key: str
    kind: _Kind
    weak: bool
    time: str | None
    first_person: bool = False  # the label is ``Я`` (maybe with a role in brackets)


def parse_turns(text: str) -> list[Turn]:
    r"""Split a normalised story into speaker turns with roles.

    Args:
        text: Normalised story text (NFC, ``\n`` line breaks, stripped).

    Returns:
        Turns in text order; ``[]`` only for a blank text. A text without turn
        structure is one client turn with ``speaker=None``; text before the first
        turn is a ``speaker=None`` turn of role ``"unknown"``, or ``"client"`` when the
        client is the writer (``Я:``), who also gets a closing paragraph of their own.
    """
    if not text or text.isspace():
        return []
    heads = _accepted(list(_find_heads(text)))
    if heads:
        roles = _label_roles(text, heads)
        turns = _build(text, heads, roles)
        if any(h.first_person and roles[h.key] == "client" for h in heads):
            turns = _author_turns(text, turns)
        return turns
    dashes = _dash_heads(text)
    if dashes:
        return _build(text, dashes, _dash_roles(text, dashes))
    start, end = strip_span(text, 0, len(text))
    return [Turn(0, None, "client", start, end)]


def _find_heads(text: str) -> Iterator[_Head]:
    """Yield every line header that classifies as a possible speaker."""
    for cand in _CANDIDATE.finditer(text):
        head = _parse_line(text, cand.start(), cand["ts"] is not None)
        if head is not None:
            yield head


def _parse_line(text: str, pos: int, timestamped: bool) -> _Head | None:
    """Try the header forms on the line at ``pos``, most explicit first."""
    m = _COLON.match(text, pos)
    if m:
        head = _head(text, pos, m.end(), m["label"], m["paren"], m["ts"] or m["ts2"])
        if head is not None:
            return head
    if not timestamped:
        m = _LABEL_TS.match(text, pos)
        return _head(text, pos, m.end(), m["label"], None, m["ts"]) if m else None
    m = _TS_LEAD.match(text, pos)
    if m:
        label, end = _label_without_colon(text, m.end())
        head = _head(text, pos, end, label, None, m["ts"]) if label else None
        if head is not None:
            head.weak = True  # "00:01 Клиент всегда прав" is speech unless the text is a dialogue
        return head
    return None


def _head(text: str, line: int, after: int, label: str, paren: str | None, ts: str | None) -> _Head | None:
    """Classify a label (and its ``(paren)``) and locate the speech after it."""
    found = _classify(label)
    first_person = found is not None and found[0] == "self"
    if paren is not None:
        inner = _classify(paren)
        if found is None or (
            found[0] in ("name", "generic", "self") and inner and inner[0] in ("company", "client")
        ):
            found = inner
    if found is None:
        return None
    kind, weak = found
    written = label if paren is None else f"{label} ({paren})"
    key = fold(_SPACES.sub(" ", written))
    time = None
    if ts:
        tm = _TS_DIGITS.search(ts)
        time = tm.group(0) if tm else None
    return _Head(line, after, written.strip(), key, kind, weak, time, first_person)


def _label_without_colon(text: str, pos: int) -> tuple[str, int]:
    """Read a speaker label after a bare timestamp: a role word or a 1-3 word name.

    Without a colon the label's end is a guess, so extra words must be name parts
    or a speaker number, and one-letter labels (``А``, ``И``, ``Я`` open sentences) are refused.
    """
    words: list[re.Match[str]] = []
    cur = pos
    while len(words) < 3:
        m = _WORD.match(text, cur)
        if not m:
            break
        words.append(m)
        cur = m.end()
        while cur < len(text) and text[cur] in " \t":
            cur += 1
    best = ""
    best_end = pos
    for n in range(len(words), 0, -1):
        label = text[pos : words[n - 1].end()]
        if n > 1 and not all(w[0].isdigit() or _is_name_token(w[0]) for w in words[1:n]):
            continue
        if n == 1 and len(words[0][0]) == 1:
            continue
        found = _classify(label)
        if found is None or _SPACES.sub(" ", label).lower() in WEAK_LABELS:
            continue
        best, best_end = label, words[n - 1].end()
        break
    return best, best_end


@lru_cache(maxsize=4096)
def _classify(label: str) -> tuple[_Kind, bool] | None:
    """Return (kind, weak) for a speaker-like label, or None when it is not one."""
    norm = _SPACES.sub(" ", label).strip(" .").lower()
    if not norm:
        return None
    base = _TRAILING_NUMBER.sub("", norm).strip() or norm
    first = base.split(" ", 1)[0]
    for cand in (norm, base):
        if cand in SELF_LABELS:
            return "self", cand in WEAK_LABELS
        if cand in COMPANY_LABELS:
            return "company", cand in WEAK_LABELS
        if cand in CLIENT_LABELS:
            return "client", cand in WEAK_LABELS
    if norm in NON_SPEAKER_LABELS or base in NON_SPEAKER_LABELS or first in NON_SPEAKER_LABELS:
        return None
    if base in GENERIC_LABELS:
        return "generic", True
    rest = label.strip().split(None, 1)
    if first in COMPANY_LABELS and first not in WEAK_LABELS and len(rest) == 2 and _looks_like_name(rest[1]):
        return "company", False
    if first in CLIENT_LABELS and first not in WEAK_LABELS and len(rest) == 2 and _looks_like_name(rest[1]):
        return "client", False
    stripped = label.strip()
    if len(stripped) == 1 and stripped.isupper():
        return "generic", True
    if _looks_like_name(stripped):
        return "name", True
    return None


def _looks_like_name(label: str) -> bool:
    """1-3 capitalised words (or initials), at least one a known first name/surname/patronymic."""
    tokens = label.split()
    if not 1 <= len(tokens) <= 3 or not _CAP_WORD.fullmatch(tokens[0]):
        return False
    if not all(_CAP_WORD.fullmatch(t) or _INITIALS.fullmatch(t) for t in tokens):
        return False
    words = [t for t in tokens if _CAP_WORD.fullmatch(t)]
    if all(_LATIN.fullmatch(w) for w in words):
        return len(words) <= 2
    return any(_is_name_token(w) for w in words)


@lru_cache(maxsize=8192)
def _is_name_token(word: str) -> bool:
    """Tell whether pymorphy3 reads the word as a first name, surname or patronymic."""
    if not word[:1].isupper():
        return False
    if _LATIN.fullmatch(word):
        return True
    morph = _morph()
    if morph is None:
        return False
    # A score floor drops freak readings such as "Из" as a plural of the name "Ия".
    return any(p.score >= 0.05 and _NAME_GRAMMEMES & p.tag.grammemes for p in morph.parse(word.lower()))


@lru_cache(maxsize=1)
def _morph() -> Any:
    """Load pymorphy3 once and only when a non-role label needs checking (~0.1 s)."""
    try:
        import pymorphy3
    except ImportError:  # pragma: no cover - dependency is declared
        return None
    return pymorphy3.MorphAnalyzer()


def _accepted(heads: list[_Head]) -> list[_Head]:
    """Keep weak labels and names only when the text has at least two labelled turns."""
    if len(heads) >= 2:
        return heads
    return [h for h in heads if not h.weak]


def _dash_heads(text: str) -> list[_Head]:
    """Dialogue-dash turns, only when they read as a dialogue rather than a bullet list."""
    heads = [
        _Head(m.start(), m.end(), m.group(0).strip()[:1], "", "generic", True, None)
        for m in _DASH.finditer(text)
    ]
    if len(heads) < 2:
        return []
    for m in _NON_SPEAKER_HEAD.finditer(text):
        if m.group(1).strip().lower() in NON_SPEAKER_LABELS:
            return []
    # Only the dash items themselves may ask: a list item's turn would otherwise absorb
    # the closing paragraph of a review, and its rhetorical "?" would make a dialogue.
    ends = _dash_item_ends(text, heads)
    if not any("?" in text[h.speech : end] for h, end in zip(heads, ends, strict=True)):
        return []
    for i, head in enumerate(heads):
        head.key = str(i % 2)
    return heads


def _dash_item_ends(text: str, heads: list[_Head]) -> list[int]:
    """Where each dash item ends: at the next dash line or the first blank line after it."""
    ends = []
    for i, head in enumerate(heads):
        limit = heads[i + 1].line if i + 1 < len(heads) else len(text)
        gap = _BLANK_LINE.search(text, head.speech, limit)
        ends.append(gap.start() if gap else limit)
    return ends


def _build(text: str, heads: list[_Head], roles: dict[str, Role]) -> list[Turn]:
    """Turn headers into Turn spans, adding a preamble turn for leading text."""
    turns: list[Turn] = []
    first = heads[0].line
    if text[:first].strip():
        start, end = strip_span(text, 0, first)
        turns.append(Turn(0, None, "unknown", start, end))
    for i, head in enumerate(heads):
        limit = heads[i + 1].line if i + 1 < len(heads) else len(text)
        start, end = strip_span(text, min(head.speech, limit), limit)
        turns.append(Turn(len(turns), head.label, roles[head.key], start, end, head.time))
    return turns


def _author_turns(text: str, turns: list[Turn]) -> list[Turn]:
    """Give a first-person client's framing text to the client.

    A client who quotes a chat as ``Я:``/``Бот:`` is the author of the whole story, so
    the preamble is theirs, and so is everything after the first blank line of the last
    turn: the dialogue has ended and the author comments on it. The rule is kept to this
    case: in an interview or call transcript the text after the last turn may be the
    interviewer's notes, and a blank line inside a turn is still that speaker's speech.
    """
    turns = list(turns)
    if turns[0].speaker is None:
        turns[0] = replace(turns[0], role="client")
    last = turns[-1]
    gap = _BLANK_LINE.search(text, last.start, last.end)
    if last.speaker is None or gap is None:
        return turns
    start, end = strip_span(text, gap.end(), last.end)
    turns[-1] = replace(last, end=strip_span(text, last.start, gap.start())[1])
    turns.append(Turn(len(turns), None, "client", start, end))
    return turns


def _question_rates(text: str, heads: list[_Head], ends: list[int] | None = None) -> dict[str, float]:
    """Question marks per turn for each speaker key, counted up to ``ends`` if given."""
    marks: dict[str, int] = {}
    counts: dict[str, int] = {}
    for i, head in enumerate(heads):
        limit = ends[i] if ends else heads[i + 1].line if i + 1 < len(heads) else len(text)
        marks[head.key] = marks.get(head.key, 0) + text.count("?", head.speech, limit)
        counts[head.key] = counts.get(head.key, 0) + 1
    return {k: marks[k] / counts[k] for k in counts}


def _label_roles(text: str, heads: list[_Head]) -> dict[str, Role]:
    """Known labels keep their side; names, generic labels and ``Я`` are inferred.

    ``Я`` thus takes the side opposite a known speaker (client opposite ``Бот``,
    company opposite ``Клиент``) and is the client when it speaks alone.
    """
    roles: dict[str, Role] = {}
    unknown: list[str] = []
    for head in heads:
        if head.key in roles or head.key in unknown:
            continue
        if head.kind == "company" or head.kind == "client":
            roles[head.key] = head.kind
        else:
            unknown.append(head.key)
    if not unknown:
        return roles
    sides = set(roles.values())
    rates = _question_rates(text, heads)
    if sides == {"company"}:
        roles.update(dict.fromkeys(unknown, "client"))
    elif sides == {"client"}:
        roles.update(dict.fromkeys(unknown, "company"))
    elif sides:
        company_rate = max(rates[k] for k, r in roles.items() if r == "company")
        for key in unknown:
            roles[key] = "company" if 0 < company_rate <= rates[key] else "client"
    else:
        roles.update(_by_questions(unknown, rates))
    return roles


def _by_questions(keys: list[str], rates: dict[str, float]) -> dict[str, Role]:
    """Make the most questioning speaker the company; a lone speaker is the client."""
    if len(keys) == 1:
        return {keys[0]: "client"}
    asker = max(keys, key=lambda k: rates[k])  # max keeps the first on ties
    return {k: ("company" if k == asker else "client") for k in keys}


def _dash_roles(text: str, heads: list[_Head]) -> dict[str, Role]:
    """Alternating dash speakers: the first asks unless the second asks more (in the items)."""
    return _by_questions(["0", "1"], _question_rates(text, heads, _dash_item_ends(text, heads)))
