"""The describe stage: a label, a kind, quotes and company mentions for every scenario of a run.

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
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..cluster import latest_run
from ..curate import curation
from ..embedders import Embedder
from ..errors import ScenariosError
from ..lemmatise.stage import decode_tokens
from ..stage import active
from ..store import Store, now
from ._base import Member

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DescribeOptions:
    """How many quotes, which kinds, which companies (`own` is the company itself)."""

    quotes: int = 5
    kinds: Mapping[str, Mapping[str, Any]] | None = None
    own: str | None = None
    own_aliases: tuple[str, ...] = ()
    aliases: Mapping[str, list[str]] | None = None
    ner: bool = True
    sample: int | None = 1000    # members read per scenario for label, kind and quotes; None = all
    ner_limit: int | None = 100  # members per scenario NER reads; the alias list reads every one


@dataclass(frozen=True)
class DescribeReport:
    """What the describe stage did."""

    run_id: int
    scenarios: int
    seconds: float


@dataclass
class _Scenario:
    id: str
    centroid: np.ndarray
    members: list[Member] = field(default_factory=list)  # the description sample
    core: list[Member] = field(default_factory=list)
    unsampled: list[tuple[str, str]] = field(default_factory=list)  # (story id, text) of the rest


def describe(store: Store, embedder: Embedder, *, options: DescribeOptions | None = None, run_id: int | None = None,
             progress: Progress | None = None) -> DescribeReport:
    """Describe every scenario of the run (default: the latest) and store the result."""
    from .companies import CompanyFinder
    from .kinds import KindClassifier
    from .labels import render_label, title_quote, top_terms
    from .quotes import choose_quotes

    options = options or DescribeOptions()
    start = time.perf_counter()
    run_id = run_id or latest_run(store)
    run_embedder = store.query("SELECT embedder FROM runs WHERE id = ?", (run_id,))[0]["embedder"]
    if run_embedder != embedder.id:
        raise ScenariosError(f"Прогон {run_id} построен на эмбеддере {run_embedder}, а выбран {embedder.id}: "
                             "укажите тот же эмбеддер (--embedder) или перекластеризуйте.")
    pins = {sid: c["pinned"] for sid, c in curation(store).items()}
    scenarios = load_scenarios(store, run_id, sample=options.sample,
                               keep={f for pinned in pins.values() for f in pinned})
    classifier = KindClassifier(embedder, options.kinds)
    own = {options.own: list(options.own_aliases)} if options.own and options.own_aliases else options.own
    finder = CompanyFinder(aliases=options.aliases, own=own, ner=options.ner)
    terms = top_terms({s.id: s.members for s in scenarios})
    rows, quotes, mentions = [], [], []
    for done, scenario in enumerate(scenarios, start=1):
        pool = scenario.core or scenario.members
        kind = classifier.classify(scenario.members, scenario.centroid)
        chosen = choose_quotes(pool, scenario.centroid, k=options.quotes, pinned=pins.get(scenario.id, ()))
        title = title_quote(pool, scenario.centroid)
        rows.append((render_label(terms.get(scenario.id, []), scenario.members), title.text, kind.kind, kind.score,
                     json.dumps(kind.scores), json.dumps(terms.get(scenario.id, [])[:10], ensure_ascii=False),
                     run_id, scenario.id))
        pinned = set(pins.get(scenario.id, ()))
        quotes += [(run_id, scenario.id, rank, m.fragment_id, m.story_id, m.turn, m.start, m.end, m.text,
                    int(m.fragment_id in pinned)) for rank, m in enumerate(chosen)]
        mentions += [(run_id, scenario.id, c.name, int(c.own), c.mentions, c.stories)
                     for c in finder.count(scenario.members, unsampled=scenario.unsampled,
                                           ner_limit=options.ner_limit)]
        if progress:
            progress(done, len(scenarios))
    with store.transaction() as conn:
        conn.executemany("UPDATE scenarios SET label = ?, title = ?, kind = ?, kind_score = ?, kind_scores = ?, "
                         "terms = ? WHERE run_id = ? AND id = ?", rows)
        conn.execute("DELETE FROM quotes WHERE run_id = ?", (run_id,))
        conn.execute("DELETE FROM mentions WHERE run_id = ?", (run_id,))
        conn.executemany("INSERT INTO quotes (run_id, scenario_id, rank, fragment_id, story_id, turn_idx, start, "
                         "[end], text, pinned) VALUES (?,?,?,?,?,?,?,?,?,?)", quotes)
        conn.executemany("INSERT INTO mentions (run_id, scenario_id, company, own, mentions, stories) "
                         "VALUES (?,?,?,?,?,?)", mentions)
        conn.execute("UPDATE runs SET described_at = ? WHERE id = ?", (now(), run_id))
    return DescribeReport(run_id, len(scenarios), time.perf_counter() - start)


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
        """SELECT m.scenario_id, m.pass, f.id, f.story_id, f.turn_idx, f.start, f.[end], f.text, l.tokens, v.vector,
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
    for sid, passed, fid, story, turn, a, b, text, tokens, vector, client, date in rows:
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
        if passed == "core":
            scenario.core.append(member)
    if missing:
        raise ScenariosError(f"У {missing} фрагментов нет лемм: выполните scenarios lemmatise.")
    return [s for s in scenarios.values() if s.members]
