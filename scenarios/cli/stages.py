"""`scenarios lemmatise` and `scenarios embed`: the language stages over stored fragments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..lemmatisers import Lemmatiser
from ..stages._base import StageReport
from ..stages.embed import embed
from ..store import Store
from ._common import build, config_option, console, err_console, open_store, stage_progress, store_option
from ._group import cli

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(f: F) -> F:
    """`--engine`, `--address`, `--workers`: where the embed stage's batches are computed."""
    f = click.option("--workers", type=click.IntRange(1),
                     help="Worker processes of a local cluster [default: all cores].")(f)
    f = click.option("--address", help="Scheduler of a running cluster, e.g. tcp://10.0.0.5:8786 "
                     "(dask) or ray://10.0.0.5:10001 (ray) [default: [embed] address].")(f)
    return click.option("--engine", help="local (default), dask or ray [default: [embed] engine].")(f)


def _run_with_bar(description: str, run: Callable[[Callable[[int, int], None]], StageReport]) -> StageReport:
    with stage_progress(description) as bar:
        task = bar.add_task(description, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run(progress)


def _print_report(what: str, report: StageReport) -> None:
    if report.done:
        rate = report.done / report.seconds if report.seconds else 0
        console.print(f"{what}: {report.done} фрагментов за {report.seconds:.1f} с ({rate:.0f}/с); "
                      f"уже было: {report.already}. Компонент: {report.component}")
    else:
        console.print(f"{what}: всё уже сделано ({report.already} фрагментов). Компонент: {report.component}")


@cli.command("embed")
@store_option
@config_option
@click.option("--embedder", "-e", help="e5 (default), navec, hashing, or st:<name-or-path> for a "
              "sentence-transformers model on disk or in the Hugging Face cache.")
@click.option("--batch-size", type=click.IntRange(1), default=64, show_default=True)
@engine_options
def embed_command(db_path: str, config_path: str | None, embedder: str | None, batch_size: int,
                  engine: str | None, address: str | None, workers: int | None) -> None:
    """Embed every fragment that has no vector from the chosen embedder yet.

    Vectors are keyed by fragment text and embedder, so re-runs only embed what is new, and an
    interrupted run resumes (each batch is committed on its own). With `--engine dask` or
    `--engine ray` the batches are computed by a cluster's workers (a local one of `--workers`
    processes, or the scheduler at `--address`); this process still writes every vector.

    \b
    Examples:
        scenarios embed
        scenarios embed --embedder navec
        scenarios embed --embedder st:/models/LaBSE-en-ru
        scenarios embed --engine dask --workers 2
        scenarios embed --engine dask --address tcp://10.0.0.5:8786
    """
    with open_store(db_path, create=False) as store:
        pipeline = build(config_path, store, embedder=embedder, engine=engine, address=address, workers=workers)
        err_console.print(f"Загружаю эмбеддер {pipeline.choices['embedder'].name}…")
        model = pipeline.embedder
        with pipeline.engine() as runner:
            report = _run_with_bar("Эмбеддинги", lambda progress: embed(store, model, batch_size=batch_size,
                                                                      progress=progress, engine=runner))
    _print_report("Эмбеддинги", report)


def configured_lemmatiser(config_path: str | None, override: str | None = None,
                          store: Store | None = None) -> Lemmatiser:
    """The lemmatiser named by the CLI, the config file or the store (what last ran), built."""
    return build(config_path, store, lemmatiser=override).lemmatiser


@cli.command("lemmatise")
@store_option
@config_option
@click.option("--lemmatiser", "-l", help="A registered lemmatiser [default: pymorphy, or the config file's].")
@click.option("--batch-size", type=click.IntRange(1), default=500, show_default=True)
def lemmatise_command(db_path: str, config_path: str | None, lemmatiser: str | None, batch_size: int) -> None:
    """Lemmatise every fragment that has no lemmas from the chosen lemmatiser yet.

    Lemmas feed search (`scenarios stories --search перезвонить` finds "не перезвонили") and
    scenario labels; negation stays attached ("не_работать").

    \b
    Examples:
        scenarios lemmatise
        scenarios lemmatise --lemmatiser pymorphy-first
    """
    from ..stages.lemmatise import lemmatise

    with open_store(db_path, create=False) as store:
        model = configured_lemmatiser(config_path, lemmatiser, store)
        report = _run_with_bar("Леммы", lambda progress: lemmatise(store, model, batch_size=batch_size,
                                                                 progress=progress))
    _print_report("Леммы", report)
