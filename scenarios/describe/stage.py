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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..cluster import latest_run
from ..curate import curation
from ..domains import DEFAULT_DOMAIN
from ..embedders import Embedder
from ..errors import ConfigError, ScenariosError
from ..lemmatise.stage import decode_tokens
from ..stage import active
from ..store import Store, now
from ._base import Member

Progress = Callable[[int, int], None]


#: Config keys per section that describe reads; any other key is a typo and refused.
_SECTION_KEYS: dict[str, frozenset[str]] = {
    "describe": frozenset({"quotes", "sample", "ner_limit", "domain", "cue_weight", "embedding_weight",
                           "named_competitors"}),
    "companies": frozenset({"own", "own_aliases", "aliases", "industries", "ner"}),
}


@dataclass(frozen=True)
class DescribeOptions:
    """How many quotes, which domain and kinds, which companies (`own` is the company itself).

    Built from config by :meth:`from_config`, which refuses unknown keys.
    """

    quotes: int = 5
    kinds: Mapping[str, Mapping[str, Any]] | None = None
    domain: str = DEFAULT_DOMAIN
    own: str | None = None
    own_aliases: tuple[str, ...] = ()
    aliases: Mapping[str, list[str]] | None = None   # extend the domain's list
    industries: Mapping[str, str] | None = None      # of the user's companies; default: the own industry
    ner: bool = True
    sample: int | None = 1000    # members read per scenario for label, kind and quotes; None = all
    ner_limit: int | None = 40   # members per scenario NER reads (~3 ms each); the alias list reads every one
    cue_weight: float = 1.0      # kind classifier: weight of lemma cues
    embedding_weight: float = 1.0  # kind classifier: weight of the seed regression
    named_competitors: bool = True  # a named competitor is a cue of the `competitors` kind

    @classmethod
    def from_config(cls, sections: Mapping[str, Mapping[str, Any]]) -> DescribeOptions:
        """Options from the `[describe]`, `[companies]` and `[kinds.*]` sections of a config file."""
        for name, allowed in _SECTION_KEYS.items():
            unknown = sorted(set(sections.get(name, {})) - allowed)
            if unknown:
                raise ConfigError(f"В секции [{name}] неизвестные ключи: {', '.join(unknown)}. "
                                  f"Допустимы: {', '.join(sorted(allowed))}.")
        from .kinds import load_kinds

        describe, companies = dict(sections.get("describe", {})), dict(sections.get("companies", {}))
        load_kinds(sections.get("kinds"), str(describe.get("domain", cls.domain)))  # refuse bad kinds before any work
        try:
            return cls(
                quotes=int(describe.get("quotes", cls.quotes)),
                sample=int(describe.get("sample", cls.sample) or 0) or None,
                ner_limit=describe.get("ner_limit", cls.ner_limit),
                domain=str(describe.get("domain", cls.domain)),
                cue_weight=float(describe.get("cue_weight", cls.cue_weight)),
                embedding_weight=float(describe.get("embedding_weight", cls.embedding_weight)),
                named_competitors=bool(describe.get("named_competitors", cls.named_competitors)),
                kinds=sections.get("kinds"),
                own=companies.get("own"),
                own_aliases=tuple(companies.get("own_aliases", ())),
                aliases=companies.get("aliases"),
                industries=companies.get("industries"),
                ner=bool(companies.get("ner", cls.ner)),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"Неверное значение в секции [describe] или [companies]: {exc}") from None


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
    from .labels import top_terms

    options = options or DescribeOptions()
    start = time.perf_counter()
    run_id = run_id or latest_run(store)
    run_embedder = store.query("SELECT embedder FROM runs WHERE id = ?", (run_id,))[0]["embedder"]
    if run_embedder != embedder.id:
        raise ScenariosError(f"Прогон {run_id} построен на эмбеддере {run_embedder}, а выбран {embedder.id}: "
                             "укажите тот же эмбеддер (--embedder) или перекластеризуйте.")
    pins = {sid: c["pinned"] for sid, c in curation(store).items() if c["pinned"]}
    scenarios = load_scenarios(store, run_id, sample=options.sample,
                               keep={f for pinned in pins.values() for f in pinned})
    parts = _Parts.build(embedder, options)
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
    return DescribeReport(run_id, len(scenarios), time.perf_counter() - start, tuple(notes))


@dataclass(frozen=True)
class _Parts:
    """The describers, built once per describe."""

    classifier: Any
    finder: Any
    labels_exclude: Callable[[str], bool]

    @classmethod
    def build(cls, embedder: Embedder, options: DescribeOptions) -> _Parts:
        from .companies import CompanyFinder
        from .kinds import KindClassifier
        from .labels import excluded_lemmas

        own = {options.own: list(options.own_aliases)} if options.own and options.own_aliases else options.own
        finder = CompanyFinder(aliases=options.aliases, own=own, ner=options.ner, domain=options.domain,
                               industries=options.industries)
        classifier = KindClassifier(embedder if options.embedding_weight else None, options.kinds,
                                    domain=options.domain, cue_weight=options.cue_weight,
                                    embedding_weight=options.embedding_weight,
                                    companies=finder if options.named_competitors else None)
        return cls(classifier, finder, excluded_lemmas(finder))


def _describe_one(scenario: _Scenario, terms: list[tuple[str, float]], parts: _Parts, options: DescribeOptions,
                  pins: Sequence[str], notes: list[str]) -> tuple[tuple[Any, ...], list[Member], list[Any]]:
    """The stored row (label .. complaint), the quotes and the company counts of one scenario."""
    from .labels import render_label, title_quote
    from .quotes import choose_quotes, tone_penalties
    from .tone import scenario_tone, tone_score

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
                  s.client, s.date
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
    for sid, fid, story, turn, a, b, text, tokens, vector, client, date in rows:
        if tokens is None:
            missing += 1
            continue
        scenario = scenarios[sid]
        seen[sid] += 1
        if (seen[sid] - 1) % stride[sid] and fid not in keep:
            scenario.unsampled.append((story, text))
            continue
        member = Member(fid, story, turn, a, b, text, tuple(decode_tokens(tokens)),
                        np.frombuffer(vector, dtype=np.float32), client, date)
        scenario.members.append(member)
    if missing:
        raise ScenariosError(f"У {missing} фрагментов нет лемм: выполните scenarios lemmatise.")
    return [s for s in scenarios.values() if s.members]
