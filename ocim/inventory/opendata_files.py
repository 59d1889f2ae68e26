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

SHEET_TITLE = "Acteurs"

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
    writer = _csv_writer()
    yield writer.writerow(_headers())
    for actor in actors_iterate(actors):
        yield _csv_line(writer, actor_row(actor))


def _csv_writer():
    return csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")


def _csv_line(writer, row: dict[str, Any]) -> str:
    return writer.writerow([cell_text(row[name]) for name in COLUMN_NAMES])


class _Sheet:
    """An XLSX workbook written row by row (openpyxl's write-only mode): one header row of
    column names (bold, frozen), then a row per actor; text cells are always text."""

    def __init__(self, title: str):
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=title[:31])
        self.sheet.freeze_panes = "A2"
        header = []
        for name in _headers():
            cell = WriteOnlyCell(self.sheet, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        self.sheet.append(header)

    def append(self, row: dict[str, Any]) -> None:
        values = []
        for name in COLUMN_NAMES:
            value = _cell_value(row[name])
            if isinstance(value, str) and value.startswith("="):
                # cell_text escapes these already; kept as text whatever happens upstream,
                # as openpyxl would take them for formulas.
                value = WriteOnlyCell(self.sheet, value=value)
                value.data_type = TYPE_STRING
            values.append(value)
        # Plain values: openpyxl writes them without a cell object each (far faster).
        self.sheet.append(values)

    def save(self, handle) -> None:
        self.workbook.save(handle)


def xlsx_file(actors: QuerySet[Actor], *, title: str = SHEET_TITLE):
    """An XLSX workbook of ``actors`` (see ``_Sheet``) in a temporary file (open, at its
    start)."""
    sheet = _Sheet(title)
    for actor in actors_iterate(actors):
        sheet.append(actor_row(actor))
    # Handed to the response, which closes it once sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    sheet.save(handle)
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
    yield _geojson_head(extra)
    first = True
    for actor in actors_iterate(actors):
        yield ("" if first else ",\n") + _geojson_feature(actor_row(actor))
        first = False
    yield GEOJSON_TAIL


GEOJSON_TAIL = "]}\n"


def _geojson_head(extra: dict | None) -> str:
    head = {"type": "FeatureCollection", **(extra or {})}
    text = json.dumps(head, ensure_ascii=False, default=_json_default)
    return text[:-1] + ', "features": ['


def _geojson_feature(row: dict[str, Any]) -> str:
    geometry = (
        {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
        if row["latitude"] is not None and row["longitude"] is not None
        else None
    )
    feature = {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": row}
    return json.dumps(feature, ensure_ascii=False, default=_json_default)


def all_files(actors: QuerySet[Actor], handles: dict[str, Any], *, extra: dict | None = None):
    """The CSV, XLSX and GeoJSON files of ``actors`` at once, each actor read and turned into
    its columns once: ``handles`` are binary files open for writing, by format ("csv",
    "xlsx", "geojson"). The same bytes as ``csv_lines``, ``xlsx_file`` and ``geojson_chunks``
    (with ``extra``) give."""
    writer = _csv_writer()
    sheet = _Sheet(SHEET_TITLE)
    csv_out, geojson_out = handles["csv"], handles["geojson"]
    csv_out.write(writer.writerow(_headers()).encode())
    geojson_out.write(_geojson_head(extra).encode())
    first = True
    for actor in actors_iterate(actors):
        row = actor_row(actor)
        csv_out.write(_csv_line(writer, row).encode())
        sheet.append(row)
        geojson_out.write((("" if first else ",\n") + _geojson_feature(row)).encode())
        first = False
    geojson_out.write(GEOJSON_TAIL.encode())
    sheet.save(handles["xlsx"])
