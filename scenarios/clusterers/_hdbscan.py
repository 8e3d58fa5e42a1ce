"""HDBSCAN: finds as many scenarios as the data holds and leaves the rest unassigned.

`min_cluster_size=None` scales with the corpus (a 300-story corpus and a 50k-review corpus both
get useful scenarios without tuning): see `auto_min_cluster_size`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._base import Clusterer


def auto_min_cluster_size(n: int) -> int:
    """Smallest scenario worth reporting for `n` fragments: 10 up to ~3,600, then sqrt(n)/6.

    Measured with `bench/quality.py`: a floor of 5 split banki.ru reviews into 38 scenarios for 12
    themes (ARI 0.084, below BERTopic's 0.103); 10 gives 24 (ARI 0.116) and leaves the demo corpus
    unchanged (ARI 0.473). sqrt(n)/2 was too coarse (demo V 0.43). sqrt(n)/6 is 53 at 100k.
    """
    return max(10, round(math.sqrt(n) / 6))


class HDBSCANClusterer(Clusterer):
    """hdbscan's HDBSCAN (Boruvka KD-tree, no n x n matrix).

    'eom' selection (hdbscan's default), falling back to 'leaf' when it collapses. Measured with
    `bench/quality.py` (story V-measure / ARI / assigned): eom beat leaf on housing (0.338 / 0.155
    / 85% against 0.327 / 0.134 / 86% at the same threshold), banki (0.236 / 0.125 against
    0.228 / 0.115) and matched it on the demo corpus. But eom can keep one huge cluster when the
    tree's top split is stable (the demo corpus with another chatter filter fell to 2 scenarios),
    and a scenario count that jumps with a small change is what BERTopic's users complain about:
    when one eom cluster holds more than `max_share` of the fragments, leaf selection is used.
    """

    name = "hdbscan"
    finds_outliers = True

    def __init__(self, min_cluster_size: int | None = None, min_samples: int | None = 1,
                 selection: str = "eom", epsilon: float = 0.0, max_share: float = 0.5) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.selection = selection
        self.epsilon = epsilon
        self.max_share = max_share

    @property
    def config(self) -> dict[str, Any]:
        return {"min_cluster_size": self.min_cluster_size, "min_samples": self.min_samples,
                "selection": self.selection, "epsilon": self.epsilon, "max_share": self.max_share}

    def fit(self, vectors: np.ndarray) -> np.ndarray:
        n = len(vectors)
        size = self.min_cluster_size or auto_min_cluster_size(n)
        if n < 2 * size:
            return np.full(n, -1, dtype=int)
        x = np.ascontiguousarray(vectors, dtype=np.float64)
        labels = self._fit(x, size, self.selection)
        if self.selection == "eom" and collapsed(labels, self.max_share):
            labels = self._fit(x, size, "leaf")
        return labels

    def _fit(self, x: np.ndarray, size: int, selection: str) -> np.ndarray:
        import hdbscan

        model = hdbscan.HDBSCAN(
            min_cluster_size=size, min_samples=self.min_samples or None, metric="euclidean",
            cluster_selection_method=selection, cluster_selection_epsilon=self.epsilon,
            core_dist_n_jobs=1, approx_min_span_tree=False,
        )
        return np.asarray(model.fit_predict(x), dtype=int)


def collapsed(labels: np.ndarray, max_share: float) -> bool:
    """True when one cluster holds more than `max_share` of all rows (or nothing was found)."""
    found = labels[labels >= 0]
    return not len(found) or np.bincount(found).max() > max_share * len(labels)
