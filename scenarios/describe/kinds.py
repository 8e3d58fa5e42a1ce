"""The kind of a scenario (choice, service, product, competitors, life), zero-shot.

Each kind has a description and seed phrases (:mod:`scenarios.lang.ru.kinds`, overridable from
config). They are embedded once with the scenario embedder; a kind's prototype is the mean of its
seed vectors. A scenario's centroid is compared with every prototype, the similarities are scaled
by a temperature and turned into probabilities with a softmax. Lemma cues ("посоветовать",
"другой банк", "копить") can be added to the logits with `cue_weight`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..embedders import Embedder, normalise_rows
from ..errors import ConfigError
from ..lang.ru.kinds import KIND_NAMES, KINDS
from ..lemmatise import Token
from ._base import Member
from .companies import CompanyFinder


@runtime_checkable
class QueryEmbedder(Protocol):
    """An embedder with a separate query mode (e5's `query: ` prefix)."""

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of `texts` embedded as queries."""
        ...


@dataclass(frozen=True)
class Kind:
    """One kind: its name, a description, seed phrases and lemma cues."""

    name: str
    description: str
    seeds: tuple[str, ...]
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindScore:
    """The kind of a scenario, its confidence in [0, 1] and the probability of every kind."""

    kind: str
    score: float
    scores: dict[str, float]


def load_kinds(overrides: Mapping[str, Mapping[str, Any]] | None = None) -> list[Kind]:
    """The built-in kinds with `overrides` (`kind -> {description, seeds, cues}`) merged over them.

    A known kind keeps the fields an override leaves out; an unknown kind is added and then needs
    a description and seeds.
    """
    merged: dict[str, dict[str, Any]] = {name: dict(KINDS[name]) for name in KIND_NAMES}
    for name, fields in (overrides or {}).items():
        unknown = set(fields) - {"description", "seeds", "cues"}
        if unknown:
            raise ConfigError(f"Вид сценария «{name}»: неизвестные поля {', '.join(sorted(unknown))}.")
        merged.setdefault(name, {}).update(fields)
    kinds = []
    for name, fields in merged.items():
        seeds = tuple(str(s) for s in fields.get("seeds", ()))
        if not seeds:
            raise ConfigError(f"Вид сценария «{name}»: нужны примеры фраз (seeds).")
        kinds.append(Kind(name, str(fields.get("description", "")), seeds, tuple(str(c) for c in fields.get("cues", ()))))
    return kinds


class KindClassifier:
    """Scores a scenario against every kind.

    Args:
        embedder: The embedder the member vectors come from; seeds are embedded with it once.
        kinds: Kinds to choose from, or `None` for the built-ins; a mapping is merged over them
            like a config section (see :func:`load_kinds`).
        cue_weight: Weight of lemma cues in the logits: the share of members with a cue of a kind
            adds `cue_weight` to that kind. 0 uses embeddings only.
        embedding_weight: Weight of the embedding similarities; 0 uses cues only.
        temperature: Similarities are divided by it before the softmax.
        query_seeds: Embed seeds in the embedder's query mode when it has one.

    Examples:
        >>> classifier = KindClassifier(create_embedder("e5"))
        >>> classifier.classify(members).kind
        'service'
    """

    def __init__(
        self,
        embedder: Embedder,
        kinds: Sequence[Kind] | Mapping[str, Mapping[str, Any]] | None = None,
        *,
        cue_weight: float = 0.0,
        embedding_weight: float = 1.0,
        temperature: float = 0.02,
        query_seeds: bool = True,
        with_description: bool = False,
        center: bool = False,
        nearest: bool = False,
        companies: CompanyFinder | None = None,
        company_kind: str = "competitors",
    ) -> None:
        if kinds is None or isinstance(kinds, Mapping):
            kinds = load_kinds(kinds)
        if not kinds:
            raise ConfigError("Нужен хотя бы один вид сценария.")
        self.kinds = list(kinds)
        self.names = [k.name for k in self.kinds]
        self.cue_weight = cue_weight
        self.embedding_weight = embedding_weight
        self.temperature = temperature
        self.nearest = nearest
        self._cues = [[_cue_words(c) for c in k.cues] for k in self.kinds]
        self.companies = companies
        self._company_kind = self.names.index(company_kind) if companies and company_kind in self.names else None
        self.prototypes = np.zeros((len(self.kinds), 0), dtype=np.float32)
        if embedding_weight:
            texts = [list(k.seeds) + ([k.description] if with_description and k.description else []) for k in self.kinds]
            flat = [t for group in texts for t in group]
            embed = embedder.embed_query if query_seeds and isinstance(embedder, QueryEmbedder) else embedder.embed
            vectors = normalise_rows(np.asarray(embed(flat), dtype=np.float32))
            bounds = np.cumsum([0] + [len(g) for g in texts])
            self.seed_vectors = [vectors[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            self.prototypes = normalise_rows(np.stack([v.mean(axis=0) for v in self.seed_vectors]))
            self._shift = self.prototypes.mean(axis=0) if center else np.zeros(vectors.shape[1], dtype=np.float32)
            if center:
                self.prototypes = normalise_rows(self.prototypes - self._shift)

    def classify(self, members: Sequence[Member], centroid: np.ndarray | None = None) -> KindScore:
        """The most likely kind of the scenario made of `members` (centroid: their mean if `None`)."""
        logits = np.zeros(len(self.kinds))
        if self.embedding_weight:
            if centroid is None:
                centroid = np.mean([m.vector for m in members], axis=0)
            logits += self.embedding_weight * self.similarities(centroid) / self.temperature
        if self.cue_weight:
            logits += self.cue_weight * self.cue_shares(members)
        probs = _softmax(logits)
        best = int(np.argmax(probs))
        return KindScore(self.names[best], float(probs[best]), {n: float(p) for n, p in zip(self.names, probs, strict=True)})

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of `vector` to each kind's prototype (or nearest seed)."""
        v = np.asarray(vector, dtype=np.float32) - self._shift
        v = v / (np.linalg.norm(v) or 1.0)
        if self.nearest:
            return np.array([float(np.max(s @ v)) for s in self.seed_vectors])
        return self.prototypes @ v

    def cue_shares(self, members: Sequence[Member]) -> np.ndarray:
        """Per kind, the share of members with at least one of its cues."""
        if not members:
            return np.zeros(len(self.kinds))
        hits = np.array([self.cue_hits(m.tokens) for m in members]) > 0
        if self.companies is not None and self._company_kind is not None:
            named = self.companies.find([m.text for m in members])
            hits[:, self._company_kind] |= [any(not x.own for x in found) for found in named]
        return hits.mean(axis=0)

    def cue_hits(self, tokens: Sequence[Token]) -> np.ndarray:
        """Per kind, how many of its cues occur in one text's tokens."""
        words = [(_fold(t.lemma), t.negated) for t in tokens if t.is_word]
        out = np.zeros(len(self.kinds))
        for k, cues in enumerate(self._cues):
            out[k] = sum(_occurs(cue, words) for cue in cues)
        return out


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е")


def _cue_words(cue: str) -> tuple[tuple[str, bool], ...]:
    """`"не_перезвонить"` -> `(("перезвонить", True),)`; plain words match negated or not."""
    out = []
    for word in _fold(cue).split():
        negated = word.startswith("не_")
        out.append((word[3:] if negated else word, negated))
    return tuple(out)


def _occurs(cue: tuple[tuple[str, bool], ...], words: Sequence[tuple[str, bool]]) -> bool:
    n = len(cue)
    for i in range(len(words) - n + 1):
        if all(words[i + j][0] == lemma and (words[i + j][1] or not neg) for j, (lemma, neg) in enumerate(cue)):
            return True
    return False


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max())
    return z / z.sum()
