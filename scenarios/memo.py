"""Per-process memos for work that depends on its input alone, so a second pass reads nothing twice.

Two shapes recur in the stages:

* :class:`Latest` keeps one result (the fitted n-gram space of the fragments last clustered, their
  k-NN graph, the describers built for one set of options): re-clustering the same fragments
  with another resolution, as a researcher tuning it or the web page's job does, refits nothing
  that did not change, and a different input simply replaces it.
* :class:`Bounded` keeps results per text (NER spans, alias matches, masked tokens, lemmatiser
  readings) up to a number of entries, then starts over: memory stays bounded on a corpus of
  any size while one describe pass never computes a text twice.

Neither is shared between processes; the store is what persists.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Latest(Generic[K, V]):
    """The result for the last key asked; another key builds anew and replaces it.

    Examples:
        >>> fits = Latest()
        >>> fits.get(("navec", 3), lambda: "fitted")
        'fitted'
    """

    def __init__(self) -> None:
        self._key: K | None = None
        self._value: V | None = None
        self._full = False

    def get(self, key: K, build: Callable[[], V]) -> V:
        if not self._full or self._key != key:
            self._full = False
            self._value, self._key, self._full = build(), key, True
        return self._value  # type: ignore[return-value]  # set on the line above when missing


class Bounded(dict[K, V]):
    """A dict that empties itself before holding more than `limit` entries.

    Examples:
        >>> spans = Bounded(limit=2)
        >>> spans.remember("a", 1), spans.remember("b", 2), spans.remember("c", 3)
        (1, 2, 3)
        >>> sorted(spans)
        ['c']
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: K, value: V) -> V:
        """Keep `value` for `key` and return it."""
        if key not in self and len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

    def remember_all(self, items: dict[K, V]) -> None:
        """Keep every item of `items` (starting over first when they would not fit)."""
        if len(self) + len(items) > self.limit:
            self.clear()
        self.update(items)
