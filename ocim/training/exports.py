"""Exports of a session's registrations (CSV for French Excel and XLSX): the columns, and the
rows of the registrations. The files themselves are written by ``ocim.core.spreadsheets``
(safe against formula injection).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

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
