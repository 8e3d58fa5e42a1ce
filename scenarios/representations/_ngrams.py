"""How fragments are represented for clustering, so clusters follow the story, not the mood.

Two halves, each scaled to unit length and weighted, then concatenated:

* **semantic**: the embedder's vectors, centred on the corpus mean (raw e5 vectors of client
  speech are so alike, cosine ~0.8 between any two, that clusters follow the mood); optional PCA;
* **lexical**: character n-gram TF-IDF (`char_wb` 3–5 over the lower-cased fragment text,
  sublinear tf, smooth idf) reduced by SVD. It sees the words a scenario is told with («очередь»,
  «Халва», «кэшбэк», «страховку») in any inflection or typo, which the encoder blurs into
  "a complaint about the bank".

Measured with `bench/quality.py` on the real sets in `../shared/data` (story-level AMI over all
scenario sentences, Leiden clusterer): centred e5 alone 54, character n-grams alone 55, both at
equal weight 72 on `banki_scenario_sentences`; word TF-IDF and PCA to 50 dims added nothing.

Everything is deterministic given the fragments, which arrive in canonical (hash) order: the SVD
is seeded, and the fitted projection (mean, n-gram vocabulary, idf, SVD axes) is stored with the
run so `assign` places new fragments in the same space.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..embedders import normalise_rows

NGRAMS = (3, 5)


@dataclass(frozen=True)
class Projection:
    """A fitted representation: `transform(vectors, texts)` maps fragments into the clustering space."""

    mean: np.ndarray
    components: np.ndarray | None = None       # semantic PCA axes (d x k), or None
    vocabulary: np.ndarray | None = None       # lexical n-grams, in column order
    idf: np.ndarray | None = None
    axes: np.ndarray | None = None             # lexical SVD axes (features x k)
    weights: tuple[float, float] = (1.0, 0.0)  # semantic, lexical

    def dim(self, embedding_dim: int) -> int:
        """Width of the clustering space for vectors `embedding_dim` wide."""
        semantic = embedding_dim if self.components is None else int(self.components.shape[1])
        return semantic + (int(self.axes.shape[1]) if self.axes is not None else 0)

    def transform(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """The clustering-space rows of fragments with these embedder `vectors` and `texts`."""
        lexical = None
        if self.axes is not None:
            if texts is None or len(texts) != len(vectors):
                raise ValueError("the lexical half needs one text per vector")
            lexical = self._lexical(texts)
        return self.combine(vectors, lexical)

    def combine(self, vectors: np.ndarray, lexical: np.ndarray | None = None) -> np.ndarray:
        """Join the semantic half of `vectors` with already projected `lexical` rows, weighted.

        The cluster stage projects the n-gram rows it counted while fitting (`fit_rows`) instead
        of counting every text a second time.
        """
        x = vectors.astype(np.float64) - self.mean
        if self.components is not None:
            x = x @ self.components
        parts = [normalise_rows(x.astype(np.float32)) * np.float32(np.sqrt(self.weights[0]))]
        if self.axes is not None:
            if lexical is None or len(lexical) != len(vectors):
                raise ValueError("the lexical half needs one row per vector")
            parts.append(normalise_rows(lexical) * np.float32(np.sqrt(self.weights[1])))
        return normalise_rows(np.hstack(parts))

    def _lexical(self, texts: Sequence[str]) -> np.ndarray:
        assert self.vocabulary is not None and self.idf is not None and self.axes is not None
        from ._chargrams import transform_counts

        counts = transform_counts(texts, list(self.vocabulary), NGRAMS)
        return (_tfidf(counts, self.idf) @ self.axes).astype(np.float32)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        arrays: dict[str, np.ndarray] = {"mean": self.mean, "weights": np.array(self.weights)}
        for name in ("components", "vocabulary", "idf", "axes"):
            value = getattr(self, name)
            if value is not None:
                arrays[name] = value
        # Uncompressed: zlib took 0.6 s of a 10k-fragment cluster run to save 14 % (14.3 against
        # 16.6 MB); `from_bytes` reads runs stored either way.
        np.savez(buffer, **arrays)  # type: ignore[arg-type]  # the stub reads **arrays as allow_pickle
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Projection:
        arrays = np.load(io.BytesIO(data), allow_pickle=False)

        def get(name: str) -> np.ndarray | None:
            return arrays[name] if name in arrays else None

        weights = tuple(float(w) for w in arrays["weights"]) if "weights" in arrays else (1.0, 0.0)
        return cls(arrays["mean"], get("components"), get("vocabulary"), get("idf"), get("axes"),
                   (weights[0], weights[1]))

    @property
    def lexical(self) -> bool:
        """Whether `transform` needs the fragments' texts."""
        return self.axes is not None


@dataclass(frozen=True)
class Representation:
    """Centred embedder vectors beside character n-gram TF-IDF/SVD, fitted on the fragments clustered.

    `lexical_weight=0` clusters on the embedder alone; `pca_dims` reduces the semantic half.
    `lexical_features` caps the n-gram vocabulary (and so the projection stored with each run:
    200 x 20,000 floats). `lexical_passes` is the randomized SVD's power iterations.
    """

    center: bool = True
    pca_dims: int | None = None
    lexical_weight: float = 1.5
    lexical_dims: int = 200
    lexical_features: int = 20_000
    lexical_passes: int = 4

    def __post_init__(self) -> None:
        if self.lexical_weight < 0 or min(self.lexical_dims, self.lexical_features) < 1 or self.lexical_passes < 0:
            raise ValueError("lexical_weight and lexical_passes must be >= 0; lexical_dims and lexical_features >= 1")

    @property
    def config(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def lexical(self) -> bool:
        """Whether fitting needs the fragments' texts."""
        return self.lexical_weight > 0

    def fit(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> Projection:
        """Fit the projection on `vectors` and their `texts` (rows in canonical order)."""
        return self.fit_rows([vectors], texts)[0]

    def fit_chunks(self, chunks: Iterable[np.ndarray], texts: Sequence[str] | None = None) -> Projection:
        """Fit from vector chunks streamed from the store; see `fit_rows`."""
        return self.fit_rows(chunks, texts)[0]

    def fit_rows(self, chunks: Iterable[np.ndarray], texts: Sequence[str] | None = None
                 ) -> tuple[Projection, np.ndarray | None]:
        """The fitted projection and the lexical rows of `texts` it was fitted on (None without them).

        Only d-wide sums of the vectors are kept: the scatter matrix of centred rows is
        `X'X - n mean mean'`, so one pass gives both the mean and the principal axes (O(n d^2)
        time, O(d^2) memory). The n-gram counts made to fit the lexical half are projected at
        once, so the caller never counts the same texts twice.
        """
        n, sums = 0, None
        for chunk in chunks:
            x = chunk.astype(np.float64)
            if sums is None:
                sums = np.zeros(x.shape[1]), np.zeros((x.shape[1], x.shape[1]))
            total, scatter = sums
            n += len(x)
            total += x.sum(axis=0)
            if self.pca_dims:
                scatter += x.T @ x
        if sums is None:
            raise ValueError("no vectors to fit")
        total, scatter = sums
        mean = total / n if self.center else np.zeros_like(total)
        components = None
        if self.pca_dims and self.pca_dims < min(n, len(total)):
            components = _principal_axes(scatter - n * np.outer(mean, mean), self.pca_dims)
        if not self.lexical:
            return Projection(mean, components), None
        if texts is None or len(texts) != n:
            raise ValueError("the lexical half needs one text per vector")
        lexical = self._fit_lexical(texts)
        if lexical is None:  # too few distinct n-grams (a handful of fragments): semantic only
            return Projection(mean, components), None
        vocabulary, idf, axes, rows = lexical
        return Projection(mean, components, vocabulary, idf, axes, (1.0, self.lexical_weight)), rows

    def _fit_lexical(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """n-gram vocabulary, idf and SVD axes, plus every text's projected row.

        Fitting the SVD on an even sample of 4,000 of 7,152 fragments of the unlabelled reviews
        saved no time (the dense steps grow with the 20,000 features, not the rows) and changed
        the scenarios (AMI 0.73 against the full fit), so it is fitted on every row.
        """
        from sklearn.decomposition import TruncatedSVD

        from ._chargrams import fit_counts

        try:
            counts, vocabulary = fit_counts(texts, NGRAMS, min_df=2, max_features=self.lexical_features)
        except ValueError:  # no n-gram occurs twice
            return None
        dims = min(self.lexical_dims, counts.shape[1] - 1, counts.shape[0] - 1)
        if dims < 2:
            return None
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
        weighted = _tfidf(counts, idf)
        svd = TruncatedSVD(dims, algorithm="randomized", n_iter=self.lexical_passes, random_state=0)
        svd.fit(weighted)
        axes = svd.components_.T.astype(np.float32)
        return vocabulary, idf, axes, (weighted @ axes).astype(np.float32)


def _tfidf(counts: Any, idf: np.ndarray) -> Any:
    """Sublinear tf times idf, rows scaled to unit length (what TfidfVectorizer would give)."""
    from sklearn.preprocessing import normalize

    x = counts.astype(np.float32, copy=True)
    x.data = 1.0 + np.log(x.data)
    return normalize(x.multiply(idf.astype(np.float32)).tocsr())


def _principal_axes(scatter: np.ndarray, dims: int) -> np.ndarray:
    """Top `dims` eigenvectors of the scatter matrix, signs fixed so a run never flips them."""
    values, vectors = np.linalg.eigh(scatter)
    top = vectors[:, np.argsort(values)[::-1][:dims]]
    signs = np.sign(top[np.abs(top).argmax(axis=0), range(top.shape[1])])
    return top * signs
