"""What every command shares: the store option, output options, error handling, the console."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from ..config import load_config
from ..errors import ScenariosError
from ..pipeline import Pipeline, build_pipeline
from ..store import Store, default_path

F = TypeVar("F", bound=Callable[..., Any])

#: Markup is off: messages carry user text (names, paths, quotes) that may hold «[b]» or «[/b]»,
#: which must be printed as typed. Styled output builds `rich.text.Text` instead.
console = Console(highlight=False, soft_wrap=True, markup=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def styled(label: str, style: str, rest: str = "") -> Text:
    """`label` in `style`, then `rest` as typed (never read as markup)."""
    return Text.assemble((label, style), rest)


def _store_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """The command's `--db`, else the group's (`scenarios --db X status`), else $SCENARIOS_DB or the default."""
    if value:
        return value
    group = ctx.find_root().obj
    return (group or {}).get("db_path") or default_path()


def store_option(f: F) -> F:
    """`--db PATH` (env `SCENARIOS_DB`, default `scenarios.db`) for every command.

    Also accepted before the command (`scenarios --db X status`); the command's own wins.
    """
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False), default=None, callback=_store_path,
        show_default="scenarios.db or $SCENARIOS_DB", help="The SQLite store to use.",
    )(f)


def _checked_config(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check the whole config file while the command line is read, before any store or model is opened."""
    build_pipeline(load_config(value))
    return value


def config_option(f: F) -> F:
    """`--config FILE` (default `scenarios.toml` in the working directory, when present), checked at once."""
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False), default=None, callback=_checked_config,
        help="TOML file naming the component and parameters of each stage [default: ./scenarios.toml].",
    )(f)


def build(config_path: str | None, store: Store | None = None, **overrides: Any) -> Pipeline:
    """The pipeline of the config file with the command's flags over it (checked; nothing built yet)."""
    return build_pipeline(load_config(config_path), store, **overrides)


def output_options(f: F) -> F:
    """`--json` for commands that print tables, so scripts get data rather than boxes."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(f)


@contextmanager
def open_store(path: str, *, create: bool = True) -> Iterator[Store]:
    """Open the store for one command."""
    with Store(path, create=create) as store:
        yield store


def print_json(value: Any) -> None:
    """JSON to stdout, UTF-8 kept readable."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def stage_progress(description: str) -> Progress:
    """A progress bar on stderr for a stage over fragments."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), console=err_console, transient=True,
    )


class UserError(click.ClickException):
    """A library error shown as one line in Russian, the language of the people who hit it."""

    def show(self, file: Any = None) -> None:
        err_console.print(styled("Ошибка:", "red", " " + self.message))


class ScenariosGroup(click.Group):
    """Turns library errors into one clear line and Ctrl-C into a note on what was kept."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScenariosError as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            err_console.print(
                "\nПрервано. Всё, что успело сохраниться, сохранено целиком; "
                "повторите команду, чтобы продолжить с того же места."
            )
            sys.exit(130)
