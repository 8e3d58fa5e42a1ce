"""Russian words a digest needs: channel names, months, plurals, dates, percentages."""

from __future__ import annotations

import datetime as dt

from ..dates import stored_date
from ..overview import kind_title

#: channel -> (name as a heading, "в <prepositional>" for sentences)
CHANNELS: dict[str, tuple[str, str]] = {
    "call": ("звонки", "в звонках"),
    "review": ("отзывы", "в отзывах"),
    "interview": ("интервью", "в интервью"),
    "chat": ("чаты", "в чатах"),
    "email": ("письма", "в письмах"),
    "survey": ("опросы", "в опросах"),
    "note": ("заметки", "в заметках"),
    "social": ("соцсети", "в соцсетях"),
    "meeting": ("встречи", "на встречах"),
}
#: channel -> the singular for a quote's source line
CHANNEL_ONE = {"call": "звонок", "review": "отзыв", "interview": "интервью", "chat": "чат", "email": "письмо",
               "survey": "опрос", "note": "заметка", "social": "соцсети", "meeting": "встреча"}

MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря")
MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def kind_name(kind: str | None) -> str:
    """Russian heading of a kind (see :func:`scenarios.overview.kind_title`)."""
    return kind_title(kind)


def channel_name(channel: str | None, *, one: bool = False) -> str:
    """A channel as people say it: «звонки» (or «звонок» with `one`); unknown channels as they are."""
    if not channel:
        return ""
    if one:
        return CHANNEL_ONE.get(channel, channel)
    return CHANNELS.get(channel, (channel, ""))[0]


def segment_phrase(field: str, value: str) -> str:
    """Where a segment's stories come from, for a sentence: «в звонках», «среди историй с rating = 1»."""
    if field == "channel" and value in CHANNELS:
        return CHANNELS[value][1]
    if field == "source":
        return f"в источнике «{value}»"
    return f"среди историй с {field} = {value}"


def segment_label(field: str, value: str) -> str:
    """A segment as a table heading."""
    if field == "channel":
        return channel_name(value).capitalize() or value
    return value


def word(n: int, forms: tuple[str, str, str]) -> str:
    """The Russian form of a noun after `n`.

    Examples:
        >>> word(3, ("история", "истории", "историй"))
        'истории'
    """
    tail = n % 100
    if 11 <= tail <= 14:
        return forms[2]
    if n % 10 == 1:
        return forms[0]
    if 2 <= n % 10 <= 4:
        return forms[1]
    return forms[2]


def number(n: int) -> str:
    """12 345 with a narrow no-break space between thousands."""
    return f"{n:,}".replace(",", "\u202f")


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """`n` with the right Russian form of a noun.

    Examples:
        >>> plural(3, ("история", "истории", "историй"))
        '3 истории'
    """
    return f"{number(n)} {word(n, forms)}"


STORIES = ("история", "истории", "историй")
CLIENTS = ("клиент", "клиента", "клиентов")
SCENARIOS = ("сценарий", "сценария", "сценариев")
CHANNELS_WORD = ("канал", "канала", "каналов")


def date_label(value: str | dt.date | None, *, year: bool = True) -> str:
    """«18 февраля 2026» from an ISO date; anything else as it is."""
    if value is None:
        return ""
    day = stored_date(value) if isinstance(value, str) else value
    if day is None:
        return str(value)
    text = f"{day.day} {MONTHS_GENITIVE[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def period_label(start: dt.date, end: dt.date) -> str:
    """«24 августа – 20 ноября 2026» (the year once when both ends share it)."""
    return f"{date_label(start, year=start.year != end.year)} – {date_label(end)}"


def month_label(month: str) -> str:
    """«окт 2026» from `2026-10`."""
    year, number = month.split("-")
    return f"{MONTHS_SHORT[int(number) - 1]} {year}"


def percent(share: float) -> str:
    """A share as people read it: 12%, 0,4% for small ones, 0% for none (a decimal comma)."""
    if share <= 0:
        return "0%"
    value = share * 100
    if value < 1:
        return f"{value:.1f}%".replace(".", ",")
    return f"{value:.0f}%"


def decimal(value: float, digits: int = 1) -> str:
    """A number with a decimal comma, as Russian readers expect: 25,8."""
    return f"{value:.{digits}f}".replace(".", ",")


def tone_line(praise: float | None, complaint: float | None) -> str:
    """«хвалят 40% · жалуются 35%», or an empty string when tone was not measured."""
    parts = []
    if praise is not None:
        parts.append(f"хвалят {percent(praise)}")
    if complaint is not None:
        parts.append(f"жалуются {percent(complaint)}")
    return " · ".join(parts)


def month_short(month: str) -> str:
    """«окт» from `2026-10`."""
    return MONTHS_SHORT[int(month.split("-")[1]) - 1]
