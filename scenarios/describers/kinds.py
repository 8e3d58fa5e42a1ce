"""The kind of a scenario (choice, service, product, competitors, life, or one the config adds).

A kind is its definition (:mod:`scenarios.lang.ru.kinds`: title, one sentence) plus the domain's
seed phrases and lemma cues (:mod:`scenarios.domains`, chosen by `[describe] domain`). Three cheap
pieces of evidence, per member:

- a logistic regression fitted at start-up on the e5 vectors of the seeds and definitions (a few
  hundred phrases; it replaced one mean prototype per kind, which could not tell a pensioner's
  pension from a card's tariff);
- lemma cues ("посоветовать", "очередь", "приложение", "другой банк", "копить"), `cue_weight`
  per kind with a cue;
- another company of the own industry named ("в Сбере быстрее") as a cue of `competitors`.

A member's logits are the regression's log-probabilities plus the cues; a scenario's are the mean
over its members, and a softmax of them gives `KindScore.scores`.

Measured on `banki_scenario_sentences.csv` (626 sentences of 26 gold scenarios; `bench/kinds.py`;
a gold scenario classified as a cluster of its sentences):

| variant                                       | per sentence | per gold scenario |
|-----------------------------------------------|--------------|-------------------|
| before: mean prototypes alone                 | 0.514        | 0.692             |
| before: old cues alone                        | 0.543        | 0.846             |
| before: prototypes + old cues                 | 0.657        | 0.885             |
| seed regression alone                         | 0.663        | 0.923             |
| cues alone                                    | 0.783        | 1.000             |
| regression + cues + named competitors         | 0.859        | 1.000             |
| CV: regression fitted on half the scenarios   | 0.504        | 0.488             |
| CV: that regression + cues                    | 0.760        | 0.928             |

The cues were written from the kind definitions after reading that set's scenario descriptions,
so the dev figures flatter them; the cross-validated rows (a regression fitted on the sentences of
half the gold scenarios of each kind, tested on the other half; 12 halves) show what learning from
labelled speech gives on scenarios never seen: embeddings alone generalise poorly, cues carry it.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..domains import DEFAULT_DOMAIN, load_domain
from ..embedders import Embedder, normalise_rows
from ..errors import ConfigError
from ..lang.ru.kinds import KIND_DEFINITIONS, KIND_NAMES, KIND_TITLES
from ..lang.ru.spelling import fold
from ..lemmatisers import Token
from ._base import Member
from .companies import CompanyFinder

if TYPE_CHECKING:
    from ..config import Config

_FIELDS = frozenset({"title", "description", "seeds", "cues"})


@dataclass(frozen=True)
class Kind:
    """One kind: its name, a description, seed phrases, lemma cues and the title managers read."""

    name: str
    description: str
    seeds: tuple[str, ...]
    cues: tuple[str, ...] = ()
    title: str = ""


@dataclass(frozen=True)
class KindScore:
    """The kind of a scenario, its confidence in [0, 1] and the probability of every kind."""

    kind: str
    score: float
    scores: dict[str, float]


def load_kinds(overrides: Mapping[str, Mapping[str, Any]] | None = None, domain: str = DEFAULT_DOMAIN) -> list[Kind]:
    """The five kinds with the domain's seeds and cues, then `overrides` (`[kinds.<name>]` of config).

    A known kind keeps the fields an override leaves out; an unknown kind is added after the five
    (so it is never dropped) and needs seeds.
    """
    data = load_domain(domain)
    merged: dict[str, dict[str, Any]] = {
        name: {"title": KIND_TITLES[name], "description": KIND_DEFINITIONS[name],
               "seeds": data.seeds.get(name, ()), "cues": data.cues.get(name, ())}
        for name in KIND_NAMES
    }
    for name, fields in (overrides or {}).items():
        if not isinstance(fields, Mapping):
            raise ConfigError(f"[kinds.{name}]: ожидается секция с полями {', '.join(sorted(_FIELDS))}.")
        unknown = set(fields) - _FIELDS
        if unknown:
            raise ConfigError(f"Вид сценария «{name}» ([kinds.{name}]): неизвестные поля {', '.join(sorted(unknown))}; "
                              f"допустимы {', '.join(sorted(_FIELDS))}.")
        merged.setdefault(name, {}).update(fields)
    kinds = []
    for name, fields in merged.items():
        seeds = tuple(str(s) for s in fields.get("seeds", ()))
        if not seeds:
            raise ConfigError(f"Вид сценария «{name}»: нужны примеры фраз (seeds).")
        cues = tuple(str(c) for c in fields.get("cues", ()))
        kinds.append(Kind(name, str(fields.get("description", "")), seeds, cues, str(fields.get("title") or name)))
    return kinds


def kind_titles(config: Config | None = None) -> dict[str, str]:
    """Every configured kind with its Russian title, in digest order: the five, then the config's own.

    What a digest, the web page and the CLI list; no model is loaded.

    Examples:
        >>> kind_titles()["service"]
        'Сервис'
    """
    sections = config.sections if config is not None else {}
    domain = str(sections.get("describe", {}).get("domain", DEFAULT_DOMAIN))
    return {k.name: k.title for k in load_kinds(sections.get("kinds"), domain)}


class KindClassifier:
    """Scores scenarios (and single members) against every kind.

    Args:
        embedder: The embedder the member vectors come from; seeds are embedded with it once.
            May be `None` when `embedding_weight` is 0 (cues only).
        kinds: Kinds to choose from, or `None` for the domain's; a mapping is merged over them like
            the `[kinds]` config section (see :func:`load_kinds`).
        domain: The domain whose seeds and cues the five kinds use.
        cue_weight: Added to a member's logit of each kind with a cue in it. 0: embeddings only.
        embedding_weight: Weight of the regression's log-probabilities; 0: cues only.
        regularisation: The regression's `C` (inverse L2 strength); 0.3-10 all measured within a
            point per sentence on the dev set, 3 was best.
        companies: Finds companies in members' texts (its alias list, not NER); a member naming a
            competitor (another company of the own industry) gets a cue of `company_kind`.
        company_kind: The kind named competitors point to.
        seed_cache: Folder keeping the seeds' vectors per embedder and seed list, so a describe
            does not re-embed them (8.8 s on e5 under load); default `$SCENARIOS_CACHE` or
            `~/.cache/scenarios`. Vectors of another embedder id or other seeds are never reused.

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
        domain: str = DEFAULT_DOMAIN,
        cue_weight: float = 1.0,
        embedding_weight: float = 1.0,
        regularisation: float = 3.0,
        companies: CompanyFinder | None = None,
        company_kind: str = "competitors",
        seed_cache: Path | None = None,
    ) -> None:
        if kinds is None or isinstance(kinds, Mapping):
            kinds = load_kinds(kinds, domain)
        if not kinds:
            raise ConfigError("Нужен хотя бы один вид сценария.")
        if regularisation <= 0:
            raise ConfigError("Параметр regularisation классификатора видов должен быть больше нуля.")
        self.kinds = list(kinds)
        self.names = [k.name for k in self.kinds]
        self.cue_weight = cue_weight
        self.embedding_weight = embedding_weight
        self.regularisation = regularisation
        self._cue_index: dict[str, list[tuple[int, int, tuple[tuple[str, bool], ...]]]] = defaultdict(list)
        for kind, spec in enumerate(self.kinds):
            for number, cue in enumerate(map(_cue_words, spec.cues)):
                if cue:
                    self._cue_index[cue[0][0]].append((kind, number, cue))
        if companies is not None and company_kind not in self.names:
            raise ConfigError(f"Вид сценария «{company_kind}» для упоминаний компаний не задан.")
        self.companies = companies
        self._company_kind = self.names.index(company_kind) if company_kind in self.names else 0
        self._model: Any = None
        if embedding_weight:
            if embedder is None:
                raise ConfigError("Классификатору видов нужен эмбеддер, если вес эмбеддингов не ноль.")
            self._model = self._fit(embedder, seed_cache or default_cache())

    @property
    def config(self) -> dict[str, Any]:
        """What a digest cites about how kinds were chosen."""
        return {"kinds": self.names, "cue_weight": self.cue_weight, "embedding_weight": self.embedding_weight,
                "regularisation": self.regularisation,
                "company_kind": self.names[self._company_kind] if self.companies is not None else None}

    def with_companies(self, companies: CompanyFinder | None) -> KindClassifier:
        """The same fitted classifier with another company finder (another own company)."""
        other = copy.copy(self)
        other.companies = companies
        return other

    def _fit(self, embedder: Embedder, cache: Path) -> Any:
        """A multinomial logistic regression over the seeds' and definitions' unit vectors."""
        from sklearn.linear_model import LogisticRegression

        texts = [[*k.seeds, *([k.description] if k.description else [])] for k in self.kinds]
        flat = [t for group in texts for t in group]
        labels = np.array([i for i, group in enumerate(texts) for _ in group])
        if len(self.kinds) == 1:
            return None
        vectors = normalise_rows(_cached_vectors(embedder, flat, cache))
        return LogisticRegression(C=self.regularisation, max_iter=5000).fit(vectors, labels)

    def member_logits(self, members: Sequence[Member]) -> np.ndarray:
        """Per member and kind, the regression's log-probability plus the cues found in it."""
        logits = np.zeros((len(members), len(self.kinds)))
        if not members:
            return logits
        if self.embedding_weight and self._model is not None:
            vectors = normalise_rows(np.stack([m.vector for m in members]).astype(np.float32))
            logits += self.embedding_weight * self._model.predict_log_proba(vectors)
        if self.cue_weight:
            logits += self.cue_weight * self.cue_matrix(members)
        return logits

    def cue_matrix(self, members: Sequence[Member]) -> np.ndarray:
        """Per member and kind, 1 when the member has a cue of the kind (a named competitor included)."""
        hits = np.array([self.cue_hits(m.tokens) for m in members]).reshape(len(members), len(self.kinds)) > 0
        if self.companies is not None and members:
            named = self.companies.find_aliases([m.text for m in members])
            hits[:, self._company_kind] |= [any(not x.own and self.companies.is_competitor(x.name) for x in found)
                                            for found in named]
        return hits.astype(float)

    def classify(self, members: Sequence[Member], centroid: np.ndarray | None = None) -> KindScore:
        """The most likely kind of the scenario made of `members` (the mean of their logits).

        `centroid` stands in for the members when there are none. With no evidence every kind is
        equally likely and the first one wins.
        """
        if members:
            logits = self.member_logits(members).mean(axis=0)
        elif centroid is not None:
            probe = Member("", "", None, 0, 0, "", (), np.asarray(centroid, dtype=np.float32))
            logits = self.member_logits([probe])[0]
        else:
            raise ValueError("classify needs members or a centroid")
        probs = _softmax(logits)
        best = int(np.argmax(np.round(probs, 9)))
        return KindScore(self.names[best], float(probs[best]), dict(zip(self.names, map(float, probs), strict=True)))

    def classify_each(self, members: Sequence[Member]) -> list[str]:
        """The kind of every member on its own (what a per-sentence measure reads)."""
        return [self.names[int(i)] for i in np.argmax(np.round(self.member_logits(members), 9), axis=1)]

    def cue_shares(self, members: Sequence[Member]) -> np.ndarray:
        """Per kind, the share of members with at least one of its cues."""
        return self.cue_matrix(members).mean(axis=0) if members else np.zeros(len(self.kinds))

    def cue_hits(self, tokens: Sequence[Token]) -> np.ndarray:
        """Per kind, how many of its cues occur in one text's tokens.

        Cues are looked up by their first lemma, so the cost grows with the text, not with the
        number of cues (a loop over every cue took 16 s for a 4.5k-fragment scenario).
        """
        words = [(fold(t.lemma), t.negated) for t in tokens if t.is_word]
        seen: set[tuple[int, int]] = set()
        for i, (lemma, _) in enumerate(words):
            for kind, number, cue in self._cue_index.get(lemma, ()):
                if (kind, number) not in seen and _occurs_at(cue, words, i):
                    seen.add((kind, number))
        out = np.zeros(len(self.kinds))
        for kind, _ in seen:
            out[kind] += 1
        return out


def default_cache() -> Path:
    """Where seed vectors are kept: `$SCENARIOS_CACHE` or `~/.cache/scenarios`."""
    return Path(os.environ.get("SCENARIOS_CACHE") or Path.home() / ".cache" / "scenarios")


def _cached_vectors(embedder: Embedder, texts: Sequence[str], cache: Path) -> np.ndarray:
    """`embedder.embed(texts)`, kept in `cache` under a hash of the embedder id and the texts."""
    key = hashlib.sha256("\x1f".join([str(getattr(embedder, "id", "")), *texts]).encode()).hexdigest()[:24]
    path = cache / "kind-seeds" / f"{key}.npy"
    if path.is_file():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    except OSError:
        pass  # a read-only home only costs the next run the embedding
    return vectors


def _cue_words(cue: str) -> tuple[tuple[str, bool], ...]:
    """`"не_перезвонить"` -> `(("перезвонить", True),)`; plain words match negated or not."""
    out = []
    for word in fold(cue).split():
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
