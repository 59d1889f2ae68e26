"""Spreadsheet files for any module: CSV for French Excel and XLSX, safe against formula
injection. ``csv_bytes`` and ``xlsx_bytes`` take headers and rows; ``spreadsheet_safe`` makes
one value harmless.

Formula injection: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by spreadsheet software (``=HYPERLINK(...)``, DDE). Such a value,
typed by anyone in a public form or written in a feed, is prefixed with ``'`` so it is shown as
text.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what Excel expects in a French locale
# Sheet titles: at most 31 characters, none of these.
_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def spreadsheet_safe(value: Any) -> Any:
    """``value`` made harmless for a spreadsheet cell.

    Text starting with a formula trigger gets a leading ``'``; numbers, dates and booleans are
    kept as they are (a negative number is data, not a formula); None becomes ``""``; anything
    else becomes its (checked) text.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | datetime.date | datetime.time):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _text(value: Any) -> str:
    """The CSV text of an already safe value (aware datetimes in local time)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    return str(value)


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file (UTF-8 with BOM, ``;`` separator, CRLF) of ``headers`` then ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([_text(spreadsheet_safe(str(header))) for header in headers])
    for row in rows:
        writer.writerow([_text(spreadsheet_safe(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "") -> bytes:
    """An XLSX workbook of one sheet: ``headers`` (bold, frozen) then ``rows``.

    Every text cell is written with the string type, so nothing is ever read as a formula.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (str(title).translate(_SHEET_TITLE_FORBIDDEN).strip() or "Export")[:31]
    sheet.append([str(spreadsheet_safe(str(header))) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.data_type = TYPE_STRING
    sheet.freeze_panes = "A2"
    for row in rows:
        values = []
        for value in row:
            value = spreadsheet_safe(value)
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                value = timezone.make_naive(value)
            values.append(value)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                # openpyxl would otherwise take a text beginning with "=" for a formula.
                cell.data_type = TYPE_STRING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SPREADSHEET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_response(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, file_format: str, stem: str, title=""
) -> HttpResponse:
    """A download of ``headers`` and ``rows`` as ``stem.csv`` or ``stem.xlsx`` (``file_format``
    "csv" or "xlsx"; the sheet's ``title`` for XLSX), never cached: exports hold what a
    member of staff may see."""
    if file_format == "csv":
        body = csv_bytes(headers, rows)
    else:
        body = xlsx_bytes(headers, rows, title=title)
    response = HttpResponse(body, content_type=SPREADSHEET_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response
