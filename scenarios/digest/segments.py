"""Scenarios across segments of stories (channels, sources, a metadata field such as rating).

Each cell is the share of a segment's stories that tell the scenario, so segments of different
sizes compare fairly; the largest differences are said in a sentence each:
«Курьер · доставку» чаще обсуждают в звонках (12%), чем в отзывах (3%).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from ..errors import ConfigError
from .model import ScenarioDigest, SegmentColumn, SegmentRow, Segments
from .words import percent, segment_label, segment_phrase

MAX_COLUMNS = 8
MIN_SEGMENT = 10      # stories a segment needs before its share is compared
MIN_STORIES = 3       # stories of the scenario in the segment it is "more often" discussed in
MIN_RATIO = 2.0
MIN_GAP = 0.03
FINDINGS = 5


class _Story(Protocol):
    def field(self, name: str) -> str | None: ...


def segment_table(by: str, stories: Mapping[str, _Story], members: Mapping[str, set[str]],
                  scenarios: Sequence[ScenarioDigest]) -> Segments:
    """The scenario x segment table of shares for `by` (`channel`, `source` or a metadata key).

    Stories without a value for `by` are left out; at most the 8 largest segments are shown.
    """
    values = {i: v for i, s in stories.items() if (v := s.field(by)) is not None}
    if not values:
        raise ConfigError(f"Ни у одной истории нет поля «{by}»: сегментируйте по channel, source "
                          "или ключу метаданных (например, rating).")
    sizes: dict[str, int] = {}
    for value in values.values():
        sizes[value] = sizes.get(value, 0) + 1
    order = sorted(sizes, key=lambda v: (-sizes[v], _natural(v)))[:MAX_COLUMNS]
    if by not in ("channel", "source") and all(v.lstrip("-").isdigit() for v in order):
        order.sort(key=int)  # ratings and scores read best in their own order
    columns = [SegmentColumn(v, segment_label(by, v), sizes[v]) for v in order]
    rows = []
    for scenario in scenarios:
        counts = [0] * len(order)
        index = {v: i for i, v in enumerate(order)}
        for story_id in members.get(scenario.id, ()):
            found = values.get(story_id)
            if found is not None and found in index:
                counts[index[found]] += 1
        shares = [c / col.stories if col.stories else 0.0 for c, col in zip(counts, columns)]
        rows.append(SegmentRow(scenario.id, scenario.name, shares, counts))
    return Segments(by, columns, rows, findings(by, columns, rows))


def findings(by: str, columns: Sequence[SegmentColumn], rows: Sequence[SegmentRow]) -> list[str]:
    """The largest differences between segments, one Russian sentence each, biggest gap first."""
    found: list[tuple[float, str]] = []
    usable = [i for i, c in enumerate(columns) if c.stories >= MIN_SEGMENT]
    if len(usable) < 2:
        return []
    for row in rows:
        hi = max(usable, key=lambda i: (row.shares[i], -i))
        lo = min(usable, key=lambda i: (row.shares[i], i))
        high, low = row.shares[hi], row.shares[lo]
        if row.counts[hi] < MIN_STORIES or high - low < MIN_GAP or high < MIN_RATIO * low:
            continue
        sentence = (f"«{row.name}» чаще обсуждают {segment_phrase(by, columns[hi].value)} ({percent(high)}), "
                    f"чем {segment_phrase(by, columns[lo].value)} ({percent(low)}).")
        found.append((high - low, sentence))
    found.sort(key=lambda t: (-t[0], t[1]))
    return [sentence for _, sentence in found[:FINDINGS]]


def _natural(value: str) -> tuple[int, str]:
    return (0, f"{int(value):020d}") if value.isdigit() else (1, value)
