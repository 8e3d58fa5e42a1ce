"""Pictures of a digest as inline SVG strings (no scripts, no external files) and unicode sparklines.

The monthly trend is a labelled bar chart (share of each month's stories, a % axis, month names)
rather than an unlabelled line, so a reader sees what is measured and when.

Deterministic: the same digest draws the same bytes (coordinates rounded to 0.1 px). Text in a
picture is escaped. The SVG has no `xmlns`: inline SVG in HTML does not need it, and the digest
must carry no URL of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .model import KindSection
from .words import month_label, month_short, percent

KIND_COLOURS = {"choice": "#3b5bdb", "service": "#e8590c", "product": "#0c8599", "competitors": "#c2255c",
                "life": "#7048e8", None: "#868e96"}
#: Kinds added in config take these colours in turn (stable per kind id).
EXTRA_COLOURS = ("#2b8a3e", "#f59f00", "#1c7ed6", "#d6336c", "#5c940d", "#862e9c")
BLOCKS = "▁▂▃▄▅▆▇█"


def kind_colour(kind: str | None) -> str:
    """The colour of a kind: a fixed one for built-ins, a stable one for configured kinds, grey for none."""
    if kind in KIND_COLOURS:
        return KIND_COLOURS[kind]
    return EXTRA_COLOURS[sum(map(ord, kind or "")) % len(EXTRA_COLOURS)] if kind else KIND_COLOURS[None]


def unicode_sparkline(values: Sequence[int]) -> str:
    """`▁▃▇█` — one block per value, scaled to the largest."""
    top = max(values, default=0)
    if not top:
        return BLOCKS[0] * len(values)
    return "".join(BLOCKS[min(len(BLOCKS) - 1, round(v / top * (len(BLOCKS) - 1)))] for v in values)


def _f(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def size_bars(sections: Sequence[KindSection], total: int, *, width: int = 880) -> str:
    """Horizontal bars of scenario sizes (stories), grouped under kind headings."""
    rows = [(section, s) for section in sections for s in section.scenarios]
    if not rows:
        return ""
    label_w, value_w, row_h, head_h = 390, 80, 24, 32
    bar_w = width - label_w - value_w
    top = max(s.stories for _, s in rows) or 1
    parts: list[str] = []
    y = 0
    for section in sections:
        if not section.scenarios:
            continue
        colour = kind_colour(section.kind)
        y += head_h
        title = escape(section.title.upper())
        parts.append(f'<text x="0" y="{y - 10}" class="bar-kind" fill="{colour}">{title}</text>')
        for s in section.scenarios:
            w = max(2.0, s.stories / top * bar_w)
            mid = y + row_h / 2
            parts.append(
                f'<a href="#s-{escape(s.id)}"><text x="0" y="{_f(mid + 4)}" class="bar-label">'
                f'<title>{escape(s.name)}</title>{escape(_truncate(s.name, 52))}</text></a>'
                f'<rect x="{label_w}" y="{_f(y + 5)}" width="{_f(w)}" height="{row_h - 10}" rx="3" fill="{colour}" '
                f'opacity="{1 if s.growing or s.new else 0.72}"/>'
                f'<text x="{_f(label_w + w + 8)}" y="{_f(mid + 4)}" class="bar-value">{s.stories}'
                f'<tspan class="bar-share"> · {percent(s.share)}</tspan></text>')
            y += row_h
    height = y + 6
    return (f'<svg class="bars" width="100%" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="Размер сценариев, историй из {total}">{"".join(parts)}</svg>')


def month_range(months: Sequence[str]) -> str:
    """«дек 2025 – ноя 2026» for a trend's caption."""
    if not months:
        return ""
    return month_label(months[0]) if len(months) == 1 else f"{month_label(months[0])} – {month_label(months[-1])}"


def trend_chart(months: Sequence[str], shares: Sequence[float], counts: Sequence[int], *, colour: str = "#3b5bdb",
                highlight: int = 0, width: int = 300, height: int = 112, title: str = "") -> str:
    """Monthly share of stories as labelled bars.

    A % axis, month names under the bars, the current period shaded and named, and each bar's
    month, share and count in its tooltip.
    """
    n = len(months)
    if n == 0:
        return ""
    left, right, top_pad, bottom = 34, 4, 14, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max(max(shares, default=0.0), 0.01)
    step = plot_w / n
    bar_w = max(2.0, min(22.0, step * 0.7))
    base = top_pad + plot_h
    parts = [f'<line x1="{left}" y1="{_f(base)}" x2="{width - right}" y2="{_f(base)}" stroke="#c9ced8"/>',
             f'<line x1="{left}" y1="{top_pad}" x2="{width - right}" y2="{top_pad}" stroke="#eef0f4"/>',
             f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end" class="axis">{percent(top)}</text>',
             f'<text x="{left - 4}" y="{_f(base + 4)}" text-anchor="end" class="axis">0%</text>']
    if 0 < highlight <= n:
        x0 = left + (n - highlight) * step
        parts.append(f'<rect x="{_f(x0)}" y="{top_pad - 12}" width="{_f(width - right - x0)}" '
                     f'height="{_f(plot_h + 12)}" fill="{colour}" opacity="0.07" rx="3"/>'
                     f'<text x="{_f(width - right - 2)}" y="{top_pad - 3}" text-anchor="end" class="axis">'
                     f'последний период</text>')
    every = 1 if n <= 8 else 2 if n <= 16 else 3
    first_label = (n - 1) % every  # labels count back from the latest month; the first shown names its year
    for i, (month, share, count) in enumerate(zip(months, shares, counts)):
        h = share / top * plot_h
        x = left + i * step + (step - bar_w) / 2
        tip = f"{month_label(month)}: {percent(share)} историй месяца ({count})"
        parts.append(f'<rect x="{_f(x)}" y="{_f(base - h)}" width="{_f(bar_w)}" height="{_f(max(h, 0.8))}" '
                     f'fill="{colour}" rx="1.5"><title>{escape(tip)}</title></rect>')
        if (n - 1 - i) % every == 0:
            cx = left + i * step + step / 2
            year = month[2:4] if i == first_label or month.endswith("-01") else ""
            label = month_short(month) + (f" {year}" if year else "")
            parts.append(f'<text x="{_f(cx)}" y="{_f(base + 13)}" text-anchor="middle" class="axis">{label}</text>')
    parts.append(f'<text x="{left}" y="{height - 3}" class="axis-title">доля историй месяца</text>')
    label = escape(title)
    return (f'<svg class="trend-chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{label}"><title>{label}</title>{"".join(parts)}</svg>')
