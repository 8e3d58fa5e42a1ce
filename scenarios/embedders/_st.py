"""Any sentence-transformers model on disk or in the Hugging Face cache, loaded offline.

`st:/path/to/model` or `st:org/name` (looked up in the local HF cache only). The hub is switched
off before the library is imported, so a missing model fails at once with a clear message instead
of a download attempt or a hang.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MissingDependency
from ._base import Embedder

_OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model named by path or by hub name already in the local cache."""

    name = "st"

    def __init__(self, model: str, batch_size: int = 32, device: str = "cpu") -> None:
        if not model:
            raise MissingDependency("Укажите модель: --embedder st:/путь/к/модели или st:организация/модель.")
        for key, value in _OFFLINE.items():
            os.environ.setdefault(key, value)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:
            raise MissingDependency(
                "Для эмбеддера st: нужен пакет sentence-transformers: pip install 'scenarios[st]' "
                "(сначала pip install torch==2.13.0, иначе pip скачает CUDA-сборку)."
            ) from None
        path = Path(model).expanduser()
        if (model.startswith((".", "/", "~")) or path.exists()) and not path.is_dir():
            raise MissingDependency(f"Модель sentence-transformers не найдена: папки {path} нет.")
        try:
            self._model = SentenceTransformer(str(path) if path.is_dir() else model, device=device,
                                              local_files_only=True)
        except (OSError, ValueError):
            raise MissingDependency(
                f"Модель sentence-transformers «{model}» не найдена локально. "
                "Укажите путь к папке модели или положите её в кэш Hugging Face "
                "(~/.cache/huggingface/hub); скачивание во время работы отключено."
            ) from None
        self.model = model
        self.batch_size = batch_size
        loaded = self._model
        dimension = getattr(loaded, "get_embedding_dimension", None) or loaded.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        label = "/".join(path.resolve().parts[-2:]) if path.is_dir() else model
        self.id = f"st:{label}:{_fingerprint(self._model)}"

    @property
    def config(self) -> dict[str, Any]:
        return {"model": self.model, "dim": self.dim, "max_seq_length": self._model.max_seq_length}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def count_tokens(self, texts: Sequence[str]) -> int:
        tokenizer = self._model.tokenizer
        return sum(len(ids) for ids in tokenizer(list(texts), truncation=True)["input_ids"])


def _fingerprint(model: Any) -> str:
    """A short hash of the first weights, so two different models at one path never share vectors."""
    import hashlib

    first = next(iter(model.parameters()))
    return hashlib.sha256(first.detach().cpu().numpy().tobytes()[:65536]).hexdigest()[:8]
