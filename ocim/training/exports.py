"""Spreadsheet exports: CSV for French Excel and XLSX, safe against formula injection.

``spreadsheet_safe``, ``csv_bytes`` and ``xlsx_bytes`` are generic (headers + rows) and may be
used by any module; the rest describes the columns of a session's registrations.

Formula injection: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by spreadsheet software (``=HYPERLINK(...)``, DDE). Such a value,
typed by anyone in a public form, is prefixed with ``'`` so it is shown as text.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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


# --- Registrations of a session -----------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    key: str
    label: Any
    value: Callable[[Any], Any]


def _user(attribute: str) -> Callable[[Any], Any]:
    def read(registration):
        return getattr(registration.user, attribute, "") if registration.user_id else ""

    return read


def _field(name: str) -> Callable[[Any], Any]:
    return lambda registration: getattr(registration, name)


def _display(name: str) -> Callable[[Any], Any]:
    return lambda registration: getattr(registration, f"get_{name}_display")()


def _price_label(registration) -> str:
    return registration.price_option.label if registration.price_option_id else ""


def _price_amount(registration):
    return registration.price_option.amount if registration.price_option_id else ""


REGISTRATION_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("last_name", _("Last name"), _user("last_name")),
    ExportColumn("first_name", _("First name"), _user("first_name")),
    ExportColumn("email", _("E-mail address"), _user("email")),
    ExportColumn("job_title", _("Job title"), _field("job_title")),
    ExportColumn("employer_name", _("Employer"), _field("employer_name")),
    ExportColumn("employer_siret", _("Employer SIRET"), _field("employer_siret")),
    ExportColumn("employer_address", _("Employer address"), _field("employer_address")),
    ExportColumn("payer", _("Who pays"), _display("payer")),
    ExportColumn("price_option", _("Price option"), _price_label),
    ExportColumn("price_amount", _("Amount (euros)"), _price_amount),
    ExportColumn("status", _("Status"), _display("status")),
    ExportColumn("seat_number", _("Seat"), _field("seat_number")),
    ExportColumn("waitlist_rank", _("Waiting-list rank"), _field("waitlist_rank")),
    ExportColumn("signatory_name", _("Signatory (name)"), _field("signatory_name")),
    ExportColumn("signatory_email", _("Signatory (e-mail)"), _field("signatory_email")),
    ExportColumn(
        "admin_contact_name", _("Administrative contact (name)"), _field("admin_contact_name")
    ),
    ExportColumn(
        "admin_contact_email", _("Administrative contact (e-mail)"), _field("admin_contact_email")
    ),
    ExportColumn("expectations", _("Expectations"), _field("expectations")),
    ExportColumn(
        "accommodation_needs",
        _("Disability or accommodation needs"),
        _field("accommodation_needs"),
    ),
    ExportColumn("created_at", _("Registered at"), _field("created_at")),
    ExportColumn("confirmed_at", _("Confirmed at"), _field("confirmed_at")),
    ExportColumn("cancelled_at", _("Cancelled at"), _field("cancelled_at")),
)

# What a trainer may export of their participants (see backoffice.TRAINER_FIELDS).
TRAINER_COLUMN_KEYS = (
    "last_name",
    "first_name",
    "email",
    "employer_name",
    "accommodation_needs",
    "status",
)
TRAINER_COLUMNS: tuple[ExportColumn, ...] = tuple(
    column for key in TRAINER_COLUMN_KEYS for column in REGISTRATION_COLUMNS if column.key == key
)


def registration_table(
    registrations: Iterable[Any], columns: Sequence[ExportColumn] = REGISTRATION_COLUMNS
) -> tuple[list[str], list[list[Any]]]:
    """Translated headers and the rows of ``registrations`` (select the user and price option
    beforehand: this reads them for every row)."""
    headers = [str(column.label) for column in columns]
    rows = [[column.value(registration) for column in columns] for registration in registrations]
    return headers, rows
