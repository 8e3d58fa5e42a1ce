"""The embed stage: one vector per distinct fragment text, stored as a float32 blob.

Vectors are keyed by fragment hash and embedder id, so identical fragments are embedded once,
re-runs embed only what is missing, and vectors of different models never mix. Batches are
length-sorted (similar lengths together keep the engine's threads evenly busy) and each batch is
committed on its own: a kill loses at most the batches in flight.

Where batches are computed is the engine's business (`scenarios.engines`: this process, or the
workers of a Dask or Ray cluster); this process alone reads and writes the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np

from ..embedders import Embedder, checked
from ..engines import Engine, LocalEngine
from ..engines._base import Batch
from ..store import Store
from ._base import StageReport, batches, done_count, pending, register_component, texts_of

Progress = Callable[[int, int], None]


def embed(store: Store, embedder: Embedder, *, batch_size: int = 64, progress: Progress | None = None,
          engine: Engine | None = None) -> StageReport:
    """Embed every fragment that has no vector from `embedder` yet, on `engine` (default: here).

    `progress(done, total)` is called after each committed batch. The engine is not closed here:
    its owner (`with engine:`) decides how long a cluster lives.
    """
    recipe = (embedder.recipe.spec, embedder.recipe.params) if embedder.recipe is not None else None
    register_component(store, "embedder", embedder.name, embedder.id, embedder.config, recipe=recipe)
    todo = pending(store, "vectors", "embedder", embedder.id)
    already = done_count(store, "vectors", "embedder", embedder.id)
    start = time.perf_counter()
    done = 0
    if progress:
        progress(0, len(todo))
    if not todo:
        return StageReport(embedder.id, 0, already, time.perf_counter() - start)

    def work() -> Iterator[Batch]:
        for chunk in batches(todo, batch_size):
            yield chunk, texts_of(store, chunk)

    for chunk, raw in (engine or LocalEngine()).map(embedder, work()):
        vectors = checked(raw, len(chunk), embedder.dim, embedder.id)
        with store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (hash, embedder, dim, vector) VALUES (?,?,?,?)",
                [(h, embedder.id, embedder.dim, v.tobytes()) for h, v in zip(chunk, vectors, strict=True)],
            )
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    return StageReport(embedder.id, done, already, time.perf_counter() - start)


def iter_vectors(store: Store, embedder_id: str, *, batch_size: int = 10_000) -> Iterator[tuple[list[str], np.ndarray]]:
    """Stored vectors of one embedder in hash order, streamed in batches `(hashes, matrix)`."""
    cursor = store.conn.execute(
        "SELECT hash, dim, vector FROM vectors WHERE embedder = ? ORDER BY hash", (embedder_id,)
    )
    while rows := cursor.fetchmany(batch_size):
        dim = rows[0][1]
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), dim)
        yield [r[0] for r in rows], matrix


def load_vectors(store: Store, embedder_id: str) -> tuple[list[str], np.ndarray]:
    """All vectors of one embedder: `(hashes, matrix)` in hash order, filled in place (one copy)."""
    n = done_count(store, "vectors", "embedder", embedder_id)
    hashes: list[str] = []
    matrix: np.ndarray | None = None
    for chunk_hashes, chunk in iter_vectors(store, embedder_id):
        if matrix is None:
            matrix = np.empty((n, chunk.shape[1]), dtype=np.float32)
        matrix[len(hashes):len(hashes) + len(chunk)] = chunk
        hashes.extend(chunk_hashes)
    return hashes, matrix if matrix is not None else np.zeros((0, 0), dtype=np.float32)
