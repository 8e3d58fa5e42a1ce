"""The clusterer contract: vectors in, one label per vector out (-1 = fits no scenario).

Clusterers see vectors in a canonical order (sorted by fragment hash), so the same fragments give
the same scenarios whatever order they were added in.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Clusterer:
    """Base of clusterers.

    `finds_outliers` declares whether the clusterer can leave vectors unassigned (label -1), so
    the stage knows whether to report an outlier share; no probing by exception.

    Examples:
        >>> clusterer = clusterers.create("hdbscan", min_cluster_size=10)
        >>> labels = clusterer.fit(vectors)   # array of ints, -1 for outliers
    """

    name: str = "base"
    finds_outliers: bool = False

    @property
    def config(self) -> dict[str, Any]:
        """Parameters that define the result."""
        return {}

    def fit(self, vectors: np.ndarray) -> np.ndarray:
        """Return one integer label per row; -1 marks a vector that fits no cluster."""
        raise NotImplementedError
