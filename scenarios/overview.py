"""The scenarios of a run as people read them: curated names, kinds, sizes, tone, quotes, companies.

Shared by the terminal listing, the digest and the web page, so they always agree.

Kinds are read from the store as describe wrote them. The built-in kinds (ids in
:data:`scenarios.lang.ru.kinds.KIND_NAMES`) come first in their own order with Russian titles; a
kind added in config comes after them, titled by its id; a scenario without a kind goes last.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .curate import curation
from .errors import ScenariosError
from .lang.ru import kinds as ru_kinds
from .stages.cluster import latest_run
from .store import Store

#: Built-in kinds in the order a digest lists them (one list, owned by the language data).
KIND_ORDER: tuple[str, ...] = ru_kinds.KIND_NAMES
NO_KIND = "Другое"


def kind_title(kind: str | None, titles: Mapping[str, str] | None = None) -> str:
    """The Russian heading of a kind.

    From `titles` (the config's, see :func:`configured_kind_titles`), the built-in one, else its id
    capitalised. `None` (describe could not tell) is «Другое».
    """
    if not kind:
        return NO_KIND
    if titles and titles.get(kind):
        return str(titles[kind])
    return ru_kinds.KIND_TITLES.get(kind) or kind.replace("_", " ").capitalize()


def configured_kind_titles(config: Config | None) -> dict[str, str]:
    """Kind id -> title of every kind the config knows (the five and `[kinds.<name>] title`).

    Asks describe (:func:`scenarios.describers.kinds.kind_titles`); when the `[kinds]` section is
    broken (describe itself reports that), reads its titles as they are. Never loads a model.
    """
    from .describers.kinds import kind_titles  # describe's imports are heavier than a listing needs

    try:
        return kind_titles(config)
    except ScenariosError:
        pass
    sections = config.sections.get("kinds", {}) if config is not None else {}
    return {name: str(fields["title"]) for name, fields in sections.items()
            if isinstance(fields, Mapping) and fields.get("title")}


def kind_order(kinds: Iterable[str | None]) -> list[str | None]:
    """`kinds` without repeats: built-ins in their order, then other kinds by id, then `None`."""
    present = set(kinds)
    known = [k for k in KIND_ORDER if k in present]
    extra = sorted(k for k in present if k and k not in KIND_ORDER)
    return [*known, *extra, *([None] if None in present else [])]


def kind_rank(kind: str | None) -> tuple[int, str]:
    """A sort key that puts kinds in :func:`kind_order`."""
    if kind in KIND_ORDER:
        return (KIND_ORDER.index(kind), "")
    return (len(KIND_ORDER), kind) if kind else (len(KIND_ORDER) + 1, "")


@dataclass
class ScenarioView:
    """One scenario, ready to show.

    `praise` and `complaint` are the shares (0..1) of its members that praise and complain, or
    None when describe did not measure them.
    """

    id: str
    name: str
    label: str
    title: str | None
    kind: str | None
    kind_score: float | None
    stories: int
    clients: int
    fragments: int
    share: float
    quotes: list[dict[str, Any]] = field(default_factory=list)
    companies: list[dict[str, Any]] = field(default_factory=list)
    hidden: bool = False
    praise: float | None = None
    complaint: float | None = None
    pinned: list[str] = field(default_factory=list)



def scenarios_of(store: Store, run_id: int | None = None, *, include_hidden: bool = False) -> list[ScenarioView]:
    """Scenarios of the run (default latest), in kind order then by size."""
    run_id = run_id or latest_run(store)
    total = store.count("stories") or 1
    curated = curation(store)
    quotes: dict[str, list[dict[str, Any]]] = {}
    for row in store.query(
            "SELECT q.*, s.title AS story_title, s.date, s.channel, s.client FROM quotes q JOIN stories s "
            "ON s.id = q.story_id WHERE q.run_id = ? ORDER BY q.scenario_id, q.rank", (run_id,)):
        quotes.setdefault(row["scenario_id"], []).append(row)
    companies: dict[str, list[dict[str, Any]]] = {}
    for row in store.query("SELECT * FROM mentions WHERE run_id = ? ORDER BY stories DESC, mentions DESC, company",
                           (run_id,)):
        companies.setdefault(row["scenario_id"], []).append(row)
    _apply_pins(store, quotes, {sid: list(c.get("pinned") or []) for sid, c in curated.items()})
    views = []
    for row in store.query("SELECT * FROM scenarios WHERE run_id = ?", (run_id,)):
        c = curated.get(row["id"], {})
        if c.get("hidden") and not include_hidden:
            continue
        label = row["label"] or row["title"] or row["id"]
        views.append(ScenarioView(
            id=row["id"], name=str(c.get("name") or label), label=label, title=row["title"], kind=row["kind"],
            kind_score=row["kind_score"], stories=row["stories"] or 0, clients=row["clients"] or 0,
            fragments=row["fragments"] or 0, share=(row["stories"] or 0) / total,
            quotes=quotes.get(row["id"], []), companies=companies.get(row["id"], []), hidden=bool(c.get("hidden")),
            praise=row.get("praise"), complaint=row.get("complaint"), pinned=list(c.get("pinned") or []),
        ))
    return sorted(views, key=lambda v: (kind_rank(v.kind), -v.stories, v.id))


def story_members(store: Store, run_id: int) -> dict[str, set[str]]:
    """Scenario id -> ids of the stories with a fragment in it (a chatty story counts once)."""
    out: dict[str, set[str]] = {}
    for scenario_id, story_id in store.conn.execute(
            "SELECT DISTINCT m.scenario_id, f.story_id FROM memberships m JOIN fragments f ON f.hash = m.hash "
            "WHERE m.run_id = ? AND m.scenario_id IS NOT NULL", (run_id,)):
        out.setdefault(scenario_id, set()).add(story_id)
    return out


def _apply_pins(store: Store, quotes: dict[str, list[dict[str, Any]]], pins: dict[str, list[str]]) -> None:
    """Pinned fragments first, unpinned ones gone, as soon as people pin: no describe needed."""
    for scenario_id in set(quotes) | set(pins):
        wanted = pins.get(scenario_id, [])
        kept = [q for q in quotes.get(scenario_id, [])
                if q["fragment_id"] not in wanted and not (q.get("pinned") and q["fragment_id"] not in wanted)]
        first = []
        for fragment_id in wanted:
            rows = store.query(
                "SELECT f.id AS fragment_id, f.story_id, f.start, f.[end], f.text, s.title AS story_title, s.date, "
                "s.channel, s.client FROM fragments f JOIN stories s ON s.id = f.story_id WHERE f.id = ?",
                (fragment_id,))
            first += [{**r, "scenario_id": scenario_id, "pinned": 1} for r in rows]
        if first or scenario_id in quotes:
            quotes[scenario_id] = first + kept


def kind_scores(row: dict[str, Any]) -> dict[str, float]:
    """The stored per-kind scores of a scenario row."""
    return json.loads(row["kind_scores"]) if row.get("kind_scores") else {}


#: Deprecated alias of :data:`scenarios.lang.ru.kinds.KIND_TITLES`, for `cli/pipeline_commands.py`
#: until it calls :func:`kind_title` (which also titles config kinds); not a second list.
KIND_NAMES: Mapping[str, str] = ru_kinds.KIND_TITLES
