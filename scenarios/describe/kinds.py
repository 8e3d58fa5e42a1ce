"""The kind of a scenario (choice, service, product, competitors, life), zero-shot.

Each kind has a description and seed phrases (:mod:`scenarios.lang.ru.kinds`, overridable from
config). They are embedded once with the scenario embedder; a kind's prototype is the mean vector
of its seeds and description. The similarity of a scenario's centroid to each prototype, divided
by a temperature, plus `cue_weight` times the share of members with a lemma cue of the kind
("посоветовать", "другой банк", "копить"), gives the logits; a softmax makes them probabilities,
and the top one is the kind's confidence.

Measured on the demo corpus (17 gold scenarios; 434 labelled fragments, a fragment counting as
right when its kind is one of its labels), e5 vectors, pymorphy lemmas:

| variant                         | gold scenarios | 5-member samples | fragments |
|---------------------------------|----------------|------------------|-----------|
| embeddings only                 | 14/17          | 0.84             | 0.72      |
| cues only                       | 14/17          | 0.85             | 0.74      |
| embeddings + cues (the default) | 17/17          | 0.96             | 0.81      |

Seeds in e5's query mode were worse (13/17, 0.70 alone); named competitors as a cue of
"competitors" helped cues alone (16/17, 0.78) but not the combination (16/17, 0.82), so both are
options, off by default. Seeds and cues were written from the kind definitions, not copied from the
corpus, but by people who had read its scenario list: expect lower figures on other data.
"""

from __future__ import annotations

from collections import defaultdict
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
    seeds.
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
        cues = tuple(str(c) for c in fields.get("cues", ()))
        kinds.append(Kind(name, str(fields.get("description", "")), seeds, cues))
    return kinds


class KindClassifier:
    """Scores a scenario against every kind.

    The default (embeddings + cues, `cue_weight=2`, `temperature=0.01`) was chosen on the demo
    corpus, where it beat embeddings alone and cues alone (see the module docstring); accuracy
    held for `cue_weight` 1-3 and `temperature` 0.0075-0.015.

    Args:
        embedder: The embedder the member vectors come from; seeds are embedded with it once.
            May be `None` when `embedding_weight` is 0 (cues only).
        kinds: Kinds to choose from, or `None` for the built-ins; a mapping is merged over them
            like a config section (see :func:`load_kinds`).
        cue_weight: The share of members with a cue of a kind adds `cue_weight` times it to that
            kind's logit. 0 uses embeddings only.
        embedding_weight: Weight of the prototype similarities; 0 uses cues only.
        temperature: Similarities are divided by it before the softmax; it sets how confident
            `KindScore.score` is.
        query_seeds: Embed seeds in the embedder's query mode when it has one (e5's `query: `).
            Off: on the demo corpus passage-mode seeds were more accurate.
        companies: Finds companies in members' texts; a member naming one that is not the user's
            own is then a cue of `company_kind`. Off by default: on the demo corpus it helped cues
            alone but cost accuracy combined with embeddings (clients who chose us name the bank
            they left, so "choice" scenarios drift to "competitors").
        company_kind: The kind named companies point to.

    Examples:
        >>> classifier = KindClassifier(create_embedder("e5"))
        >>> classifier.classify(members).kind
        'service'
    """

    def __init__(
        self,
        embedder: Embedder | None,
        kinds: Sequence[Kind] | Mapping[str, Mapping[str, Any]] | None = None,
        *,
        cue_weight: float = 2.0,
        embedding_weight: float = 1.0,
        temperature: float = 0.01,
        query_seeds: bool = False,
        companies: CompanyFinder | None = None,
        company_kind: str = "competitors",
    ) -> None:
        if kinds is None or isinstance(kinds, Mapping):
            kinds = load_kinds(kinds)
        if not kinds:
            raise ConfigError("Нужен хотя бы один вид сценария.")
        if temperature <= 0:
            raise ConfigError("Температура классификатора видов должна быть больше нуля.")
        self.kinds = list(kinds)
        self.names = [k.name for k in self.kinds]
        self.cue_weight = cue_weight
        self.embedding_weight = embedding_weight
        self.temperature = temperature
        self._cue_index: dict[str, list[tuple[int, int, tuple[tuple[str, bool], ...]]]] = defaultdict(list)
        for kind, spec in enumerate(self.kinds):
            for number, cue in enumerate(map(_cue_words, spec.cues)):
                if cue:
                    self._cue_index[cue[0][0]].append((kind, number, cue))
        if companies is not None and company_kind not in self.names:
            raise ConfigError(f"Вид сценария «{company_kind}» для упоминаний компаний не задан.")
        self.companies = companies
        self._company_kind = self.names.index(company_kind) if companies is not None else 0
        self.prototypes = np.zeros((len(self.kinds), 0), dtype=np.float32)
        if embedding_weight:
            if embedder is None:
                raise ConfigError("Классификатору видов нужен эмбеддер, если вес эмбеддингов не ноль.")
            self.prototypes = self._prototypes(embedder, query_seeds)

    @property
    def config(self) -> dict[str, Any]:
        """What a digest cites about how kinds were chosen."""
        return {"kinds": self.names, "cue_weight": self.cue_weight, "embedding_weight": self.embedding_weight,
                "temperature": self.temperature,
                "company_kind": self.names[self._company_kind] if self.companies is not None else None}

    def _prototypes(self, embedder: Embedder, query_seeds: bool) -> np.ndarray:
        """Per kind, the normalised mean vector of its seeds and description."""
        groups = [[*k.seeds, *([k.description] if k.description else [])] for k in self.kinds]
        flat = [text for group in groups for text in group]
        embed = embedder.embed_query if query_seeds and isinstance(embedder, QueryEmbedder) else embedder.embed
        vectors = normalise_rows(np.asarray(embed(flat), dtype=np.float32))
        bounds = np.cumsum([0] + [len(g) for g in groups])
        return normalise_rows(np.stack([vectors[a:b].mean(axis=0) for a, b in zip(bounds[:-1], bounds[1:])]))

    def classify(self, members: Sequence[Member], centroid: np.ndarray | None = None) -> KindScore:
        """The most likely kind of the scenario made of `members`.

        `centroid` is the scenario's centre as the clusterer saw it; `None`: the members' mean.
        With no cue and no embedding weight every kind is equally likely and the first one wins.
        """
        logits = np.zeros(len(self.kinds))
        if self.embedding_weight:
            if centroid is None:
                if not members:
                    raise ValueError("classify needs members or a centroid")
                centroid = np.mean([m.vector for m in members], axis=0)
            logits += self.embedding_weight * self.similarities(centroid) / self.temperature
        if self.cue_weight:
            logits += self.cue_weight * self.cue_shares(members)
        probs = _softmax(logits)
        best = int(np.argmax(probs))
        return KindScore(self.names[best], float(probs[best]), dict(zip(self.names, map(float, probs), strict=True)))

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of `vector` to each kind's prototype."""
        v = np.asarray(vector, dtype=np.float32)
        return self.prototypes @ (v / (np.linalg.norm(v) or 1.0))

    def cue_shares(self, members: Sequence[Member]) -> np.ndarray:
        """Per kind, the share of members with at least one of its cues."""
        if not members:
            return np.zeros(len(self.kinds))
        hits = np.array([self.cue_hits(m.tokens) for m in members]) > 0
        if self.companies is not None:
            named = self.companies.find([m.text for m in members])
            hits[:, self._company_kind] |= [any(not x.own for x in found) for found in named]
        return hits.mean(axis=0)

    def cue_hits(self, tokens: Sequence[Token]) -> np.ndarray:
        """Per kind, how many of its cues occur in one text's tokens.

        Cues are looked up by their first lemma, so the cost grows with the text, not with the
        number of cues (a loop over every cue took 16 s for a 4.5k-fragment scenario).
        """
        words = [(_fold(t.lemma), t.negated) for t in tokens if t.is_word]
        seen: set[tuple[int, int]] = set()
        for i, (lemma, _) in enumerate(words):
            for kind, number, cue in self._cue_index.get(lemma, ()):
                if (kind, number) not in seen and _occurs_at(cue, words, i):
                    seen.add((kind, number))
        out = np.zeros(len(self.kinds))
        for kind, _ in seen:
            out[kind] += 1
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


def _occurs_at(cue: tuple[tuple[str, bool], ...], words: Sequence[tuple[str, bool]], i: int) -> bool:
    """Whether `cue` starts at word `i`; a negated cue word needs a negated text word."""
    if i + len(cue) > len(words):
        return False
    return all(words[i + j][0] == lemma and (words[i + j][1] or not neg) for j, (lemma, neg) in enumerate(cue))


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max())
    return z / z.sum()
