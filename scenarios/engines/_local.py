"""The default engine: batches run in this process, one after another."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._base import Batch, Engine

if TYPE_CHECKING:
    from ..embedders import Embedder


class LocalEngine(Engine):
    """In-process: the embedder's own threads use the cores."""

    name = "local"

    def map(self, embedder: Embedder, batches: Iterator[Batch]) -> Iterator[tuple[Sequence[str], np.ndarray]]:
        for hashes, texts in batches:
            yield hashes, embedder.embed(texts)
