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

    'leaf' selection by default: on the demo corpus 'eom' (hdbscan's default) collapsed into 2
    clusters for one setting of the chatter filter while 'leaf' stayed at 22-27 scenarios with equal
    or better V-measure; a scenario count that jumps with a small change is what users of BERTopic
    complain about.
    """

    name = "hdbscan"
    finds_outliers = True

    def __init__(self, min_cluster_size: int | None = None, min_samples: int | None = 1,
                 selection: str = "leaf", epsilon: float = 0.0) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.selection = selection
        self.epsilon = epsilon

    @property
    def config(self) -> dict[str, Any]:
        return {"min_cluster_size": self.min_cluster_size, "min_samples": self.min_samples,
                "selection": self.selection, "epsilon": self.epsilon}

    def fit(self, vectors: np.ndarray) -> np.ndarray:
        import hdbscan

        n = len(vectors)
        size = self.min_cluster_size or auto_min_cluster_size(n)
        if n < 2 * size:
            return np.full(n, -1, dtype=int)
        model = hdbscan.HDBSCAN(
            min_cluster_size=size, min_samples=self.min_samples or None, metric="euclidean",
            cluster_selection_method=self.selection, cluster_selection_epsilon=self.epsilon,
            core_dist_n_jobs=1, approx_min_span_tree=False,
        )
        return np.asarray(model.fit_predict(np.ascontiguousarray(vectors, dtype=np.float64)), dtype=int)
