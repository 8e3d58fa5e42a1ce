"""One BLAS thread inside the stages' own parallelism.

numpy, scikit-learn and slovnet call OpenBLAS, which starts a thread per core for every matrix
product. On two cores, with the e5 engine or a second process already busy, those threads fight:
measured, natasha NER took 173 ms a fragment under load against 6 ms with one thread. The stages
wrap their heavy loops in `single_blas_thread()` (threadpoolctl, the scikit-learn project's tool),
so their cost no longer depends on what else the machine runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def single_blas_thread(limit: int = 1) -> Iterator[None]:
    """Limit BLAS and OpenMP pools to `limit` threads for the duration of the block."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=limit):
        yield
