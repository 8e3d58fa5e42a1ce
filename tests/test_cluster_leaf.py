"""hdbscan's leaf selection, read from the public condensed tree, equals hdbscan's own leaf fit."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from scenarios.clusterers import clusterers
from scenarios.clusterers._hdbscan import leaf_labels

hdbscan = pytest.importorskip("hdbscan")


def _fit(vectors: np.ndarray, method: str, epsilon: float = 0.0, size: int = 10):
    return hdbscan.HDBSCAN(min_cluster_size=size, min_samples=1, cluster_selection_method=method,
                           cluster_selection_epsilon=epsilon, approx_min_span_tree=False).fit(vectors)


def _datasets() -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    nested = np.vstack([rng.normal(c, 0.15, size=(40, 2)) for c in [(0, 0), (0.6, 0), (0, 0.6), (0.6, 0.6)]]
                       + [rng.normal((20, 20), 0.15, size=(20, 2))])
    blobs, _ = make_blobs(n_samples=400, centers=7, n_features=6, cluster_std=1.2, random_state=3)
    uneven, _ = make_blobs(n_samples=300, centers=[[0] * 4, [3] * 4, [9] * 4], n_features=4,
                           cluster_std=[0.4, 1.5, 3.0], random_state=5)
    noise = rng.uniform(-1, 1, size=(150, 3))
    return [nested, blobs, uneven, noise]


@pytest.mark.parametrize("data", range(4))
@pytest.mark.parametrize("epsilon", [0.0, 0.3, 1.0, 3.0])
def test_leaf_labels_equal_hdbscans_leaf_fit(data: int, epsilon: float) -> None:
    vectors = _datasets()[data]
    eom = _fit(vectors, "eom", epsilon)
    expected = _fit(vectors, "leaf", epsilon).labels_
    assert leaf_labels(eom.condensed_tree_.to_numpy(), epsilon).tolist() == expected.tolist()


def test_leaf_labels_find_the_nested_groups_eom_merges() -> None:
    nested = _datasets()[0]
    eom = _fit(nested, "eom")
    leaf = leaf_labels(eom.condensed_tree_.to_numpy())
    assert len(set(eom.labels_) - {-1}) < len(set(leaf) - {-1})
    assert len(leaf) == len(nested) and leaf.min() >= -1


def test_clusterer_takes_leaf_when_eom_is_far_coarser() -> None:
    nested = _datasets()[0]
    guarded = clusterers.create("hdbscan", min_cluster_size=10).fit(nested)
    assert guarded.tolist() == _fit(nested, "leaf").labels_.tolist()
