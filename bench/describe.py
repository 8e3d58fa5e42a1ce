"""Describe on real data: kinds, companies, tone and the stage's time on a 10k-fragment store.

    .venv/bin/python bench/describe.py                 # tone accuracy and describe timing
    .venv/bin/python bench/kinds.py                    # kind accuracy (per sentence, per scenario, CV)
    .venv/bin/python bench/companies.py                # company-mention recall and precision

Vectors are cached per text under `--cache` (default /tmp/scenarios-bench), so re-runs do not
re-embed.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


class CachedEmbedder:
    """An embedder whose vectors are kept in one `.npy` per text hash under `cache`."""

    def __init__(self, spec: str, cache: Path) -> None:
        self.spec = spec
        self.cache = cache / spec
        self.cache.mkdir(parents=True, exist_ok=True)
        self._model = None
        self.id = spec

    def _path(self, text: str) -> Path:
        return self.cache / (hashlib.sha1(text.encode()).hexdigest() + ".npy")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if not self._path(t).exists()))
        if todo:
            if self._model is None:
                from scenarios.embedders import create_embedder

                self._model = create_embedder(self.spec)
            for text, vector in zip(todo, self._model.embed(todo), strict=True):
                np.save(self._path(text), np.asarray(vector, dtype=np.float32))
        return np.stack([np.load(self._path(t)) for t in texts]) if texts else np.zeros((0, 384), np.float32)
