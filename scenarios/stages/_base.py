"""What every fragment stage shares: find the work not done yet, do it in batches, commit each.

A stage (lemmatise, embed) maps fragment texts to outputs with one component. Its output table is
keyed by `(hash, component id)`, so the pending work is "fragment hashes without a row for this
component". Each batch is written in its own transaction: a kill loses at most the batch in
flight, and a re-run computes only what is missing. Hashes are processed in a canonical order
(shortest texts first, then by hash), so two runs batch the same texts together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..store import Store, now

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StageReport:
    """What one stage run did."""

    component: str
    done: int
    already: int
    seconds: float = 0.0


def register_component(store: Store, family: str, name: str, component_id: str, config: dict[str, Any],
                       recipe: tuple[str, dict[str, Any]] | None = None) -> None:
    """Record a component and its config once, so outputs can cite what made them.

    It becomes `active.<family>`, what later stages use unless told otherwise; its `recipe`
    (registered name and parameters) lets them build the same component again.
    """
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO components (id, family, name, config, created_at) VALUES (?,?,?,?,?)",
            (component_id, family, name, json.dumps(config, ensure_ascii=False, sort_keys=True, default=str), now()),
        )
        store.set_meta(f"active.{family}", component_id)
        if recipe is not None:
            store.set_meta(f"recipe.{component_id}", json.dumps(list(recipe), ensure_ascii=False, sort_keys=True))


def recipe_of(store: Store, component_id: str) -> tuple[str, dict[str, Any]] | None:
    """`(registered name, parameters)` the component `component_id` was built from, if known.

    Stores from before recipes were kept give the registered name with no parameters.
    """
    stored = store.meta(f"recipe.{component_id}")
    if stored:
        name, params = json.loads(stored)
        return str(name), dict(params)
    row = store.conn.execute("SELECT name FROM components WHERE id = ?", (component_id,)).fetchone()
    return (str(row[0]), {}) if row else None


def active_recipe(store: Store, family: str) -> tuple[str, dict[str, Any]] | None:
    """The recipe of the component of `family` that last ran on this store."""
    component = active(store, family)
    return recipe_of(store, component) if component else None


def run_components(store: Store, run_id: int) -> dict[str, dict[str, Any]]:
    """Every component a run used, by family: `{"id", "name", "config"}` (what a digest cites).

    The embedder from `runs.embedder`, the clusterer and cluster options from `runs.config`,
    the lemmatiser and the describe parts as recorded when the run was described.
    """
    run = store.conn.execute("SELECT embedder, clusterer, config FROM runs WHERE id = ?", (run_id,)).fetchone()
    if run is None:
        return {}
    described = json.loads(store.meta(f"run.{run_id}.described_with") or "{}")
    used = {"embedder": run[0], **described}
    result: dict[str, dict[str, Any]] = {}
    for family, component_id in used.items():
        row = store.conn.execute("SELECT name, config FROM components WHERE id = ?", (component_id,)).fetchone()
        if row:
            result[family] = {"id": component_id, "name": row[0], "config": json.loads(row[1] or "{}")}
    cluster_config = json.loads(run[2])
    result["clusterer"] = {"id": run[1], "name": run[1], "config": cluster_config.pop("clusterer", {})}
    result["cluster"] = {"id": "cluster", "name": "cluster", "config": cluster_config}
    return result


def record_description(store: Store, run_id: int, parts: dict[str, tuple[str, dict[str, Any]]]) -> None:
    """Record the components that described run `run_id`: `{family: (name, config)}`.

    Each part is a `components` row whose id is its name and a digest of its config, so the same
    settings share one row; the run points at them through meta `run.<id>.described_with`.
    """
    ids: dict[str, str] = {}
    for family, (name, config) in parts.items():
        text = json.dumps(config, ensure_ascii=False, sort_keys=True, default=str)
        ids[family] = f"{name}:{hashlib.sha1(text.encode()).hexdigest()[:12]}"
        register_component(store, family, name, ids[family], config)
    lemmatiser = active(store, "lemmatiser")
    if lemmatiser:
        ids["lemmatiser"] = lemmatiser
    with store.transaction():
        store.set_meta(f"run.{run_id}.described_with", json.dumps(ids, sort_keys=True))


def pending(store: Store, table: str, column: str, component_id: str) -> list[str]:
    """Fragment hashes without output of `component_id` in `table`, in canonical order."""
    rows = store.conn.execute(
        f"""SELECT f.hash FROM fragments f
            WHERE NOT EXISTS (SELECT 1 FROM [{table}] t WHERE t.hash = f.hash AND t.[{column}] = ?)
            GROUP BY f.hash ORDER BY length(min(f.text)), f.hash""",
        (component_id,),
    ).fetchall()
    return [row[0] for row in rows]


def texts_of(store: Store, hashes: Sequence[str]) -> list[str]:
    """The text of each hash (identical fragments share a hash, so any one will do).

    A batch is looked up by the hash index; past 10,000 hashes (the cluster stage asks for every
    fragment) one sequential pass over the table is faster than random lookups: 234k texts took
    36 s by index, 0.8 s by scanning.
    """
    if len(hashes) <= 10_000:
        marks = ",".join("?" * len(hashes))
        found = dict(store.conn.execute(
            f"SELECT hash, min(text) FROM fragments WHERE hash IN ({marks}) GROUP BY hash", list(hashes)))
    else:
        wanted, found = set(hashes), {}
        for h, text in store.conn.execute("SELECT hash, text FROM fragments"):
            if h in wanted:
                found.setdefault(h, text)
    return [found[h] for h in hashes]


def batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """Consecutive slices of `items` of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def done_count(store: Store, table: str, column: str, component_id: str) -> int:
    """How many distinct fragment hashes already have output of `component_id`."""
    return store.count(table, f"[{column}] = ?", (component_id,))


def active(store: Store, family: str) -> str | None:
    """The component of `family` that last ran on this store (what later stages read)."""
    return store.meta(f"active.{family}")


def runs_status(store: Store) -> dict[str, Any]:
    """What the cluster and describe stages have done: runs, the latest one, the active components.

    `latest_run.unassigned_share` is over the fragments the run placed; `waiting` counts
    fragments added since that are in no run yet (`scenarios assign` or `cluster` takes them).
    """
    active_ids = {family: active(store, family) for family in ("lemmatiser", "embedder")}
    latest = store.query("SELECT id, embedder, clusterer, fragments, scenarios, unassigned, created_at, described_at "
                         "FROM runs ORDER BY id DESC LIMIT 1")
    result: dict[str, Any] = {"runs": store.count("runs"), "active": active_ids, "latest_run": None}
    if latest:
        run = latest[0]
        waiting = store.conn.execute(
            "SELECT count(DISTINCT f.hash) FROM fragments f WHERE NOT EXISTS "
            "(SELECT 1 FROM memberships m WHERE m.run_id = ? AND m.hash = f.hash)", (run["id"],)).fetchone()[0]
        result["latest_run"] = {
            "id": run["id"], "embedder": run["embedder"], "clusterer": run["clusterer"],
            "scenarios": run["scenarios"] or 0, "fragments": run["fragments"] or 0,
            "unassigned_share": (run["unassigned"] or 0) / run["fragments"] if run["fragments"] else 0.0,
            "created_at": run["created_at"], "described": run["described_at"] is not None,
            "described_at": run["described_at"], "waiting": int(waiting),
            "components": run_components(store, run["id"]),
        }
    return result
