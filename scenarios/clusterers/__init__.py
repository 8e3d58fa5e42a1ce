"""Clusterers: swappable, chosen by name (`leiden` default, `hdbscan`, `kmeans`, `agglomerative`)."""

from __future__ import annotations

from ..registry import Registry
from ._base import Clusterer

clusterers: Registry[Clusterer] = Registry("clusterers")

clusterers.register_lazy("leiden", "scenarios.clusterers._leiden:LeidenClusterer")
clusterers.register_lazy("hdbscan", "scenarios.clusterers._hdbscan:HDBSCANClusterer")
clusterers.register_lazy("kmeans", "scenarios.clusterers._flat:KMeansClusterer")
clusterers.register_lazy("agglomerative", "scenarios.clusterers._flat:AgglomerativeClusterer")

__all__ = ["Clusterer", "clusterers"]
