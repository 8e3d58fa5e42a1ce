"""Project configuration: which component runs each stage, and with what parameters.

Read from a TOML file (`--config`, or `scenarios.toml` in the working directory when present);
command-line flags override it. Every section names a registered component and its parameters:

    [embedder]
    name = "e5"          # or "navec", "st:/path/to/model", "hashing"
    threads = 2

    [lemmatiser]
    name = "pymorphy"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_FILE = "scenarios.toml"
DEFAULTS: dict[str, dict[str, Any]] = {
    "lemmatiser": {"name": "pymorphy"},
    "embedder": {"name": "e5"},
    "clusterer": {"name": "leiden"},
}


@dataclass(frozen=True)
class Config:
    """Sections of the config file merged over the defaults."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None

    def component(self, family: str, override: str | None = None) -> tuple[str, dict[str, Any]]:
        """`(name, params)` of the component for `family`.

        A CLI `override` replaces the name and drops parameters meant for another component.
        """
        section = {**DEFAULTS.get(family, {}), **self.sections.get(family, {})}
        name = str(section.pop("name"))
        if override and override != name:
            return override, {}
        return name, section

    def section(self, name: str) -> dict[str, Any]:
        """A plain section (e.g. `[cluster]`) merged over its defaults."""
        return {**DEFAULTS.get(name, {}), **self.sections.get(name, {})}


def load_config(path: str | Path | None = None) -> Config:
    """Read the config file; with no `path`, `scenarios.toml` if it exists, else defaults."""
    if path is None:
        candidate = Path(DEFAULT_FILE)
        if not candidate.is_file():
            return Config()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Файл настроек {path} не найден.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Файл настроек {path} не читается как TOML: {exc}") from None
    if not all(isinstance(v, dict) for v in data.values()):
        raise ConfigError(f"В {path} ожидаются только секции вида [embedder].")
    return Config(sections=data, path=path)
