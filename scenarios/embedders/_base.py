"""The embedder contract: texts in, one L2-normalised float32 row per text out.

An embedder cannot be pickled (e5 holds a C handle), so a cluster's workers get its `Recipe`
instead and build it with `scenarios.embedders.build`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ScenariosError


@dataclass(frozen=True)
class Recipe:
    """How to build an embedder again in another process: its registered spec and parameters."""

    spec: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """A stable text key (parameters may hold lists, so the dataclass is not hashable)."""
        return json.dumps([self.spec, self.params], sort_keys=True, default=str)


class Embedder:
    """Base of embedders.

    `id` names the model and every parameter that changes the vectors; the store keys vectors by
    it, so vectors of two models never mix. `config` is what `id` summarises, stored once so a
    digest can cite it.

    Examples:
        >>> embedder = embedders.create("e5")
        >>> embedder.embed(["карту ждала три недели"]).shape
        (1, 384)
    """

    id: str = "base"
    name: str = "base"
    dim: int = 0
    recipe: Recipe | None = None
    """Set by `create_embedder`: the spec and parameters that rebuild this embedder elsewhere."""

    @property
    def config(self) -> dict[str, Any]:
        """Parameters that define this embedder's vectors."""
        return {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an `(len(texts), dim)` float32 array with unit-length rows."""
        raise NotImplementedError

    def count_tokens(self, texts: Sequence[str]) -> int:
        """Tokens the model reads for `texts` (for throughput figures); words if unknown."""
        return sum(len(t.split()) for t in texts)


def checked(vectors: np.ndarray, n: int, dim: int, who: str) -> np.ndarray:
    """Check the boundary: one finite `dim`-wide row per text; return them unit-normalised."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape != (n, dim):
        raise ScenariosError(f"Эмбеддер {who} вернул массив {vectors.shape}, ожидался ({n}, {dim}).")
    if not np.isfinite(vectors).all():
        raise ScenariosError(f"Эмбеддер {who} вернул NaN или бесконечность.")
    return normalise_rows(vectors)


def normalise_rows(vectors: np.ndarray, dtype: type[np.floating[Any]] = np.float32) -> np.ndarray:
    """Rows scaled to unit length, as `dtype`; all-zero rows (no known words) stay zero.

    float32 is what the store keeps; quote ranking asks for float64 so rounding its scores to a
    few decimals never depends on float32 noise.
    """
    vectors = np.asarray(vectors)
    vectors = vectors.astype(np.result_type(vectors.dtype, dtype), copy=False)  # divide in the wider type
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(dtype, copy=False)
