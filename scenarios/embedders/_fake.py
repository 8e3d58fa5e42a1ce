"""A fast deterministic embedder for tests: hashed character trigrams of the words.

Texts that share words get close vectors, so tests of clustering and search see real behaviour
without loading a model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..lang.ru.spelling import fold
from ._base import Embedder, normalise_rows

_WORD = re.compile(r"\w+")


class HashingEmbedder(Embedder):
    """Bag of hashed character trigrams (words padded with spaces), `dim` buckets."""

    name = "hashing"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.id = f"hashing-trigrams:{dim}"

    @property
    def config(self) -> dict[str, Any]:
        return {"dim": self.dim}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(fold(text)):
                padded = f" {word} "
                for i in range(len(padded) - 2):
                    bucket = int.from_bytes(hashlib.blake2s(padded[i:i + 3].encode(), digest_size=4).digest(), "little")
                    out[row, bucket % self.dim] += 1.0
        return normalise_rows(out)
