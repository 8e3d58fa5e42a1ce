"""Registries of swappable components, chosen by name in config or on the command line.

Like spaCy's registry: built-ins register themselves with a decorator, and other packages add
their own through the entry-point group `scenarios.<family>` (e.g. `scenarios.embedders`), so a
user's embedder is chosen exactly like a built-in one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from .errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Factories of one component family, by name."""

    def __init__(self, family: str) -> None:
        self.family = family
        self._factories: dict[str, Callable[..., T]] = {}
        self._plugins_loaded = False

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator: make `factory` available as `name`."""

        def add(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return add

    def register_lazy(self, name: str, path: str) -> None:
        """Make the class at `path` ("package.module:Class") available as `name`.

        The module is imported on first `create`, so choosing `hdbscan` never loads what `e5`
        needs, and importing the package stays quick.
        """
        module, attr = path.split(":")

        def factory(**params: Any) -> T:
            return getattr(importlib.import_module(module), attr)(**params)  # type: ignore[no-any-return]

        self._factories[name] = factory

    def names(self) -> list[str]:
        """Registered names, built-ins and plugins."""
        self._load_plugins()
        return sorted(self._factories)

    def create(self, name: str, **params: Any) -> T:
        """Build the component called `name` with `params`."""
        self._load_plugins()
        factory = self._factories.get(name)
        if factory is None:
            raise ConfigError(
                f"Неизвестный компонент {self.family}: «{name}». Доступны: {', '.join(self.names())}."
            )
        try:
            return factory(**params)
        except TypeError as exc:
            raise ConfigError(f"Неверные параметры для {self.family} «{name}»: {exc}") from None

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for entry in entry_points(group=f"scenarios.{self.family}"):
            self._factories.setdefault(entry.name, entry.load())
