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
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .embedders import normalise_rows


@dataclass(frozen=True)
class Projection:
    """A fitted centering + PCA: `transform` maps embedder vectors into the clustering space."""

    mean: np.ndarray
    components: np.ndarray | None

    def dim(self, embedding_dim: int) -> int:
        """Width of the clustering space for vectors `embedding_dim` wide."""
        return embedding_dim if self.components is None else int(self.components.shape[1])

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
        return self.fit_chunks([vectors])

    def fit_chunks(self, chunks: Iterable[np.ndarray]) -> Projection:
        """Fit from row chunks streamed from the store: only d-wide sums are kept, never the matrix.

        The scatter matrix of centred rows is `X'X - n mean mean'`, so one pass gives both the mean
        and the principal axes: O(n d^2) time, O(d^2) memory.
        """
        n, total, scatter = 0, None, None
        for chunk in chunks:
            x = chunk.astype(np.float64)
            if total is None:
                total, scatter = np.zeros(x.shape[1]), np.zeros((x.shape[1], x.shape[1]))
            n += len(x)
            total += x.sum(axis=0)
            scatter += x.T @ x
        if total is None or scatter is None:
            raise ValueError("no vectors to fit")
        mean = total / n if self.center else np.zeros_like(total)
        dims = self.pca_dims
        components = None
        if dims and dims < min(n, len(total)):
            components = _principal_axes(scatter - n * np.outer(mean, mean), dims)
        return Projection(mean, components)


def _principal_axes(scatter: np.ndarray, dims: int) -> np.ndarray:
    """Top `dims` eigenvectors of the scatter matrix, signs fixed so a run never flips them."""
    values, vectors = np.linalg.eigh(scatter)
    top = vectors[:, np.argsort(values)[::-1][:dims]]
    signs = np.sign(top[np.abs(top).argmax(axis=0), range(top.shape[1])])
    return top * signs
