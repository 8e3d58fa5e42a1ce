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

    'eom' selection (hdbscan's default) unless it is far coarser than 'leaf' on the same tree.
    Measured with `bench/quality.py` (story V-measure / ARI): eom beat leaf on housing (0.338 /
    0.155 against 0.327 / 0.134 at the same threshold) and banki (0.236 / 0.125 against 0.228 /
    0.115) and matched it on the demo corpus. But eom keeps a few huge clusters when the tree's top
    splits are stable: navec vectors of 56k banki.ru fragments gave 3 scenarios and 75 %
    unassigned (leaf: 13 and 24 %), and the demo corpus with another chatter filter fell to 2. A
    scenario count that jumps like that is what BERTopic's users complain about, so when eom finds
    fewer than half of leaf's clusters, or one cluster holds more than `max_share` of the rows,
    leaf is used. Both selections come from one fitted tree.
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
        import hdbscan

        n = len(vectors)
        size = self.min_cluster_size or auto_min_cluster_size(n)
        if n < 2 * size:
            return np.full(n, -1, dtype=int)
        model = hdbscan.HDBSCAN(
            min_cluster_size=size, min_samples=self.min_samples or None, metric="euclidean",
            cluster_selection_method=self.selection, cluster_selection_epsilon=self.epsilon,
            core_dist_n_jobs=1, approx_min_span_tree=False,
        ).fit(np.ascontiguousarray(vectors, dtype=np.float64))
        labels = np.asarray(model.labels_, dtype=int)
        if self.selection != "eom":
            return labels
        leaf = self._leaf_labels(model, size)
        return leaf if too_coarse(labels, leaf, self.max_share) else labels

    def _leaf_labels(self, model: Any, size: int) -> np.ndarray:
        """Leaf selection on the already fitted tree (hdbscan's own step inside `fit`, not a refit)."""
        from hdbscan.hdbscan_ import _tree_to_labels

        tree = model.single_linkage_tree_.to_numpy()
        labels = _tree_to_labels(None, tree, min_cluster_size=size, cluster_selection_method="leaf",
                                 cluster_selection_epsilon=self.epsilon)[0]
        return np.asarray(labels, dtype=int)


def too_coarse(labels: np.ndarray, finer: np.ndarray, max_share: float) -> bool:
    """Whether `labels` lost the structure `finer` sees: under half its clusters, or one giant."""
    found = labels[labels >= 0]
    if not len(found):
        return bool((finer >= 0).any())
    clusters, finer_clusters = len(np.unique(found)), len(np.unique(finer[finer >= 0]))
    return clusters < finer_clusters / 2 or np.bincount(found).max() > max_share * len(labels)
