"""What every fragment stage shares: find the work not done yet, do it in batches, commit each.

A stage (lemmatise, embed) maps fragment texts to outputs with one component. Its output table is
keyed by `(hash, component id)`, so the pending work is "fragment hashes without a row for this
component". Each batch is written in its own transaction: a kill loses at most the batch in
flight, and a re-run computes only what is missing. Hashes are processed in a canonical order
(shortest texts first, then by hash), so two runs batch the same texts together.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .store import Store, now

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StageReport:
    """What one stage run did."""

    component: str
    done: int
    already: int
    seconds: float = 0.0


def register_component(store: Store, family: str, name: str, component_id: str, config: dict[str, Any]) -> None:
    """Record a component and its config once, so outputs can cite what made them."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO components (id, family, name, config, created_at) VALUES (?,?,?,?,?)",
            (component_id, family, name, json.dumps(config, ensure_ascii=False, sort_keys=True), now()),
        )
        store.set_meta(f"active.{family}", component_id)


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
    """The text of each hash (identical fragments share a hash, so any one will do)."""
    marks = ",".join("?" * len(hashes))
    found = dict(
        store.conn.execute(f"SELECT hash, min(text) FROM fragments WHERE hash IN ({marks}) GROUP BY hash", hashes)
    )
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
