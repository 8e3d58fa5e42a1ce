"""The app's one pipeline: the paste form's fast stages and the background job share its models.

The config is checked when the app is made (`build_pipeline`: a typo fails `scenarios serve` at
once, not the first paste); models are built on first use, once per app.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..embedders import Embedder
from ..errors import ScenariosError
from ..lemmatisers import Lemmatiser
from ..pipeline import Pipeline, build_pipeline
from ..stages.assign import AssignReport, assign
from ..stages.cluster import latest_run
from ..stages.embed import embed
from ..stages.lemmatise import lemmatise
from ..store import Store


@dataclass(frozen=True)
class FastReport:
    """What the fast stages did for a paste: fragments lemmatised and embedded, and the assignment."""

    lemmatised: int
    embedded: int
    assigned: AssignReport | None


class Components:
    """The configured pipeline, its models loaded lazily (a model takes seconds) and shared.

    Requests run the fast stages one at a time under a lock, so a model is never used by two
    threads at once and two pastes never assign the same new fragment twice. The background
    job gets the same models through :meth:`shared_pipeline`, whose lemmatiser and embedder
    take the same lock per call, so a paste waits at most one batch for the job.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.RLock()
        self._pipeline: Pipeline | None = None
        self._with_store = False  # chosen with a store: what last ran on it carries
        build_pipeline(config)  # refuse a bad config now; the store decides the rest on first use
        _MADE[id(config)] = self

    @classmethod
    def for_config(cls, config: Config) -> Components:
        """The components already made for this config object (the app's), else new ones.

        So the background job, made beside the page's components from the same config, shares
        their models instead of loading a second copy.
        """
        return _MADE.get(id(config)) or cls(config)

    def pipeline(self, store: Store | None = None) -> Pipeline:
        """The app's pipeline, chosen on first use with `store` (what last ran on it carries)."""
        with self._lock:
            stale = (self._pipeline is not None and not self._pipeline.built and store is not None
                     and not self._with_store)
            if self._pipeline is None or stale:  # nothing loaded yet: let the store's state choose
                self._pipeline = build_pipeline(self.config, store)
                self._with_store = store is not None
            return self._pipeline

    def shared_pipeline(self, store: Store) -> Pipeline:
        """The app's pipeline for another thread: the same models, each call under the app's lock."""
        return self.pipeline(store).sharing(
            lemmatiser=_Serialised(self._get_lemmatiser(store), "lemmatise", self._lock),
            embedder=_Serialised(self._get_embedder(store), "embed", self._lock))

    def fast_stages(self, store: Store) -> FastReport:
        """Lemmatise and embed what is new, then assign it to the latest run's scenarios.

        No re-clustering: fragments that fit no scenario wait for the next run. `assigned` is
        None when there are no scenarios yet.
        """
        with self._lock:
            lemmas = lemmatise(store, self._get_lemmatiser(store))
            vectors = embed(store, self._get_embedder(store))
            try:
                latest_run(store)
            except ScenariosError:
                return FastReport(lemmas.done, vectors.done, None)
            return FastReport(lemmas.done, vectors.done, assign(store))

    def lemmatiser(self, store: Store | None = None) -> Lemmatiser:
        """The configured lemmatiser (for lemma search), built on first use."""
        with self._lock:
            return self._get_lemmatiser(store)

    def _get_lemmatiser(self, store: Store | None) -> Lemmatiser:
        return self.pipeline(store).lemmatiser

    def _get_embedder(self, store: Store | None) -> Embedder:
        return self.pipeline(store).embedder


#: Components by the id of the config they were made from; weak, so an app that ends frees them
#: (a live entry keeps its config alive, so the id cannot be reused meanwhile).
_MADE: weakref.WeakValueDictionary[int, Components] = weakref.WeakValueDictionary()


class _Serialised:
    """A component whose working method (`embed`, `lemmatise`) runs under `lock`; all else passes through."""

    def __init__(self, component: Any, method: str, lock: threading.RLock) -> None:
        self._component, self._method, self._lock = component, method, lock

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._component, name)
        if name != self._method:
            return attribute

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)
        return locked
