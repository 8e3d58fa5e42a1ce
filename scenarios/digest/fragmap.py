"""A 2-D map of fragments coloured by scenario: PCA of the stored vectors of scenario members.

The run's embedder vectors are read from the store (never recomputed), at most `limit` fragments
are kept, chosen by their content hash (so the same store always draws the same map), and the
two principal axes come from an eigen-decomposition with signs fixed, so the map never flips.
"""

from __future__ import annotations

import numpy as np

from ..embed import iter_vectors
from ..store import Store
from .model import FragmentMap, MapPoint


def fragment_map(store: Store, run_id: int, embedder_id: str, scenario_ids: list[str], scope: set[str], *,
                 limit: int = 1500) -> FragmentMap | None:
    """The members of `scenario_ids` whose story is in `scope`, on two principal axes (0..1)."""
    wanted = set(scenario_ids)
    labels: dict[str, str] = {}
    for fragment_hash, scenario_id, story_id in store.conn.execute(
            "SELECT m.hash, m.scenario_id, f.story_id FROM memberships m JOIN fragments f ON f.hash = m.hash "
            "WHERE m.run_id = ? AND m.scenario_id IS NOT NULL", (run_id,)):
        if scenario_id in wanted and story_id in scope:
            labels[fragment_hash] = scenario_id
    sample = set(sorted(labels)[:limit])  # content hashes: a deterministic, order-free sample
    if len(sample) < 3:
        return None
    hashes: list[str] = []
    rows: list[np.ndarray] = []
    for chunk_hashes, chunk in iter_vectors(store, embedder_id):
        keep = [i for i, h in enumerate(chunk_hashes) if h in sample]
        hashes.extend(chunk_hashes[i] for i in keep)
        rows.append(chunk[keep])
    if len(hashes) < 3:
        return None
    coords = _scaled(project(np.concatenate(rows), [labels[h] for h in hashes]))
    return FragmentMap([MapPoint(float(x), float(y), labels[h]) for h, (x, y) in zip(hashes, coords)], len(labels))


def project(vectors: np.ndarray, labels: list[str]) -> np.ndarray:
    """Two principal axes of the centred vectors, signs fixed by their largest component."""
    x = vectors.astype(np.float64)
    x -= x.mean(axis=0)
    values, axes = np.linalg.eigh(x.T @ x)
    top = axes[:, np.argsort(values)[::-1][:2]]
    signs = np.sign(top[np.abs(top).argmax(axis=0), range(top.shape[1])])
    return x @ (top * np.where(signs == 0, 1, signs))


def _scaled(coords: np.ndarray) -> np.ndarray:
    """Coordinates in 0..1, the outer 1% clipped so one stray fragment does not squeeze the rest."""
    low = np.percentile(coords, 1, axis=0)
    high = np.percentile(coords, 99, axis=0)
    span = np.where(high - low == 0, 1, high - low)
    return np.clip((coords - low) / span, 0, 1)
