"""What people decide about scenarios: names, merges, pinned quotes, hidden ones.

Curation is keyed by the stable scenario id, not by run, so it survives re-clustering: the next
run that finds the same scenario gives it the same id (see `cluster`), and merges are applied to
every new run. A merge also rewrites the latest run at once, so the digest shows it immediately.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .errors import NotFound, ScenariosError
from .stages.cluster import latest_run, update_sizes
from .store import Store, now


def _require(store: Store, scenario_id: str, run_id: int) -> None:
    if not store.count("scenarios", "run_id = ? AND id = ?", (run_id, scenario_id)):
        raise NotFound(f"Сценарий {scenario_id} не найден в последнем прогоне.")


def _upsert(store: Store, scenario_id: str, **fields: object) -> None:
    columns = ", ".join(fields)
    updates = ", ".join(f"{c} = excluded.{c}" for c in fields)
    with store.transaction() as conn:
        conn.execute(
            f"INSERT INTO curation (scenario_id, {columns}, updated_at) VALUES (?, {', '.join('?' * len(fields))}, ?) "
            f"ON CONFLICT(scenario_id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
            (scenario_id, *fields.values(), now()),
        )


def rename(store: Store, scenario_id: str, name: str | None) -> None:
    """Give a scenario a name people chose (None restores the generated label)."""
    _require(store, scenario_id, latest_run(store))
    _upsert(store, scenario_id, name=(name or "").strip() or None)


def hide(store: Store, scenario_id: str, hidden: bool = True) -> None:
    """Hide a scenario from digests (or show it again); its data stays."""
    _require(store, scenario_id, latest_run(store))
    _upsert(store, scenario_id, hidden=int(hidden))


def pin_quote(store: Store, scenario_id: str, fragment_id: str, *, unpin: bool = False) -> None:
    """Pin a fragment as a quote of the scenario: it is shown first after every re-run."""
    run_id = latest_run(store)
    _require(store, scenario_id, run_id)
    if not store.count("fragments", "id = ?", (fragment_id,)):
        raise NotFound(f"Фрагмент {fragment_id} не найден.")
    row = store.conn.execute("SELECT pinned FROM curation WHERE scenario_id = ?", (scenario_id,)).fetchone()
    pinned = json.loads(row[0]) if row and row[0] else []
    pinned = [p for p in pinned if p != fragment_id] + ([] if unpin else [fragment_id])
    _upsert(store, scenario_id, pinned=json.dumps(pinned))


def merge(store: Store, source_id: str, target_id: str) -> None:
    """Merge `source_id` into `target_id`, now and in every later run.

    The latest run is rewritten at once and stays described: the target takes the source's
    members, its quotes after its own, its company mentions and a size-weighted tone, so the
    digest and the web page show the merge without running describe again.
    """
    if source_id == target_id:
        raise ScenariosError("Нельзя объединить сценарий с самим собой.")
    run_id = latest_run(store)
    _require(store, source_id, run_id)
    _require(store, target_id, run_id)
    _upsert(store, source_id, merged_into=target_id)
    with store.transaction() as conn:
        _carry_description(conn, run_id, source_id, target_id)
        conn.execute("UPDATE memberships SET scenario_id = ? WHERE run_id = ? AND scenario_id = ?",
                     (target_id, run_id, source_id))
        for table, column in (("scenarios", "id"), ("quotes", "scenario_id"), ("mentions", "scenario_id")):
            conn.execute(f"DELETE FROM {table} WHERE run_id = ? AND {column} = ?", (run_id, source_id))
        conn.execute("UPDATE curation SET merged_into = ? WHERE merged_into = ?", (target_id, source_id))
        conn.execute("UPDATE runs SET scenarios = scenarios - 1 WHERE id = ?", (run_id,))
        update_sizes(conn, run_id)


def _carry_description(conn: sqlite3.Connection, run_id: int, source_id: str, target_id: str) -> None:
    """Give the target the source's quotes (after its own), company mentions and tone."""
    offset = conn.execute("SELECT coalesce(max(rank), -1) + 1 FROM quotes WHERE run_id = ? AND scenario_id = ?",
                          (run_id, target_id)).fetchone()[0]
    conn.execute("UPDATE quotes SET scenario_id = ?, rank = rank + ? WHERE run_id = ? AND scenario_id = ?",
                 (target_id, offset, run_id, source_id))
    conn.execute(
        """INSERT INTO mentions (run_id, scenario_id, company, own, mentions, stories)
           SELECT run_id, ?, company, own, mentions, stories FROM mentions WHERE run_id = ? AND scenario_id = ?
           ON CONFLICT(run_id, scenario_id, company) DO UPDATE SET
             mentions = mentions.mentions + excluded.mentions, stories = mentions.stories + excluded.stories""",
        (target_id, run_id, source_id))
    rows = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, fragments, praise, complaint FROM scenarios WHERE run_id = ? AND id IN (?, ?)",
        (run_id, source_id, target_id))}
    (n_s, praise_s, complaint_s), (n_t, praise_t, complaint_t) = rows[source_id], rows[target_id]
    conn.execute("UPDATE scenarios SET praise = ?, complaint = ? WHERE run_id = ? AND id = ?",
                 (_weighted(praise_t, n_t, praise_s, n_s), _weighted(complaint_t, n_t, complaint_s, n_s),
                  run_id, target_id))


def _weighted(a: float | None, n_a: int | None, b: float | None, n_b: int | None) -> float | None:
    """The share over both scenarios when both were measured, else None (unknown stays unknown)."""
    if a is None or b is None:
        return None
    total = (n_a or 0) + (n_b or 0)
    return (a * (n_a or 0) + b * (n_b or 0)) / total if total else None


def curation(store: Store) -> dict[str, dict[str, Any]]:
    """Curation per scenario id: name, hidden, merged_into, pinned fragment ids."""
    result = {}
    for row in store.query("SELECT * FROM curation"):
        row["pinned"] = json.loads(row["pinned"]) if row["pinned"] else []
        result[row["scenario_id"]] = row
    return result
