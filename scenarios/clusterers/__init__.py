"""Clusterers: swappable, chosen by name (`hdbscan` default, `kmeans`, `agglomerative`)."""

from __future__ import annotations

from typing import Any

from ..registry import Registry
from ._base import Clusterer

clusterers: Registry[Clusterer] = Registry("clusterers")


@clusterers.register("hdbscan")
def _hdbscan(**params: Any) -> Clusterer:
    from ._hdbscan import HDBSCANClusterer

    return HDBSCANClusterer(**params)


@clusterers.register("kmeans")
def _kmeans(**params: Any) -> Clusterer:
    from ._flat import KMeansClusterer

    return KMeansClusterer(**params)


@clusterers.register("agglomerative")
def _agglomerative(**params: Any) -> Clusterer:
    from ._flat import AgglomerativeClusterer

    return AgglomerativeClusterer(**params)


__all__ = ["Clusterer", "clusterers"]
