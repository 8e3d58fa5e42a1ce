"""Cut a story into what the story page shows: turns, and within them marked fragments and a quote.

Pure functions over offsets, so the highlighting is tested without a browser. Offsets are
character positions in the story text, as stored for turns, fragments and quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .queries import ScenarioTag


@dataclass(frozen=True)
class Mark:
    """A client fragment: its span, its scenario (None when it joined none) and how it got there."""

    fragment_id: str
    index: int
    start: int
    end: int
    tag: ScenarioTag | None
    passed: str | None


@dataclass(frozen=True)
class Piece:
    """A run of text with one set of highlights; `last` marks the end of a fragment."""

    text: str
    mark: Mark | None = None
    quote: bool = False
    anchor: bool = False
    last: bool = False


@dataclass
class TurnView:
    """One turn as shown: who spoke, in which role, and the pieces of what they said."""

    index: int
    speaker: str | None
    role: str
    time: str | None
    pieces: list[Piece] = field(default_factory=list)


def quote_span(text_length: int, start: Any, end: Any) -> tuple[int, int] | None:
    """The `?start=&end=` span when both are integers inside the text and start < end, else None."""
    try:
        a, b = int(start), int(end)
    except (TypeError, ValueError):
        return None
    return (a, b) if 0 <= a < b <= text_length else None


def turn_views(text: str, turns: Sequence[dict[str, Any]], marks: Sequence[Mark],
               quote: tuple[int, int] | None = None) -> list[TurnView]:
    """Turns with their speech cut into pieces at fragment and quote boundaries.

    The first piece inside the quote gets `anchor`, so the page can scroll to it.
    """
    views = []
    anchored = False
    for turn in turns:
        view = TurnView(turn["idx"], turn["speaker"], turn["role"], turn["time"])
        inside = [m for m in marks if m.start < turn["end"] and m.end > turn["start"]]
        view.pieces = pieces(text, turn["start"], turn["end"], inside, quote)
        if not anchored:
            for i, piece in enumerate(view.pieces):
                if piece.quote:
                    view.pieces[i] = Piece(piece.text, piece.mark, True, True, piece.last)
                    anchored = True
                    break
        views.append(view)
    return views


def pieces(text: str, start: int, end: int, marks: Sequence[Mark],
           quote: tuple[int, int] | None = None) -> list[Piece]:
    """The text between `start` and `end`, cut wherever a mark or the quote begins or ends."""
    cuts = {start, end}
    for mark in marks:
        cuts.update((mark.start, mark.end))
    if quote:
        cuts.update(quote)
    bounds = sorted(c for c in cuts if start <= c <= end)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        covering = next((m for m in marks if m.start <= a and b <= m.end), None)
        in_quote = bool(quote and quote[0] <= a and b <= quote[1])
        out.append(Piece(text[a:b], covering, in_quote, last=bool(covering and b == covering.end)))
    return out
