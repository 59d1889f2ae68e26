"""The open-data files of the inventory, written from ``opendata.COLUMNS`` in bounded memory:
CSV and GeoJSON as streams of text, XLSX row by row (openpyxl's write-only mode) into a
temporary file. Actors are read in chunks (``opendata.actors_iterate``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from .models import Actor
from .opendata import COLUMN_NAMES, CSV_DELIMITER, LIST_DELIMITER, actor_row, actors_iterate

# --- Spreadsheet cells ------------------------------------------------------------------------

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A value made of digits and the characters of a phone number is not a formula, even when it
# starts with "+" or "-" (a phone number, a negative coordinate): kept as it is.
_HARMLESS = re.compile(r"[+-]?[\d\s().,/-]*")


def cell_text(value: Any) -> str:
    """The text of a value in a CSV or XLSX cell: lists joined with ``|``, dates in ISO 8601,
    empty for None; a text that a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = LIST_DELIMITER.join(str(item).replace(LIST_DELIMITER, "/") for item in value)
    elif isinstance(value, dt.datetime | dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    if text.startswith(_FORMULA_TRIGGERS) and not _HARMLESS.fullmatch(text):
        return "'" + text
    return text


def _cell_value(value: Any) -> Any:
    """A typed XLSX value: numbers and dates stay typed, the rest becomes ``cell_text``; a
    missing value (or an empty list) leaves the cell empty (not even written: cheaper)."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the instant in UTC, as ISO text, to stay unambiguous.
        return cell_text(value)
    if isinstance(value, dt.date):
        return value
    return cell_text(value)


def _headers() -> list[str]:
    return list(COLUMN_NAMES)


# --- Writers ----------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(actors: QuerySet[Actor]) -> Iterator[str]:
    """CSV text (UTF-8, ``,``, CRLF, a header of column names) of ``actors``, line by line."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield writer.writerow(_headers())
    for actor in actors_iterate(actors):
        row = actor_row(actor)
        yield writer.writerow([cell_text(row[name]) for name in COLUMN_NAMES])


def xlsx_file(actors: QuerySet[Actor], *, title: str = "Acteurs"):
    """An XLSX workbook of ``actors`` in a temporary file (open, at its start): one header row
    of column names (bold, frozen), then a row per actor; text cells are always text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    header = []
    for name in _headers():
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for actor in actors_iterate(actors):
        row = actor_row(actor)
        values = []
        for name in COLUMN_NAMES:
            value = _cell_value(row[name])
            if isinstance(value, str) and value.startswith("="):
                # cell_text escapes these already; kept as text whatever happens upstream,
                # as openpyxl would take them for formulas.
                value = WriteOnlyCell(sheet, value=value)
                value.data_type = TYPE_STRING
            values.append(value)
        # Plain values: openpyxl writes them without a cell object each (far faster).
        sheet.append(values)
    # Handed to the response, which closes it once sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"Not serialisable: {type(value).__name__}")


def geojson_chunks(actors: QuerySet[Actor], *, extra: dict | None = None) -> Iterable[str]:
    """A GeoJSON FeatureCollection of ``actors``, piece by piece: one Feature per actor (a
    Point, or no geometry when the actor has no coordinates), its properties the columns;
    ``extra`` members (licence, schema) are added to the collection."""
    head = {"type": "FeatureCollection", **(extra or {})}
    text = json.dumps(head, ensure_ascii=False, default=_json_default)
    yield text[:-1] + ', "features": ['
    first = True
    for actor in actors_iterate(actors):
        row = actor_row(actor)
        geometry = (
            {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
            if row["latitude"] is not None and row["longitude"] is not None
            else None
        )
        feature = {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": row}
        yield ("" if first else ",\n") + json.dumps(
            feature, ensure_ascii=False, default=_json_default
        )
        first = False
    yield "]}\n"
