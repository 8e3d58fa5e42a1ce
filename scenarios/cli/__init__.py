"""The `scenarios` command line: parse options, call the library, print.

Examples:
    scenarios add corpus/stories
    pbpaste | scenarios add --channel interview --client "Ольга"
    scenarios status
"""

from __future__ import annotations

from . import browse, digest_commands, ingest, pipeline_commands, scenario_commands, stages, web_commands  # noqa: F401  (commands register themselves on `cli`)
from ._group import cli, main

__all__ = ["cli", "main"]
