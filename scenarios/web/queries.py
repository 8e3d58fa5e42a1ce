"""Read-only queries the pages need beyond `browse`, `overview` and the digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..curate import curation
from ..dates import stored_date
from ..store import Store
from .labels import colour_of


@dataclass(frozen=True)
class RunInfo:
    """The latest clustering run: when the scenarios were found and how many fragments came since."""

    id: int
    created_at: str
    described_at: str | None
    scenarios: int
    pending: int

    @property
    def updated(self) -> dt.date | None:
        """The day the scenarios were last found or described."""
        return stored_date(self.described_at or self.created_at)


@dataclass(frozen=True)
class ScenarioTag:
    """What a highlighted fragment shows of its scenario: name, colour, kind."""

    id: str
    name: str
    kind: str | None
    colour: str
    hidden: bool = False


def run_info(store: Store) -> RunInfo | None:
    """The latest run, or None before the first clustering."""
    rows = store.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1")
    if not rows:
        return None
    run = rows[0]
    return RunInfo(run["id"], run["created_at"] or "", run["described_at"], run["scenarios"] or 0,
                   pending_fragments(store, run["id"]))


def pending_fragments(store: Store, run_id: int) -> int:
    """Distinct fragment texts the run's clustering did not see (added and assigned since, or not yet)."""
    row = store.conn.execute(
        """SELECT (SELECT count(*) FROM memberships WHERE run_id = :run AND pass IN ('new', 'none'))
                  - (SELECT unassigned FROM runs WHERE id = :run)
                  + (SELECT count(DISTINCT hash) FROM fragments
                     WHERE hash NOT IN (SELECT hash FROM memberships WHERE run_id = :run))""",
        {"run": run_id},
    ).fetchone()
    return max(0, int(row[0] or 0))


def scenario_tags(store: Store, run_id: int) -> dict[str, ScenarioTag]:
    """Every scenario of the run by id, with its curated name and colour."""
    curated = curation(store)
    tags = {}
    for row in store.query("SELECT id, label, title, kind FROM scenarios WHERE run_id = ?", (run_id,)):
        c = curated.get(row["id"], {})
        name = str(c.get("name") or row["label"] or row["title"] or row["id"])
        tags[row["id"]] = ScenarioTag(row["id"], name, row["kind"], colour_of(row["id"]), bool(c.get("hidden")))
    return tags


def memberships_of_story(store: Store, story_id: str, run_id: int) -> dict[str, dict[str, Any]]:
    """Membership in the run of each fragment of a story, by fragment id."""
    rows = store.query(
        "SELECT f.id AS fragment_id, m.scenario_id, m.pass, m.score FROM fragments f "
        "LEFT JOIN memberships m ON m.hash = f.hash AND m.run_id = ? WHERE f.story_id = ?",
        (run_id, story_id))
    return {r["fragment_id"]: r for r in rows}


def fragments_of_scenario(store: Store, run_id: int, scenario_id: str, *, limit: int = 200,
                          offset: int = 0) -> list[dict[str, Any]]:
    """Fragments in the scenario, in every story they occur in, most typical first."""
    return store.query(
        "SELECT f.id, f.story_id, f.start, f.[end], f.text, s.date, s.channel FROM memberships m "
        "JOIN fragments f ON f.hash = m.hash JOIN stories s ON s.id = f.story_id "
        "WHERE m.run_id = ? AND m.scenario_id = ? "
        "ORDER BY m.pass = 'new', m.score DESC, s.date DESC, f.id LIMIT ? OFFSET ?",
        (run_id, scenario_id, limit, offset))


def count_fragments(store: Store, run_id: int, scenario_id: str) -> int:
    """How many fragments (one per story occurrence) the scenario has."""
    return int(store.conn.execute(
        "SELECT count(*) FROM memberships m JOIN fragments f ON f.hash = m.hash "
        "WHERE m.run_id = ? AND m.scenario_id = ?", (run_id, scenario_id)).fetchone()[0])


def channels_in(store: Store) -> list[str]:
    """The channels stories came from, biggest first."""
    return [r[0] for r in store.conn.execute(
        "SELECT channel FROM stories WHERE channel IS NOT NULL GROUP BY channel ORDER BY count(*) DESC, channel")]


def kinds_in(store: Store, run_id: int) -> list[str | None]:
    """The kinds the run's scenarios have."""
    return [r[0] for r in store.conn.execute("SELECT DISTINCT kind FROM scenarios WHERE run_id = ?", (run_id,))]
