"""Project configuration: which component runs each stage, and with what parameters.

Read from a TOML file (`--config`, or `scenarios.toml` in the working directory when present);
command-line flags override it. Every section names a registered component and its parameters:

    [embedder]
    name = "e5"          # or "navec", "st:/path/to/model", "hashing"
    threads = 2

    [lemmatiser]
    name = "pymorphy"

`load_config` checks the sections' names and shape; `scenarios.pipeline.build_pipeline` checks
every key and type against the components' signatures and the options dataclasses, before any
model loads (`scenarios.options`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_FILE = "scenarios.toml"
#: Sections naming a component by `name`, beside its parameters.
COMPONENT_SECTIONS = ("lemmatiser", "embedder", "clusterer")
#: Every section a config may have, and what reads it.
SECTIONS = {
    "lemmatiser": "the lemmatise stage's component", "embedder": "the embed stage's component",
    "clusterer": "the cluster stage's component", "cluster": "ClusterOptions (scenarios.stages.cluster)",
    "embed": "the engine embedding runs on (scenarios.engines)", "describe": "DescribeOptions",
    "companies": "CompanyOptions (scenarios.stages.describe)", "kinds": "[kinds.<name>] seeds and cues",
}
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


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
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
    return checked(Config(sections=data, path=path))


def checked(config: Config) -> Config:
    """`config` if its sections are known and shaped right, else a ConfigError naming the section."""
    where = f" в {config.path}" if config.path else ""
    for name, section in config.sections.items():
        if name not in SECTIONS:
            raise ConfigError(f"Неизвестная секция [{name}]{where}. Есть: {', '.join(SECTIONS)}.")
        if not isinstance(section, dict):
            raise ConfigError(f"«{name}»{where} должна быть секцией [{name}], а не значением.")
        if name in COMPONENT_SECTIONS and "name" in section and not isinstance(section["name"], str):
            raise ConfigError(f"В секции [{name}] параметр «name» должен быть строкой в кавычках.")
    return config
