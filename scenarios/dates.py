"""Parse the dates that client data really carries into ISO `YYYY-MM-DD`.

Exports use ISO, Russian `DD.MM.YYYY`, and review sites write `13 сент, 2018` or `12 марта 2026`.
Trends are monthly, so the time of day is dropped.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6,
    "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?!\d)")
_WORDY = re.compile(r"(\d{1,2})\s+([а-яё]+)\.?,?\s+(\d{4})", re.IGNORECASE)
_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def stored_date(value: str | None) -> dt.date | None:
    """The day of a date as the store keeps it (ISO, maybe with a time); None when absent or malformed."""
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def parse_date(value: object) -> str | None:
    """Return `value` as `YYYY-MM-DD`, or None when it is empty or not a recognisable date."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    if not text:
        return None
    if m := _ISO.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _DOTTED.match(text):
        year = int(m[3])
        year += 2000 if year < 100 else 0
        return _make(year, int(m[2]), int(m[1]))
    if m := _WORDY.match(text):
        month = _MONTHS.get(m[2].lower()[:3])
        return _make(int(m[3]), month, int(m[1])) if month else None
    return None


def date_in_name(name: str) -> str | None:
    """An ISO-like date inside a file name (`2026-03-14_ivanova.txt`), or None."""
    m = _IN_NAME.search(name)
    return _make(int(m[1]), int(m[2]), int(m[3])) if m else None


def _make(year: int, month: int | None, day: int) -> str | None:
    if month is None:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
