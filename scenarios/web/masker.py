"""Masking personal data in the quotes and openings a page shows, as the digest does."""

from __future__ import annotations

import threading

from ..digest.redact import Redactor
from ..store import Store


class Masker:
    """One NER model per app, built on first use (it takes seconds) and shared by requests.

    Results are cached per text (the redactor keeps them), so a list shown twice masks once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._redactor: Redactor | None = None

    def mask(self, text: str, store: Store) -> str:
        """`text` with phones, e-mails, card and account numbers and person names masked.

        The companies `store`'s latest run found are never masked as person names.
        """
        with self._lock:
            if self._redactor is None:
                self._redactor = Redactor(latest_companies(store))
            return self._redactor.redact(text)


def latest_companies(store: Store) -> list[str]:
    """Companies the latest run found."""
    return [r[0] for r in store.conn.execute(
        "SELECT DISTINCT company FROM mentions WHERE run_id = (SELECT max(id) FROM runs)")]
