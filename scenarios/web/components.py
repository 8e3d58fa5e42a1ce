"""The lemmatiser and embedder the paste form uses, built once per app on first use."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..assign import AssignReport, assign
from ..cluster import latest_run
from ..config import Config
from ..embed import embed
from ..embedders import Embedder, create_embedder
from ..errors import ScenariosError
from ..lemmatise import Lemmatiser, lemmatisers
from ..lemmatise.stage import lemmatise
from ..store import Store


@dataclass(frozen=True)
class FastReport:
    """What the fast stages did for a paste: fragments lemmatised and embedded, and the assignment."""

    lemmatised: int
    embedded: int
    assigned: AssignReport | None


class Components:
    """Configured components, loaded lazily (a model takes seconds) and shared by requests.

    Requests run the fast stages one at a time under a lock, so a model is never used by two
    threads at once and two pastes never assign the same new fragment twice.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._lemmatiser: Lemmatiser | None = None
        self._embedder: Embedder | None = None

    def fast_stages(self, store: Store) -> FastReport:
        """Lemmatise and embed what is new, then assign it to the latest run's scenarios.

        No re-clustering: fragments that fit no scenario wait for the next run. `assigned` is
        None when there are no scenarios yet.
        """
        with self._lock:
            lemmas = lemmatise(store, self._get_lemmatiser())
            vectors = embed(store, self._get_embedder())
            try:
                latest_run(store)
            except ScenariosError:
                return FastReport(lemmas.done, vectors.done, None)
            return FastReport(lemmas.done, vectors.done, assign(store))

    def lemmatiser(self) -> Lemmatiser:
        """The configured lemmatiser (for lemma search), built on first use."""
        with self._lock:
            return self._get_lemmatiser()

    def _get_lemmatiser(self) -> Lemmatiser:
        if self._lemmatiser is None:
            name, params = self.config.component("lemmatiser")
            self._lemmatiser = lemmatisers.create(name, **params)
        return self._lemmatiser

    def _get_embedder(self) -> Embedder:
        if self._embedder is None:
            name, params = self.config.component("embedder")
            self._embedder = create_embedder(name, **params)
        return self._embedder
