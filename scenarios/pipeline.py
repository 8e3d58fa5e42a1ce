"""One pipeline from one config: `build_pipeline` checks every section, `run` runs what is missing.

`build_pipeline(config, store, **overrides)` validates the whole config at once (component
parameters against their factories' signatures, `[cluster]`, `[describe]`, `[companies]`,
`[kinds]` and `[embed]` against their options dataclasses), so a typo is refused before any model
loads, and returns a :class:`Pipeline` whose components are built on first use. The CLI commands,
the web page and its background job all build their components here.

State carries from stage to stage: a family the command line and the config file leave unnamed
takes the component that last ran on the store (`active.<family>` in `meta`), so after
`scenarios embed --embedder navec`, `cluster`, `describe` and `assign` follow navec; `describe`
uses the embedder the run was built on.

`run`: every stage that is missing, in order: ingest -> lemmatise -> embed -> cluster -> describe.
Each stage is skipped when its output is already in the store, so `run` on an up-to-date store
does no work, and after adding stories it lemmatises and embeds only the new fragments, then
re-clusters (scenario ids, names and pins survive) and describes the new run.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .clusterers import Clusterer, clusterers
from .config import COMPONENT_SECTIONS, Config
from .embedders import Embedder, create_embedder, embedders
from .engines import Engine, LocalEngine, engine_choice, engines
from .errors import ConfigError
from .lemmatisers import Lemmatiser, lemmatisers
from .options import from_section
from .registry import Registry
from .stages._base import active_recipe, recipe_of, register_component
from .stages.cluster import ClusterOptions, RunReport, cluster
from .stages.describe import DescribeOptions, describe
from .stages.embed import embed
from .stages.ingest import IngestOptions, add_paths
from .stages.lemmatise import lemmatise
from .store import Store

StageCallback = Callable[[str, Any], None]

#: The stages in order, and what each does in words a manager reads (CLI `run`, the web page).
STAGES = ("ingest", "lemmatise", "embed", "cluster", "describe")
STAGE_NAMES = {"ingest": "Загрузка", "lemmatise": "Разбор слов", "embed": "Смысл фрагментов",
               "cluster": "Поиск сценариев", "describe": "Названия и цитаты"}


@dataclass(frozen=True)
class Choice:
    """One component as chosen: its registered name (or `st:<model>` spec) and checked parameters.

    `source` says who chose it: `flag` (command line), `config`, `store` (what last ran) or `default`.
    """

    family: str
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    source: str = "default"

    @property
    def recipe(self) -> tuple[str, dict[str, Any]]:
        return self.name, dict(self.params)


@dataclass(frozen=True)
class EngineChoice:
    """Where the embed stage's batches run: `local`, `dask` or `ray`, with checked parameters."""

    name: str = "local"
    params: dict[str, Any] = field(default_factory=dict)


class Pipeline:
    """The configured components of every stage, validated already and built on first use.

    Building is lazy and thread-safe (a model takes seconds, and a web page shares one pipeline
    between requests and its background job); each component is built once.
    """

    def __init__(self, config: Config, choices: dict[str, Choice], cluster_options: ClusterOptions,
                 describe_options: DescribeOptions, engine: EngineChoice) -> None:
        self.config = config
        self.choices = choices
        self.cluster_options = cluster_options
        self.describe_options = describe_options
        self.engine_choice = engine
        self._built: dict[str, Any] = {}
        self._lock = threading.RLock()

    @property
    def lemmatiser(self) -> Lemmatiser:
        """The lemmatiser, built on first use."""
        return self._component("lemmatiser")

    @property
    def embedder(self) -> Embedder:
        """The embedder, built on first use (with the recipe a cluster's workers rebuild it from)."""
        return self._component("embedder")

    @property
    def clusterer(self) -> Clusterer:
        """The clusterer, built on first use."""
        return self._component("clusterer")

    def sharing(self, **built: Any) -> Pipeline:
        """The same choices and options with these components already built (e.g. `embedder=`)."""
        copy = Pipeline(self.config, self.choices, self.cluster_options, self.describe_options, self.engine_choice)
        copy._built.update(built)
        return copy

    @property
    def built(self) -> bool:
        """Whether any component has been built (loaded) yet."""
        return bool(self._built)

    def engine(self) -> Engine:
        """A new engine for one embed stage (its owner closes it: `with pipeline.engine() as e:`)."""
        if self.engine_choice.name == "local":
            return LocalEngine()
        return engines.build(self.engine_choice.name, self.engine_choice.params, section="embed")

    def embedder_for_run(self, store: Store, run_id: int | None = None) -> Embedder:
        """The embedder run `run_id` (default: the latest) was built on, which describe must use.

        An embedder named on the command line is used as given (describe then refuses a
        mismatch); otherwise the run's own, rebuilt from its stored recipe.
        """
        choice = self.choices["embedder"]
        row = store.conn.execute("SELECT embedder FROM runs WHERE id = coalesce(?, (SELECT max(id) FROM runs))",
                                 (run_id,)).fetchone()
        if choice.source == "flag" or row is None:
            return self.embedder
        with self._lock:
            built = self._built.get("embedder")
            if built is not None and built.id == row[0]:
                return built
            recipe = recipe_of(store, row[0])
            if recipe is None or recipe == choice.recipe:
                return self.embedder
            key = f"embedder:{row[0]}"
            if key not in self._built:
                self._built[key] = _build("embedder", *recipe)
            return self._built[key]

    def cluster(self, store: Store, *, force: bool = False) -> RunReport:
        """Cluster the active embedder's vectors with this pipeline's clusterer and run options.

        The clusterer's recipe becomes the store's `active.clusterer`, so a later `run` that
        names none re-clusters the same way.
        """
        clusterer = self.clusterer
        report = cluster(store, clusterer, options=self.cluster_options, force=force,
                         embedder_id=self._built["embedder"].id if "embedder" in self._built else None)
        name, params = self.choices["clusterer"].recipe
        text = json.dumps([name, params], sort_keys=True, default=str)
        register_component(store, "clusterer", name, f"{name}:{hashlib.sha1(text.encode()).hexdigest()[:12]}",
                           clusterer.config, recipe=(name, params))
        return report

    def _component(self, family: str) -> Any:
        with self._lock:
            if family not in self._built:
                choice = self.choices[family]
                self._built[family] = _build(family, choice.name, choice.params)
            return self._built[family]


REGISTRIES: dict[str, Registry[Any]] = {"lemmatiser": lemmatisers, "embedder": embedders, "clusterer": clusterers}


def _build(family: str, name: str, params: dict[str, Any]) -> Any:
    """Build one component; the recipe is kept on it, so its stage records how to build it again."""
    if family == "embedder":
        return create_embedder(name, **params)
    component = REGISTRIES[family].build(name, params, section=family)
    try:
        component.recipe = (name, dict(params))
    except AttributeError:  # a component with __slots__: it just cannot be rebuilt from the store
        pass
    return component


def build_pipeline(
    config: Config, store: Store | None = None, *, lemmatiser: str | None = None, embedder: str | None = None,
    clusterer: str | None = None, min_cluster_size: int | None = None, assign_threshold: float | None = None,
    pca_dims: int | None = None, engine: str | None = None, address: str | None = None,
    workers: int | None = None,
) -> Pipeline:
    """Every section of `config` checked, with command-line overrides over it; nothing built yet.

    `assign_threshold=0` keeps the clusterer's labels as they are; `pca_dims=0` keeps all
    dimensions. With a `store`, a family neither overridden nor named in the config takes the
    component that last ran on it.
    """
    flags = {"lemmatiser": lemmatiser, "embedder": embedder, "clusterer": clusterer}
    choices = {family: _choose(config, family, flags[family], store) for family in COMPONENT_SECTIONS}
    if min_cluster_size is not None:
        clusterer_choice = choices["clusterer"]
        choices["clusterer"] = replace(clusterer_choice, params=_checked(
            "clusterer", clusterer_choice.name, {**clusterer_choice.params, "min_cluster_size": min_cluster_size}))
    options = from_section(ClusterOptions, "cluster", config.sections.get("cluster"))
    if pca_dims is not None:
        options = replace(options, representation=replace(options.representation, pca_dims=pca_dims or None))
    if assign_threshold is not None:
        options = replace(options, assign_threshold=assign_threshold or None)
    describe_options = DescribeOptions.from_config(config.sections)
    engine_name, engine_params = engine_choice(config, engine, address=address, workers=workers)
    return Pipeline(config, choices, options, describe_options, EngineChoice(engine_name, engine_params))


def _choose(config: Config, family: str, flag: str | None, store: Store | None) -> Choice:
    """The component of `family`: the flag, else the config file, else what last ran, else the default."""
    if flag:
        name, params = config.component(family, flag)
        source = "flag"
    elif config.sections.get(family):  # a section with parameters only is about the default component
        name, params = config.component(family)
        source = "config"
    elif store is not None and (carried := _carried(store, family)) is not None:
        return carried
    else:
        name, params = config.component(family)
        source = "default"
    return Choice(family, name, _checked(family, name, params), source)


def _carried(store: Store, family: str) -> Choice | None:
    """What last ran on the store, if it can still be built (a renamed parameter: the default instead)."""
    recipe = active_recipe(store, family)
    if recipe is None or not _known(family, recipe[0]):
        return None
    try:
        return Choice(family, recipe[0], _checked(family, *recipe), "store")
    except ConfigError:
        return None


def _known(family: str, name: str) -> bool:
    """Whether a stored name can be built again (a bare `st` lost its model: stores before recipes)."""
    registry = REGISTRIES[family]
    registered, _ = registry.spec(name, {})
    return registered in registry.names() and not (registered == name and registry.argument(name))


def _checked(family: str, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters checked against the factory; `st:<model>` takes its model from the spec, not params."""
    registry = REGISTRIES[family]
    registered, full = registry.spec(name, params)
    argument = registry.argument(registered) if registered != name else None
    if argument is None:
        return registry.check(name, params, family)
    if argument in params:
        raise ConfigError(f"Для компонента {registered} параметр «{argument}» задаётся в имени: "
                          f"name = \"{registered}:…\".")
    checked = registry.check(registered, full, family)
    checked.pop(argument)
    return checked


@dataclass
class PipelineReport:
    """The report of every stage that ran, by stage name; skipped stages are absent."""

    stages: dict[str, Any] = field(default_factory=dict)


def run(store: Store, config: Config | Pipeline, paths: Iterable[str | Path] = (), *,
        ingest: IngestOptions | None = None, on_stage: StageCallback | None = None,
        progress: Callable[[str], Callable[[int, int], None] | None] | None = None,
        engine: Engine | None = None, recluster: bool = False) -> PipelineReport:
    """Run every missing stage; `on_stage(name, report)` is called as each one finishes.

    `config` is a config (a pipeline is built from it and the store) or a pipeline already
    built. `progress(stage)` may return a `(done, total)` callback for that stage's progress
    bar. The embed stage runs on `engine` (default: the pipeline's), closed once embedding ends.
    `recluster` clusters again even when nothing changed (a person asked for it).
    """
    pipeline = config if isinstance(config, Pipeline) else build_pipeline(config, store)
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
    finished("lemmatise", lemmatise(store, pipeline.lemmatiser, progress=bar("lemmatise")))
    embedder = pipeline.embedder
    with engine or pipeline.engine() as runner:
        finished("embed", embed(store, embedder, progress=bar("embed"), engine=runner))
    clustered = pipeline.cluster(store, force=recluster)
    if not clustered.reused:
        finished("cluster", clustered)
    if needs_description(store):
        finished("describe", describe(store, embedder, options=pipeline.describe_options, progress=bar("describe")))
    return report


def cluster_setup(
    config: Config, clusterer: str | None = None, *, min_cluster_size: int | None = None,
    assign_threshold: float | None = None, pca_dims: int | None = None,
) -> tuple[Clusterer, ClusterOptions]:
    """Clusterer and run options from `[clusterer]` and `[cluster]` (see :func:`build_pipeline`)."""
    pipeline = build_pipeline(config, clusterer=clusterer, min_cluster_size=min_cluster_size,
                              assign_threshold=assign_threshold, pca_dims=pca_dims)
    return pipeline.clusterer, pipeline.cluster_options


def needs_description(store: Store) -> bool:
    """True when the latest run has not been described since it last changed."""
    row = store.conn.execute("SELECT described_at FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return row is not None and row[0] is None


def describe_options(config: Config) -> DescribeOptions:
    """Describe options from the config file's [describe], [kinds] and [companies] sections (checked)."""
    return DescribeOptions.from_config(config.sections)
