"""The engine contract, and the one function every worker runs: texts in, vectors out.

An embedder cannot be pickled (e5 holds a C handle), so workers get its `Recipe` (the registered
spec and parameters, as in the config file) and build it once per process. A worker whose build
yields another embedder id (another package version on that machine, say) refuses to compute:
its vectors would be filed under an id that did not make them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence

import numpy as np

from ..embedders import Embedder, Recipe, build
from ..errors import ScenariosError

Batch = tuple[Sequence[str], list[str]]
"""`(hashes, texts)`: what the driver hands an engine; hashes stay on the driver's side of the result."""


_built: dict[str, Embedder] = {}
_lock = threading.Lock()


def worker_embedder(recipe: Recipe, expected_id: str) -> Embedder:
    """The embedder for `recipe` in this process, built on first use; checked against the driver's id."""
    with _lock:
        embedder = _built.get(recipe.key)
        if embedder is None:
            embedder = _built[recipe.key] = build(recipe)
    if embedder.id != expected_id:
        raise ScenariosError(
            f"На узле {os.uname().nodename} эмбеддер собрался как {embedder.id}, а не {expected_id}: "
            "установите на всех узлах те же версии пакетов."
        )
    return embedder


def embed_on_worker(recipe: Recipe, expected_id: str, texts: list[str]) -> np.ndarray:
    """What a worker runs for one batch: the embedder's raw vectors (the driver checks them)."""
    return np.asarray(worker_embedder(recipe, expected_id).embed(texts), dtype=np.float32)


def available_cores() -> int:
    """Cores this process may run on (a container's or taskset's limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Engine:
    """Base of engines: run batches of texts through an embedder, yield vectors as they finish.

    Batches may finish out of order; each result carries its own hashes. At most `window` batches
    per worker are in flight, so memory stays bounded and a kill loses only those. Remote engines
    connect on first use, so a run with nothing to embed starts no cluster.

    Examples:
        >>> with engines.create("dask", workers=2) as engine:
        ...     report = embed(store, create_embedder("e5"), engine=engine)
    """

    name: str = "base"

    @property
    def workers(self) -> int:
        """Worker slots (processes, or threads of worker processes) this engine runs batches on."""
        return 1

    def map(self, embedder: Embedder, batches: Iterator[Batch]) -> Iterator[tuple[Sequence[str], np.ndarray]]:
        """Yield `(hashes, vectors)` for every batch, in any order."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers and connections this engine started or opened."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def recipe_of(embedder: Embedder) -> Recipe:
    """The embedder's recipe, or a clear error for one built by hand (it cannot travel)."""
    recipe = getattr(embedder, "recipe", None)
    if recipe is None:
        raise ScenariosError(
            f"Эмбеддер {embedder.id} создан не по имени, его нельзя передать на узлы кластера: "
            "создайте его через create_embedder или выберите engine = \"local\"."
        )
    return recipe
