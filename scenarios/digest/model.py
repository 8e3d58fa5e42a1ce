"""What a digest holds: plain dataclasses that every renderer (terminal, Markdown, HTML, web) reads.

`build_digest` fills them from the store; renderers never touch the store, so the same `Digest`
renders the same way everywhere. Story text in a digest is already redacted when `redact` is on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DigestOptions:
    """What to put in a digest.

    Args:
        period_days: Length of the current period, ending at the newest story date; it is compared
            with the previous period of the same length.
        kind: Only scenarios of this kind (`choice`, `service`, `product`, `competitors`, `life`).
        channel: Only stories of this channel (sizes, shares, trends and quotes are counted on them).
        top: At most this many scenarios per kind (growing and new ones are always kept).
        by: Segment the stories by `channel` (the default; no segments when there is one channel),
            `source` or a metadata key (e.g. `rating`); None for no segments.
        growth_factor: A scenario grows when its share of stories rose at least this many times.
        min_stories: ...and it has at least this many stories in the current period.
        min_new_stories: A scenario is new with no stories before and at least this many now.
        biggest: How many scenarios the summary lists as the biggest.
        quotes: Quotes per scenario (2-4 reads best).
        redact: Mask phones, e-mails, card and account numbers and person names.
        appendix: Keep the full (redacted) text of every quoted story, for the HTML appendix.
        run_id: The run to digest (default: the latest).
    """

    period_days: int = 90
    kind: str | None = None
    channel: str | None = None
    top: int | None = None
    by: str | None = "channel"
    growth_factor: float = 1.5
    min_stories: int = 5
    min_new_stories: int = 3
    biggest: int = 5
    quotes: int = 3
    redact: bool = True
    appendix: bool = True
    run_id: int | None = None


@dataclass(frozen=True)
class Period:
    """Inclusive date range."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass
class Quote:
    """A verbatim quote (redacted when asked) and where it comes from.

    `start`/`end` are offsets into the stored story text (`stories.text[start:end]`), for links.
    """

    text: str
    story_id: str
    start: int
    end: int
    title: str | None
    date: str | None
    channel: str | None
    anchor: str = ""


@dataclass
class Company:
    """A company the scenario's clients name, in how many of its stories."""

    name: str
    stories: int
    own: bool = False


@dataclass
class ScenarioDigest:
    """One scenario: name, size, quotes, trend and how its share moved.

    `trend` counts its stories per month of `Digest.months`; `trend_shares` divides them by all
    stories of that month. `praise`/`complaint` are shares of its members (None: not measured).
    """

    id: str
    name: str
    kind: str | None
    stories: int
    clients: int
    share: float
    quotes: list[Quote] = field(default_factory=list)
    trend: list[int] = field(default_factory=list)
    current: int = 0
    previous: int = 0
    current_share: float = 0.0
    previous_share: float = 0.0
    companies: list[Company] = field(default_factory=list)
    growing: bool = False
    new: bool = False
    trend_shares: list[float] = field(default_factory=list)
    praise: float | None = None
    complaint: float | None = None

    @property
    def growth(self) -> float | None:
        """How many times the share rose (None without a previous share)."""
        return self.current_share / self.previous_share if self.previous_share else None


@dataclass
class KindSection:
    """The scenarios of one kind, biggest first."""

    kind: str | None
    title: str
    scenarios: list[ScenarioDigest]


@dataclass
class SegmentColumn:
    """One segment: its value, how to name it, how many stories it has."""

    value: str
    label: str
    stories: int


@dataclass
class SegmentRow:
    """A scenario across segments: share of each segment's stories in the scenario."""

    scenario_id: str
    name: str
    shares: list[float]
    counts: list[int]


@dataclass
class Segments:
    """Scenario x segment table of shares, and its largest differences said in words."""

    field: str
    columns: list[SegmentColumn]
    rows: list[SegmentRow]
    findings: list[str]


@dataclass
class Mark:
    """A quote inside an appendix story: offsets into the (redacted) story text."""

    start: int
    end: int
    anchor: str
    scenario_id: str


@dataclass
class AppendixStory:
    """The full (redacted) text of a quoted story, with its quotes marked."""

    story_id: str
    anchor: str
    title: str | None
    date: str | None
    channel: str | None
    text: str
    marks: list[Mark] = field(default_factory=list)


@dataclass
class Digest:
    """Everything a digest shows, in reading order: summary, kinds, numbers, appendix.

    `run_id` and `embedder` say what the digest was built from (for scripts); renderers do not
    show them: leadership reads no internal terms. `built_on` is the day the scenarios were described.
    """

    options: DigestOptions
    run_id: int
    embedder: str
    total_stories: int
    total_clients: int
    channels: list[str]
    months: list[str]
    current: Period | None
    previous: Period | None
    current_stories: int
    previous_stories: int
    sections: list[KindSection]
    biggest: list[str] = field(default_factory=list)
    growing: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    segments: Segments | None = None
    month_totals: list[int] = field(default_factory=list)
    built_on: dt.date | None = None
    appendix: list[AppendixStory] = field(default_factory=list)

    @property
    def scenarios(self) -> list[ScenarioDigest]:
        """Every shown scenario, in section order."""
        return [s for section in self.sections for s in section.scenarios]

    @property
    def current_months(self) -> int:
        """How many trailing months of the trend fall in the current period (the charts shade them)."""
        if not self.current:
            return 0
        first = self.current.start.strftime("%Y-%m")
        return sum(1 for m in self.months if m >= first)

    def scenario(self, scenario_id: str) -> ScenarioDigest:
        """A shown scenario by id."""
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise KeyError(scenario_id)
