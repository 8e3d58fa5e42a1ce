"""Export of the scenarios with their counts and quotes, as CSV and XLSX, under the page's filters.

The rows come from the same digest the page shows (quotes masked as there), so a spreadsheet
says what the page says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response

from ..digest import Digest
from ..digest.present import growth, source
from .context import digest_cache, get_store
from .filters import read_filters
from .pages import no_scenarios
from .queries import run_info

bp = Blueprint("export", __name__)
QUOTES = 3
HEADER = ["Вид", "Сценарий", "Историй", "Клиентов", "Доля историй, %", "За период, %", "До того, %", "Динамика",
          "Хвалят, %", "Жалуются, %", "Компании",
          *[f"{column} {i}" for i in range(1, QUOTES + 1) for column in ("Цитата", "Источник")]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(digest: Digest) -> Iterator[list[object]]:
    """One row per scenario: kind, name, numbers (shares in percent, one decimal), quotes."""
    for section in digest.sections:
        for s in section.scenarios:
            quotes: list[object] = []
            for q in s.quotes[:QUOTES]:
                quotes += [q.text, source(q)]
            quotes += [""] * (2 * QUOTES - len(quotes))
            yield [section.title, s.name, s.stories, s.clients, _pct(s.share), _pct(s.current_share),
                   _pct(s.previous_share), growth(s) or ("растёт" if s.growing else ""),
                   _pct(s.praise), _pct(s.complaint),
                   ", ".join(f"{c.name} ({c.stories})" for c in s.companies if not c.own), *quotes]


def _pct(share: float | None) -> float | str:
    return "" if share is None else round(share * 100, 1)


def _digest() -> Digest | None:
    store = get_store()
    info = run_info(store)
    if info is None:
        return None
    return digest_cache().digest(store, read_filters(store, info.id).options())


@bp.get("/export.csv")
def export_csv() -> Response | str:
    """The scenarios as CSV (UTF-8 with BOM and `;`, as Excel in Russian opens it)."""
    digest = _digest()
    if digest is None:
        return no_scenarios("scenarios")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for row in rows(digest):
        writer.writerow([str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    return _download("\ufeff" + out.getvalue(), "text/csv; charset=utf-8", "scenarios.csv")


@bp.get("/export.xlsx")
def export_xlsx() -> Response | str:
    """The scenarios as an Excel workbook: one sheet, a header row, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    digest = _digest()
    if digest is None:
        return no_scenarios("scenarios")
    book = Workbook()
    sheet = book.active
    sheet.title = "Сценарии"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(digest):
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJKLMNOPQ", (12, 48, 9, 9, 10, 10, 10, 10, 9, 9, 30, 60, 28, 60, 28, 60, 28)):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    data = io.BytesIO()
    book.save(data)
    return _download(data.getvalue(), XLSX, "scenarios.xlsx")


def _download(body: str | bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
