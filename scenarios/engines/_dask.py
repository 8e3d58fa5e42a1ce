"""Dask distributed: batches as tasks on a scheduler's workers, or on a local cluster.

Without `address` a `LocalCluster` of `workers` single-threaded processes is started and shut
down with the engine; Dask's nanny gives each worker `OMP_NUM_THREADS=1`, so e5 runs one thread
per process and the processes share the cores without oversubscription. With `address`, the
workers are whatever the scheduler has: start them as `dask worker tcp://host:8786 --nthreads 1
--nworkers N` on machines with `scenarios` installed (docs/scaling.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import MissingDependency, ScenariosError
from ._base import Batch, Engine, available_cores, embed_on_worker, recipe_of

if TYPE_CHECKING:
    from ..embedders import Embedder


class DaskEngine(Engine):
    """Tasks on a Dask cluster; `window` batches per worker slot in flight."""

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None, window: int = 2,
                 timeout: float = 30) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise MissingDependency(
                "Для engine = \"dask\" нужен пакет distributed: pip install 'scenarios[dask]'"
            ) from None
        self.address = address
        self.requested = workers
        self.window = window
        self.timeout = timeout
        self._client: Any = None
        self._cluster: Any = None

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        from distributed import Client, LocalCluster

        if self.address:
            try:
                self._client = Client(self.address, timeout=f"{self.timeout}s")
            except (OSError, TimeoutError) as exc:
                raise ScenariosError(f"Не удалось подключиться к планировщику Dask {self.address}: {exc}") from None
        else:
            self._cluster = LocalCluster(n_workers=self.requested or available_cores(), threads_per_worker=1,
                                         processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        if not self._client.nthreads():
            self._client.wait_for_workers(1, timeout=60)
        return self._client

    @property
    def workers(self) -> int:
        return sum(self._connect().nthreads().values())

    def map(self, embedder: Embedder, batches: Iterator[Batch]) -> Iterator[tuple[Sequence[str], np.ndarray]]:
        from distributed import as_completed

        recipe = recipe_of(embedder)
        client = self._connect()
        hashes_of: dict[str, Sequence[str]] = {}
        running = as_completed()

        def submit() -> bool:
            batch = next(batches, None)
            if batch is None:
                return False
            hashes, texts = batch
            future = client.submit(embed_on_worker, recipe, embedder.id, texts, pure=False)
            hashes_of[future.key] = hashes
            running.add(future)
            return True

        for _ in range(self.window * self.workers):
            if not submit():
                break
        for future in running:
            vectors = future.result()
            hashes = hashes_of.pop(future.key)
            future.release()
            submit()
            yield hashes, vectors

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None
