"""Map the columns of a table export (CSV, JSON) onto story fields.

Exports name columns in Russian or English (`Дата`, `Ответ`, `review_id`); a user can name them
explicitly, otherwise the first known alias wins. Columns that map to no field are kept as
metadata (rating, bank, theme...), so nothing the source gave is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import InputError

ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "текст", "ответ", "отзыв", "review", "comment", "комментарий", "message",
             "сообщение", "body", "content", "story", "история", "transcript", "расшифровка"),
    "external_id": ("id", "номер", "№", "story_id", "review_id", "uid", "ид"),
    "date": ("date", "дата", "created_at", "created", "datetime", "timestamp", "дата отзыва"),
    "client": ("client", "клиент", "author", "автор", "customer", "user", "фио", "имя"),
    "channel": ("channel", "канал"),
    "title": ("title", "заголовок", "subject", "тема"),
    "source": ("source", "источник"),
}


def map_columns(header: Sequence[str], explicit: Mapping[str, str], *, name: str) -> dict[str, str]:
    """Return `{field: column}` for `header`.

    `explicit` maps fields to columns the user named; a named column that is missing is an error,
    as is a table without any text column.
    """
    folded = {column.strip().casefold(): column for column in header}
    mapping: dict[str, str] = {}
    for field_name, column in explicit.items():
        if not column:
            continue
        found = folded.get(column.strip().casefold())
        if found is None:
            raise InputError(
                f"{name}: нет колонки «{column}». Колонки файла: {_list(header)}."
            )
        mapping[field_name] = found
    taken = set(mapping.values())
    for field_name, aliases in ALIASES.items():
        if field_name in mapping:
            continue
        for alias in aliases:
            match = folded.get(alias)
            if match is not None and match not in taken:
                mapping[field_name] = match
                taken.add(match)
                break
    if "text" not in mapping:
        raise InputError(
            f"{name}: нет колонки с текстом (ожидалась «text»). Колонки файла: {_list(header)}. "
            "Укажите нужную: --text-column ИМЯ."
        )
    return mapping


def _list(header: Sequence[str]) -> str:
    shown = ", ".join(f"«{c}»" for c in header[:12])
    return shown + (f" и ещё {len(header) - 12}" if len(header) > 12 else "")
