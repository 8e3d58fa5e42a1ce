"""How fragment vectors are prepared for clustering, so clusters follow the story, not the mood.

Measured on the demo corpus (fragment level, gold scenario labels; `bench/quality.py`): raw e5
vectors are so alike (cosine ~0.8 between any two client fragments) that HDBSCAN finds 2 clusters,
one per mood. Subtracting the corpus mean removes what all fragments share (they are all client
talk about a bank) and PCA to 50 dimensions keeps the directions that separate stories; both are
deterministic given the fragments, which arrive in canonical (hash) order. The fitted projection is
stored with the run, so `assign` places new fragments in the same space.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .embedders import normalise_rows


@dataclass(frozen=True)
class Projection:
    """A fitted centering + PCA: `transform` maps embedder vectors into the clustering space."""

    mean: np.ndarray
    components: np.ndarray | None

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        x = vectors.astype(np.float64) - self.mean
        if self.components is not None:
            x = x @ self.components
        return normalise_rows(x.astype(np.float32))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        arrays = {"mean": self.mean} | ({"components": self.components} if self.components is not None else {})
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Projection:
        arrays = np.load(io.BytesIO(data))
        return cls(arrays["mean"], arrays["components"] if "components" in arrays else None)


@dataclass(frozen=True)
class Representation:
    """Centering and PCA, fitted on the vectors being clustered."""

    center: bool = True
    pca_dims: int | None = 50

    @property
    def config(self) -> dict[str, Any]:
        return asdict(self)

    def fit(self, vectors: np.ndarray) -> Projection:
        """Fit the projection on `vectors` (rows in canonical order)."""
        x = vectors.astype(np.float64)
        mean = x.mean(axis=0) if self.center else np.zeros(x.shape[1])
        dims = self.pca_dims
        components = _pca_components(x - mean, dims) if dims and dims < min(x.shape) else None
        return Projection(mean, components)


def _pca_components(x: np.ndarray, dims: int) -> np.ndarray:
    """Top `dims` principal axes, signs fixed so the result never flips between runs."""
    # Eigen-decomposition of the d x d scatter matrix: O(n d^2) time, O(d^2) memory, no n x n matrix.
    values, vectors = np.linalg.eigh(x.T @ x)
    top = vectors[:, np.argsort(values)[::-1][:dims]]
    signs = np.sign(top[np.abs(top).argmax(axis=0), range(top.shape[1])])
    return top * signs
