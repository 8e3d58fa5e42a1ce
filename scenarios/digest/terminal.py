"""The digest for a terminal (rich): a one-screen summary, then per kind each scenario's quotes and numbers.

Returns renderables; the caller prints them (the library never prints). Story text is wrapped in
`rich.text.Text`, so square brackets in it («[имя]») are shown, not read as markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import present
from .charts import unicode_sparkline
from .model import Digest, ScenarioDigest
from .words import percent

KIND_STYLES = {"choice": "blue", "service": "dark_orange", "product": "cyan", "competitors": "magenta",
               "life": "medium_purple", None: "white"}


def render_terminal(digest: Digest) -> Group:
    """The digest as rich renderables: summary first, then kinds and scenarios."""
    parts: list[RenderableType] = [_summary(digest)]
    for section in digest.sections:
        style = KIND_STYLES.get(section.kind, "white")
        parts.append(Text(f"\n{section.title.upper()}", style=f"bold {style}"))
        for s in section.scenarios:
            parts.append(_scenario(digest, s, style))
    if digest.segments:
        parts.append(_segments(digest))
    if present.colophon(digest):
        parts.append(Text(f"\n{present.colophon(digest)}", style="dim"))
    return Group(*parts)


def _summary(digest: Digest) -> Panel:
    body: list[RenderableType] = []
    head = Text()
    head.append(present.period_line(digest), style="dim")
    head.append("\n")
    head.append("  ·  ".join(f"{n} {w}" for n, w in present.facts(digest)), style="bold")
    if present.scope_line(digest):
        head.append(f"\n{present.scope_line(digest)}", style="yellow")
    body.append(head)
    body.append(Text(f"\n{present.lead(digest)}\n", style="bold"))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_column(justify="right", style="cyan", no_wrap=True)
    for label, ids, style in (("Растут", digest.growing, "red"), ("Новые", digest.new, "green"),
                              ("Крупнейшие", digest.biggest, "")):
        if not ids:
            table.add_row(Text(label, style=style), Text("нет", style="dim"), "")
            continue
        for i, sid in enumerate(ids[:5]):
            s = digest.scenario(sid)
            figure = (f"{present.change(s)} {present.growth(s)}" if label == "Растут"
                      else f"{s.current} ист." if label == "Новые" else f"{percent(s.share)} · {s.stories}")
            table.add_row(Text(label if i == 0 else "", style=style), Text(s.name), figure)
    body.append(table)
    if digest.segments and digest.segments.findings:
        body.append(Text("\n" + "\n".join(f"• {line}" for line in digest.segments.findings)))
    return Panel(Group(*body), title="[bold]Что рассказывают клиенты[/bold]", title_align="left",
                 border_style="bright_black", padding=(1, 2))


def _scenario(digest: Digest, s: ScenarioDigest, style: str) -> RenderableType:
    head = Text()
    head.append(s.name, style=f"bold {style}")
    if s.growing:
        head.append(f"  ▲ растёт {present.growth(s)}", style="bold red")
    if s.new:
        head.append("  ★ новый", style="bold green")
    lines: list[RenderableType] = [Text(""), head]
    for q in s.quotes:
        quote = Text(f"«{q.text}»", style="italic")
        lines.append(Padding(quote, (0, 0, 0, 3)))
        lines.append(Padding(Text(f"— {present.source(q)}", style="dim"), (0, 0, 0, 5)))
    numbers = Text("   ")
    numbers.append(present.size_line(s), style="cyan")
    if digest.current:
        numbers.append(f"  ·  {present.period_share_line(digest, s)}", style="cyan")
    if len(digest.months) > 1:
        numbers.append(f"\n   {present.trend_caption(digest)}: ", style="dim")
        numbers.append(unicode_sparkline(s.trend), style=style)
        numbers.append(f" сейчас {percent(s.trend_shares[-1])}", style="dim")
    lines.append(numbers)
    if present.competitors(s):
        lines.append(Text(f"   Упоминают: {present.competitors(s)}", style="dim"))
    return Group(*lines)


def _segments(digest: Digest) -> RenderableType:
    segments = digest.segments
    assert segments is not None
    table = Table(title=f"Сегменты: доля историй каждого {present.segment_title(segments.field)}, где звучит сценарий",
                  title_justify="left",
                  show_edge=False, header_style="bold")
    table.add_column("Сценарий", overflow="fold", max_width=48)
    for c in segments.columns:
        table.add_column(f"{c.label}\n{c.stories}", justify="right")
    for row in segments.rows:
        top = max(row.shares, default=0)
        table.add_row(Text(row.name), *[Text(percent(x), style="bold" if x == top and x > 0 else "")
                                         for x in row.shares])
    return Group(Text(""), table)
