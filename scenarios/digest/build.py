"""`build_digest`: the latest run's scenarios as leadership reads them, quotes first, numbers second.

Starts from :func:`scenarios.overview.scenarios_of` (curated names, kinds, quotes, companies) and
adds what a digest needs on top: sizes within the chosen channel, a monthly trend (counts and
shares of each month's stories), the share of stories in the current period against the previous
one (growing and new scenarios), tone, segments, and the redacted text of every quoted story for
the appendix. There is no fragment map: a 2-D projection of the vectors drew overlapping clouds a
director cannot read, so sizes, trends and segments carry the numbers instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..dates import stored_date
from ..errors import NotFound, StoreError
from ..overview import KIND_ORDER, ScenarioView, kind_rank, kind_title, scenarios_of, story_members
from ..store import Store
from .model import (
    AppendixStory,
    Company,
    Digest,
    DigestOptions,
    KindSection,
    Mark,
    Period,
    Quote,
    ScenarioDigest,
    Segments,
)
from .redact import Redactor, Span, apply, map_span, names_tagger
from .segments import segment_table

NO_RUN = "Сценариев ещё нет: выполните scenarios run (загрузка, эмбеддинги, кластеризация, описание)."
NOT_DESCRIBED = "Сценарии последнего прогона ещё не описаны: выполните scenarios run."


@dataclass(frozen=True)
class StoryRow:
    """What the digest needs of a story besides its text."""

    id: str
    date: dt.date | None
    channel: str | None
    source: str | None
    client: str | None
    title: str | None
    external_id: str | None
    metadata: str | None

    def field(self, name: str) -> str | None:
        """The story's value of a segment field: `channel`, `source` or a metadata key."""
        if name in ("channel", "source"):
            return getattr(self, name)
        value = json.loads(self.metadata).get(name) if self.metadata else None
        return None if value in (None, "") else str(value)


def build_digest(store: Store, options: DigestOptions | None = None, *,
                 kind_titles: Mapping[str, str] | None = None) -> Digest:
    """Build the digest of a run (default: the latest) as plain data for the renderers.

    `kind_titles` names kinds added in config (see :func:`scenarios.overview.configured_kind_titles`);
    a kind without a title is headed by its id.

    Raises:
        NotFound: No run yet, an unknown run, channel or kind.
        ConfigError: A segment field no story has.
    """
    options = options or DigestOptions()
    run = _run(store, options.run_id)
    all_views = scenarios_of(store, run["id"])
    _check_kind(options.kind, all_views)
    stories = _stories(store)
    scope = _scope(stories, options.channel)
    views = [v for v in all_views if not options.kind or v.kind == options.kind]
    members = story_members(store, run["id"])

    dates = sorted(d for s in scope.values() if (d := s.date) is not None)
    current, previous = _periods(dates, options.period_days)
    months = _months(dates)
    month_totals = Counter(s.date.strftime("%Y-%m") for s in scope.values() if s.date)
    current_total = sum(1 for s in scope.values() if s.date in current) if current else 0
    previous_total = sum(1 for s in scope.values() if s.date in previous) if previous else 0

    scenarios: list[ScenarioDigest] = []
    for view in views:
        own = [scope[i] for i in sorted(members.get(view.id, ())) if i in scope]
        if not own:
            continue
        scenario = _scenario(view, own, len(scope), months, current, previous, current_total, previous_total,
                             options)
        scenario.trend_shares = [n / month_totals[m] if month_totals[m] else 0.0
                                 for n, m in zip(scenario.trend, months)]
        scenarios.append(scenario)

    sections = _sections(scenarios, options.top, kind_titles)
    shown = [s for section in sections for s in section.scenarios]
    quoted = _quotes(store, run["id"], views, shown, scope, current, options)
    appendix = _redact(store, run["id"], shown, quoted, stories, options,
                       generated={v.id for v in views if v.name == v.label})

    digest = Digest(
        options=options, run_id=run["id"], embedder=run["embedder"], total_stories=len(scope),
        total_clients=len({s.client or s.id for s in scope.values()}),
        channels=sorted({s.channel for s in scope.values() if s.channel}), months=months,
        current=current, previous=previous, current_stories=current_total, previous_stories=previous_total,
        sections=sections,
        biggest=[s.id for s in sorted(shown, key=lambda s: (-s.stories, s.id))[:options.biggest]],
        growing=[s.id for s in sorted((s for s in shown if s.growing), key=lambda s: (-(s.growth or 0), s.id))],
        new=[s.id for s in sorted((s for s in shown if s.new), key=lambda s: (-s.current, s.id))],
        appendix=appendix if options.appendix else [], month_totals=[month_totals[m] for m in months],
        built_on=stored_date(run["described_at"]),
    )
    digest.segments = _segments(options.by, scope, members, shown)
    return digest


def _segments(by: str | None, scope: dict[str, StoryRow], members: dict[str, set[str]],
              shown: list[ScenarioDigest]) -> Segments | None:
    """The segment table; by channel only when the stories come from two channels or more."""
    if not by or not shown:
        return None
    if by == "channel" and len({s.channel for s in scope.values() if s.channel}) < 2:
        return None
    return segment_table(by, scope, {s.id: members.get(s.id, set()) for s in shown}, shown)


# -- inputs ------------------------------------------------------------------------------------------


def _run(store: Store, run_id: int | None) -> dict[str, Any]:
    if run_id is None:
        rows = store.query("SELECT id, embedder, described_at FROM runs ORDER BY id DESC LIMIT 1")
        if not rows:
            raise NotFound(NO_RUN)
    else:
        rows = store.query("SELECT id, embedder, described_at FROM runs WHERE id = ?", (run_id,))
        if not rows:
            raise NotFound(f"Прогон {run_id} не найден.")
    if rows[0]["described_at"] is None:
        raise NotFound(NOT_DESCRIBED)
    return rows[0]


def _check_kind(kind: str | None, views: list[ScenarioView]) -> None:
    """A kind filter must name a built-in kind or one the run's scenarios have (added in config)."""
    known = list(dict.fromkeys([*KIND_ORDER, *sorted({v.kind for v in views if v.kind})]))
    if kind and kind not in known:
        raise NotFound(f"Вид «{kind}» неизвестен; есть: {', '.join(known)}.")


def _stories(store: Store) -> dict[str, StoryRow]:
    out = {}
    for row in store.conn.execute(
            "SELECT id, date, channel, source, client, title, external_id, metadata FROM stories"):
        out[row[0]] = StoryRow(row[0], stored_date(row[1]), *row[2:])
    return out


def _scope(stories: dict[str, StoryRow], channel: str | None) -> dict[str, StoryRow]:
    if not channel:
        return stories
    scope = {i: s for i, s in stories.items() if s.channel == channel}
    if not scope:
        known = sorted({s.channel for s in stories.values() if s.channel})
        raise NotFound(f"Историй из канала «{channel}» нет; есть каналы: {', '.join(known) or 'нет'}.")
    return scope


# -- numbers -----------------------------------------------------------------------------------------


def _periods(dates: list[dt.date], days: int) -> tuple[Period | None, Period | None]:
    """The last `days` days up to the newest date, and the `days` before them."""
    if not dates or days < 1:
        return None, None
    end = dates[-1]
    current = Period(end - dt.timedelta(days=days - 1), end)
    previous_end = current.start - dt.timedelta(days=1)
    return current, Period(previous_end - dt.timedelta(days=days - 1), previous_end)


def _months(dates: list[dt.date]) -> list[str]:
    """Every month from the first story to the last, `YYYY-MM`."""
    if not dates:
        return []
    year, month = dates[0].year, dates[0].month
    out = []
    while (year, month) <= (dates[-1].year, dates[-1].month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _scenario(view: ScenarioView, own: list[StoryRow], total: int, months: list[str], current: Period | None,
              previous: Period | None, current_total: int, previous_total: int,
              options: DigestOptions) -> ScenarioDigest:
    by_month = Counter(s.date.strftime("%Y-%m") for s in own if s.date)
    now = sum(1 for s in own if current and s.date in current)
    before = sum(1 for s in own if previous and s.date in previous)
    now_share = now / current_total if current_total else 0.0
    before_share = before / previous_total if previous_total else 0.0
    return ScenarioDigest(
        id=view.id, name=view.name, kind=view.kind, stories=len(own),
        clients=len({s.client or s.id for s in own}), share=len(own) / total if total else 0.0,
        trend=[by_month.get(m, 0) for m in months], current=now, previous=before, current_share=now_share,
        previous_share=before_share,
        companies=[Company(c["company"], int(c["stories"] or 0), bool(c["own"])) for c in view.companies],
        growing=before > 0 and now >= options.min_stories and now_share >= options.growth_factor * before_share,
        new=before == 0 and previous_total > 0 and now >= options.min_new_stories,
        praise=view.praise, complaint=view.complaint,
    )


def _sections(scenarios: list[ScenarioDigest], top: int | None,
              titles: Mapping[str, str] | None = None) -> list[KindSection]:
    """Scenarios grouped by kind (built-ins first, then configured kinds), biggest first.

    `top` per kind, plus growing and new ones. A kind added in config gets its own section.
    """
    groups: dict[str | None, list[ScenarioDigest]] = {}
    for s in scenarios:
        groups.setdefault(s.kind or None, []).append(s)
    sections = []
    for kind in sorted(groups, key=kind_rank):
        items = sorted(groups[kind], key=lambda s: (-s.stories, s.id))
        if top is not None:
            items = [s for i, s in enumerate(items) if i < top or s.growing or s.new]
        sections.append(KindSection(kind, kind_title(kind, titles), items))
    return sections


# -- quotes and redaction ------------------------------------------------------------------------------


def _quotes(store: Store, run_id: int, views: list[ScenarioView], scenarios: list[ScenarioDigest],
            scope: dict[str, StoryRow], current: Period | None,
            options: DigestOptions) -> dict[str, list[dict[str, Any]]]:
    """Scenario id -> the quotes to show: stored ones within scope, topped up from members if few."""
    by_id = {v.id: v for v in views}
    out: dict[str, list[dict[str, Any]]] = {}
    for scenario in scenarios:
        chosen = [q for q in by_id[scenario.id].quotes if q["story_id"] in scope][:options.quotes]
        if len(chosen) < min(2, options.quotes, scenario.stories):
            chosen += _member_quotes(store, run_id, scenario.id, scope, {q["story_id"] for q in chosen},
                                     options.quotes - len(chosen))
        if (scenario.growing or scenario.new) and current and chosen and \
                not any(scope[q["story_id"]].date in current for q in chosen):
            # A growing scenario speaks in its current voice: one quote from the current period.
            recent = {i: s for i, s in scope.items() if s.date in current}
            found = _member_quotes(store, run_id, scenario.id, recent, {q["story_id"] for q in chosen}, 1)
            if found:
                chosen = (chosen if len(chosen) < options.quotes else chosen[:-1]) + found
        out[scenario.id] = chosen
    return out


def _member_quotes(store: Store, run_id: int, scenario_id: str, scope: dict[str, StoryRow], taken: set[str],
                   n: int) -> list[dict[str, Any]]:
    """The most central member fragments of stories in scope, one per story, of a readable length."""
    rows = store.query(
        "SELECT f.story_id, f.start, f.[end], f.text FROM memberships m JOIN fragments f ON f.hash = m.hash "
        "WHERE m.run_id = ? AND m.scenario_id = ? ORDER BY (length(f.text) < 40), m.score DESC, f.id",
        (run_id, scenario_id))
    out: list[dict[str, Any]] = []
    for row in rows:
        if len(out) >= n:
            break
        if row["story_id"] in scope and row["story_id"] not in taken:
            taken.add(row["story_id"])
            out.append(row)
    return out


def _redact(store: Store, run_id: int, scenarios: list[ScenarioDigest], quoted: dict[str, list[dict[str, Any]]],
            stories: dict[str, StoryRow], options: DigestOptions, generated: set[str]) -> list[AppendixStory]:
    """Fill each scenario's quotes (redacted when asked) and return the appendix of quoted stories.

    Generated scenario names are redacted too: a label is made of frequent words, and a frequent
    word can be a patronymic («Кодовое · Викторович · пятое»); names people chose are kept.
    """
    ids = list(dict.fromkeys(q["story_id"] for s in scenarios for q in quoted[s.id]))
    texts = _texts(store, ids)
    redactor = None
    if options.redact:
        companies = [r[0] for r in store.conn.execute("SELECT DISTINCT company FROM mentions WHERE run_id = ?",
                                                      (run_id,))]
        redactor = Redactor(companies)
        # Stories, their titles and generated names in one batched NER pass; what NER found in
        # them before is read back from the store, and what it finds now is kept there.
        titles = [t for t in (_title(stories[i], None) for i in ids) if t]
        names = [s.name for s in scenarios if s.id in generated and s.name]
        asked = [*(texts[i] for i in ids), *titles, *names]
        _keep_names(store, redactor.prefetch(asked, known=_kept_names(store, asked)))
    spans: dict[str, list[Span]] = {i: redactor.spans(texts[i]) if redactor else [] for i in ids}
    appendix = {i: AppendixStory(i, f"story-{i}", _title(stories[i], redactor), _iso(stories[i].date),
                                 stories[i].channel, apply(texts[i], spans[i])) for i in ids}
    for scenario in scenarios:
        if redactor and scenario.id in generated:
            scenario.name = redactor.redact(scenario.name)
        for q in quoted[scenario.id]:
            story = stories[q["story_id"]]
            start, end = map_span(spans[story.id], q["start"], q["end"])
            anchor = f"q-{story.id}-{q['start']}"
            text = appendix[story.id].text
            scenario.quotes.append(Quote(text[start:end], story.id, q["start"], q["end"],
                                         appendix[story.id].title, _iso(story.date), story.channel, anchor))
            appendix[story.id].marks.append(Mark(start, end, anchor, scenario.id))
    for entry in appendix.values():
        entry.marks.sort(key=lambda m: m.start)
        entry.marks = [m for i, m in enumerate(entry.marks) if i == 0 or m.start >= entry.marks[i - 1].end]
    return list(appendix.values())


def _texts(store: Store, ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        out.update(store.conn.execute(f"SELECT id, text FROM stories WHERE id IN ({marks})", chunk).fetchall())
    return out


def _title(story: StoryRow, redactor: Redactor | None) -> str | None:
    """A story's own title; a file stem standing in for one (`2026-02-18_morozov-ilya`) is no title."""
    title = (story.title or "").strip()
    if not title or title == story.external_id:
        return None
    return redactor.redact(title) if redactor else title


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _kept_names(store: Store, texts: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Person-name spans NER found in these texts before (the `names` table), by text."""
    by_hash = {_text_key(t): t for t in texts}
    tagger = names_tagger()
    found: dict[str, list[tuple[int, int]]] = {}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):
        chunk = hashes[start:start + 500]
        rows = store.conn.execute(
            f"SELECT hash, spans FROM names WHERE tagger = ? AND hash IN ({','.join('?' * len(chunk))})",
            (tagger, *chunk))
        found.update({by_hash[h]: [(a, b) for a, b in json.loads(spans)] for h, spans in rows})
    return found


def _keep_names(store: Store, found: dict[str, list[tuple[int, int]]]) -> None:
    """Keep what NER found for the next digest; a store opened read-only simply does not keep it."""
    if not found:
        return
    tagger = names_tagger()
    rows = [(_text_key(t), tagger, json.dumps(spans)) for t, spans in found.items()]
    try:
        with store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO names (hash, tagger, spans) VALUES (?,?,?)", rows)
    except (StoreError, sqlite3.OperationalError):
        pass


def _text_key(text: str) -> str:
    """The exact text's hash: spans are offsets, so texts differing in a space are two texts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
