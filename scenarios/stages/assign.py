"""Put newly added fragments into the existing scenarios without re-clustering.

New fragments are projected into the latest run's clustering space (its stored projection) and
join the nearest scenario when the similarity reaches the threshold the run used for its second
pass; the rest wait, unassigned, for the next cluster run. Identical to what a full run's second
pass would do for them, so the two stay comparable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..representations import Projection
from ..store import Store
from ._base import texts_of
from .cluster import latest_run, place, update_sizes


@dataclass(frozen=True)
class AssignReport:
    """How many new fragments joined a scenario and how many stayed unassigned."""

    run_id: int
    assigned: int
    unassigned: int


def assign(store: Store, *, threshold: float | None = None, run_id: int | None = None) -> AssignReport:
    """Assign fragments embedded since the run to its scenarios; returns the counts.

    The threshold is the run's own (stored in its config) unless given: the same `place` rule
    with the same number as the run's second pass.
    """
    run_id = run_id or latest_run(store)
    run = store.query("SELECT embedder, config, space FROM runs WHERE id = ?", (run_id,))[0]
    if threshold is None:
        threshold = json.loads(run["config"]).get("assign_threshold")
    new_hashes, vectors = _unplaced(store, run_id, run["embedder"])
    if not new_hashes:
        return AssignReport(run_id, 0, 0)
    rows = store.query("SELECT id, space_centroid FROM scenarios WHERE run_id = ? ORDER BY id", (run_id,))
    if not rows:
        records = [(run_id, h, None, None, 0.0, "none") for h in new_hashes]
    else:
        ids = [r["id"] for r in rows]
        centres = np.stack([np.frombuffer(r["space_centroid"], dtype=np.float32) for r in rows])
        projection = Projection.from_bytes(run["space"])
        texts = texts_of(store, new_hashes) if projection.lexical else None
        space = projection.transform(vectors, texts)
        labels, scores = place(space @ centres.T, np.full(len(new_hashes), -1), threshold, keep_members=True)
        records = [(run_id, h, ids[label] if label >= 0 else None, ids[label] if label >= 0 else None,
                    float(score), "new" if label >= 0 else "none")
                   for h, label, score in zip(new_hashes, labels, scores)]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO memberships (run_id, hash, scenario_id, origin, score, pass) VALUES (?,?,?,?,?,?)", records)
        update_sizes(conn, run_id)
    assigned = sum(r[2] is not None for r in records)
    return AssignReport(run_id, assigned, len(records) - assigned)


def _unplaced(store: Store, run_id: int, embedder_id: str) -> tuple[list[str], np.ndarray]:
    """Hashes (in hash order) and vectors of live fragments the run has no membership for.

    Only those vectors are read: a paste on the web page assigns a few fragments, and reading
    every stored vector for it cost a full table's worth of I/O and memory per request.
    """
    rows = store.conn.execute(
        """SELECT v.hash, v.vector FROM vectors v WHERE v.embedder = ?
             AND EXISTS (SELECT 1 FROM fragments f WHERE f.hash = v.hash)
             AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.run_id = ? AND m.hash = v.hash)
           ORDER BY v.hash""", (embedder_id, run_id)).fetchall()
    vectors = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows]) if rows else np.zeros((0, 0))
    return [r[0] for r in rows], vectors
