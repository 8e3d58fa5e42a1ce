"""The `scenarios` click group every command module registers on.

It lives apart from the package's `__init__`, which imports the command modules, so those modules
import the group from here and the package imports in one direction.
"""

from __future__ import annotations

import click

from .. import __version__
from ._common import ScenariosGroup


@click.group(cls=ScenariosGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scenarios")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              help="The SQLite store for the command (the same as the command's own --db).")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """Find the recurring scenarios in what clients say.

    Stories go into a SQLite store (`--db`, default scenarios.db, before or after the command);
    each stage reads from it and writes back, so any stage can be re-run alone.
    """
    ctx.obj = {"db_path": db_path}


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="scenarios")
