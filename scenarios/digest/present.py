"""Sentences and captions every renderer shares, so terminal, Markdown and HTML say the same thing."""

from __future__ import annotations

from .model import Digest, Quote, ScenarioDigest
from .words import (
    CHANNELS_WORD,
    CLIENTS,
    SCENARIOS,
    STORIES,
    channel_name,
    date_label,
    decimal,
    kind_name,
    month_label,
    number,
    percent,
    period_label,
    plural,
    tone_line,
    word,
)


def source(quote: Quote) -> str:
    """Where a quote comes from: «Звонок · 18 февраля 2026 · «Курьер не приехал»»."""
    parts = [channel_name(quote.channel, one=True).capitalize(), date_label(quote.date)]
    if quote.title:
        parts.append(f"«{quote.title}»")
    return " · ".join(p for p in parts if p)


def days(digest: Digest) -> str:
    """«90 дней»."""
    return plural(digest.options.period_days, ("день", "дня", "дней"))


def period_line(digest: Digest) -> str:
    """«24 августа – 21 ноября 2026 против 26 мая – 23 августа 2026»."""
    if not digest.current or not digest.previous:
        return "Истории без дат: динамику показать нельзя."
    return (f"{period_label(digest.current.start, digest.current.end)} "
            f"против {period_label(digest.previous.start, digest.previous.end)}")


def scope_line(digest: Digest) -> str:
    """The filters a digest was built with, or an empty string."""
    options = digest.options
    parts = []
    if options.channel:
        parts.append(f"канал: {channel_name(options.channel)}")
    if options.kind:
        title = next((s.title for s in digest.sections if s.kind == options.kind), kind_name(options.kind))
        parts.append(f"вид: {title.lower()}")
    if options.top:
        genitive = "сценария" if options.top % 10 == 1 and options.top % 100 != 11 else "сценариев"
        parts.append(f"до {options.top} {genitive} каждого вида")
    return "Только " + ", ".join(parts) if parts else ""


def facts(digest: Digest) -> list[tuple[str, str]]:
    """The headline numbers as (number, word) pairs."""
    shown = len(digest.scenarios)
    channels = len(digest.channels)
    return [(number(digest.total_stories), word(digest.total_stories, STORIES)),
            (number(digest.total_clients), word(digest.total_clients, CLIENTS)),
            (number(shown), word(shown, SCENARIOS)), (number(channels), word(channels, CHANNELS_WORD))]


def change(s: ScenarioDigest) -> str:
    """«4% → 14%» of stories in the previous and the current period."""
    return f"{percent(s.previous_share)} → {percent(s.current_share)}"


def growth(s: ScenarioDigest) -> str:
    """«×3,5» or «новый»."""
    if s.new:
        return "новый"
    if s.growth is None:
        return ""
    return f"×{decimal(s.growth)}"


def lead(digest: Digest) -> str:
    """The one sentence to read if nothing else: what grows, what is new, or what is biggest."""
    period = days(digest)
    if digest.growing:
        s = digest.scenario(digest.growing[0])
        return (f"Быстрее всего растёт «{s.name}»: {percent(s.current_share)} историй за последние {period} "
                f"против {percent(s.previous_share)} в предыдущие ({growth(s)}).")
    if digest.new:
        s = digest.scenario(digest.new[0])
        return (f"Новый сценарий «{s.name}»: {plural(s.current, STORIES)} за последние {period}, "
                "раньше его не было.")
    if digest.biggest:
        s = digest.scenario(digest.biggest[0])
        return f"Самый частый сценарий — «{s.name}»: {percent(s.share)} всех историй."
    return "Сценариев не найдено."


def size_line(s: ScenarioDigest) -> str:
    """«31 история · 30 клиентов · 9% всех историй · хвалят 40% · жалуются 35%»."""
    line = f"{plural(s.stories, STORIES)} · {plural(s.clients, CLIENTS)} · {percent(s.share)} всех историй"
    return f"{line} · {tone(s)}" if tone(s) else line


def tone(s: ScenarioDigest) -> str:
    """«хвалят 40% · жалуются 35%», empty when describe did not measure the tone."""
    return tone_line(s.praise, s.complaint)


def colophon(digest: Digest) -> str:
    """The closing line: when the scenarios were found, over how many stories, what is masked."""
    parts = []
    if digest.built_on:
        n = digest.total_stories
        dative = "истории" if n % 10 == 1 and n % 100 != 11 else "историям"  # «по 351 истории», «по 350 историям»
        parts.append(f"Сценарии найдены {date_label(digest.built_on)} по {number(n)} {dative}")
    if digest.options.redact:
        parts.append("в цитатах скрыты телефоны, e-mail, номера карт и счетов, имена")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "." if text else ""


def trend_caption(digest: Digest) -> str:
    """«По месяцам, дек 2025 – ноя 2026» — what a text sparkline shows."""
    months = digest.months
    if not months:
        return "По месяцам"
    span = month_label(months[0]) if len(months) == 1 else f"{month_label(months[0])} – {month_label(months[-1])}"
    return f"По месяцам, {span}"


def segment_title(field: str) -> str:
    """What one column of the segment table is, in the genitive: «канала», «источника»."""
    return {"channel": "канала", "source": "источника"}.get(field, f"значения «{field}»")


def period_share_line(digest: Digest, s: ScenarioDigest) -> str:
    """«за 90 дней 14% историй, до того 4%»."""
    if not digest.current:
        return ""
    return f"за {days(digest)}: {percent(s.current_share)} историй, до того {percent(s.previous_share)}"


def competitors(s: ScenarioDigest, limit: int = 5) -> str:
    """«Сбербанк (5), Т-Банк (2)» — other companies named in the scenario's stories."""
    names = [f"{c.name} ({c.stories})" for c in s.companies if not c.own][:limit]
    return ", ".join(names)


def short(text: str, limit: int = 160) -> str:
    """A quote cut at a word boundary for the summary."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—- ")
    return cut + "…"


def recent_quote(digest: Digest, s: ScenarioDigest) -> Quote | None:
    """The scenario's first quote from the current period, else its first quote."""
    for q in s.quotes:
        if digest.current and q.date and digest.current.start.isoformat() <= q.date <= digest.current.end.isoformat():
            return q
    return s.quotes[0] if s.quotes else None
