"""How fragment vectors are prepared for clustering, so clusters follow the story, not the mood.

Measured on the demo corpus (fragment level, gold scenario labels; `bench/quality.py`): raw e5
vectors are so alike (cosine ~0.8 between any two client fragments) that HDBSCAN finds 2 clusters,
one per mood. Subtracting the corpus mean removes what all fragments share (they are all client
talk about a bank) and PCA to 50 dimensions keeps the directions that separate stories; both are
deterministic given the fragments, which arrive in canonical (hash) order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .embedders import normalise_rows


@dataclass(frozen=True)
class Representation:
    """Centering, optional polarity removal and PCA, fitted on the vectors being clustered."""

    center: bool = True
    pca_dims: int | None = 50
    polarity: tuple[str, ...] | None = None  # not used by default: measured no gain on the corpus

    @property
    def config(self) -> dict[str, Any]:
        return asdict(self)

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        """Reduced, unit-length rows for the clusterer."""
        x = vectors.astype(np.float64, copy=True)
        if self.center:
            x -= x.mean(axis=0)
        dims = self.pca_dims
        if dims and dims < min(x.shape):
            x = _pca(x, dims)
        return normalise_rows(x.astype(np.float32))


def _pca(x: np.ndarray, dims: int) -> np.ndarray:
    """Top `dims` principal components, signs fixed so the result never flips between runs."""
    # Eigen-decomposition of the d x d covariance: O(n d^2) time, O(d^2) memory, no n x n matrix.
    cov = x.T @ x
    values, vectors = np.linalg.eigh(cov)
    top = vectors[:, np.argsort(values)[::-1][:dims]]
    signs = np.sign(top[np.abs(top).argmax(axis=0), range(top.shape[1])])
    return x @ (top * signs)
