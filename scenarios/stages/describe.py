"""The describe stage: a label, a kind, quotes, tone and company mentions for every scenario of a run.

Reads the run's members from the store (fragments with their story, lemmas and vector), calls the
describers, and writes their output back in one transaction per run, so re-running replaces a
description and never duplicates it. Quotes are verbatim spans: each row keeps its story, turn
and character offsets, and `stories.text[start:end] == quotes.text`.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..curate import curation
from ..describers._base import Member
from ..domains import DEFAULT_DOMAIN
from ..embedders import Embedder
from ..errors import ConfigError, ScenariosError
from ..lemmatisers import Token
from ..memo import Bounded, Latest
from ..store import Store, now
from ._base import active, record_description
from .cluster import latest_run
from .lemmatise import decode_tokens

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CompanyOptions:
    """The `[companies]` section: the company itself (`own`) and the names to find.

    `aliases` extend the domain's list; `industries` of the user's companies default to the own
    industry; `ner` adds natasha's organisation names to the alias list.
    """

    own: str | None = None
    own_aliases: tuple[str, ...] = ()
    aliases: Mapping[str, list[str]] | None = None
    industries: Mapping[str, str] | None = None
    ner: bool = True


@dataclass(frozen=True)
class DescribeOptions:
    """The `[describe]` section (quotes, sample, the kind classifier), `[companies]` and `[kinds.*]`.

    Built from config by :meth:`from_config`, which refuses unknown keys and wrong types.
    """

    quotes: int = 5
    domain: str = DEFAULT_DOMAIN
    sample: int | None = 1000    # members read per scenario for label, kind and quotes; None or 0 = all
    ner_limit: int | None = 40   # members per scenario NER reads (~3 ms each); the alias list reads every one
    cue_weight: float = 1.0      # kind classifier: weight of lemma cues
    embedding_weight: float = 1.0  # kind classifier: weight of the seed regression
    regularisation: float = 3.0  # kind classifier: the regression's C
    named_competitors: bool = True  # a named competitor is a cue of the `competitors` kind
    company_kind: str = "competitors"  # the kind a named competitor is a cue of
    companies: CompanyOptions = field(default_factory=CompanyOptions)
    kinds: Mapping[str, Mapping[str, Any]] | None = None  # [kinds.<name>]: seeds, cues, title, description

    def __post_init__(self) -> None:
        if self.sample == 0:
            object.__setattr__(self, "sample", None)
        if self.quotes < 1:
            raise ValueError("quotes: нужна хотя бы одна цитата")

    @classmethod
    def from_config(cls, sections: Mapping[str, Mapping[str, Any]]) -> DescribeOptions:
        """Options from the `[describe]`, `[companies]` and `[kinds.*]` sections of a config file.

        Every key and type is checked (`scenarios.options`), and the kinds are loaded once, so a
        kind without seeds is refused before any model loads.
        """
        from ..describers.kinds import load_kinds
        from ..options import from_section

        companies = from_section(CompanyOptions, "companies", sections.get("companies"))
        kinds = sections.get("kinds")
        if kinds is not None and not isinstance(kinds, Mapping):
            raise ConfigError("[kinds] должна состоять из секций вида [kinds.service].")
        options = from_section(cls, "describe", sections.get("describe"),
                               fixed={"companies": companies, "kinds": kinds})
        load_kinds(kinds, options.domain)  # refuse bad kinds before any work
        return options

    @property
    def config(self) -> dict[str, Any]:
        """What the run's description used, as stored with it (the digest can cite it)."""
        data = asdict(self)
        data["companies"] = {k: v for k, v in data["companies"].items() if k != "aliases"}
        data["kinds"] = sorted(self.kinds or ())
        return data


@dataclass(frozen=True)
class DescribeReport:
    """What the describe stage did; `notes` are for the person who ran it (Russian)."""

    run_id: int
    scenarios: int
    seconds: float
    notes: tuple[str, ...] = ()


@dataclass
class _Scenario:
    id: str
    centroid: np.ndarray
    members: list[Member] = field(default_factory=list)  # the description sample, every pass
    unsampled: list[tuple[str, str]] = field(default_factory=list)  # (story id, text) of the rest


def describe(store: Store, embedder: Embedder, *, options: DescribeOptions | None = None, run_id: int | None = None,
             progress: Progress | None = None) -> DescribeReport:
    """Describe every scenario of the run (default: the latest) and store the result.

    Quotes come from members of every pass (core, assigned, new), so a pinned fragment that joined
    by the second pass is quoted; a pin whose fragment left the scenario is reported in `notes`.
    """
    from ..describers.labels import top_terms

    options = options or DescribeOptions()
    start = time.perf_counter()
    run_id = run_id or latest_run(store)
    run_embedder = store.query("SELECT embedder FROM runs WHERE id = ?", (run_id,))[0]["embedder"]
    if run_embedder != embedder.id:
        raise ScenariosError(f"Прогон {run_id} построен на эмбеддере {run_embedder}, а выбран {embedder.id}: "
                             "укажите тот же эмбеддер (--embedder) или перекластеризуйте.")
    pins: dict[str, list[str]] = {sid: list(c["pinned"]) for sid, c in curation(store).items() if c["pinned"]}
    scenarios = load_scenarios(store, run_id, sample=options.sample,
                               keep={f for pinned in pins.values() for f in pinned})
    parts = _Parts.cached(embedder, options)
    limit = options.ner_limit
    parts.finder.prefetch(m.text for s in scenarios for m in (s.members if limit is None else s.members[:limit]))
    terms = top_terms({s.id: s.members for s in scenarios}, exclude=parts.labels_exclude)
    rows, quotes, mentions = [], [], []
    notes: list[str] = []
    for done, scenario in enumerate(scenarios, start=1):
        row, chosen, counts = _describe_one(scenario, terms.get(scenario.id, []), parts, options,
                                            pins.get(scenario.id, ()), notes)
        rows.append((*row, run_id, scenario.id))
        pinned = set(pins.get(scenario.id, ()))
        quotes += [(run_id, scenario.id, rank, m.fragment_id, m.story_id, m.turn, m.start, m.end, m.text,
                    int(m.fragment_id in pinned)) for rank, m in enumerate(chosen)]
        mentions += [(run_id, scenario.id, c.name, int(c.own), c.mentions, c.stories)
                     for c in counts if c.own or c.competitor]
        if progress:
            progress(done, len(scenarios))
    with store.transaction() as conn:
        conn.executemany("UPDATE scenarios SET label = ?, title = ?, kind = ?, kind_score = ?, kind_scores = ?, "
                         "terms = ?, praise = ?, complaint = ? WHERE run_id = ? AND id = ?", rows)
        conn.execute("DELETE FROM quotes WHERE run_id = ?", (run_id,))
        conn.execute("DELETE FROM mentions WHERE run_id = ?", (run_id,))
        conn.executemany("INSERT INTO quotes (run_id, scenario_id, rank, fragment_id, story_id, turn_idx, start, "
                         "[end], text, pinned) VALUES (?,?,?,?,?,?,?,?,?,?)", quotes)
        conn.executemany("INSERT INTO mentions (run_id, scenario_id, company, own, mentions, stories) "
                         "VALUES (?,?,?,?,?,?)", mentions)
        conn.execute("UPDATE runs SET described_at = ? WHERE id = ?", (now(), run_id))
    record_description(store, run_id, {"describe": ("describe", options.config),
                                       "kinds": ("kinds", parts.classifier.config),
                                       "companies": ("companies", parts.finder.config)})
    return DescribeReport(run_id, len(scenarios), time.perf_counter() - start, tuple(notes))


@dataclass(frozen=True)
class _Parts:
    """The describers, built once per describe."""

    classifier: Any
    finder: Any
    labels_exclude: Callable[[str], bool]

    @classmethod
    def cached(cls, embedder: Embedder, options: DescribeOptions) -> _Parts:
        """The parts for this embedder and these options, built once per process.

        The kind classifier fits on its seed phrases and the company finder keeps what it found
        per text, so describing again after a re-cluster (the web page's job, a notebook) reads
        each fragment's companies once. One set is kept: other options build anew.
        """
        key = f"{embedder.id}|{options!r}"  # every option, the alias lists and kind seeds included
        return _PARTS.get(key, lambda: cls.build(embedder, options))

    @classmethod
    def build(cls, embedder: Embedder, options: DescribeOptions) -> _Parts:
        from ..describers.companies import CompanyFinder
        from ..describers.kinds import KindClassifier
        from ..describers.labels import excluded_lemmas

        firms = options.companies
        own = {firms.own: list(firms.own_aliases)} if firms.own and firms.own_aliases else firms.own
        finder = CompanyFinder(aliases=firms.aliases, own=own, ner=firms.ner, domain=options.domain,
                               industries=firms.industries)
        classifier = KindClassifier(embedder if options.embedding_weight else None, options.kinds,
                                    domain=options.domain, cue_weight=options.cue_weight,
                                    embedding_weight=options.embedding_weight, regularisation=options.regularisation,
                                    companies=finder if options.named_competitors else None,
                                    company_kind=options.company_kind)
        return cls(classifier, finder, excluded_lemmas(finder))


_PARTS: Latest[str, _Parts] = Latest()


def _describe_one(scenario: _Scenario, terms: list[tuple[str, float]], parts: _Parts, options: DescribeOptions,
                  pins: Sequence[str], notes: list[str]) -> tuple[tuple[Any, ...], list[Member], list[Any]]:
    """The stored row (label .. complaint), the quotes and the company counts of one scenario."""
    from ..describers.labels import render_label, title_quote
    from ..describers.quotes import choose_quotes, tone_penalties
    from ..describers.tone import scenario_tone, tone_score

    members = scenario.members
    kind = parts.classifier.classify(members, scenario.centroid)
    present = {m.fragment_id for m in members}
    for fragment in pins:
        if fragment not in present:
            notes.append(f"Закреплённая цитата {fragment} больше не входит в сценарий {scenario.id} "
                         "(после перекластеризации она попала в другой сценарий или в шум); "
                         "закрепите другую цитату.")
    scores = [tone_score(m.tokens) for m in members]
    tone = scenario_tone(members, scores)
    chosen = choose_quotes(members, scenario.centroid, k=options.quotes, pinned=pins,
                           penalties=tone_penalties(members, scores))
    title = title_quote(members, scenario.centroid)
    counts = parts.finder.count(members, unsampled=scenario.unsampled, ner_limit=options.ner_limit)
    label = render_label(terms, members, finder=parts.finder)
    row = (label, title.text, kind.kind, kind.score, json.dumps(kind.scores),
           json.dumps(terms[:10], ensure_ascii=False), tone.praise, tone.complaint)
    return row, chosen, counts


# Decoded tokens by (fragment hash, lemmatiser): describing again after a re-cluster decodes none
# twice (1.3 of describe's 4 s at 10.5k fragments). About 9 KB a fragment, so 20,000 at most.
_TOKENS: Bounded[tuple[str, str], tuple[Token, ...]] = Bounded(20_000)


def load_scenarios(store: Store, run_id: int, *, sample: int | None = None,
                   keep: Collection[str] = ()) -> list[_Scenario]:
    """Every scenario of the run with its members (fragments of every story that holds them).

    With `sample`, a scenario of more members keeps an even sample of about that many (every
    k-th in fragment order, plus the fragments in `keep`, e.g. pinned quotes) with lemmas and
    vectors; the rest keep only `(story id, text)` for counting companies. Labels, kinds and
    quotes read the sample: measured on 30k generated banki.ru stories, reading all 47k members
    took 1 GB and most of the stage's time, and a label from 1,000 members is the same label.
    """
    lemmatiser = active(store, "lemmatiser")
    if not lemmatiser:
        raise ScenariosError("Нет лемм: сначала выполните scenarios lemmatise.")
    embedder = store.query("SELECT embedder FROM runs WHERE id = ?", (run_id,))[0]["embedder"]
    scenarios = {r["id"]: _Scenario(r["id"], np.frombuffer(r["centroid"], dtype=np.float32))
                 for r in store.query("SELECT id, centroid FROM scenarios WHERE run_id = ? ORDER BY id", (run_id,))}
    sizes = dict(store.conn.execute(
        "SELECT m.scenario_id, count(*) FROM memberships m JOIN fragments f ON f.hash = m.hash "
        "WHERE m.run_id = ? AND m.scenario_id IS NOT NULL GROUP BY m.scenario_id", (run_id,)).fetchall())
    stride = {sid: max(1, math.ceil(n / sample)) if sample else 1 for sid, n in sizes.items()}
    seen: dict[str, int] = defaultdict(int)
    rows = store.conn.execute(
        """SELECT m.scenario_id, f.id, f.story_id, f.turn_idx, f.start, f.[end], f.text, l.tokens, v.vector,
                  s.client, s.date, m.hash
           FROM memberships m
           JOIN fragments f ON f.hash = m.hash
           JOIN stories s ON s.id = f.story_id
           JOIN vectors v ON v.hash = m.hash AND v.embedder = ?
           LEFT JOIN lemmas l ON l.hash = m.hash AND l.lemmatiser = ?
           WHERE m.run_id = ? AND m.scenario_id IS NOT NULL
           ORDER BY m.scenario_id, f.id""",
        (embedder, lemmatiser, run_id),
    )
    missing = 0
    for sid, fid, story, turn, a, b, text, tokens, vector, client, date, digest in rows:
        if tokens is None:
            missing += 1
            continue
        scenario = scenarios[sid]
        seen[sid] += 1
        if (seen[sid] - 1) % stride[sid] and fid not in keep:
            scenario.unsampled.append((story, text))
            continue
        decoded = _TOKENS.get((digest, lemmatiser))
        if decoded is None:
            decoded = _TOKENS.remember((digest, lemmatiser), tuple(decode_tokens(tokens)))
        member = Member(fid, story, turn, a, b, text, decoded, np.frombuffer(vector, dtype=np.float32), client, date)
        scenario.members.append(member)
    if missing:
        raise ScenariosError(f"У {missing} фрагментов нет лемм: выполните scenarios lemmatise.")
    return [s for s in scenarios.values() if s.members]
