"""Pictures of a digest as inline SVG strings (no scripts, no external files) and unicode sparklines.

Deterministic: the same digest draws the same bytes (coordinates rounded to 0.1 px). Text in a
picture is escaped. The SVG has no `xmlns`: inline SVG in HTML does not need it, and the digest
must carry no URL of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .model import Digest, FragmentMap, KindSection
from .words import month_label, percent

KIND_COLOURS = {"choice": "#3b5bdb", "service": "#e8590c", "product": "#0c8599", "competitors": "#c2255c",
                "life": "#7048e8", None: "#868e96"}
#: Distinct colours for the map's biggest scenarios; the rest are grey.
PALETTE = ("#3b5bdb", "#e8590c", "#0c8599", "#c2255c", "#7048e8", "#2b8a3e", "#f59f00", "#1c7ed6", "#d6336c",
           "#5c940d", "#862e9c", "#e67700")
OTHER = "#ced4da"
BLOCKS = "▁▂▃▄▅▆▇█"


def kind_colour(kind: str | None) -> str:
    """The colour of a kind (grey for none)."""
    return KIND_COLOURS.get(kind, KIND_COLOURS[None])


def unicode_sparkline(values: Sequence[int]) -> str:
    """`▁▃▇█` — one block per value, scaled to the largest."""
    top = max(values, default=0)
    if not top:
        return BLOCKS[0] * len(values)
    return "".join(BLOCKS[min(len(BLOCKS) - 1, round(v / top * (len(BLOCKS) - 1)))] for v in values)


def _f(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def sparkline(values: Sequence[int], *, width: int = 160, height: int = 36, colour: str = "#3b5bdb",
              highlight: int = 0, title: str = "") -> str:
    """A line of monthly counts with a soft area under it; the last `highlight` months shaded."""
    n = len(values)
    if n == 0:
        return ""
    top = max(max(values), 1)
    pad = 3.0
    step = (width - 2 * pad) / max(n - 1, 1)
    points = [(pad + i * step, height - pad - v / top * (height - 2 * pad)) for i, v in enumerate(values)]
    line = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
    area = f"{_f(points[0][0])},{height - pad} {line} {_f(points[-1][0])},{height - pad}"
    shade = ""
    if 0 < highlight < n:
        x0 = pad + (n - highlight - 0.5) * step
        shade = (f'<rect x="{_f(x0)}" y="0" width="{_f(width - x0)}" height="{height}" fill="{colour}" '
                 f'opacity="0.08" rx="3"/>')
    last_x, last_y = points[-1]
    label = f'<title>{escape(title)}</title>' if title else ""
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}">{label}{shade}'
            f'<polygon points="{area}" fill="{colour}" opacity="0.12"/>'
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="1.8" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
            f'<circle cx="{_f(last_x)}" cy="{_f(last_y)}" r="2.6" fill="{colour}"/></svg>')


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


def map_colours(digest: Digest, limit: int = len(PALETTE)) -> dict[str, str]:
    """Scenario id -> colour on the map: the biggest scenarios get distinct colours, the rest none."""
    biggest = sorted(digest.scenarios, key=lambda s: (-s.stories, s.id))[:limit]
    return {s.id: PALETTE[i] for i, s in enumerate(biggest)}


def fragment_map_svg(fragments: FragmentMap, colours: dict[str, str], *, width: int = 880,
                     height: int = 460) -> str:
    """Scatter of fragments: coloured scenarios over grey ones, each with a numbered marker at its centre.

    Numbers follow the order of `colours` (the legend's order).
    """
    pad = 16
    others, named = [], []
    sums: dict[str, list[float]] = {}
    for p in fragments.points:
        x = pad + p.x * (width - 2 * pad)
        y = pad + (1 - p.y) * (height - 2 * pad)
        colour = colours.get(p.scenario_id)
        if colour:
            named.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.4" fill="{colour}"/>')
            total = sums.setdefault(p.scenario_id, [0.0, 0.0, 0.0])
            total[0] += x
            total[1] += y
            total[2] += 1
        else:
            others.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="2.6" fill="{OTHER}"/>')
    markers = []
    for number, (scenario_id, colour) in enumerate(colours.items(), start=1):
        if scenario_id not in sums:
            continue
        x, y, n = sums[scenario_id]
        markers.append(f'<g class="marker"><circle cx="{_f(x / n)}" cy="{_f(y / n)}" r="10" fill="#fff" '
                       f'stroke="{colour}" stroke-width="2.5"/><text x="{_f(x / n)}" y="{_f(y / n + 4)}" '
                       f'text-anchor="middle" fill="{colour}">{number}</text></g>')
    return (f'<svg class="map" width="100%" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="Карта фрагментов: {len(fragments.points)} точек">'
            f'<rect width="{width}" height="{height}" rx="10" fill="#fafbfd"/>'
            f'<g>{"".join(others)}</g><g opacity="0.78">{"".join(named)}</g>{"".join(markers)}</svg>')


def month_range(months: Sequence[str]) -> str:
    """«дек 2025 – ноя 2026» for a sparkline's caption."""
    if not months:
        return ""
    return month_label(months[0]) if len(months) == 1 else f"{month_label(months[0])} – {month_label(months[-1])}"
