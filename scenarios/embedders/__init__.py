"""Embedders: swappable, chosen by name (`e5`, `e5-onnx[:q4|fp32|int8]`, `navec`, `st:<name-or-path>`, `hashing`).

A user's own embedder registers under the entry-point group `scenarios.embedders`, or in code:

    from . import embedders
    @embedders.register("mine")
    def make_mine(**params): return MyEmbedder(**params)
"""

from __future__ import annotations

from typing import Any

from ..registry import Registry
from ._base import Embedder, Recipe, checked, normalise_rows

embedders: Registry[Embedder] = Registry("embedders")
DEFAULT_EMBEDDER = "e5"

embedders.register_lazy("e5", "scenarios.embedders._e5:E5Embedder")
embedders.register_lazy("st", "scenarios.embedders._st:SentenceTransformerEmbedder", argument="model")
embedders.register_lazy("hashing", "scenarios.embedders._fake:HashingEmbedder")
embedders.register_lazy("navec", "scenarios.embedders._navec:NavecEmbedder")
embedders.register_lazy("e5-onnx", "scenarios.embedders._e5_onnx:E5OnnxEmbedder", argument="precision")


def create_embedder(spec: str = DEFAULT_EMBEDDER, **params: Any) -> Embedder:
    """Build an embedder from a spec: a registered name, or `st:<name-or-path>`."""
    recipe = Recipe(spec, dict(params))
    embedder = embedders.build(spec, params)
    embedder.recipe = recipe  # how a cluster's workers build the same embedder (scenarios.engines)
    return embedder


def build(recipe: Recipe) -> Embedder:
    """The embedder `recipe` names, built afresh (on a cluster's worker)."""
    return create_embedder(recipe.spec, **recipe.params)


__all__ = ["DEFAULT_EMBEDDER", "Embedder", "Recipe", "build", "checked", "create_embedder", "embedders",
           "normalise_rows"]
