"""`run`: every stage that is missing, in order: ingest -> lemmatise -> embed -> cluster -> describe.

Each stage is skipped when its output is already in the store, so `run` on an up-to-date store
does no work, and after adding stories it lemmatises and embeds only the new fragments, then
re-clusters (scenario ids, names and pins survive) and describes the new run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .cluster import ClusterOptions, cluster
from .clusterers import Clusterer, clusterers
from .config import Config
from .describe.stage import DescribeOptions, describe
from .embed import embed
from .embedders import create_embedder
from .engines import Engine, configured_engine
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
        progress: Callable[[str], Callable[[int, int], None] | None] | None = None,
        engine: Engine | None = None) -> PipelineReport:
    """Run every missing stage; `on_stage(name, report)` is called as each one finishes.

    `progress(stage)` may return a `(done, total)` callback for that stage's progress bar. The
    embed stage runs on `engine` (default: `[embed]` of the config), closed once embedding ends.
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
    with engine or configured_engine(config) as runner:
        finished("embed", embed(store, embedder, progress=bar("embed"), engine=runner))
    clusterer, options = cluster_setup(config)
    clustered = cluster(store, clusterer, options=options, embedder_id=embedder.id)
    if not clustered.reused:
        finished("cluster", clustered)
    if needs_description(store):
        finished("describe", describe(store, embedder, options=describe_options(config), progress=bar("describe")))
    return report


def cluster_setup(
    config: Config, clusterer: str | None = None, *, min_cluster_size: int | None = None,
    assign_threshold: float | None = None, pca_dims: int | None = None,
) -> tuple[Clusterer, ClusterOptions]:
    """Clusterer and run options from `[clusterer]` and `[cluster]`, overridden by CLI flags.

    `assign_threshold=0` keeps the clusterer's labels as they are; `pca_dims=0` keeps all dimensions.
    """
    name, params = config.component("clusterer", clusterer)
    if min_cluster_size is not None:
        params["min_cluster_size"] = min_cluster_size
    section = config.section("cluster")
    representation = Representation(**section.get("representation", {}))
    if pca_dims is not None:
        representation = replace(representation, pca_dims=pca_dims or None)
    threshold = section.get("assign_threshold", ClusterOptions.assign_threshold)
    if assign_threshold is not None:
        threshold = assign_threshold or None
    options = ClusterOptions(representation=representation, assign_threshold=threshold,
                             chatter=bool(section.get("chatter", ClusterOptions.chatter)))
    return clusterers.create(name, **params), options


def needs_description(store: Store) -> bool:
    """True when the latest run has not been described since it last changed."""
    row = store.conn.execute("SELECT described_at FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return row is not None and row[0] is None


def describe_options(config: Config) -> DescribeOptions:
    """Describe options from the config file's [describe], [kinds] and [companies] sections.

    Unknown keys are refused with the section named (`DescribeOptions.from_config`).
    """
    return DescribeOptions.from_config(config.sections)
