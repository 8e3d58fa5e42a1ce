"""Stable scenario ids: a cluster that matches one of the previous run keeps its id.

A new cluster matches a previous one when they share members (Jaccard of core fragment hashes) or
their centroids are near-identical. Matching is against the previous run's clusters as found
(`memberships.origin`), before people merged them, so a merged cluster is recognised again and the
merge re-applied (`apply_merges`).
"""

from __future__ import annotations

import numpy as np

from .store import Store


def previous_clusters(store: Store) -> dict[str, set[str]]:
    """Core member hashes of each cluster of the latest run, by origin id."""
    row = store.conn.execute("SELECT max(id) FROM runs").fetchone()
    clusters: dict[str, set[str]] = {}
    if not row or row[0] is None:
        return clusters
    query = "SELECT origin, hash FROM memberships WHERE run_id = ? AND pass = 'core' AND origin IS NOT NULL"
    for origin, h in store.conn.execute(query, (row[0],)):
        clusters.setdefault(origin, set()).add(h)
    return clusters


def match_ids(
    members: list[set[str]], centres: np.ndarray, previous: dict[str, set[str]],
    previous_centres: dict[str, np.ndarray], *, min_overlap: float, min_cosine: float, sequence: int,
) -> tuple[list[str], int, int]:
    """`(ids, kept, sequence)`: an id per new cluster, how many kept an old id, the new counter.

    Greedy by match strength, each old id used once; unmatched clusters get `S{n:03d}` ids
    continuing `sequence`, so ids are never reused.
    """
    candidates: list[tuple[float, int, str]] = []
    for c, mine in enumerate(members):
        for old_id, theirs in sorted(previous.items()):
            overlap = len(mine & theirs) / len(mine | theirs)
            centre = previous_centres.get(old_id)
            cosine = float(centres[c] @ centre) if centre is not None else 0.0
            if overlap >= min_overlap or cosine >= min_cosine:
                candidates.append((max(overlap, cosine - 1 + min_overlap), c, old_id))
    ids: list[str | None] = [None] * len(members)
    taken: set[str] = set()
    for _, c, old_id in sorted(candidates, key=lambda t: (-t[0], t[1], t[2])):
        if ids[c] is None and old_id not in taken:
            ids[c] = old_id
            taken.add(old_id)
    kept = sum(i is not None for i in ids)
    for c in range(len(ids)):
        if ids[c] is None:
            sequence += 1
            ids[c] = f"S{sequence:03d}"
    return [str(i) for i in ids], kept, sequence


def apply_merges(store: Store, ids: list[str]) -> list[str]:
    """Replace ids merged by people (`scenarios merge`) with the id they were merged into."""
    merged = dict(store.conn.execute("SELECT scenario_id, merged_into FROM curation WHERE merged_into IS NOT NULL"))

    def target(sid: str) -> str:
        seen = set()
        while sid in merged and sid not in seen:
            seen.add(sid)
            sid = merged[sid]
        return sid

    return [target(sid) for sid in ids]
