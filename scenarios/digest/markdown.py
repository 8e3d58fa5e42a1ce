"""The digest as Markdown: for a wiki page, a chat or an e-mail body. Quotes first, numbers second.

Story text is Markdown-escaped where it could turn into markup (`<`, `*`, `_`, backticks, `[`),
so a pasted tag or link shows as written.
"""

from __future__ import annotations

import re

from . import present
from .charts import unicode_sparkline
from .model import Digest, ScenarioDigest
from .words import percent

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_markdown(digest: Digest) -> str:
    """The digest as a Markdown document."""
    out = ["# Что рассказывают клиенты", ""]
    header = present.period_line(digest)
    if digest.current:
        header = f"Последние {present.days(digest)}: {header}"
    out.append(f"*{header}*  ")
    out.append(" · ".join(f"**{n}** {w}" for n, w in present.facts(digest)))
    if present.scope_line(digest):
        out += ["", f"_{present.scope_line(digest)}_"]
    out += ["", f"> {md_escape(present.lead(digest))}", "", "## Главное", ""]
    out += _summary(digest)
    for section in digest.sections:
        out += ["", f"## {section.title}", ""]
        for s in section.scenarios:
            out += _scenario(digest, s)
    if digest.segments:
        out += ["", f"## Сегменты: доля историй каждого {md_escape(present.segment_title(digest.segments.field))}, "
                "где звучит сценарий", ""]
        # the largest differences are said in the summary («Где о чём говорят»); here the full table
        columns = digest.segments.columns
        out.append("| Сценарий | " + " | ".join(f"{md_escape(c.label)} ({c.stories})" for c in columns) + " |")
        out.append("|---|" + "---:|" * len(columns))
        for row in digest.segments.rows:
            out.append(f"| {md_escape(row.name)} | " + " | ".join(percent(x) for x in row.shares) + " |")
    if present.colophon(digest):
        out += ["", "---", f"_{md_escape(present.colophon(digest))}_"]
    return "\n".join(out) + "\n"


def _summary(digest: Digest) -> list[str]:
    out = []
    if digest.growing:
        out.append("**Растут**")
        for sid in digest.growing:
            s = digest.scenario(sid)
            out.append(f"- {md_escape(s.name)} — {present.change(s)} историй ({present.growth(s)})")
    else:
        out.append(f"Заметно выросших за последние {present.days(digest)} сценариев нет.")
    if digest.new:
        out += ["", "**Новые**"]
        out += [f"- {md_escape(digest.scenario(sid).name)} — {digest.scenario(sid).current} ист." for sid in digest.new]
    out += ["", "**Крупнейшие**"]
    for sid in digest.biggest:
        s = digest.scenario(sid)
        out.append(f"- {md_escape(s.name)} — {percent(s.share)} историй ({s.stories})")
    if digest.segments and digest.segments.findings:
        out += ["", "**Где о чём говорят**"] + [f"- {md_escape(line)}" for line in digest.segments.findings]
    return out


def _scenario(digest: Digest, s: ScenarioDigest) -> list[str]:
    badge = f" — **растёт {present.growth(s)}**" if s.growing else (" — **новый**" if s.new else "")
    out = [f"### {md_escape(s.name)}{badge}", ""]
    for q in s.quotes:
        out += [f"> «{md_escape(q.text)}»  ", f"> — {md_escape(present.source(q))}", ""]
    numbers = present.size_line(s)
    if digest.current:
        numbers += f"; {present.period_share_line(digest, s)}"
    out.append(numbers + "  ")
    if len(digest.months) > 1:
        out.append(f"{present.trend_caption(digest)}: `{unicode_sparkline(s.trend)}` "
                   f"({' · '.join(percent(x) for x in s.trend_shares)})  ")
    if present.competitors(s):
        out.append(f"Упоминают: {md_escape(present.competitors(s))}")
    out.append("")
    return out
