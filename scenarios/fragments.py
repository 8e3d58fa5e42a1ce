"""Quotable fragments of client speech.

Scenarios are evidenced by quotes, so client speech is cut into short runs of whole
sentences that a person can read at a glance. Offsets always point into the story
text, so a fragment can be highlighted in place and ``text[start:end]`` is the quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from razdel import sentenize

from .textnorm import strip_span
from .transcript import Turn

__all__ = ["Fragment", "split_fragments"]

# razdel is superlinear on very long runs without sentence ends; chunks keep it linear.
_CHUNK = 20_000
_LAST_NEWLINE = re.compile(r"(?s:.*)\n")
_LAST_SPACE = re.compile(r"(?s:.*)\s")
_LAST_COMMA = re.compile(r"(?s:.*)[,;]\s")
# razdel costs ~7 us per candidate sentence end: text denser in them than one per _DENSE
# chars (not prose: "а. а. а.", "....") gets a plain regex split instead.
_DENSE = 8
_SIMPLE_END = re.compile(r"(?<=[.!?…])[\"'»”)\]]*\s+(?=\S)")
# razdel joins hard-wrapped lines; a line opening a list item, a capitalised line or a
# paragraph still starts a new sentence in pasted reviews and notes.
_LINE_START = re.compile(r"\n[^\S\n]*(?:\n\s*|(?=[A-ZА-ЯЁ0-9•*—–-]))")


@dataclass(frozen=True, slots=True)
class Fragment:
    """A quote-sized piece of one client turn; ``text == story[start:end]``."""

    index: int
    turn: int | None
    start: int
    end: int
    text: str


def split_fragments(
    text: str,
    turns: Sequence[Turn],
    *,
    max_chars: int = 400,
    max_sentences: int = 3,
    min_chars: int = 40,
) -> list[Fragment]:
    """Cut the speech of client turns into fragments for quoting.

    Args:
        text: The story text the turns index into.
        turns: Output of :func:`scenarios.transcript.parse_turns`.
        max_chars: Hard upper bound on a fragment's length.
        max_sentences: Sentences per fragment, exceeded only to absorb a short neighbour.
        min_chars: Fragments shorter than this join a neighbour when it fits ``max_chars``.

    Returns:
        Fragments in text order, numbered from 0, each stripped of surrounding whitespace.

    Raises:
        ValueError: If ``max_chars`` or ``max_sentences`` is below 1.
    """
    if max_chars < 1 or max_sentences < 1:
        raise ValueError("max_chars and max_sentences must be at least 1")
    fragments: list[Fragment] = []
    for turn in turns:
        if turn.role != "client":
            continue
        start, end = max(turn.start, 0), min(turn.end, len(text))
        spans = _sentences(text, start, end, max_chars)
        for s, e in _group(spans, max_chars, max_sentences, min_chars):
            fragments.append(Fragment(len(fragments), turn.index, s, e, text[s:e]))
    return fragments


def _sentences(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Yield stripped sentence spans covering every non-space char of ``text[start:end]``.

    razdel (plus line starts) only supplies the sentence starts; spans run from one start
    to the next, so no character is lost even where razdel would skip one.
    """
    for cs, ce in _chunks(text, start, end):
        chunk = text[cs:ce]
        if sum(map(chunk.count, ".!?…")) * _DENSE > len(chunk):
            starts = {m.end() for m in _SIMPLE_END.finditer(text, cs, ce)}
        else:
            starts = {cs + sub.start for sub in sentenize(chunk)}
        starts.update(m.end() for m in _LINE_START.finditer(text, cs, ce))
        cuts = [cs, *sorted(p for p in starts if cs < p < ce), ce]
        for a, b in zip(cuts, cuts[1:], strict=False):
            a, b = strip_span(text, a, b)
            if a == b:
                continue
            if b - a > max_chars:
                yield from _cut_long(text, a, b, max_chars)
            else:
                yield a, b


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a span into pieces of at most ``_CHUNK`` chars, at a newline or space if any."""
    pos = start
    while end - pos > _CHUNK:
        window = text[pos : pos + _CHUNK]
        m = _LAST_NEWLINE.match(window, _CHUNK // 2) or _LAST_SPACE.match(window, 1)
        cut = pos + (m.end() if m else _CHUNK)
        yield pos, cut
        pos = cut
    if pos < end:
        yield pos, end


def _cut_long(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long sentence before ``max_chars``: after a comma, else a space, else hard."""
    pos = start
    while end - pos > max_chars:
        window = text[pos : pos + max_chars + 1]  # a space right at the limit is a fine cut
        m = _LAST_COMMA.match(window, 1)
        if m is None or m.end() - 1 < max_chars // 2:
            m = _LAST_SPACE.match(window, 1)
        cut = pos + (m.end() - 1 if m else max_chars)
        a, b = strip_span(text, pos, cut)
        if a < b:
            yield a, b
        pos, _ = strip_span(text, cut, end)
    a, b = strip_span(text, pos, end)
    if a < b:
        yield a, b


def _group(
    spans: Iterator[tuple[int, int]], max_chars: int, max_sentences: int, min_chars: int
) -> list[tuple[int, int]]:
    """Greedily pack consecutive sentences, then fold short leftovers into a neighbour."""
    groups: list[list[int]] = []  # [start, end, sentences]
    for s, e in spans:
        if groups:
            g = groups[-1]
            fits = e - g[0] <= max_chars
            if fits and (g[2] < max_sentences or g[1] - g[0] < min_chars):
                g[1], g[2] = e, g[2] + 1
                continue
        groups.append([s, e, 1])
    merged: list[list[int]] = []
    for g in groups:
        if merged:
            prev = merged[-1]
            short = g[1] - g[0] < min_chars or prev[1] - prev[0] < min_chars
            if short and g[1] - prev[0] <= max_chars:
                prev[1], prev[2] = g[1], prev[2] + g[2]
                continue
        merged.append(g)
    return [(g[0], g[1]) for g in merged]
