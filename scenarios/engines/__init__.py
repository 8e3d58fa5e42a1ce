"""Engines: where the embed stage's batches run (`local`, `dask`, `ray`), chosen by name.

The driver (the `scenarios` process) reads pending fragments from the store, hands batches of
texts to the engine and commits each batch of vectors as it comes back. Workers only compute
vectors; they never open the store, so resume (pending = hashes without a vector) and dedupe
(one vector per distinct text) work exactly as on one machine.

    [embed]
    engine = "dask"               # or "ray", or "local" (the default)
    address = "tcp://10.0.0.5:8786"   # a running scheduler; without it a local cluster is started
    workers = 2                   # local cluster only: worker processes (default: all cores)
    timeout = 30                  # dask: seconds to wait for the scheduler

A user's engine registers under the entry-point group `scenarios.engines`.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..errors import ConfigError
from ..registry import Registry
from ._base import Engine, Recipe, available_cores, embed_on_worker
from ._local import LocalEngine

engines: Registry[Engine] = Registry("engines")
DEFAULT_ENGINE = "local"

engines.register("local")(LocalEngine)
engines.register_lazy("dask", "scenarios.engines._dask:DaskEngine")
engines.register_lazy("ray", "scenarios.engines._ray:RayEngine")


def engine_choice(config: Config, name: str | None = None, **overrides: Any) -> tuple[str, dict[str, Any]]:
    """`(engine name, checked parameters)` from `[embed]`, with CLI flags over it; builds nothing.

    A CLI `name` other than the configured one drops the configured parameters; `None` overrides
    are ignored. Unknown keys and wrong types are refused against the engine's signature.
    """
    section = dict(config.section("embed"))
    configured = str(section.pop("engine", DEFAULT_ENGINE))
    given = {k: v for k, v in overrides.items() if v is not None}
    chosen = name or configured
    if chosen == "local":
        if given:
            raise ConfigError(f"{', '.join('--' + k for k in given)}: только вместе с --engine dask или ray.")
        if section and chosen == configured:
            raise ConfigError(f"В секции [embed] параметр «{sorted(section)[0]}» не нужен при engine = \"local\": "
                              "address, workers и другие задаются вместе с engine = \"dask\" или \"ray\".")
        return "local", {}
    params = {**(section if chosen == configured else {}), **given}
    return chosen, engines.check(chosen, params, "embed")


def configured_engine(config: Config, name: str | None = None, **overrides: Any) -> Engine:
    """The engine from `[embed]` (`engine` and its parameters), with CLI flags over it, built."""
    chosen, params = engine_choice(config, name, **overrides)
    return LocalEngine() if chosen == "local" else engines.build(chosen, params, section="embed")


__all__ = ["DEFAULT_ENGINE", "Engine", "LocalEngine", "Recipe", "available_cores", "configured_engine", "engine_choice",
           "embed_on_worker", "engines"]
