"""Leiden communities on a k-nearest-neighbour cosine graph: scenarios without being told k.

Each fragment is linked to its `neighbors` most similar fragments (cosine in the clustering space,
exact, computed in row blocks); Leiden (igraph's C implementation, modularity with a resolution:
the RB configuration model) finds the communities of that graph with a fixed seed. Communities
smaller than `min_cluster_size` dissolve into the nearest larger one, and communities whose
centroids agree (cosine >= `merge`) are merged: Leiden at a fine resolution splits one story told
in two registers, and the merge joins them back.

Measured with `bench/quality.py` on `../shared/data` (story AMI over all scenario sentences /
assigned share / scenarios found; V and ARI for the review sets):

* banki_scenario_sentences (26 scenarios): HDBSCAN as before 33.6 / 67 % / 10; Leiden 71.8 /
  92 % / 25 (resolution 3, 25 neighbours, merge 0.6, threshold 0.3). Resolution 2 found 20,
  resolution 4 found 31 and lost 2 AMI points.
* banki_reviews_themes: V 0.237 / ARI 0.125 before, 0.277 / 0.194 after.

igraph's `community_leiden` replaced `leidenalg` (same objective): 4.4 s to 0.23 s for the Leiden
passes at 10.5k fragments, and story AMI over seeds 0-2 (e5, the cluster stage alone) of 72.6
against 70.8 on banki_scenario_sentences, 18.8 against 19.1 on banki_reviews_themes and 17.7
against 17.6 on housing_feedback_categories: within the seeds' spread, and steadier across them.

Deterministic: the graph is built from rows in canonical (hash) order with ties broken by row
index, and Leiden's seed is fixed, so the same fragments give the same scenarios in any order.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..embedders import normalise_rows as _unit
from ..memo import Latest
from ._base import Clusterer


def auto_min_size(n: int) -> int:
    """Smallest community kept as a scenario for `n` fragments: 8 up to ~2,300, then sqrt(n)/6."""
    return max(8, round(math.sqrt(n) / 6))


class LeidenClusterer(Clusterer):
    """Leiden (RB configuration, `resolution`) on a symmetric k-NN graph, then dissolve and merge.

    Examples:
        >>> clusterer = clusterers.create("leiden", resolution=3.0)
        >>> labels = clusterer.fit(vectors)   # one community per row, none left out
    """

    name = "leiden"
    finds_outliers = False

    def __init__(self, neighbors: int = 25, resolution: float = 3.0, min_cluster_size: int | None = None,
                 merge: float | None = None, merge_max_share: float = 0.05, seed: int = 0,
                 iterations: int = 5) -> None:
        if neighbors < 2 or resolution <= 0:
            raise ValueError("neighbors must be >= 2 and resolution > 0")
        self.neighbors, self.resolution, self.min_cluster_size, self.merge, self.seed = (
            neighbors, resolution, min_cluster_size, merge, seed)
        self.merge_max_share = merge_max_share
        # Leiden passes: "until stable" (-1) took 5.6 s at 7k fragments and over 6 minutes at 47k;
        # 5 passes give the same scenarios on the dev sets (AMI 71.7 against 71.9) in bounded time.
        self.iterations = iterations

    @property
    def config(self) -> dict[str, Any]:
        return {"neighbors": self.neighbors, "resolution": self.resolution, "min_cluster_size": self.min_cluster_size,
                "merge": self.merge, "merge_max_share": self.merge_max_share, "seed": self.seed,
                "iterations": self.iterations}

    def fit(self, vectors: np.ndarray) -> np.ndarray:
        import igraph

        x = _unit(np.ascontiguousarray(vectors, dtype=np.float32))
        n = len(x)
        if n < 3:
            return np.zeros(n, dtype=int)
        k = min(self.neighbors, n - 1)
        key = (hashlib.blake2b(x.data, digest_size=16).digest(), x.shape, k)  # contiguous: no copy
        edges, weights = _GRAPHS.get(key, lambda: knn_edges(x, k))
        graph = igraph.Graph(n=n, edges=edges, directed=False)
        graph.es["weight"] = weights
        with _seeded(igraph, self.seed):
            partition = graph.community_leiden(objective_function="modularity", weights="weight",
                                               resolution=self.resolution, n_iterations=self.iterations)
        labels = np.asarray(partition.membership, dtype=int)
        labels = dissolve_small(x, labels, self.min_cluster_size or auto_min_size(n))
        return merge_agreeing(x, labels, self.merge, self.merge_max_share) if self.merge else labels


# The graph depends on the rows alone: another resolution or seed on the same fragments (a
# researcher tuning, the web page's re-cluster) reuses it; exact k-NN is most of a refit's time.
_GRAPHS: Latest[tuple[bytes, tuple[int, ...], int], tuple[list[tuple[int, int]], list[float]]] = Latest()


@contextmanager
def _seeded(igraph: Any, seed: int) -> Iterator[None]:
    """A private seeded generator for this fit: igraph draws from one process-wide generator."""
    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def knn_edges(x: np.ndarray, k: int, block: int = 512) -> tuple[list[tuple[int, int]], list[float]]:
    """Undirected edges of the k-NN graph (each pair once, the larger similarity), cosine > 0.

    Exact, in blocks of rows: memory stays at `block x n` similarities. Pairs come out sorted, so
    the graph never depends on the order a sort happened to return equal similarities in.
    """
    n = len(x)
    heads, tails, sims_out = [], [], []
    for start in range(0, n, block):
        sims = x[start:start + block] @ x.T
        rows = np.arange(start, min(start + block, n))
        sims[rows - start, rows] = -np.inf
        top = np.argpartition(sims, n - k, axis=1)[:, n - k:]  # no negated copy of the block
        heads.append(np.repeat(rows, k))
        tails.append(top.ravel())
        sims_out.append(np.take_along_axis(sims, top, axis=1).ravel())
    head, tail, sim = np.concatenate(heads), np.concatenate(tails), np.concatenate(sims_out).astype(np.float64)
    low, high = np.minimum(head, tail), np.maximum(head, tail)
    keep = sim > 0
    low, high, sim = low[keep], high[keep], sim[keep]
    order = np.lexsort((-sim, high, low))          # by pair, the larger similarity first
    low, high, sim = low[order], high[order], sim[order]
    first = np.ones(len(low), dtype=bool)
    first[1:] = (low[1:] != low[:-1]) | (high[1:] != high[:-1])
    return list(zip(low[first].tolist(), high[first].tolist())), sim[first].tolist()


def dissolve_small(x: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
    """Members of communities under `min_size` join the nearest community that is large enough."""
    sizes = np.bincount(labels)
    big = np.flatnonzero(sizes >= min_size)
    if not len(big) or len(big) == len(sizes):
        return _compact(labels)
    centres = _unit(np.stack([x[labels == c].mean(axis=0) for c in big]))
    small = sizes[labels] < min_size
    labels = labels.copy()
    labels[small] = big[(x[small] @ centres.T).argmax(axis=1)]
    return _compact(labels)


def merge_agreeing(x: np.ndarray, labels: np.ndarray, threshold: float, max_share: float = 1.0) -> np.ndarray:
    """Merge the most similar pair of communities while their centroids' cosine is >= `threshold`.

    A pair whose union would hold more than `max_share` of the rows is never merged: merged
    communities of long, angry narratives become one "unhappy client" blob instead of stories.
    """
    labels = labels.copy()
    limit = max_share * len(labels)
    while True:
        ids, sizes = np.unique(labels, return_counts=True)
        if len(ids) < 2:
            return _compact(labels)
        centres = _unit(np.stack([x[labels == c].mean(axis=0) for c in ids]))
        sims = centres @ centres.T
        np.fill_diagonal(sims, -np.inf)
        sims[sizes[:, None] + sizes[None, :] > limit] = -np.inf
        i, j = np.unravel_index(int(sims.argmax()), sims.shape)
        if sims[i, j] < threshold:
            return _compact(labels)
        labels[labels == ids[j]] = ids[i]


def _compact(labels: np.ndarray) -> np.ndarray:
    return np.unique(labels, return_inverse=True)[1].astype(int)
