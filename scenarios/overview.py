"""The scenarios of a run as people read them: curated names, kinds, sizes, quotes, companies.

Shared by the terminal listing, the digest and the web page, so they always agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .cluster import latest_run
from .curate import curation
from .store import Store

KIND_ORDER = ("choice", "service", "product", "competitors", "life")
KIND_NAMES = {"choice": "Выбор", "service": "Сервис", "product": "Продукт", "competitors": "Конкуренты",
              "life": "Жизнь"}


@dataclass
class ScenarioView:
    """One scenario, ready to show."""

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
        ))
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(views, key=lambda v: (order.get(v.kind or "", len(order)), -v.stories, v.id))


def kind_scores(row: dict[str, Any]) -> dict[str, float]:
    """The stored per-kind scores of a scenario row."""
    return json.loads(row["kind_scores"]) if row.get("kind_scores") else {}
