"""Registries of swappable components, chosen by name in config or on the command line.

Like spaCy's registry: built-ins register themselves with a decorator, and other packages add
their own through the entry-point group `scenarios.<family>` (e.g. `scenarios.embedders`), so a
user's embedder is chosen exactly like a built-in one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from .errors import ConfigError
from .options import check_call

T = TypeVar("T")


class Registry(Generic[T]):
    """Factories of one component family, by name."""

    def __init__(self, family: str) -> None:
        self.family = family
        self._factories: dict[str, Callable[..., T]] = {}
        self._lazy: dict[str, str] = {}
        self._plugins_loaded = False

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator: make `factory` available as `name`."""

        def add(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            self._lazy.pop(name, None)
            return factory

        return add

    def register_lazy(self, name: str, path: str) -> None:
        """Make the class at `path` ("package.module:Class") available as `name`.

        The module is imported on first `create`, so choosing `hdbscan` never loads what `e5`
        needs, and importing the package stays quick.
        """
        self._lazy[name] = path
        self._factories.pop(name, None)

    def names(self) -> list[str]:
        """Registered names, built-ins and plugins."""
        self._load_plugins()
        return sorted({*self._factories, *self._lazy})

    def factory(self, name: str) -> Callable[..., T]:
        """The factory (class or function) registered as `name`; a lazy one is imported now."""
        self._load_plugins()
        if name in self._lazy:
            module, attr = self._lazy.pop(name).split(":")
            self._factories[name] = getattr(importlib.import_module(module), attr)
        factory = self._factories.get(name)
        if factory is None:
            raise ConfigError(
                f"Неизвестный компонент {self.family}: «{name}». Доступны: {', '.join(self.names())}."
            )
        return factory

    def check(self, name: str, params: Mapping[str, Any], section: str | None = None) -> dict[str, Any]:
        """`params` checked against the factory's signature, converted; a ConfigError names the key.

        Called before building, so a typo is refused before any model loads, and a TypeError
        raised inside a constructor stays what it is: a bug, with its traceback.
        """
        return check_call(self.factory(name), section or self.family, params)

    def create(self, name: str, /, **params: Any) -> T:
        """Build the component called `name` with `params` (checked first; see :meth:`check`)."""
        return self.build(name, params)

    def build(self, name: str, params: Mapping[str, Any], *, section: str | None = None) -> T:
        """Build `name` from a config section's `params`; errors name `section` (default: the family)."""
        return self.factory(name)(**self.check(name, params, section))

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for entry in entry_points(group=f"scenarios.{self.family}"):
            if entry.name not in self._factories and entry.name not in self._lazy:
                self._factories[entry.name] = entry.load()
