"""`scenarios init` and `scenarios add`."""

from __future__ import annotations

import sys

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..readers import ReadOptions
from ..records import FIELDS
from ..sources import find_files
from ..stages.ingest import DEFAULT_MAX_MB, IngestOptions, IngestReport, add_stream, iter_add_paths, report_lines
from ..store import Store
from ._common import console, err_console, open_store, store_option, styled
from ._group import cli


@cli.command()
@store_option
def init(db_path: str) -> None:
    """Create an empty store (adding stories creates it too).

    \b
    Example:
        scenarios init --db interviews.db
    """
    with open_store(db_path) as store:
        console.print(f"Хранилище готово: {store.path} (схема {store.meta('schema_version')})")


def _parse_columns(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    columns = {}
    for value in values:
        field, sep, column = value.partition("=")
        if not sep or field not in (*FIELDS, "text"):
            raise click.BadParameter(f"expected FIELD=COLUMN with FIELD one of text, {', '.join(FIELDS)}")
        columns[field] = column
    return columns


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@store_option
@click.option("--source", help="Where the stories come from (e.g. 'exit-interviews-2026').")
@click.option("--channel", help="interview, call, review, chat, email... (default for stories without one).")
@click.option("--client", help="Client name or id (default for stories without one).")
@click.option("--date", help="Story date, YYYY-MM-DD or DD.MM.YYYY (default for stories without one).")
@click.option("--title", help="Title of a pasted story.")
@click.option("--text-column", help="Table column with the story text [default: text or a known alias].")
@click.option("--id-column", help="Table column with the source's own id, kept as external_id [default: id].")
@click.option("--column", "columns", multiple=True, callback=_parse_columns, metavar="FIELD=COLUMN",
              help="Map a table column to a story field: date, client, channel, title, source.")
@click.option("--bad-rows", type=click.Choice(["skip", "fail"]), default="skip", show_default=True,
              help="skip: store a table's good rows and report broken ones; fail: reject the whole file.")
@click.option("--max-mb", type=float, default=DEFAULT_MAX_MB, show_default=True,
              help="Largest input accepted, in MB.")
def add(paths: tuple[str, ...], db_path: str, source: str | None, channel: str | None,
        client: str | None, date: str | None, title: str | None, text_column: str | None,
        id_column: str | None, columns: dict[str, str], bad_rows: str, max_mb: float) -> None:
    """Add stories from files, folders or a paste on stdin.

    Files: .txt/.md and .docx (one story each), .csv/.tsv, .json and .jsonl (a story per row).
    Encodings (UTF-8, UTF-16, cp1251, KOI8-R) are detected. Speaker turns in transcripts are
    recognised and only client speech becomes fragments. Adding a story twice stores it once;
    re-running a folder resumes where it stopped.

    \b
    Examples:
        scenarios add corpus/stories
        scenarios add export.csv --text-column Отзыв --id-column review_id
        pbpaste | scenarios add --channel interview --client "Ольга" --date 2026-03-14
    """
    options = IngestOptions(
        source=source, channel=channel, client=client, date=date, title=title, bad_rows=bad_rows,  # type: ignore[arg-type]
        max_mb=max_mb, read=ReadOptions(text_column=text_column, id_column=id_column, columns=columns),
    )
    with open_store(db_path) as store:
        if not paths or paths == ("-",):
            if sys.stdin.isatty():
                err_console.print("Вставьте текст истории и нажмите Ctrl-D (Ctrl-Z, Enter в Windows).")
            report = add_stream(store, sys.stdin.buffer, options=options)
        else:
            report = _add_files(store, paths, options)
    _print_report(report)
    if not report.ok:
        sys.exit(1)


def _add_files(store: Store, paths: tuple[str, ...], options: IngestOptions) -> IngestReport:
    files = find_files(paths)
    report = IngestReport()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True, disable=len(files) < 2) as bar:
        task = bar.add_task("Загрузка", total=len(files))
        for result in iter_add_paths(store, files, options=options):
            report.inputs.append(result)
            bar.advance(task)
    return report


def _print_report(report: IngestReport) -> None:
    rejections, totals = report_lines(report)
    for line in rejections:
        err_console.print(styled("Не принято:", "red", " " + line.removeprefix("Не принято: ")),
                          highlight=False)
    console.print(totals, markup=False, highlight=False)
