"""`scenarios digest`: the scenarios as leadership reads them, in the terminal, Markdown or HTML."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import load_config
from ..digest import DigestOptions, build_digest, render_html, render_markdown, render_terminal, screenshot
from ..overview import KIND_ORDER, configured_kind_titles
from ._common import config_option, console, err_console, open_store, store_option
from ._group import cli


@cli.command("digest")
@store_option
@config_option
@click.option("--format", "fmt", type=click.Choice(["terminal", "markdown", "html"]), default="terminal",
              show_default=True, help="Terminal view, Markdown, or one self-contained HTML file.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Write Markdown or HTML to this file and print its path (default: stdout).")
@click.option("--period", "period_days", type=click.IntRange(min=1), default=90, show_default=True,
              help="Days in the current period, up to the newest story; compared with the days before.")
@click.option("--kind", default=None, metavar="KIND",
              help=f"Only scenarios of this kind: {', '.join(KIND_ORDER)}, or a kind added in config.")
@click.option("--channel", default=None, help="Only stories of this channel (call, review, interview...).")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="At most N scenarios per kind (growing and new ones are always shown).")
@click.option("--by", "by", default="channel", show_default=True, metavar="FIELD",
              help="Compare segments: channel (shown when stories come from 2+ channels), source, a metadata "
                   "key such as rating, or none.")
@click.option("--no-redact", "no_redact", is_flag=True,
              help="Show phones, e-mails, card and account numbers and names as they are.")
@click.option("--screenshot", "screenshot_path", type=click.Path(dir_okay=False), default=None, metavar="PNG",
              help="Also save a full-page PNG of the HTML digest (headless Chromium).")
def digest_command(db_path: str, config_path: str | None, fmt: str, out_path: str | None, period_days: int,
                   kind: str | None, channel: str | None, top: int | None, by: str | None, no_redact: bool,
                   screenshot_path: str | None) -> None:
    """Digest of the latest run: quotes first, numbers second.

    A summary (biggest, growing and new scenarios, where each is discussed more), then each kind
    (Выбор, Сервис, Продукт, Конкуренты, Жизнь, then kinds added in config) with its scenarios:
    quotes with their source, size, tone, share now and in the previous period, a monthly trend,
    companies named; then segments (scenario x channel). Phones, e-mails, card and account numbers
    and names are masked unless --no-redact; the store keeps the original.

    \b
    Examples:
        scenarios digest
        scenarios digest --format html --out digest.html
        scenarios digest --format markdown --kind product --top 3
        scenarios digest --by channel --period 30
        scenarios digest --channel review --by rating
        scenarios digest --format html --out digest.html --screenshot digest.png
    """
    if out_path and fmt == "terminal":
        raise click.UsageError("--out пишет Markdown или HTML: добавьте --format markdown или --format html.")
    html_needed = fmt == "html" or screenshot_path is not None
    options = DigestOptions(period_days=period_days, kind=kind, channel=channel, top=top,
                            by=None if by is None or by.lower() == "none" else by,
                            redact=not no_redact, appendix=html_needed)
    with open_store(db_path, create=False) as store:
        digest = build_digest(store, options, kind_titles=configured_kind_titles(load_config(config_path)))
    html = render_html(digest) if html_needed else ""
    if fmt == "terminal":
        console.print(render_terminal(digest), soft_wrap=False)
    else:
        text = html if fmt == "html" else render_markdown(digest)
        if out_path:
            Path(out_path).write_text(text, encoding="utf-8")
            click.echo(out_path)
        else:
            click.echo(text, nl=False)
    if screenshot_path:
        written = screenshot(html, screenshot_path)
        err_console.print(f"Снимок: {written}", highlight=False)
