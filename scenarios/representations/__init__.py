"""Representations: how fragments are placed in the space the clusterer sees (`_ngrams.py`)."""

from ._ngrams import Projection, Representation

__all__ = ["Projection", "Representation"]
