"""Validated options: config sections checked against a dataclass or a factory's signature.

Like spaCy's config (confection resolves `[components.x]` against the factory's signature): a
section's keys must be parameters the component or options dataclass declares, and each value
must have the declared type, or the run is refused before any model loads, with a message that
names the section and the key («В секции [cluster] нет параметра «max_fitt». Есть: …»).

TOML gives ints, floats, bools, strings, lists and tables; values are converted only where the
meaning is the same (an int where a float is declared, a list where a tuple is).
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, Union

from .errors import ConfigError

T = TypeVar("T")
_SEQUENCES = (tuple, list, Sequence, Iterable, Collection, set, frozenset)
_MAPPINGS = (dict, Mapping)


def from_section(cls: type[T], section: str, data: Mapping[str, Any] | None, *,
                 fixed: Mapping[str, Any] | None = None) -> T:
    """An instance of the dataclass `cls` from config `data`, each key and type checked.

    Nested dataclass fields take a TOML table (`representation = {pca_dims = 10}`), checked as
    section `[section.field]`. `fixed` fields come from elsewhere (other sections) and are not
    keys of this one. A value the dataclass itself refuses (`__post_init__`) is reported with the
    section named.
    """
    data, fixed = _table(data, section), dict(fixed or {})
    hints = _hints(cls)
    allowed = [f.name for f in dataclasses.fields(cls) if f.init and f.name not in fixed]  # type: ignore[arg-type]
    _refuse_unknown(section, data, allowed)
    values = {key: convert(value, hints.get(key, Any), section, key) for key, value in data.items()}
    try:
        return cls(**values, **fixed)
    except (ValueError, ConfigError) as exc:
        raise ConfigError(f"Неверное значение в секции [{section}]: {exc}") from None


def check_call(factory: Callable[..., Any], section: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` checked against `factory`'s signature (a class or a function), converted.

    A factory with `**kwargs` accepts any key (a plugin decides for itself); its declared
    parameters are still type-checked.
    """
    params = _table(params, section)
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # a builtin without a signature: nothing to check against
        return dict(params)
    named = [p for p in signature.parameters.values()
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if not any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        _refuse_unknown(section, params, [p.name for p in named])
    required = [p.name for p in named if p.default is p.empty and p.name not in params]
    if required:
        raise ConfigError(f"В секции [{section}] не хватает параметра «{required[0]}».")
    hints = _hints(factory.__init__ if isinstance(factory, type) else factory)  # type: ignore[misc]
    return {key: convert(value, hints.get(key, Any), section, key) for key, value in params.items()}


def convert(value: Any, hint: Any, section: str, key: str) -> Any:
    """`value` as the type `hint` declares, or a ConfigError naming `[section]` and `key`."""
    converted = _convert(value, hint, section, key)
    if converted is _WRONG:
        raise ConfigError(f"В секции [{section}] параметр «{key}» должен быть {describe_type(hint)}, "
                          f"а задано {_shown(value)}.")
    return converted


_WRONG = object()


def _convert(value: Any, hint: Any, section: str, key: str) -> Any:  # noqa: PLR0911  (one branch per kind of type)
    if hint is Any or hint is inspect.Parameter.empty:
        return value
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Union or origin is types.UnionType:
        for arm in args:
            if (done := _convert(value, arm, section, key)) is not _WRONG:
                return done
        return _WRONG
    if origin is typing.Literal:
        return value if value in args else _WRONG
    if hint is type(None):
        return value if value is None else _WRONG
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return from_section(hint, f"{section}.{key}", value) if isinstance(value, Mapping) else (
            value if isinstance(value, hint) else _WRONG)
    if origin in _SEQUENCES or hint in _SEQUENCES:
        return _sequence(value, origin or hint, args, section, key)
    if origin in _MAPPINGS or hint in _MAPPINGS:
        if not isinstance(value, Mapping):
            return _WRONG
        if len(args) == 2:
            return {convert(k, args[0], section, key): convert(v, args[1], section, f"{key}.{k}")
                    for k, v in value.items()}
        return dict(value)
    return _scalar(value, hint)


def _sequence(value: Any, origin: Any, args: tuple[Any, ...], section: str, key: str) -> Any:
    if not isinstance(value, (list, tuple)):
        return _WRONG
    item = args[0] if args else Any
    items = [convert(v, item, section, f"{key}[{i}]") for i, v in enumerate(value)]
    return list(items) if origin is list else tuple(items)


def _scalar(value: Any, hint: Any) -> Any:
    if hint is bool:
        return value if isinstance(value, bool) else _WRONG
    if isinstance(value, bool):  # a bool is an int in Python, never in a config
        return _WRONG
    if hint is float:
        return float(value) if isinstance(value, (int, float)) else _WRONG
    if hint is Path:
        return Path(value) if isinstance(value, str) else _WRONG
    if isinstance(hint, type):
        return value if isinstance(value, hint) else _WRONG
    return value  # a type we cannot check (a Protocol, a TypeVar): the component decides


def describe_type(hint: Any) -> str:
    """The type `hint` in words (Russian, as the message is shown to whoever wrote the config)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Union or origin is types.UnionType:
        return " или ".join(describe_type(a) for a in args if a is not type(None))
    if origin is typing.Literal:
        return "одним из: " + ", ".join(repr(a) for a in args)
    if dataclasses.is_dataclass(hint) or origin in _MAPPINGS or hint in _MAPPINGS:
        return "таблицей (например {ключ = 1})"
    if origin in _SEQUENCES or hint in _SEQUENCES:
        return "списком (например [\"а\", \"б\"])"
    return {bool: "true или false", int: "целым числом", float: "числом", str: "строкой в кавычках",
            Path: "путём в кавычках"}.get(hint, getattr(hint, "__name__", str(hint)))


def _shown(value: Any) -> str:
    kind = {bool: "логическое", int: "целое число", float: "число", str: "строка", list: "список",
            dict: "таблица"}.get(type(value), type(value).__name__)
    text = repr(value) if not isinstance(value, bool) else str(value).lower()
    return f"{text[:60]} ({kind})"


def _table(data: Mapping[str, Any] | None, section: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"[{section}] должна быть таблицей (например {{ключ = 1}}), а задано {_shown(data)}.")
    return dict(data)


def _refuse_unknown(section: str, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        have = ", ".join(sorted(allowed)) or "ничего (параметров нет)"
        raise ConfigError(f"В секции [{section}] нет параметра «{unknown[0]}». Есть: {have}.")


def _hints(target: Any) -> dict[str, Any]:
    """Resolved annotations of `target`; empty when they cannot be resolved (then only names are checked)."""
    try:
        return typing.get_type_hints(target)
    except Exception:  # noqa: BLE001  (forward references to optional packages: check names only)
        return {}
