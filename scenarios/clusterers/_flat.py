"""Clusterers for a fixed number of scenarios: KMeans and agglomerative (Ward).

They assign every fragment (no outliers); useful when a researcher wants exactly k scenarios or
to compare with the MTEB protocol.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import Clusterer


class KMeansClusterer(Clusterer):
    """scikit-learn KMeans with a fixed seed; `n_clusters` scenarios."""

    name = "kmeans"

    def __init__(self, n_clusters: int = 20, seed: int = 0, n_init: int = 10) -> None:
        self.n_clusters, self.seed, self.n_init = n_clusters, seed, n_init

    @property
    def config(self) -> dict[str, Any]:
        return {"n_clusters": self.n_clusters, "seed": self.seed, "n_init": self.n_init}

    def fit(self, vectors: np.ndarray) -> np.ndarray:
        from sklearn.cluster import KMeans

        k = min(self.n_clusters, len(vectors))
        return KMeans(n_clusters=k, random_state=self.seed, n_init=self.n_init).fit_predict(vectors)


class AgglomerativeClusterer(Clusterer):
    """Ward agglomerative clustering into `n_clusters`; builds O(n^2) memory, so for small corpora."""

    name = "agglomerative"

    def __init__(self, n_clusters: int = 20) -> None:
        self.n_clusters = n_clusters

    @property
    def config(self) -> dict[str, Any]:
        return {"n_clusters": self.n_clusters}

    def fit(self, vectors: np.ndarray) -> np.ndarray:
        from sklearn.cluster import AgglomerativeClustering

        k = min(self.n_clusters, len(vectors))
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)
