"""`scenarios stories`, `show` and `status`: read what the store holds."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from ..browse import get_story, list_stories, own_title, status, story_heading
from ..digest.words import channel_name, date_label
from ..stages._base import runs_status
from ._common import config_option, console, open_store, output_options, print_json, store_option
from ._group import cli
from .stages import configured_lemmatiser

ROLE_STYLE = {"client": "bold green", "company": "cyan", "unknown": "dim"}
ROLE_NAME = {"client": "клиент", "company": "компания", "unknown": "вне диалога"}


@cli.command()
@store_option
@config_option
@output_options
@click.option("--search", "-s", help="Search: every word must occur, by lemma in client speech once "
              "`scenarios lemmatise` has run (else by word prefix in the whole text).")
@click.option("--channel", help="Only stories from this channel.")
@click.option("--limit", "-n", type=click.IntRange(1), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many (for paging).")
def stories(db_path: str, config_path: str | None, as_json: bool, search: str | None, channel: str | None,
            limit: int, offset: int) -> None:
    """List stories, newest first, or search them.

    \b
    Examples:
        scenarios stories --search "перезвонить"
        scenarios stories --channel interview -n 50 --json
    """
    with open_store(db_path, create=False) as store:
        lemmatiser = configured_lemmatiser(config_path, store=store) if search else None
        rows = list_stories(store, search=search, channel=channel, limit=limit, offset=offset,
                            lemmatiser=lemmatiser)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Историй не найдено.")
        return
    table = Table(header_style="bold", expand=True)
    for column, width in (("id", 10), ("дата", 17), ("канал", 9), ("клиент", 14)):
        table.add_column(column, no_wrap=True, max_width=width)
    table.add_column("начало (речь клиента)", no_wrap=True, overflow="ellipsis", ratio=1, min_width=24)
    table.add_column("реплик", justify="right")
    table.add_column("фрагм.", justify="right")
    for row in rows:
        opening = " ".join(row["opening"].split())[:200]
        table.add_row(row["id"][:10], date_label(row["date"]), channel_name(row["channel"], one=True),
                      row["client"] or "",
                      opening, str(row["turns"]), str(row["fragments"]))
    console.print(table)


@cli.command()
@click.argument("story")
@store_option
@output_options
@click.option("--fragments", "show_fragments", is_flag=True, help="Also list the story's fragments.")
def show(story: str, db_path: str, as_json: bool, show_fragments: bool) -> None:
    """Show one story with its speaker turns and their roles.

    STORY is a story id, a unique id prefix, or the source's own id (external_id).

    \b
    Example:
        scenarios show 3fa2c1 --fragments
    """
    with open_store(db_path, create=False) as store:
        view = get_story(store, story)
    if as_json:
        print_json({"story": view.story, "turns": view.turns, "fragments": view.fragments})
        return
    s = view.story
    title = own_title(s)
    console.print(Text(story_heading(s), style="bold"), Text(f"«{title}»" if title else "", style="bold"),
                  Text(f"id {s['id'][:10]}", style="dim"))
    if s["metadata"]:
        console.print(Text(", ".join(f"{k}: {v}" for k, v in s["metadata"].items()), style="dim"))
    console.print()
    for turn in view.turns:
        role = turn["role"]
        line = Text()
        if turn["time"]:
            line.append(f"[{turn['time']}] ", style="dim")
        head = f"{turn['speaker']} ({ROLE_NAME[role]})" if turn["speaker"] else f"({ROLE_NAME[role]})"
        line.append(f"{head}: ", style=ROLE_STYLE[role])
        line.append(view.speech(turn))
        console.print(line)
    if show_fragments:
        console.print(Text(f"\nФрагменты ({len(view.fragments)}):", style="bold"))
        for fragment in view.fragments:
            console.print(Text(f"{fragment['idx']:>3} [{fragment['start']}:{fragment['end']}] ", style="dim"),
                          Text(fragment["text"]))


@cli.command("status")
@store_option
@output_options
def status_command(db_path: str, as_json: bool) -> None:
    """Count what each stage has done: stories, lemmas, vectors, runs, the latest run's description.

    \b
    Example:
        scenarios status --json
    """
    with open_store(db_path, create=False) as store:
        counts = {**status(store), **runs_status(store)}
    if as_json:
        print_json(counts)
        return
    table = Table(title=f"Хранилище {counts['store']}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("файлов", str(counts["files"]))
    table.add_row("историй", str(counts["stories"]))
    table.add_row("реплик (из них клиента)", f"{counts['turns']} ({counts['client_turns']})")
    table.add_row("фрагментов (разных)", f"{counts['fragments']} ({counts['distinct_fragments']})")
    for label, key in (("лемматизировано", "lemmatised"), ("эмбеддинги", "embedded")):
        for component, n in counts[key].items():
            table.add_row(f"{label} {component}", f"{n} / {counts['distinct_fragments']}")
    _add_run_rows(table, counts)
    if counts["first_date"]:
        table.add_row("период", f"{counts['first_date']} — {counts['last_date']}")
    for channel, n in counts["channels"].items():
        table.add_row(f"  канал {channel}", str(n))
    console.print(table)


def _add_run_rows(table: Table, counts: dict[str, Any]) -> None:
    """The cluster and describe stages' rows of `status`."""
    run = counts["latest_run"]
    table.add_row("прогонов кластеризации", str(counts["runs"]))
    if run is None:
        table.add_row("сценарии", "ещё нет: scenarios cluster")
        return
    table.add_row(f"последний прогон {run['id']}",
                  f"{run['scenarios']} сценариев ({run['clusterer']}, {run['embedder']})")
    table.add_row("  без сценария", f"{run['unassigned_share']:.0%} из {run['fragments']} фрагментов")
    if run["waiting"]:
        table.add_row("  новых вне прогона", f"{run['waiting']} (scenarios assign или cluster)")
    table.add_row("  описан", "да" if run["described"] else "нет: scenarios describe")
