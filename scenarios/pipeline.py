"""`run`: every stage that is missing, in order: ingest -> lemmatise -> embed -> cluster -> describe.

Each stage is skipped when its output is already in the store, so `run` on an up-to-date store
does no work, and after adding stories it lemmatises and embeds only the new fragments, then
re-clusters (scenario ids, names and pins survive) and describes the new run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cluster import ClusterOptions, cluster
from .clusterers import clusterers
from .config import Config
from .describe.stage import DescribeOptions, describe
from .embed import embed
from .embedders import create_embedder
from .ingest import IngestOptions, add_paths
from .lemmatise import lemmatisers
from .lemmatise.stage import lemmatise
from .represent import Representation
from .store import Store

StageCallback = Callable[[str, Any], None]


@dataclass
class PipelineReport:
    """The report of every stage that ran, by stage name; skipped stages are absent."""

    stages: dict[str, Any] = field(default_factory=dict)


def run(store: Store, config: Config, paths: Iterable[str | Path] = (), *,
        ingest: IngestOptions | None = None, on_stage: StageCallback | None = None,
        progress: Callable[[str], Callable[[int, int], None] | None] | None = None) -> PipelineReport:
    """Run every missing stage; `on_stage(name, report)` is called as each one finishes.

    `progress(stage)` may return a `(done, total)` callback for that stage's progress bar.
    """
    report = PipelineReport()

    def finished(name: str, result: Any) -> None:
        report.stages[name] = result
        if on_stage:
            on_stage(name, result)

    def bar(name: str) -> Callable[[int, int], None] | None:
        return progress(name) if progress else None

    paths = list(paths)
    if paths:
        finished("ingest", add_paths(store, paths, options=ingest))
    name, params = config.component("lemmatiser")
    finished("lemmatise", lemmatise(store, lemmatisers.create(name, **params), progress=bar("lemmatise")))
    name, params = config.component("embedder")
    embedder = create_embedder(name, **params)
    finished("embed", embed(store, embedder, progress=bar("embed")))
    if needs_clustering(store, embedder.id):
        name, params = config.component("clusterer")
        section = config.section("cluster")
        options = ClusterOptions(representation=Representation(**section.get("representation", {})),
                                 assign_threshold=section.get("assign_threshold", ClusterOptions.assign_threshold))
        finished("cluster", cluster(store, clusterers.create(name, **params), options=options, embedder_id=embedder.id))
    if needs_description(store):
        finished("describe", describe(store, embedder, options=describe_options(config), progress=bar("describe")))
    return report


def needs_clustering(store: Store, embedder_id: str) -> bool:
    """True when there is no run on this embedder's vectors, or fragments changed since the last."""
    latest = store.query("SELECT id, embedder FROM runs ORDER BY id DESC LIMIT 1")
    if not latest or latest[0]["embedder"] != embedder_id:
        return True
    changed = store.conn.execute(
        """SELECT EXISTS (SELECT 1 FROM vectors v WHERE v.embedder = ?
                          AND v.hash IN (SELECT hash FROM fragments)
                          AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.run_id = ? AND m.hash = v.hash))""",
        (embedder_id, latest[0]["id"]),
    ).fetchone()[0]
    return bool(changed)


def needs_description(store: Store) -> bool:
    """True when the latest run has not been described since it last changed."""
    row = store.conn.execute("SELECT described_at FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return row is not None and row[0] is None


def describe_options(config: Config) -> DescribeOptions:
    """Describe options from the config file's [describe], [kinds] and [companies] sections."""
    section = config.section("describe")
    companies = config.section("companies")
    return DescribeOptions(
        quotes=int(section.get("quotes", DescribeOptions.quotes)),
        kinds=config.sections.get("kinds"),
        own=companies.get("own"),
        own_aliases=tuple(companies.get("own_aliases", ())),
        aliases=companies.get("aliases"),
        ner=bool(companies.get("ner", True)),
    )
