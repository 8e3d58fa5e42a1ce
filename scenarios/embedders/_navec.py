"""navec word vectors (bundled in `natasha`) averaged over a fragment's content lemmas.

Very fast and fully offline; weaker than e5 on meaning (measured in `bench/embed.py`). A negated
word adds the vector of "не", so "не работает" and "работает" do not collapse into one point.
navec's vocabulary is alphabetical (no frequency ranks), so frequency weighting such as SIF has no
offline source here; stop words are dropped instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MissingDependency
from ._base import Embedder, normalise_rows


def navec_path() -> Path:
    """The navec archive that natasha ships."""
    try:
        import natasha
    except ImportError:
        raise MissingDependency("Для эмбеддера navec нужен пакет natasha: pip install natasha") from None
    found = sorted((Path(natasha.__file__).parent / "data" / "emb").glob("navec_*.tar"))
    if not found:
        raise MissingDependency("В пакете natasha не найдены векторы navec: переустановите natasha.")
    return found[0]


class NavecEmbedder(Embedder):
    """Mean of navec vectors of content lemmas; `lemmatiser` names a registered lemmatiser."""

    name = "navec"

    def __init__(self, lemmatiser: str = "pymorphy") -> None:
        from navec import Navec

        from ..lemmatisers import lemmatisers

        path = navec_path()
        self._navec = Navec.load(str(path))
        self._lemmatiser = lemmatisers.create(lemmatiser)
        self.dim = int(self._navec.pq.dim)
        self.archive = path.name
        self.id = f"navec:{path.stem}:{self._lemmatiser.id}"
        self._lookup = lru_cache(maxsize=200_000)(self._vector)
        self._negation = self._navec["не"]

    @property
    def config(self) -> dict[str, Any]:
        return {"vectors": self.archive, "lemmatiser": self._lemmatiser.id, "pooling": "mean"}

    def _vector(self, word: str) -> np.ndarray | None:
        for candidate in (word, word.replace("ё", "е")):
            if candidate in self._navec:
                return self._navec[candidate]
        return None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, tokens in enumerate(self._lemmatiser.lemmatise(texts)):
            text = texts[row]
            vectors = []
            for token in tokens:
                if not token.is_word or token.is_stop:
                    continue
                vector = self._lookup(token.lemma)
                if vector is None:
                    vector = self._lookup(text[token.start:token.end].lower())
                if vector is not None:
                    vectors.append(vector)
                    if token.negated:
                        vectors.append(self._negation)
            if vectors:
                out[row] = np.mean(vectors, axis=0)
        return normalise_rows(out)
