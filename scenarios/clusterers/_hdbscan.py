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
        leaf = self._leaf_labels(model)
        return leaf if too_coarse(labels, leaf, self.max_share) else labels

    def _leaf_labels(self, model: Any) -> np.ndarray:
        """Leaf selection on the already fitted tree, read through hdbscan's public `condensed_tree_`."""
        return leaf_labels(model.condensed_tree_.to_numpy(), self.epsilon)


def leaf_labels(condensed: np.ndarray, epsilon: float = 0.0) -> np.ndarray:
    """The labels hdbscan's `cluster_selection_method="leaf"` gives, from a fitted condensed tree.

    hdbscan offers leaf selection only inside `fit`; a second fit costs a second spanning tree,
    and its step on a fitted tree (`hdbscan_._tree_to_labels`) is private and changed its
    signature in 0.8.44. The condensed tree is public (`HDBSCAN().condensed_tree_.to_numpy()`:
    rows `parent, child, lambda_val, child_size`, clusters numbered from the root down), and
    leaf selection on it is short: the clusters without child clusters, lifted to the first
    ancestor born above `epsilon` when they are born below it, exactly as hdbscan does it
    (`_hdbscan_tree.get_clusters`, without `allow_single_cluster`). Each point takes the selected
    cluster nearest above it; a point that left the tree above every selected cluster is noise.
    `tests/test_cluster_leaf.py` checks the result against hdbscan's own leaf fit.
    """
    points = condensed[condensed["child_size"] == 1]
    n = int(condensed["parent"].min())  # the root's id is the number of points
    tree = condensed[condensed["child_size"] > 1]
    if not len(tree):
        return np.full(n, -1, dtype=int)
    children: dict[int, list[int]] = {}
    for parent, child in zip(tree["parent"].tolist(), tree["child"].tolist(), strict=True):
        children.setdefault(parent, []).append(child)
    parent_of = dict(zip(tree["child"].tolist(), tree["parent"].tolist(), strict=True))
    born = dict(zip(tree["child"].tolist(), (1.0 / tree["lambda_val"]).tolist(), strict=True))
    root = int(tree["parent"].min())
    leaves = _leaves(children, root)
    selected = _epsilon_search(leaves, children, parent_of, born, epsilon, root) if epsilon else leaves
    # The selected cluster at or above each cluster; ids grow away from the root, so parents come first.
    owner = np.full(int(tree["child"].max()) + 1, -1, dtype=int)
    label = {c: i for i, c in enumerate(sorted(selected))}
    for child in sorted(parent_of):
        owner[child] = label[child] if child in label else owner[parent_of[child]]
    labels = np.full(n, -1, dtype=int)
    labels[points["child"]] = owner[points["parent"]]
    return labels


def _leaves(children: dict[int, list[int]], root: int) -> set[int]:
    """The clusters without child clusters, visited depth first like hdbscan (its set order follows)."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if node in children:
            stack.extend(children[node])
        else:
            found.append(node)
    return set(found)


def _epsilon_search(leaves: set[int], children: dict[int, list[int]], parent_of: dict[int, int],
                    born: dict[int, float], epsilon: float, root: int) -> set[int]:
    """Leaves born below `epsilon` replaced by their first ancestor born above it (not the root)."""
    selected: list[int] = []
    covered: set[int] = set()
    for leaf in leaves:
        if born[leaf] >= epsilon:
            selected.append(leaf)
        elif leaf not in covered:
            top = leaf
            while parent_of[top] != root and born[top] <= epsilon:
                top = parent_of[top]
            selected.append(top)
            stack = list(children.get(top, []))
            while stack:
                node = stack.pop()
                covered.add(node)
                stack.extend(children.get(node, []))
    return set(selected)


def too_coarse(labels: np.ndarray, finer: np.ndarray, max_share: float) -> bool:
    """Whether `labels` lost the structure `finer` sees: under half its clusters, or one giant."""
    found = labels[labels >= 0]
    if not len(found):
        return bool((finer >= 0).any())
    clusters, finer_clusters = len(np.unique(found)), len(np.unique(finer[finer >= 0]))
    return clusters < finer_clusters / 2 or np.bincount(found).max() > max_share * len(labels)
