"""Ray: one actor per CPU holds a built embedder; batches go to whichever actor is free.

Without `address` Ray starts on this machine with `workers` CPUs and stops with the engine. Ray
gives each one-CPU actor `OMP_NUM_THREADS=1`. With `address` (`ray://host:10001` or `auto`),
one actor per CPU of the cluster is placed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import MissingDependency, ScenariosError
from ._base import Batch, Engine, Recipe, available_cores, recipe_of, worker_embedder

if TYPE_CHECKING:
    from ..embedders import Embedder


class _Worker:
    """A Ray actor: builds the embedder once, then embeds batch after batch."""

    def __init__(self, recipe: Recipe, expected_id: str) -> None:
        self._embedder = worker_embedder(recipe, expected_id)

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._embedder.embed(texts), dtype=np.float32)


class RayEngine(Engine):
    """Actors on a Ray cluster; `window` batches queued per actor."""

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None, window: int = 2) -> None:
        try:
            import ray  # noqa: F401
        except ImportError:
            raise MissingDependency("Для engine = \"ray\" нужен пакет ray: pip install 'scenarios[ray]'") from None
        self.address = address
        self.requested = workers
        self.window = window
        self._started = False

    def _connect(self) -> Any:
        import ray

        if not ray.is_initialized():
            try:
                if self.address:
                    ray.init(address=self.address, logging_level="ERROR", log_to_driver=False)
                else:
                    ray.init(num_cpus=self.requested or available_cores(), include_dashboard=False,
                             logging_level="ERROR", log_to_driver=False)
            except ConnectionError as exc:
                raise ScenariosError(f"Не удалось подключиться к кластеру Ray {self.address}: {exc}") from None
            self._started = True
        return ray

    @property
    def workers(self) -> int:
        return int(self._connect().cluster_resources().get("CPU", 1))

    def map(self, embedder: Embedder, batches: Iterator[Batch]) -> Iterator[tuple[Sequence[str], np.ndarray]]:
        ray = self._connect()
        recipe = recipe_of(embedder)
        actor = ray.remote(num_cpus=1)(_Worker)
        free = [actor.remote(recipe, embedder.id) for _ in range(self.workers)] * self.window
        running: dict[Any, tuple[Any, Sequence[str]]] = {}
        while True:
            while free and (batch := next(batches, None)) is not None:
                worker = free.pop()
                running[worker.embed.remote(batch[1])] = (worker, batch[0])
            if not running:
                return
            (done,), _ = ray.wait(list(running), num_returns=1)
            worker, hashes = running.pop(done)
            free.append(worker)
            yield hashes, ray.get(done)

    def close(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False
