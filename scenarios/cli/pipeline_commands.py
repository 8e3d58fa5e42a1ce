"""`scenarios run` (every missing stage) and `scenarios list` (the scenarios, quotes first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich.progress import TaskID
from rich.text import Text

from ..overview import KIND_NAMES, ScenarioView, scenarios_of
from ..pipeline import STAGE_NAMES, needs_description, run
from ..stages.ingest import IngestOptions
from ._common import (
    build,
    config_option,
    console,
    err_console,
    open_store,
    print_json,
    stage_progress,
    store_option,
    styled,
)
from ._group import cli
from .stages import engine_options


def _summary(name: str, report: Any) -> str:
    if name == "ingest":
        return f"добавлено историй {report.added}, повторов {report.duplicates}, не принято {len(report.rejections)}"
    if name in ("lemmatise", "embed"):
        return f"{report.done} новых фрагментов ({report.already} уже было) за {report.seconds:.1f} с"
    if name == "cluster":
        return (f"прогон {report.run_id}: {report.scenarios} сценариев, без сценария {report.unassigned_share:.0%}, "
                f"за {report.seconds:.1f} с")
    return f"{report.scenarios} сценариев описано за {report.seconds:.1f} с"


@cli.command("run")
@click.argument("paths", nargs=-1, type=click.Path())
@store_option
@config_option
@click.option("--channel", help="Channel for added stories that do not name one.")
@click.option("--lemmatiser", "-l", help="A registered lemmatiser [default: the config file's, or what last ran].")
@click.option("--embedder", "-e", help="e5, navec, hashing or st:<name-or-path> [default: the config file's, "
              "or what last ran].")
@click.option("--clusterer", "-c", help="leiden (default), hdbscan, kmeans or agglomerative.")
@click.option("--no-list", is_flag=True, help="Do not list the scenarios at the end (e.g. when a digest follows).")
@engine_options
def run_command(paths: tuple[str, ...], db_path: str, config_path: str | None, channel: str | None,
                lemmatiser: str | None, embedder: str | None, clusterer: str | None, no_list: bool,
                engine: str | None, address: str | None, workers: int | None) -> None:
    """Run every stage that is missing, in order, then list the scenarios.

    ingest PATHS (if given) -> lemmatise -> embed -> cluster -> describe. Stages whose output is
    already stored are skipped, so a second `run` does nothing.

    \b
    Examples:
        scenarios run corpus/stories --config corpus/scenarios.toml
        scenarios run            # after `scenarios add`, bring everything up to date
        scenarios run --embedder navec
    """
    with open_store(db_path) as store, stage_progress("") as bars:
        pipeline = build(config_path, store, lemmatiser=lemmatiser, embedder=embedder, clusterer=clusterer,
                         engine=engine, address=address, workers=workers)
        tasks: dict[str, TaskID] = {}

        def progress(stage: str) -> Callable[[int, int], None]:
            def update(done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bars.add_task(STAGE_NAMES[stage], total=total)
                bars.update(tasks[stage], completed=done, total=total)
            return update

        def on_stage(name: str, report: object) -> None:
            bars.console.print(styled(STAGE_NAMES[name], "bold", f": {_summary(name, report)}"), highlight=False)

        report = run(store, pipeline, paths, ingest=IngestOptions(channel=channel), on_stage=on_stage,
                     progress=progress)
        views = scenarios_of(store)
        described = not needs_description(store)
    if "ingest" in report.stages:
        for rejection in report.stages["ingest"].rejections:
            err_console.print(styled("Не принято:", "red", f" {rejection}"))
    if not no_list:
        print_scenarios(views, described=described)


@cli.command("list")
@store_option
@click.option("--all", "include_hidden", is_flag=True, help="Include hidden scenarios.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(db_path: str, include_hidden: bool, as_json: bool) -> None:
    """List the latest run's scenarios by kind: name, size, one quote.

    \b
    Example:
        scenarios list --json
    """
    with open_store(db_path, create=False) as store:
        views = scenarios_of(store, include_hidden=include_hidden)
        described = not needs_description(store)
    if as_json:
        print_json([view.__dict__ for view in views])
        return
    print_scenarios(views, described=described)


def print_scenarios(views: list[ScenarioView], *, described: bool = True) -> None:
    """Scenarios grouped by kind; per scenario its name, size and its best quote.

    An undescribed run has no names, kinds or quotes yet: it says so and how to get them,
    rather than print each id twice.
    """
    if not described:
        err_console.print(styled("Сценарии ещё не описаны:", "yellow",
                                 " названия, виды и цитаты появятся после scenarios describe."))
    kind = None
    for view in views:
        if view.kind != kind:
            kind = view.kind
            console.print(Text(f"\n{KIND_NAMES.get(kind or '', 'Без вида').upper()}", style="bold magenta"))
        head = Text()
        head.append(f"{view.id} ", style="dim")
        head.append(view.name if view.name != view.id else "без названия", style="bold")
        head.append(f"  {view.stories} ист. ({view.share:.0%}), {view.clients} клиент.", style="cyan")
        if view.companies:
            names = ", ".join(c["company"] for c in view.companies if not c["own"])[:60]
            if names:
                head.append(f"  · {names}", style="dim")
        console.print(head)
        if view.quotes:
            quote = view.quotes[0]
            source = " · ".join(str(x) for x in (quote["date"], quote["channel"]) if x)
            console.print(Text(f"   «{quote['text']}»", style="italic"), Text(f" — {source}", style="dim"))
