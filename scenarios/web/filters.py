"""The filters a page is viewed with (period, channel, kind), read from the query string."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from ..digest import DigestOptions
from ..overview import kind_order, kind_title
from ..store import Store
from .context import digest_cache
from .labels import CHANNEL_NAMES, PERIODS
from .queries import channels_in, kinds_in

DEFAULT_PERIOD = 90


@dataclass(frozen=True)
class Filters:
    """Chosen filters and what the form offers."""

    period: int
    channel: str | None
    kind: str | None
    channels: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    by: str = "channel"
    fields: tuple[tuple[str, str], ...] = (("channel", "каналам"),)
    periods: tuple[tuple[int, str], ...] = PERIODS

    def options(self, *, appendix: bool = False) -> DigestOptions:
        """Digest options for these filters."""
        return DigestOptions(period_days=self.period, channel=self.channel, kind=self.kind, by=self.by,
                             appendix=appendix)

    @property
    def active(self) -> bool:
        """True when anything differs from the default view."""
        return self.period != DEFAULT_PERIOD or bool(self.channel or self.kind) or self.by != "channel"


def read_filters(store: Store, run_id: int) -> Filters:
    """The filters in `request.args`; values the store does not have are ignored, not an error."""
    channels = channels_in(store)
    kinds = [k for k in kind_order(kinds_in(store, run_id)) if k]
    try:
        period = int(request.args.get("period", DEFAULT_PERIOD))
    except ValueError:
        period = DEFAULT_PERIOD
    if period not in {days for days, _ in PERIODS}:
        period = DEFAULT_PERIOD
    channel = request.args.get("channel") or None
    kind = request.args.get("kind") or None
    fields = segment_fields(store)
    by = request.args.get("by") or "channel"
    return Filters(period, channel if channel in channels else None, kind if kind in kinds else None,
                   [(c, CHANNEL_NAMES.get(c, c).capitalize()) for c in channels],
                   [(k, kind_title(k, digest_cache().kind_titles)) for k in kinds],
                   by if by in dict(fields) else "channel", fields)


def segment_fields(store: Store) -> tuple[tuple[str, str], ...]:
    """What the stories can be segmented by: channel, source when there are several, metadata keys."""
    fields = [("channel", "каналам")]
    if store.conn.execute("SELECT count(DISTINCT source) FROM stories").fetchone()[0] > 1:
        fields.append(("source", "источникам"))
    keys = store.conn.execute(
        "SELECT j.key FROM stories s, json_each(s.metadata) j WHERE s.metadata IS NOT NULL AND "
        "json_valid(s.metadata) GROUP BY j.key HAVING count(DISTINCT j.value) BETWEEN 2 AND 12 "
        "ORDER BY count(*) DESC, j.key LIMIT 5").fetchall()
    fields += [(key, f"полю «{key}»") for (key,) in keys]
    return tuple(fields)
